"""``python -m pipeline``: the CLI, with a readable message when this Python lacks a dependency
(e.g. the system ``python3`` instead of ``.venv/bin/python``) instead of a traceback."""

import sys

_OWN_PACKAGES = ("pipeline", "schemas")


def _run() -> int:
    try:
        from pipeline.cli import main

        return main()
    except ModuleNotFoundError as exc:
        if not exc.name or exc.name.split(".")[0] in _OWN_PACKAGES:
            raise  # a bug of ours, not a missing dependency
        print(
            f"error: this Python ({sys.executable}) lacks {exc.name!r}, which the pipeline "
            "needs: run `make` (it installs everything into .venv/), then use `make build`, "
            "`make sql ...` or `.venv/bin/python -m pipeline ...`",
            file=sys.stderr,
        )
        return 1


sys.exit(_run())
