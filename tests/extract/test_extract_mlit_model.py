"""MLIT スマートシティモデル事業 list (mlit_smartcity_model_list): every layout family of
tests/fixtures/make_mlit_model_fixtures.py (all SYNTHETIC), its errors, and the build that
publishes it in place of the transcription, fetched from a local server by the real fetch stage.
The counts come from pipeline.announced, never from the test."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.extract import mlit_smartcity_model_list as mlit
from pipeline.extract.result import SELECTION_EXTRACT_COLUMNS
from pipeline.text import area_key
from tests.fixtures import make_mlit_model_fixtures as fx
from tests.fixtures.pdfkit import SYNTHETIC

SOURCE = fx.SOURCE_ID
LEADING, PRIORITY = mlit.LEADING_MODEL, mlit.PRIORITY
PREFECTURE_IN_AREA = {"spanning_rows"}  # 北海道札幌市, 静岡県熱海市・下田市


def announced(track: str) -> int:
    return mlit.announced_for(track)[1]


@pytest.fixture(scope="module")
def layouts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("mlit_model")
    return {name: make(out / f"{name}.pdf") for name, make in fx.LAYOUTS.items()}


def rows(pdf: Path) -> pd.DataFrame:
    return mlit.extract(SOURCE, [pdf])["selections"]


@pytest.mark.parametrize("layout", list(fx.LAYOUTS))
def test_every_layout_gives_both_tracks_as_printed(layouts: dict[str, Path], layout: str) -> None:
    frame = rows(layouts[layout])
    assert list(frame.columns) == SELECTION_EXTRACT_COLUMNS
    assert frame.track.value_counts().to_dict() == {
        LEADING: announced(LEADING), PRIORITY: announced(PRIORITY)
    }
    for track, projects in ((LEADING, fx.LEADING), (PRIORITY, fx.PRIORITY)):
        got = frame[frame.track == track]
        # several local governments in one cell stay as printed (熱海市、下田市); a list
        # printing the prefecture in the same cell (北海道札幌市) keeps it there
        printed = [(p.prefecture if layout in PREFECTURE_IN_AREA else "") + p.municipality
                   for p in projects]
        assert [area_key(a) for a in got.area_ja] == [area_key(a) for a in printed], layout
        if layout not in PREFECTURE_IN_AREA:
            assert list(got.area_ja) == printed, layout
        # printed on a group's first row only (東京都, 静岡県 in per_track_tables): carried down
        assert list(got.prefecture_ja) == [p.prefecture for p in projects], layout
    assert (frame.program_id == "smartcity_model_2019").all()
    assert (frame.announced_on == "2019-05-31").all() and (frame.fiscal_year == 2019).all()
    assert frame.page.notna().all() and (frame.source_id == SOURCE).all()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("layout", "project", "consortium", "lead"),
    [
        ("per_track_tables", True, True, True),
        ("type_column", False, True, False),  # 提案者 is the consortium; no project column
        ("bracketed_unruled", True, False, True),
        ("spanning_rows", False, True, False),
        ("sheets", True, True, True),
    ],
)
def test_columns_by_meaning(layouts: dict[str, Path], layout: str, project: bool,
                            consortium: bool, lead: bool) -> None:
    frame = rows(layouts[layout])
    projects = fx.LEADING + fx.PRIORITY
    expect = {
        "project_name_ja": [p.project for p in projects] if project else [None] * len(projects),
        "consortium_ja": [p.consortium for p in projects] if consortium else [None] * len(projects),
        "lead_org_ja": [p.lead for p in projects] if lead else [None] * len(projects),
    }
    for column, values in expect.items():  # wrapped cells joined without a space
        assert [v if isinstance(v, str) else None for v in frame[column]] == values, column
    # the target area is kept in the note, as printed
    assert frame.note.iloc[0].endswith("市中心部および郊外") or frame.note.iloc[0].endswith(
        "市中心部および郊外）")


def test_one_file_per_track_is_one_list(tmp_path: Path) -> None:
    """別紙1 (先行) and 別紙2 (重点) dropped in as two files of the source."""
    first = fx.per_track_tables(tmp_path / "besshi1.pdf", priority=())
    second = fx.type_column(tmp_path / "besshi2.pdf", leading=())
    output = mlit.extract(SOURCE, [second, first])
    frame = output["selections"]
    assert frame.track.value_counts().to_dict() == {
        LEADING: announced(LEADING), PRIORITY: announced(PRIORITY)
    }
    assert "besshi1.pdf, besshi2.pdf" in output.note
    with pytest.raises(SourceError) as err:  # one track alone is short, naming that track
        mlit.extract(SOURCE, [first])
    assert "重点事業化促進プロジェクト list is short: 0 read" in str(err.value)


@pytest.mark.slow
def test_two_files_disagreeing_on_a_track_are_named(tmp_path: Path) -> None:
    first = fx.per_track_tables(tmp_path / "a.pdf")
    second = fx.per_track_tables(tmp_path / "b.pdf", priority=fx.priority_without_yokohama())
    with pytest.raises(SourceError) as err:
        mlit.extract(SOURCE, [first, second])
    message = str(err.value)
    assert "different versions of the 重点事業化促進プロジェクト list" in message
    assert "a.pdf" in message and "b.pdf" in message and err.value.page == 3


@pytest.mark.slow
def test_pages_are_the_pages_printed_on(layouts: dict[str, Path]) -> None:
    sheets = rows(layouts["sheets"])
    assert list(sheets.page) == list(range(2, 2 + len(sheets)))  # page 1 is the cover
    tables = rows(layouts["per_track_tables"])
    assert sorted(set(tables[tables.track == PRIORITY].page)) == [3, 4]  # 重点（続き） on page 4


@pytest.mark.parametrize(
    ("text", "track"),
    [
        ("１．先行モデルプロジェクト（15件）", LEADING),
        ("【重点事業化促進プロジェクト】", PRIORITY),
        ("(2) 重点事業化促進プロジェクト（続き）", PRIORITY),
        ("Ⅱ　重点事業化促進プロジェクト　計23件", PRIORITY),
        ("■先行モデルプロジェクト：15", LEADING),
        ("別紙1 先行モデルプロジェクト一覧", LEADING),
        ("先行", LEADING),
        ("毛呂山町スマートシティ先行モデル事業", None),  # a project name, not a heading
        ("重点事業化促進プロジェクトの支援内容について", None),
    ],
)
def test_track_headings(text: str, track: str | None) -> None:
    assert mlit.track_of(text) == track


def test_a_list_one_short_names_the_track_file_and_page(tmp_path: Path) -> None:
    pdf = fx.per_track_tables(tmp_path / "short.pdf", priority=fx.PRIORITY[:-1])
    with pytest.raises(SourceError) as err:
        rows(pdf)
    message = str(err.value)
    assert err.value.source_id == SOURCE and err.value.page == 4 and "short.pdf" in message
    short = announced(PRIORITY) - 1
    assert "priority (重点事業化促進プロジェクト)" in message
    assert f"short by 1 ({short} of {short + 1})" in message


def test_an_unknown_type_cell_names_the_page(tmp_path: Path) -> None:
    odd = fx.type_column(tmp_path / "odd.pdf", labels=("先行モデルプロジェクト", "推進パートナー"))
    with pytest.raises(SourceError) as err:
        rows(odd)
    assert "推進パートナー" in str(err.value) and "odd.pdf" in str(err.value)
    assert err.value.page == 2
    assert "layouts/mlit_smartcity_model_list.csv" in str(err.value)


def test_a_scan_is_named_as_such(tmp_path: Path) -> None:
    from tests.fixtures.make_bad_fixtures import make_bad_fixtures

    scan = make_bad_fixtures(tmp_path / "bad")["no_text_layer"]
    with pytest.raises(SourceError) as err:
        rows(scan)
    assert err.value.page == 1 and scan.name in str(err.value)
    assert "scanned page? no text layer" in str(err.value)


def test_fixtures_say_they_are_synthetic(layouts: dict[str, Path]) -> None:
    from pypdf import PdfReader

    for name, path in layouts.items():
        assert PdfReader(path).metadata.subject == SYNTHETIC, name
        assert "SYNTHETIC" in PdfReader(path).pages[0].extract_text(), name


def test_debug_lines_give_each_line_its_role(layouts: dict[str, Path]) -> None:
    from pipeline.debug import debug_text

    lines = debug_text(SOURCE, layouts["per_track_tables"], pages=[1]) or []
    assert lines[0].startswith("reading kept: ")
    roles = {line[4:].split(maxsplit=1)[1]: line[4:].split()[0] for line in lines[1:]
             if line.startswith("p1 ")}
    assert roles["１．先行モデルプロジェクト（15件）"] == "heading"
    assert "header" in roles.values() and "entry" in roles.values()
    assert roles["1"] == "furniture"


# --- the build: the official list replaces the transcription, and every difference is printed


def _fetched_raw(tmp_path: Path, repo_raw: Path, pdf: bytes) -> Path:
    """raw/ as a fresh clone has it, plus the list fetched from 127.0.0.1 by the fetch stage."""
    from pipeline.fetch import FetchConfig, fetch_all
    from pipeline.workspace.registry import load_registry
    from tests.fetch_server import FaultServer, Reply

    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    (source,) = [s for s in load_registry(raw) if s.source_id == SOURCE]
    path = "/" + source.url.split("/", 3)[3]
    with FaultServer() as server:
        server.route(path, Reply(200, pdf))
        config = FetchConfig(connect_timeout=1.0, read_timeout=2.0, retries=0, backoff=0.0,
                             per_host_delay=0.0, progress=False)
        (result,) = fetch_all(raw, [replace(source, url=server.base + path)], config)
    assert result.status == "ok" and result.origin == "fetched", result.message
    return raw


def _build(raw: Path, out: Path) -> int:
    from pipeline.cli import main

    return main(["build", "--raw-dir", str(raw), "--out-dir", str(out)])


@pytest.mark.slow
def test_official_list_is_published_and_differences_printed(
    tmp_path: Path, repo_raw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = fx.per_track_tables(tmp_path / "list.pdf", priority=fx.priority_without_yokohama())
    raw = _fetched_raw(tmp_path, repo_raw, pdf.read_bytes())
    out = tmp_path / "processed"
    assert _build(raw, out) == 0
    terminal = capsys.readouterr()
    printed = terminal.out + terminal.err
    # the transcription's 横浜市 is not in the official list: said on the terminal
    assert (
        "selection lists disagree: smartcity_model_2019/priority/2019: '横浜市' in "
        "manual_smartcity_model_2019, not in mlit_smartcity_model_list" in printed
    )
    assert "'前橋市' in" not in printed  # what both hold is no difference
    selections = pd.read_parquet(out / "parquet" / "selections.parquet")
    model = selections[selections.program_id == "smartcity_model_2019"]
    assert model.track.value_counts().to_dict() == {
        LEADING: announced(LEADING), PRIORITY: announced(PRIORITY)
    }
    assert (model.source_id == SOURCE).all() and (model.evidence == "official_list").all()
    assert "横浜市" not in set(model.area_ja)
    coverage = pd.read_parquet(out / "parquet" / "coverage.parquet")
    priority = coverage[(coverage.program_id == "smartcity_model_2019")
                        & (coverage.track == PRIORITY)].iloc[0]
    assert (priority.held_count, priority.announced_count) == (23, 23)
    sources = pd.read_parquet(out / "parquet" / "sources.parquet").set_index("source_id")
    assert sources.loc[SOURCE, "status"] == "ok" and sources.loc[SOURCE, "origin"] == "fetched"


@pytest.mark.slow
def test_an_unreadable_list_keeps_the_transcription(
    tmp_path: Path, repo_raw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    short = fx.per_track_tables(tmp_path / "short.pdf", leading=fx.LEADING[1:])
    raw = _fetched_raw(tmp_path, repo_raw, short.read_bytes())
    out = tmp_path / "processed"
    assert _build(raw, out) == 3  # the source failed; the rest is published
    printed = "".join(capsys.readouterr())
    assert SOURCE in printed and "leading_model (先行モデルプロジェクト)" in printed
    assert "short by 1 (14 of 15)" in printed
    selections = pd.read_parquet(out / "parquet" / "selections.parquet")
    model = selections[selections.program_id == "smartcity_model_2019"]
    assert not (model.source_id == SOURCE).any()  # the transcription's rows, citing pages
    assert (model.evidence != "official_list").all()
    assert (model.track == LEADING).sum() == announced(LEADING)


def test_the_sources_command_lists_the_list_and_its_url(
    tmp_path: Path, repo_raw: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.cli import main

    raw = tmp_path / "raw"
    shutil.copytree(repo_raw / "document", raw / "document")
    assert main(["sources", "--raw-dir", str(raw)]) == 0
    (line,) = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith(SOURCE)]
    assert line.split() == [SOURCE, "missing", "https://www.mlit.go.jp/common/001291681.pdf"]


@pytest.mark.parametrize(
    "printed, refused",
    [  # seed 2400084: a joint proposal's last name wrapped (「…美郷」 / 「町」), its lines joined
        ("宮崎県、都城市、高千穂町、美郷町", False),
        # a name printed so (a list cut off after 「美唄」, raw/manual/japan_maas_2020.csv):
        # read as printed, as before
        ("北海道名寄市、稚内市、美唄", False),
        ("都城市", False),
        # a list ending at its separator, the next name wrapped: joined, or refused
        ("神奈川県海老名市・伊勢原市", False),
        ("神奈川県海老名市・", True),
    ],
)
def test_a_place_cut_by_its_wrap_is_refused(printed: str, refused: bool) -> None:
    from pipeline.extract import selection_lists
    from pipeline.extract.reader import Entry
    from pipeline.extract.reader.structure import _is_place

    assert _is_place(printed)  # read as the place, its wrapped end to come
    entry = Entry({"municipality": printed, "project": "都城版スマートシティ"}, "priority",
                  None, None, 36, 2, 100.0)
    error = selection_lists.check_place(entry, mlit.PLACE_ROLES[:2])
    assert (error is not None) is refused, error
    if refused:
        assert "wrapped" in error and "not read" in error  # type: ignore[operator]


@pytest.mark.parametrize("project, refused", [
    ("町AIとIoTによるおいらせの健康まちづくり", True),  # cao 402535: the place's end glued on
    ("AIとIoTによるおいらせの健康まちづくり", False),  # a place printed cut: read as printed
])
def test_a_places_wrapped_end_read_into_the_project_is_refused(project: str,
                                                                refused: bool) -> None:
    from pipeline.extract import selection_lists
    from pipeline.extract.reader import Entry

    entry = Entry({"municipality": "青森県・おいらせ町・五所川原市・鰺ヶ沢", "project": project},
                  "priority", None, None, 4, 1, 100.0)
    error = selection_lists.check_place(entry, mlit.PLACE_ROLES[:2])
    assert (error is not None) is refused, error
    if refused:
        assert "'鰺ヶ沢'" in error and "wrapped end" in error  # type: ignore[operator]


def test_the_last_place_of_several_wrapped_onto_a_place_is_one_place() -> None:
    # seed 191006: 「港区、武蔵村山市、小笠」 / 「原村」: 原村 is a village of Nagano, so the
    # second line read as a place of its own and 小笠 and 原村 were published as two places;
    # the list's last name and the line below make one local government
    from pipeline.extract.reader import Shape, load_vocabulary
    from pipeline.extract.reader.structure import Entry, _append_field

    shape = Shape(load_vocabulary(mlit.VOCABULARY), list_roles=frozenset({"area"}))
    entry = Entry({"area": "港区、武蔵村山市、小笠"}, None, None, None, 1, 1, 100.0)
    _append_field(shape, entry, "area", "原村")
    assert entry.fields["area"] == "港区、武蔵村山市、小笠原村"
    apart = Entry({"area": "港区、武蔵村山市"}, None, None, None, 1, 1, 100.0)
    _append_field(shape, apart, "area", "原村")  # a place of its own after a whole name
    assert apart.items["area"] == ("港区、武蔵村山市", "原村")


@pytest.mark.parametrize("others, read", [
    # seed 533220: the list joins a joint proposal's places with 「・」 and prints its places
    # after their prefecture: 「鹿児島県」 / 「南大隅町」 is one place wrapped (it was published
    # as 鹿児島県 and 南大隅町 proposing together, exit 0)
    ([("群馬県・館林市・吉岡町",)], "鹿児島県南大隅町"),
    ([("北海道弟子屈町",)], "鹿児島県南大隅町"),
    # a list printing joint proposals one bare name per line: the prefecture is a proposer
    ([("北海道", "更別村", "岩見沢市")], ("鹿児島県", "南大隅町")),
    # nothing, or both ways, to tell by: not guessed
    ([("猪苗代町",)], None),
    ([("北海道", "更別村", "岩見沢市"), ("群馬県・館林市",)], None),
])
def test_a_prefecture_then_its_own_on_two_lines_is_read_as_the_list_prints_places(
        others: list[tuple[str, ...]], read: str | tuple[str, ...] | None) -> None:
    from pipeline.extract.reader import Entry
    from pipeline.extract.reader.structure import Options, _State

    state = _State(mlit.shape(), Options())
    for n, names in enumerate(others, start=1):
        items = {"municipality": names} if len(names) > 1 else {}
        state.reading.entries.append(Entry({"municipality": "・".join(names)}, "priority",
                                           None, None, n, 1, 10.0 * n, items))
    pair = Entry({"municipality": "鹿児島県・南大隅町"}, "priority", None, None, 9, 2, 100.0,
                 {"municipality": ("鹿児島県", "南大隅町")})
    state.reading.entries.append(pair)
    reading = state.finish()
    if read is None:
        assert reading.problems and "not guessed" in reading.problems[0].describe()
        assert reading.problems[0].page == 2
    elif isinstance(read, str):
        assert not reading.problems and pair.fields["municipality"] == read
        assert "municipality" not in pair.items
    else:
        assert not reading.problems and pair.items["municipality"] == read


@pytest.mark.parametrize("project, refused", [
    # seed 592545: 「山陽小野田」 / 「市（山口県）」 glued to the project beside it, the target
    # area 「全域」 read as the place: published with its place 全域 and no prefecture, exit 0
    ("山陽小野田山陽小野田スマートシティ推進事業市（山口県）", True),
    ("山陽小野田スマートシティ推進事業", False),  # a project named after its place
])
def test_a_place_wrapped_into_the_project_leaves_no_place_in_the_target_area(
        project: str, refused: bool) -> None:
    from pipeline.extract import selection_lists
    from pipeline.extract.reader import Entry

    entry = Entry({"project": project, "target_area": "全域"}, "priority", None, None, 32, 2,
                  100.0)
    error = selection_lists.check_place(entry, mlit.PLACE_ROLES[:2])
    assert (error is not None) is refused, error
    if refused:
        assert "glued together" in error  # type: ignore[operator]
