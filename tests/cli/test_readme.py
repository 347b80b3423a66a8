"""README.md as a new user reads it after `make` alone (issue 20, item 4): what its code needs
is installed or it says what to install, the figures it gives are right, and it cites nothing a
user cannot open."""

from __future__ import annotations

import re

from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
                "fourteen": 14, "fifteen": 15, "sixteen": 16,
                "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}


def installed_by_make() -> set[str]:
    """The distributions `make` installs: requirements/base.txt (the pinned lock), and ours."""
    lock = (REPO / "requirements" / "base.txt").read_text(encoding="utf-8")
    names = {m.group(1).lower().replace("_", "-")
             for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", lock, re.M)}
    return names | {"pipeline", "schemas"}


def test_every_python_line_runs_after_make_or_says_what_to_install() -> None:
    base = installed_by_make()
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks
    for block in blocks:
        for line in block.splitlines():
            found = re.match(r"\s*(?:import|from)\s+([A-Za-z_][\w]*)", line)
            if not found:
                continue
            package = found.group(1).lower()
            assert package in base or f"pip install {package}" in line, (
                f"README imports {package!r}, which `make` does not install; say how: {line}")


def test_the_count_of_example_questions_is_right_where_given() -> None:
    queries = (REPO / "examples" / "queries.sql").read_text(encoding="utf-8")
    count = len(re.findall(r"^-- name: ", queries, re.M))
    assert count
    said = re.findall(r"\b(\w+) (?:tested )?(?:example )?(?:questions|queries)\b", README, re.I)
    for word in said:
        number = NUMBER_WORDS.get(word.lower()) or (int(word) if word.isdigit() else None)
        assert number in (None, count), f"README says {word} example questions; there are {count}"


def test_nothing_cites_a_file_outside_the_repository() -> None:
    """A user has the repository and the web, never the team's ../shared/ folder."""
    cited = []
    for folder in ("pipeline", "schemas", "tests", "raw/manual", "benchmarks", "examples"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and path.suffix in {".py", ".md", ".toml", ".csv", ".sql"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                if path.name != "test_readme.py" and "../shared/" in text:
                    cited.append(str(path.relative_to(REPO)))
    for name in ("README.md", "CHANGELOG.md", "Makefile"):
        if "../shared/" in (REPO / name).read_text(encoding="utf-8"):
            cited.append(name)
    assert not cited, f"cite the public URL instead of ../shared/ in {cited}"
