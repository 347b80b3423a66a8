"""`make screenshots` (pipeline/screenshots.py): a fresh offline build in a temporary folder,
served, captured in headless Chromium, and the README told which build the pictures show.

The build here is of the SYNTHETIC fixture raw folder (tests/fixtures), a small build; the page
served by a local HTTP server below is SYNTHETIC too.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from PIL import Image

from pipeline import __version__
from pipeline.screenshots import BEGIN, END, SHOTS, ScreenshotError, Shot, chromium, take
from tests.conftest import REPO
from tests.fixtures.make_fixtures import make_fixture_raw
from tests.serve.test_serve import datasette_installed, require


def distinct_colours(path: Path) -> int:
    with Image.open(path) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


def test_screenshots_of_a_small_build(
    tmp_path: Path, fixture_build: tuple[Path, Path]
) -> None:
    """The script, as `make screenshots` runs it, on the fixture raw folder: each picture is a
    real image of the page it names, and the README paragraph names the build."""
    require(shutil.which("chromium") is not None, "chromium (Debian package chromium)")
    require(datasette_installed(), "Datasette (the serve extra: pip install -e '.[serve]')")
    raw = make_fixture_raw(tmp_path / "raw")
    img = tmp_path / "img"
    readme = tmp_path / "README.md"
    readme.write_text(f"# SYNTHETIC README\n\nbefore\n\n{BEGIN}\nold words\n{END}\n\nafter\n",
                      encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.screenshots", "--raw-dir", str(raw), "--img-dir",
         str(img), "--readme", str(readme)],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # the page each picture shows, as the browser had it when the picture was taken
    assert "front-page.png (page title 'Japan smart-city initiatives" in done.stdout
    assert "showed 'Files read for this build' when taken" in done.stdout
    assert "table-page.png (page title 'smartcity: selections: " in done.stdout
    for shot in SHOTS:
        path = img / shot.file_name
        with Image.open(path) as image:
            assert image.format == "PNG"
            width, height = image.size
        assert width == shot.width and height == (shot.height or height) and height >= 600
        assert distinct_colours(path) > 8, shot.file_name  # text and links, not a blank page
    # the README says which build: read from the same (reproducible) build the tests make
    _, out = fixture_build
    tables = sorted((out / "parquet").glob("*.parquet"))
    rows = sum(pq.ParquetFile(path).metadata.num_rows for path in tables)
    text = readme.read_text(encoding="utf-8")
    assert "old words" not in text and text.startswith("# SYNTHETIC README\n\nbefore\n\n")
    said = " ".join(text.split(BEGIN)[1].split(END)[0].split())
    assert f"version {__version__}, built offline on " in said
    assert f"{rows:,} rows in {len(tables)} tables, complete" in said


def test_readme_can_be_told_which_build() -> None:
    """The README holds the markers the script rewrites, around words the script wrote."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    said = " ".join(text.split(BEGIN)[1].split(END)[0].split())
    assert said.startswith("(Screenshots of version ") and "built offline on " in said
    assert "rows in " in said and "make screenshots" in said


@pytest.fixture
def synthetic_site(tmp_path: Path) -> Iterator[str]:
    """A SYNTHETIC page on a loopback HTTP server."""
    (tmp_path / "page.html").write_text(
        "<html><head><title>SYNTHETIC page</title></head>"
        "<body><h1>SYNTHETIC</h1><p>what the page must show</p></body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_no_picture_of_a_page_that_does_not_show_its_text(
    synthetic_site: str, tmp_path: Path
) -> None:
    require(shutil.which("chromium") is not None, "chromium (Debian package chromium)")
    out = tmp_path / "img"
    with chromium() as browser:
        capture = take(browser, synthetic_site,
                       Shot("ok.png", "/page.html", "what the page must show", 640, 480), out)
        assert capture.title == "SYNTHETIC page" and capture.path.is_file()
        with pytest.raises(ScreenshotError, match="does not show 'not on this page'"):
            take(browser, synthetic_site,
                 Shot("wrong.png", "/page.html", "not on this page", 640, 480), out)
    assert not (out / "wrong.png").exists()
