"""The end of a build's output (pipeline/outcome.py), as the terminal shows it."""

from __future__ import annotations

from pathlib import Path

from pipeline.outcome import BuildOutcome, closing_lines


def test_sources_failing_alike_on_different_hosts_are_listed_under_one_reason(
    tmp_path: Path,
) -> None:
    # no network: each host's DNS lookup fails, one reason per host; the user reads it once
    urls = {"a_page": "https://www.soumu.go.jp/a.html", "b_list": "https://www.mlit.go.jp/b.pdf",
            "c_page": "https://www.mlit.go.jp/c.html", "d_list": ""}
    why = {"a_page": "DNS lookup of www.soumu.go.jp failed",
           "b_list": "DNS lookup of www.mlit.go.jp failed",
           "c_page": "DNS lookup of www.mlit.go.jp failed",
           "d_list": "no URL is known"}
    outcome = BuildOutcome(published=True, up_to_date=False, complete=False,
                           missing_sources=sorted(urls), how_to_add=urls)
    lines = closing_lines(outcome, tmp_path, why)
    assert lines[:7] == [
        "4 source(s) not in raw/; download each by hand from the address given into "
        "raw/<source_id>/:",
        "  DNS lookup of its host failed (3):",
        "    a_page  https://www.soumu.go.jp/a.html",
        "    b_list  https://www.mlit.go.jp/b.pdf",
        "    c_page  https://www.mlit.go.jp/c.html",
        "  no URL is known (1):",
        "    d_list",
    ]
    assert lines[7].startswith("published, INCOMPLETE (4 source(s) missing): ")
