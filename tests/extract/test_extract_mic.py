"""The MIC データ利活用型スマートシティ推進事業 release pages and the NIES energy news item: every
layout family (tests/fixtures/make_release_fixtures.py, all SYNTHETIC), the checks that the page
is the release it should be, and how a regional (partial) list joins the transcription, end to
end through the fetch stage on 127.0.0.1."""

from __future__ import annotations

import csv
import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.errors import SourceError
from pipeline.extract import mic_release
from pipeline.transform.normalize import choose_selection_rows
from pipeline.workspace.registry import DEFAULT_REGISTRY, declared_extractors, load_registry
from tests.conftest import REPO
from tests.fetch_server import FaultServer, Reply
from tests.fixtures.make_release_fixtures import (
    AKITA_ROW,
    ENERGY_AREAS,
    NIIHAMA_ROW,
    RAW_FILES,
    SAPPORO_ROW,
    make_release_fixtures,
    mic_pages,
    nies_pages,
    source_of,
)

EXTRACTORS = declared_extractors()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_release_fixtures(tmp_path_factory.mktemp("releases"))


def extract(source_id: str, path: Path):
    return importlib.import_module(EXTRACTORS[source_id]).extract(source_id, [path])


def write(tmp_path: Path, text: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- every layout family ----------------------------------------------------------------------

AKITA = {"area_ja": AKITA_ROW[0], "lead_org_ja": "秋田県秋田市(SYNTHETIC)",
         "project_name_ja": "秋田市データ利活用基盤構築事業(SYNTHETIC)", "prefecture_ja": "秋田県"}
SAPPORO = {"area_ja": SAPPORO_ROW[0], "lead_org_ja": SAPPORO_ROW[1],
           "project_name_ja": SAPPORO_ROW[2], "prefecture_ja": "北海道"}


@pytest.mark.parametrize(
    "layout, fiscal_year, round_, rows",
    [
        ("national_table", 2018, "first",
         [AKITA]),
        ("national_pipe_lines", 2018, "first",  # text lines split on bars, columns reordered
         [AKITA]),
        ("regional_text_lines", 2017, "first", [SAPPORO]),  # full-width spaces, 平成２９年
        ("regional_text_lines_sjis", 2017, "first", [SAPPORO]),  # the same page in Shift_JIS
        ("regional_key_value", 2017, "first", [SAPPORO]),  # 実施地域：… blocks, dated H29.6.16
        ("regional_merged_cells", 2017, "first",  # rowspan / colspan, wrapped cells, 事業名称
         [{**SAPPORO, "area_ja": "札幌市"},
          {"area_ja": "旭川市", "lead_org_ja": "旭川市(SYNTHETIC)",
           "project_name_ja": "旭川市データ連携事業(SYNTHETIC)", "prefecture_ja": "北海道"}]),
        ("regional_table_reordered", 2019, "first",  # 提案団体 | 実施地域 | 事業名, <td> header
         [{"area_ja": NIIHAMA_ROW[1], "lead_org_ja": NIIHAMA_ROW[0],
           "project_name_ja": NIIHAMA_ROW[2], "prefecture_ja": "愛媛県"}]),
    ],
)
def test_every_mic_layout_gives_its_candidates(
    pages: dict[str, Path], layout: str, fiscal_year: int, round_: str, rows: list[dict]
) -> None:
    source_id = source_of(layout)
    frame = extract(source_id, pages[layout])["selections"]
    assert frame[list(rows[0])].to_dict("records") == rows
    assert set(frame["fiscal_year"]) == {fiscal_year} and set(frame["round"]) == {round_}
    assert set(frame["program_id"]) == {"data_smartcity_2017"} and set(frame["track"]) == {
        "subsidy"}
    assert (frame["source_id"] == source_id).all()


def test_a_regional_page_says_it_lists_part_of_the_round(pages: dict[str, Path]) -> None:
    output = extract("mic_hokkaido_data_smartcity_2017_r1", pages["regional_text_lines"])
    assert output.notes == ["lists 1 of the 4 candidates announced nationwide (a regional page)"]
    assert len(output["selections"]) == 1


@pytest.mark.parametrize("layout", ["nies_prose", "nies_bullets", "nies_table"])
def test_every_nies_layout_gives_the_four_areas_as_printed(
    pages: dict[str, Path], layout: str
) -> None:
    frame = extract("nies_energy_demo_2010", pages[layout])["selections"]
    assert list(frame["area_ja"]) == list(ENERGY_AREAS)
    assert "京都府けいはんな学研都市" in set(frame["area_ja"])  # D7: never narrowed to 精華町
    assert list(frame["prefecture_ja"]) == ["神奈川県", "愛知県", "京都府", "福岡県"]
    assert set(frame["announced_on"]) == {"2010-04-08"} and set(frame["fiscal_year"]) == {2010}


# --- the page must be the release it should be --------------------------------------------------


def test_a_page_of_another_round_is_refused_naming_the_file(pages: dict[str, Path]) -> None:
    path = pages["regional_table_reordered"]  # the FY2019 page, archived as the FY2018 release
    with pytest.raises(SourceError, match=r"FY2019 first \(2019-07-09\), not of the FY2018 "
                       r"first round") as caught:
        extract("mic_data_smartcity_2018_r1", path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace("データ利活用型スマートシティ推進事業", "地域IoT実装推進事業"),
         "does not name データ利活用型スマートシティ推進事業"),
        (lambda t: t.replace("平成30年7月10日", "平成30年7月11日"), "not dated 2018-07-10"),
        (lambda t: t.replace("実施地域", "地区").replace("代表提案団体", "団体").replace(
            "事業名", "件名"), "no list of candidates was recognised"),
        (lambda t: t.replace("</table>", "<tr><td>秋田県横手市</td><td>横手市</td><td>x</td>"
                             "</tr></table>"), "2 rows read .* more than the 1 announced"),
        (lambda t: "<html><head><title>404 Not Found</title></head><body>ページが見つかりません"
         "</body></html>", "error page"),
    ],
)
def test_a_page_that_is_not_the_release_fails_naming_the_file(
    tmp_path: Path, edit, message: str
) -> None:
    path = write(tmp_path, edit(mic_pages()["national_table"][1]))
    with pytest.raises(SourceError, match=message) as caught:
        extract("mic_data_smartcity_2018_r1", path)
    assert str(path) in str(caught.value)


def test_a_nationwide_count_other_than_the_announced_fails(tmp_path: Path) -> None:
    path = write(tmp_path, mic_pages()["regional_text_lines"][1].replace("全国で4件", "全国で5件"))
    with pytest.raises(SourceError, match="says 5 candidates nationwide, 4 were announced"):
        extract("mic_hokkaido_data_smartcity_2017_r1", path)


def test_a_national_page_short_of_the_announced_count_fails(tmp_path: Path) -> None:
    """Only a regional page may list fewer candidates than announced: read as a national page,
    the same 1-of-4 page is a misread, named."""
    path = write(tmp_path, mic_pages()["regional_text_lines"][1])
    rows = mic_release.extract_round("x", [path], 2017, "first", regional=True)
    assert len(rows.tables["selections"]) == 1 and "a regional page" in rows.note
    with pytest.raises(SourceError, match="1 rows read, 4 announced for FY2017 first: the "
                       "national release lists every candidate") as caught:
        mic_release.extract_round("x", [path], 2017, "first", regional=False)
    assert str(path) in str(caught.value)


def test_a_text_line_that_does_not_split_into_the_columns_is_named(tmp_path: Path) -> None:
    text = mic_pages()["regional_text_lines"][1].replace("　".join(SAPPORO_ROW), "札幌市のみ")
    path = write(tmp_path, text)
    with pytest.raises(SourceError, match=r"line \d+: cannot split '札幌市のみ' into the 3 "
                       "columns"):
        extract("mic_hokkaido_data_smartcity_2017_r1", path)


@pytest.mark.parametrize(
    "layout, edit, message",
    [
        ("nies_three_areas", None, r"3 areas read .* 4 were announced"),
        ("nies_prose", lambda t: t.replace("2010.04.08", "2010.04.09"), "not dated 2010-04-08"),
        ("nies_prose", lambda t: t.replace("京都府けいはんな", "けいはんな"),
         "'けいはんな学研都市' does not begin with its prefecture"),
    ],
)
def test_a_misread_nies_page_fails(tmp_path: Path, layout: str, edit, message: str) -> None:
    text = nies_pages()[layout]
    path = write(tmp_path, edit(text) if edit else text)
    with pytest.raises(SourceError, match=message) as caught:
        extract("nies_energy_demo_2010", path)
    assert str(path) in str(caught.value)


def test_a_new_header_is_a_line_in_the_layout_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = mic_pages()["national_table"][1].replace("実施地域", "採択地域")
    path = write(tmp_path, text)
    # no single column is required: unknown, 採択地域 is not read, the proposer stands for it
    frame = extract("mic_data_smartcity_2018_r1", path)["selections"]
    assert list(frame["area_ja"]) == ["秋田県秋田市(SYNTHETIC)"]
    layout = tmp_path / "mic_release.csv"
    shutil.copyfile(mic_release.LAYOUT_FILE, layout)
    with layout.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["area", "採択地域", "added by a user"])
    monkeypatch.setattr(mic_release, "LAYOUT_FILE", layout)
    mic_release.header_roles.cache_clear()
    try:
        frame = extract("mic_data_smartcity_2018_r1", path)["selections"]
    finally:
        mic_release.header_roles.cache_clear()
    assert list(frame["area_ja"]) == [AKITA_ROW[0]]


def test_dates_in_era_and_western_forms() -> None:
    assert mic_release.page_dates("令和元年７月９日 2019年7月9日 H29.6.16 2010.04.08") == [
        "2019-07-09", "2019-07-09", "2017-06-16", "2010-04-08"]


# --- the registry -------------------------------------------------------------------------------


def test_the_official_pages_are_registered_and_the_regional_ones_are_partial(
    repo_raw: Path,
) -> None:
    sources = {s.source_id: s for s in load_registry(repo_raw)}
    for source_id in RAW_FILES:
        source = sources[source_id]
        assert source.kind == "remote" and source.authority == "official", source_id
        assert source.media_type == "text/html" and source.url, source_id
    partial = {sid for sid in RAW_FILES if sources[sid].partial_list}
    assert partial == {"mic_hokkaido_data_smartcity_2017_r1", "mic_shikoku_data_smartcity_2019_r1"}
    assert sources["mic_data_smartcity_2018_r1"].url == (
        "http://www.soumu.go.jp/menu_news/s-news/01tsushin01_02000257.html")
    # the FY2018 additional round has no known official URL: its JPubb copy is not registered
    assert not any("itmedia" in (s.url or "") for s in sources.values())


# --- a partial official list and the transcription ------------------------------------------------


def rows(source_id: str, *areas: tuple[str, str | None], year: int = 2017,
         round_: str = "first") -> pd.DataFrame:
    return pd.DataFrame([
        {"program_id": "data_smartcity_2017", "track": "subsidy", "fiscal_year": year,
         "round": round_, "area_ja": area, "project_name_ja": project, "lead_org_ja": None,
         "source_id": source_id}
        for area, project in areas
    ])


def test_a_partial_list_replaces_only_its_own_rows_and_says_what_differs() -> None:
    regional = rows("bureau", ("北海道札幌市", "札幌市事業"), ("北海道旭川市", None))
    transcribed = rows("manual", ("札幌市", "札幌市の事業"), ("仙台市", None), ("高松市", None))
    published, differences = choose_selection_rows(
        [("bureau", regional), ("manual", transcribed)], partial={"bureau"})
    assert sorted(zip(published["area_ja"], published["source_id"], strict=True)) == [
        ("仙台市", "manual"), ("北海道旭川市", "bureau"), ("北海道札幌市", "bureau"),
        ("高松市", "manual")]
    assert differences == [
        "data_smartcity_2017/subsidy/2017/first: project_name_ja '札幌市事業' in bureau, "
        "'札幌市の事業' in manual",
        "data_smartcity_2017/subsidy/2017/first: '北海道旭川市' in bureau (a partial list), "
        "not in manual",
    ]


def test_a_partial_row_with_another_area_text_matches_by_project_name() -> None:
    regional = rows("bureau", ("愛媛県新居浜地区", "新居浜市スマートシティ推進事業"), year=2019)
    transcribed = rows("manual", ("新居浜市", "新居浜市スマートシティ推進事業"), year=2019)
    published, differences = choose_selection_rows(
        [("bureau", regional), ("manual", transcribed)], partial={"bureau"})
    assert list(published["area_ja"]) == ["愛媛県新居浜地区"]
    assert differences == ["data_smartcity_2017/subsidy/2019/first: area_ja '愛媛県新居浜地区' in "
                           "bureau, '新居浜市' in manual"]


def test_a_complete_official_list_wins_over_a_partial_one() -> None:
    national = rows("national", ("札幌市", None), ("仙台市", None))
    regional = rows("bureau", ("北海道札幌市", None), ("北海道函館市", None))
    transcribed = rows("manual", ("札幌市", None))
    published, differences = choose_selection_rows(
        [("national", national), ("bureau", regional), ("manual", transcribed)],
        partial={"bureau"})
    assert list(published["source_id"]) == ["national", "national"]
    assert differences == [
        "data_smartcity_2017/subsidy/2017/first: '北海道函館市' in bureau (a partial list), "
        "not in national",
        "data_smartcity_2017/subsidy/2017/first: '仙台市' in national, not in manual",
    ]


def test_two_regional_pages_of_one_round_add_up() -> None:
    north = rows("north", ("北海道札幌市", None))
    south = rows("south", ("香川県高松市", None))
    published, differences = choose_selection_rows(
        [("north", north), ("south", south)], partial={"north", "south"})
    assert list(published["area_ja"]) == ["北海道札幌市", "香川県高松市"] and differences == []


# --- end to end: served on 127.0.0.1, fetched by the real fetch stage, built -------------------

FY2018_TRANSCRIBED = (  # a deliberate difference: the transcription names another city
    "data_smartcity_2017,subsidy,selected,2018,first,2018-07-10,秋田県,横手市,,,,,,,,"
    "SYNTHETIC test row,http://www.soumu.go.jp/menu_news/s-news/01tsushin01_02000257.html,\n"
)
FY2017_OTHER_REGION = (  # a transcribed row of another region of the round the 北海道 page lists
    "data_smartcity_2017,subsidy,selected,2017,first,2017-06-16,宮城県,仙台市,,,,,,,,"
    "SYNTHETIC test row,http://www.soumu.go.jp/soutsu/hokkaido/2017/0616d.html,\n"
)


@pytest.mark.slow
def test_served_pages_are_fetched_and_join_the_transcription(
    repo_raw: Path, tmp_path: Path
) -> None:
    from pipeline.fetch import FetchConfig, fetch_all

    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    transcription = raw / "manual" / "data_smartcity_2017.csv"
    with transcription.open("a", encoding="utf-8") as fh:
        fh.write(FY2018_TRANSCRIBED + FY2017_OTHER_REGION)
    transcribed_2017 = {r["area_ja"] for r in csv.DictReader(transcription.open(encoding="utf-8"))
                        if r["fiscal_year"] == "2017" and r["round"] == "first"}
    texts = {name: text for name, (_, text) in mic_pages().items()} | nies_pages()
    layouts = {"mic_data_smartcity_2018_r1": "national_table",
               "mic_hokkaido_data_smartcity_2017_r1": "regional_text_lines",
               "mic_shikoku_data_smartcity_2019_r1": "regional_table_reordered",
               "nies_energy_demo_2010": "nies_prose"}
    registry_text = DEFAULT_REGISTRY.read_text(encoding="utf-8")
    with FaultServer() as server, FaultServer() as archive:
        official = {s.source_id: s.url for s in load_registry(raw) if s.source_id in layouts}
        for source_id, url in official.items():
            path = f"/{source_id}/{RAW_FILES[source_id]}"
            server.route(path, Reply(200, texts[layouts[source_id]].encode("utf-8"),
                                     headers={"Content-Type": "text/html; charset=utf-8"}))
            registry_text = registry_text.replace(f'url = "{url}"', f'url = "{server.url(path)}"')
        registry = tmp_path / "sources.toml"
        registry.write_text(registry_text, encoding="utf-8")
        sources = [s for s in load_registry(raw, registry) if s.source_id in layouts]
        config = FetchConfig(connect_timeout=1.0, read_timeout=1.0, retries=1, backoff=0.01,
                             per_host_delay=0.0, wayback_base=f"{archive.base}/web",
                             progress=False)
        results = fetch_all(raw, sources, config)
    assert [(r.status, r.origin) for r in results] == [("ok", "fetched")] * 4, [
        r.message for r in results]

    out = tmp_path / "processed"
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "build", "--raw-dir", str(raw), "--out-dir",
         str(out), "--sources", str(registry)],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    terminal = done.stdout + done.stderr
    # the national page decides its round; the deliberate difference is printed both ways
    assert ("selection lists disagree: data_smartcity_2017/subsidy/2018/first: '秋田県秋田市' in "
            "mic_data_smartcity_2018_r1, not in manual_data_smartcity_2017") in terminal
    assert ("selection lists disagree: data_smartcity_2017/subsidy/2018/first: '横手市' in "
            "manual_data_smartcity_2017, not in mic_data_smartcity_2018_r1") in terminal
    assert ("data_smartcity_2017/subsidy/2019/first: area_ja '愛媛県新居浜地区(新居浜市)' in "
            "mic_shikoku_data_smartcity_2019_r1, '新居浜市' in manual_data_smartcity_2017"
            ) in terminal

    with duckdb.connect(str(out / "smartcity.duckdb"), read_only=True) as db:
        def select(fy: int, round_: str) -> dict[str, tuple[str, str]]:
            return {area: (evidence, source) for area, evidence, source in db.execute(
                "select area_ja, evidence, source_id from selections where program_id = "
                "'data_smartcity_2017' and fiscal_year = ? and round = ?", [fy, round_]
            ).fetchall()}

        first_2017 = select(2017, "first")
        first_2018 = select(2018, "first")
        energy = db.execute("select area_ja, evidence from selections where program_id = "
                            "'energy_demo_2010' order by area_ja").fetchall()
        status = dict(db.execute("select source_id, status from sources").fetchall())
        niihama = db.execute(
            "select a.lg_code, a.link from selections s join selection_areas a using "
            "(selection_id) where s.source_id = 'mic_shikoku_data_smartcity_2019_r1'"
        ).fetchall()
    # the 北海道 page replaces 札幌市 only: every other transcribed row of the round stays
    assert first_2017["北海道札幌市"] == ("official_list", "mic_hokkaido_data_smartcity_2017_r1")
    assert {area for area in first_2017 if area != "北海道札幌市"} == transcribed_2017 - {"札幌市"}
    assert first_2017["仙台市"][0] == "official_page"  # the transcription, as before
    assert first_2018 == {"秋田県秋田市": ("official_list", "mic_data_smartcity_2018_r1")}
    assert sorted(energy) == sorted((area, "official_list") for area in ENERGY_AREAS)
    assert all(status[s] == "ok" for s in layouts)
    # the area as printed names its city in brackets: 新居浜市 stays a selected local government
    assert niihama == [("382051", "local_government")]


def test_each_round_module_and_the_registry_agree_on_which_pages_are_regional(
    repo_raw: Path,
) -> None:
    """A regional page is said twice, by its module (a short list is no misread) and by the
    registry (partial_list: it never decides a round alone); they must not drift apart."""
    mic = [s for s in load_registry(repo_raw) if s.extractor and s.extractor.startswith(
        "mic_release_")]
    assert len(mic) == 3
    for source in mic:
        module = importlib.import_module(source.extractor_module)
        assert module.REGIONAL == source.partial_list, source.source_id
