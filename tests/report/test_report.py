"""Figures of the publication (pipeline.report), drawn from SYNTHETIC tables written here.

The rows below are a SYNTHETIC TEST FIXTURE - not an official document: real-looking names and
codes, but a few rows only, not the published counts.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.text import Text
from PIL import Image

from pipeline.announced import ANNOUNCED_COUNTS, MEMBER_CATEGORIES, MEMBER_COMPOSITIONS
from pipeline.errors import PipelineError
from pipeline.report import (
    NO_DATA,
    TABLE_COLUMNS,
    FigureSpec,
    build_figures,
    load_tables,
    make_report,
    png_bytes,
)
from schemas.vocabularies import SINGLE_ROUND

SYNTHETIC = "synthetic_fixture"

AGENCIES = [
    ("cao", "Cabinet Office", "内閣府", "CAO"),
    ("mic", "Ministry of Internal Affairs and Communications", "総務省", "MIC"),
    ("meti", "Ministry of Economy, Trade and Industry", "経済産業省", "METI"),
    ("mlit", "Ministry of Land, Infrastructure, Transport and Tourism", "国土交通省", "MLIT"),
]
PROGRAMS = [
    ("energy_demo_2010", "Next Generation Energy and Social System Demonstration Project",
     "次世代エネルギー・社会システム実証事業", 2010, 2014),
    ("data_smartcity_2017", "Data Utilization Smart City Promotion Project",
     "データ利活用型スマートシティ推進事業", 2017, 2019),
    ("near_future_tech_2018", "Social Implementation of Near-Future Technologies",
     "近未来技術等社会実装事業", 2018, 2019),
    ("smartcity_model_2019", "Smart City Model Project", "スマートシティモデル事業", 2019, None),
    ("smart_mobility_challenge_2019", "Smart Mobility Challenge", "スマートモビリティチャレンジ",
     2019, None),
    ("scpf_2019", "Smart City Public-Private Partnerships Platform",
     "スマートシティ官民連携プラットフォーム", 2019, None),
    ("future_tech_2020", "Social Implementation of Future Technologies", "未来技術社会実装事業",
     2020, None),
]
# program_id -> its predecessor (the family is the first programme of the chain)
PREDECESSORS = {"future_tech_2020": "near_future_tech_2018"}
# as_of, total, approximate (SYNTHETIC figures of the platform's membership)
PLATFORM_COUNTS = [("2019-08-08", 12, False), ("2021-08-24", 20, True)]
PROGRAM_AGENCIES = [
    ("energy_demo_2010", "meti", "lead"),
    ("data_smartcity_2017", "mic", "lead"),
    ("near_future_tech_2018", "cao", "lead"),
    ("future_tech_2020", "cao", "lead"),
    ("smartcity_model_2019", "mlit", "lead"),
    ("smart_mobility_challenge_2019", "meti", "co_lead"),
    ("smart_mobility_challenge_2019", "mlit", "co_lead"),
    ("scpf_2019", "cao", "secretariat"),
    ("scpf_2019", "mic", "secretariat"),
    ("scpf_2019", "meti", "secretariat"),
    ("scpf_2019", "mlit", "secretariat"),
]
# lg_code, prefecture_code, prefecture_ja, name_ja, kind
MUNICIPALITIES = [
    ("141003", "14", "神奈川県", "横浜市", "designated_city"),
    ("232114", "23", "愛知県", "豊田市", "city"),
    ("261009", "26", "京都府", "京都市", "designated_city"),
    ("401005", "40", "福岡県", "北九州市", "designated_city"),
    ("372013", "37", "香川県", "高松市", "city"),
    ("162019", "16", "富山県", "富山市", "city"),
    ("082201", "08", "茨城県", "つくば市", "city"),
    ("082023", "08", "茨城県", "日立市", "city"),
    ("092011", "09", "栃木県", "宇都宮市", "city"),
    ("102016", "10", "群馬県", "前橋市", "city"),
    ("122173", "12", "千葉県", "柏市", "city"),
    ("130001", "13", "東京都", "東京都", "prefecture"),
]
# name_ja, category, lg_code, evidence
MEMBERS = [
    ("トヨタ自動車株式会社", "company", None, "secondary"),
    ("日本電気株式会社", "company", None, "secondary"),
    ("株式会社日立製作所", "company", None, "secondary"),
    ("三井不動産株式会社", "company", None, "official_page"),
    ("国立大学法人東京大学", "university_research", None, "secondary"),
    ("国立研究開発法人産業技術総合研究所", "university_research", None, "secondary"),
    ("横浜市", "local_government", "141003", "official_page"),
    ("柏市", "local_government", "122173", "secondary"),
    ("前橋市", "local_government", "102016", "secondary"),
    ("つくば市", "local_government", "082201", "secondary"),
    ("東京都", "local_government", "130001", "secondary"),
    ("国土交通省", "ministry_economic_org", None, "official_page"),
]
# selection_id, program_id, track, fiscal_year, round, prefecture_ja, area_ja, group, lg_codes,
# evidence. data_smartcity_2017-04 has a round not known (NULL), and
# near_future_tech_2018-01 no confirmed year: both are held outside the announced figures.
SELECTIONS = [
    ("energy_demo_2010-01", "energy_demo_2010", "demonstration_area", 2010, "single", "神奈川県",
     "横浜市", None, ["141003"], "secondary"),
    ("energy_demo_2010-02", "energy_demo_2010", "demonstration_area", 2010, "single", "愛知県",
     "豊田市", None, ["232114"], "secondary"),
    ("energy_demo_2010-03", "energy_demo_2010", "demonstration_area", 2010, "single", "京都府",
     "けいはんな学研都市", None, ["261009"], "secondary"),
    ("energy_demo_2010-04", "energy_demo_2010", "demonstration_area", 2010, "single", "福岡県",
     "北九州市", None, ["401005"], "secondary"),
    ("data_smartcity_2017-01", "data_smartcity_2017", "subsidy", 2017, "first", "香川県",
     "高松市", None, ["372013"], "official_list"),
    ("data_smartcity_2017-02", "data_smartcity_2017", "subsidy", 2018, "first", "秋田県",
     "秋田", None, [], "official_page"),
    ("data_smartcity_2017-03", "data_smartcity_2017", "subsidy", 2018, "additional", "富山県",
     "富山市全域", None, ["162019"], "official_page"),
    ("data_smartcity_2017-04", "data_smartcity_2017", "subsidy", 2017, None, "兵庫県",
     "加古川市", None, [], "secondary"),
    ("near_future_tech_2018-01", "near_future_tech_2018", "selected_project", None, "",
     "大阪府", "河内長野市", None, [], "secondary"),
    ("smartcity_model_2019-01", "smartcity_model_2019", "leading_model", 2019, "single", "茨城県",
     "つくば市全域", None, ["082201"], "official_page"),
    ("smartcity_model_2019-02", "smartcity_model_2019", "leading_model", 2019, "single", "栃木県",
     "宇都宮市全域", None, ["092011"], "official_page"),
    ("smartcity_model_2019-03", "smartcity_model_2019", "leading_model", 2019, "single", "千葉県",
     "柏の葉キャンパス駅周辺", None, ["122173"], "secondary"),
    ("smc_meti-01", "smart_mobility_challenge_2019", "meti_pilot", 2019, "single", "茨城県",
     "日立市", "smc-hitachi", ["082023"], "secondary"),
    ("smc_meti-02", "smart_mobility_challenge_2019", "meti_pilot", 2019, "single", "群馬県",
     "前橋市", "smc-maebashi", ["102016"], "secondary"),
    ("smc_mlit-01", "smart_mobility_challenge_2019", "mlit_model", 2019, "single", "茨城県",
     "日立市", "smc-hitachi", ["082023"], "secondary"),
    ("smc_mlit-02", "smart_mobility_challenge_2019", "mlit_model", 2019, "single", "群馬県",
     "前橋市", "smc-maebashi", ["102016"], "secondary"),
]


def synthetic_tables() -> dict[str, pd.DataFrame]:
    """Every contract table, with the contract's columns in order, a few synthetic rows each."""
    t: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    t["sources"] = [dict(
        source_id=SYNTHETIC, title="SYNTHETIC TEST FIXTURE - not an official document",
        publisher="tests", url=None, parent_source_id=None, media_type="text/plain",
        origin="bundled", authority="official", status="ok", status_detail="", retrieved_at=None,
        sha256="0" * 64, bytes=0, file_path=None,
    )]
    t["agencies"] = [dict(zip(TABLE_COLUMNS["agencies"], a, strict=True)) for a in AGENCIES]
    t["programs"] = [
        dict(program_id=p, name_en=en, name_ja=ja, start_year=s, end_year=e, description_en="",
             note="", source_id=SYNTHETIC, predecessor_program_id=PREDECESSORS.get(p),
             family_id=PREDECESSORS.get(p, p))
        for p, en, ja, s, e in PROGRAMS
    ]
    t["platform_member_counts"] = [
        dict(as_of=pd.Timestamp(d).date(), total=n, total_approximate=a, evidence="secondary",
             source_id=SYNTHETIC)
        for d, n, a in PLATFORM_COUNTS
    ]
    t["program_agencies"] = [
        dict(program_id=p, agency_id=a, role=r, source_id=SYNTHETIC) for p, a, r in PROGRAM_AGENCIES
    ]
    t["municipalities"] = [
        dict(lg_code=c, lg_code5=c[:5], prefecture_code=pc, prefecture_ja=pj, name_ja=n,
             name_kana="", name_en="", kind=k, district_ja=None, parent_lg_code=None,
             source_id=SYNTHETIC)
        for c, pc, pj, n, k in MUNICIPALITIES
    ]
    prefectures = {c: pj for c, _, pj, _, _ in MUNICIPALITIES}
    t["platform_members"] = [
        dict(member_id=f"m{i:03d}", name_ja=n, name_normalized=n, category=c,
             category_ja=MEMBER_CATEGORIES[c], prefecture_ja=prefectures.get(lg),
             lg_code=lg, as_of="2019-08-08", evidence=ev, source_id=SYNTHETIC, page=1 + i // 6)
        for i, (n, c, lg, ev) in enumerate(MEMBERS, start=1)
    ]
    for sid, program, track, fy, rnd, pref, area, group, codes, ev in SELECTIONS:
        t["selections"].append(dict(
            selection_id=sid, program_id=program, track=track, fiscal_year=fy, round=rnd,
            announced_on=None, project_name_ja=f"{area}プロジェクト", lead_org_ja=area,
            consortium_ja=None, prefecture_ja=pref, area_ja=area,
            selection_group_id=group or sid, note="", evidence=ev, source_id=SYNTHETIC, page=1,
        ))
        t["selection_areas"] += [
            dict(selection_id=sid, lg_code=c, area_part_ja=area, source_id=SYNTHETIC, page=1)
            for c in codes
        ]
    frames = {}
    for name, columns in TABLE_COLUMNS.items():
        frame = pd.DataFrame(t[name], columns=columns)
        for column in ("start_year", "end_year", "fiscal_year", "page", "bytes",
                       "announced_count", "held_count"):
            if column in frame:
                frame[column] = frame[column].astype("Int64")
        frames[name] = frame
    return with_coverage(frames)


def with_coverage(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The coverage table of these selections and members, counted as the build counts: one
    row per announced figure (the platform: per category, of the corrected composition), one
    per year and round held without a figure; rows with no year count in none."""
    selections = frames["selections"].dropna(subset=["fiscal_year"])
    key = ["program_id", "track", "fiscal_year", "round"]
    held = {tuple(None if pd.isna(v) else v for v in k): n
            for k, n in selections.groupby(key, dropna=False).size().items()}
    members = frames["platform_members"]["category"].value_counts()
    figures = [(a.program_id, a.track, a.fiscal_year, a.round, a.count) for a in ANNOUNCED_COUNTS]
    figures += [("scpf_2019", c, 2019, SINGLE_ROUND, n)
                for c, n in MEMBER_COMPOSITIONS[0].counts.items()]
    held |= {("scpf_2019", c, 2019, SINGLE_ROUND): int(members.get(c, 0))
             for c in MEMBER_CATEGORIES}
    rows = [dict(program_id=p, track=t, fiscal_year=y, round=r, announced_count=n,
                 announced_source_id=SYNTHETIC, held_count=held.get((p, t, y, r), 0),
                 complete=held.get((p, t, y, r), 0) == n)
            for p, t, y, r, n in figures]
    announced = {row[:4] for row in figures}
    rows += [dict(program_id=p, track=t, fiscal_year=y, round=r, announced_count=None,
                  announced_source_id=None, held_count=n, complete=False)
             for (p, t, y, r), n in held.items() if (p, t, y, r) not in announced]
    coverage = pd.DataFrame(rows, columns=TABLE_COLUMNS["coverage"])
    for column in ("fiscal_year", "announced_count", "held_count"):
        coverage[column] = coverage[column].astype("Int64")
    return {**frames, "coverage": coverage}


def write_publication(out_dir: Path, tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """Write the tables as ``out_dir/parquet/<table>.parquet`` (what the report reads)."""
    tables = synthetic_tables() if tables is None else tables
    (out_dir / "parquet").mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(out_dir / "parquet" / f"{name}.parquet", index=False)
    return out_dir


def _hashes(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def _texts(figure) -> str:
    return "\n".join(t.get_text() for t in figure.findobj(Text))


PNG_NAMES = [
    "1_platform_members_by_category.png",
    "2_programme_timeline.png",
    "3_prefecture_map.png",
    "4_coverage_announced_vs_held.png",
    "5_programme_families_by_year.png",
    "6_platform_members_over_time.png",
]


@pytest.mark.slow
def test_report_writes_six_pngs_and_a_page(tmp_path: Path) -> None:
    out = write_publication(tmp_path)
    paths = make_report(out)
    assert [p.name for p in paths] == [*PNG_NAMES, "README.md"]
    for path in paths[:6]:
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert b"Software" not in path.read_bytes()
    page = (out / "report" / "README.md").read_text(encoding="utf-8")
    for name in PNG_NAMES:
        assert f"({name})" in page
    assert "have no location" in page  # the map caption says which members are not mapped


@pytest.mark.slow
def test_report_is_byte_identical_twice(tmp_path: Path) -> None:
    first = _hashes(make_report(write_publication(tmp_path / "a")))
    second = _hashes(make_report(write_publication(tmp_path / "b")))
    assert first == second


@pytest.mark.slow
def test_figures_show_the_data() -> None:
    tables = synthetic_tables()
    no_count = dict(program_id="future_tech_2020", track="selected_project", fiscal_year=2024,
                    round=SINGLE_ROUND, announced_count=None, announced_source_id=None,
                    held_count=0, complete=False)  # an announcement whose count no source states
    tables["coverage"] = pd.concat([tables["coverage"], pd.DataFrame([no_count])],
                                   ignore_index=True)
    members, timeline, prefecture_map, coverage, families, platform = build_figures(tables)
    text = _texts(members.figure)
    assert "地方公共団体" in text and "Local governments" in text
    assert "12 of 471 members" in text
    for category, announced in MEMBER_COMPOSITIONS[0].counts.items():  # each bar: held of
        held = sum(1 for m in MEMBERS if m[1] == category)  # announced
        assert f"{held} of {announced}" in text.splitlines(), category
    text = _texts(timeline.figure)
    assert "lead: MIC" in text and "secretariat: CAO / METI / MIC / MLIT" in text
    # 4 SMC rows, one per track of 2 regions selected in both; none announced in no year
    assert "lead: METI / MLIT\n4 of 32 selections in 2 regions\nevidence: secondary sources 4" \
        in text
    assert "12 of 471 members" in text
    text = _texts(coverage.figure)
    assert "先行モデルプロジェクト" in text
    # map: Tokyo (13) has a local-government member, Hokkaido (1) has nothing
    panels = [c for c in prefecture_map.figure.findobj(PolyCollection)]
    assert len(panels) == 2
    values = panels[1].get_array()
    assert values[12] == 1 and values[0] == 0
    rgba = panels[1].to_rgba(values)
    assert tuple(rgba[12]) != tuple(rgba[0])
    assert "3 selection(s) with no matched local government" in prefecture_map.caption
    # families: 近未来技術 → 未来技術 is one row; FY2018 holds none of the 14 announced
    text = _texts(families.figure)
    assert "近未来技術等社会実装事業\n→ 未来技術社会実装事業" in text
    assert "0/14" in text and "FY2025" in text and "4/4" in text
    # FY2024 of 未来技術社会実装事業 has no stated count: shown apart, not summed
    assert "+0/?" in text and "'+n/?'" in families.caption
    text = _texts(platform.figure)
    assert "12" in text and "約20" in text
    assert "from 12 on 2019-08-08 to 約20 on 2021-08-24" in platform.caption



def _visible_texts(spec: FigureSpec) -> list[str]:
    """Every text the PNG shows: drawn, visible, and inside the figure (nothing cut off)."""
    figure = spec.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    shown = []
    for text in figure.findobj(Text):
        if not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(renderer)
        if box.x0 >= frame.x0 - 1 and box.x1 <= frame.x1 + 1 and box.y0 >= frame.y0 - 1 \
                and box.y1 <= frame.y1 + 1:
            shown.append(text.get_text())
    return shown


def _png_text(path: Path) -> dict[str, str]:
    """The text chunks of a PNG (Title, Description): what an image viewer shows."""
    with Image.open(path) as image:
        image.load()
        return dict(image.text)


@pytest.mark.slow
def test_each_png_says_how_much_it_shows(tmp_path: Path) -> None:
    """The PNG's Title is the title drawn at its top, inside the picture; with the caption, it
    gives held of announced and names the evidence; report/README.md says the same."""
    out = write_publication(tmp_path)
    make_report(out)
    page = (out / "report" / "README.md").read_text(encoding="utf-8")
    drawn = build_figures(load_tables(out))
    titles = {}
    for spec in drawn:
        meta = _png_text(out / "report" / spec.name)
        shown = _visible_texts(spec)
        assert meta["Title"] in shown, spec.name  # the very text the figure shows
        assert spec.figure.get_suptitle() == meta["Title"]  # ... as its title
        assert meta["Title"].replace("\n", "  \n") in page and meta["Description"] in page
        assert "partial: " in meta["Title"] and "evidence: " in meta["Description"]
        titles[spec.name] = meta["Title"]
    n_members = len(MEMBERS)
    announced = sum(MEMBER_COMPOSITIONS[0].counts.values())
    evidence = Counter(m[3] for m in MEMBERS)
    assert (f"partial: {n_members} of {announced} members · evidence: "
            f"official pages {evidence['official_page']}, secondary sources "
            f"{evidence['secondary']}") in titles[PNG_NAMES[0]]
    local = [m for m in MEMBERS if m[1] == "local_government"]
    assert (f"{len(local)} of {MEMBER_COMPOSITIONS[0].counts['local_government']} "
            "local-government members") in titles[PNG_NAMES[2]]
    # every selection programme: held of announced, with what lies outside the figures
    selections_announced = sum(a.count for a in ANNOUNCED_COUNTS)
    for name in PNG_NAMES[1:5]:
        assert (f"of {selections_announced} selections (+1 year not confirmed, +1 outside the "
                "announced rounds)") in titles[name]
    # the platform over time: the counts stated, on what evidence, and the members listed
    assert (f"{len(PLATFORM_COUNTS)} counts, evidence: secondary sources {len(PLATFORM_COUNTS)}"
            f"\nfounding list (2019-08-08), partial: {n_members} of {announced} members · "
            "evidence: ") in titles[PNG_NAMES[5]]
    timeline = "\n".join(_visible_texts(drawn[1]))
    mic = sum(a.count for a in ANNOUNCED_COUNTS if a.program_id == "data_smartcity_2017")
    assert f"3 of {mic} selections (+1 outside the announced rounds)\n" \
        "evidence: official list 1, official pages 2, secondary sources 1" in timeline
    assert "0 of 22 selections (+1 year not confirmed)" in timeline
    assert "4 of 4 selections\nevidence: secondary sources 4" in timeline


def _pixels(paths: list[Path]) -> dict[str, str]:
    """A hash of each PNG's pixels: what is drawn, whatever its metadata say."""
    hashes = {}
    for path in paths:
        with Image.open(path) as image:
            hashes[path.name] = hashlib.sha256(image.convert("RGB").tobytes()).hexdigest()
    return hashes


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "expected_changed"),
    [
        ("drop_member_company", {PNG_NAMES[0], PNG_NAMES[1], PNG_NAMES[3], PNG_NAMES[5]}),
        ("drop_member_lg", set(PNG_NAMES) - {PNG_NAMES[4]}),
        ("drop_selection", {PNG_NAMES[1], PNG_NAMES[2], PNG_NAMES[3], PNG_NAMES[4]}),
        ("coverage_held", {PNG_NAMES[1], PNG_NAMES[2], PNG_NAMES[3], PNG_NAMES[4]}),
        ("end_year", {PNG_NAMES[1]}),
        ("platform_count", {PNG_NAMES[5]}),
    ],
)
def test_figures_change_with_the_data(
    tmp_path: Path, change: str, expected_changed: set[str]
) -> None:
    before = _pixels(make_report(write_publication(tmp_path / "before"))[:6])
    tables = synthetic_tables()
    if change == "drop_member_company":
        tables["platform_members"] = tables["platform_members"].iloc[1:]
    elif change == "drop_member_lg":
        members = tables["platform_members"]
        tables["platform_members"] = members[members["name_ja"] != "柏市"]
    elif change == "drop_selection":
        selections = tables["selections"]
        tables["selections"] = selections[selections["selection_id"] != "energy_demo_2010-04"]
        areas = tables["selection_areas"]
        tables["selection_areas"] = areas[areas["selection_id"] != "energy_demo_2010-04"]
    elif change == "coverage_held":
        tables["coverage"].loc[0, "held_count"] = 1
    elif change == "end_year":
        tables["programs"].loc[0, "end_year"] = 2013
    elif change == "platform_count":
        tables["platform_member_counts"].loc[1, "total"] = 21
    if change.startswith("drop_"):
        tables = with_coverage(tables)
    after = _pixels(make_report(write_publication(tmp_path / "after", tables))[:6])
    changed = {name for name in before if before[name] != after[name]}
    assert changed == expected_changed


@pytest.mark.slow
def test_empty_tables_say_no_data(tmp_path: Path) -> None:
    empty = {name: frame.iloc[0:0] for name, frame in synthetic_tables().items()}
    specs = build_figures(empty)
    for spec in specs:
        assert NO_DATA in _texts(spec.figure), spec.name
        assert png_bytes(spec).startswith(b"\x89PNG")
    assert "platform_members is empty" in specs[2].caption
    paths = make_report(write_publication(tmp_path, empty))
    assert len(paths) == 7


def test_table_columns_follow_the_schemas() -> None:
    """The empty-frame fallback uses the contract's columns; they must not drift from schemas/."""
    import schemas

    assert list(TABLE_COLUMNS) == list(schemas.TABLES)
    for table, expected in TABLE_COLUMNS.items():
        assert list(schemas.columns(table)) == expected, table


def test_missing_table_files_read_as_empty(tmp_path: Path) -> None:
    tables = synthetic_tables()
    write_publication(tmp_path, {"programs": tables["programs"]})
    loaded = load_tables(tmp_path)
    assert loaded["selections"].empty
    assert list(loaded["selections"].columns) == TABLE_COLUMNS["selections"]
    specs = build_figures(loaded)
    assert NO_DATA in _texts(specs[0].figure)  # no members
    assert "0 selections" in _texts(specs[1].figure)

    with_programs = synthetic_tables()
    with_programs["platform_members"] = with_programs["platform_members"].iloc[0:0]
    with_programs = with_coverage(with_programs)
    assert "0 of 471 members\nevidence: no rows" in _texts(build_figures(with_programs)[1].figure)


def test_no_publication_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="make build"):
        make_report(tmp_path / "processed")


@pytest.mark.slow
def test_report_of_the_offline_build_says_how_partial(repo_raw: Path, tmp_path: Path) -> None:
    """`python -m pipeline report` (what `make report` runs) on the build from the committed
    raw/ alone: each PNG's Title gives held of announced as the published coverage counts
    them, and names the evidence."""
    raw = tmp_path / "raw"
    for committed in ("document", "manual"):
        shutil.copytree(repo_raw / committed, raw / committed)
    out = tmp_path / "processed"
    for command in (["build", "--offline", "--raw-dir", str(raw)], ["report"]):
        subprocess.run([sys.executable, "-m", "pipeline", *command, "--out-dir", str(out)],
                       check=True, capture_output=True, text=True, cwd=tmp_path)
    coverage = pd.read_parquet(out / "parquet" / "coverage.parquet")
    figures = coverage[coverage["announced_count"].notna()]

    def held_of_announced(rows: pd.DataFrame) -> str:
        held = rows[["held_count", "announced_count"]].min(axis=1).sum()
        return f"{int(held)} of {int(rows['announced_count'].sum())}"

    platform = figures[figures["program_id"] == "scpf_2019"]
    local = platform[platform["track"] == "local_government"]
    titles = {name: _png_text(out / "report" / name)["Title"] for name in PNG_NAMES}
    assert f"partial: {held_of_announced(platform)} members · evidence: " \
        in titles[PNG_NAMES[0]]
    assert "secondary sources" in titles[PNG_NAMES[0]]
    assert f"{held_of_announced(local)} local-government members" in titles[PNG_NAMES[2]]
    selections = figures[figures["program_id"] != "scpf_2019"]
    for name in PNG_NAMES[1:5]:
        assert f"partial: {held_of_announced(selections)} selections" in titles[name]
    assert f"founding list (2019-08-08), partial: {held_of_announced(platform)} members" \
        in titles[PNG_NAMES[5]]
    timeline = build_figures(load_tables(out))[1]
    shown = "\n".join(_visible_texts(timeline))
    for program_id, rows in selections.groupby("program_id"):
        assert f"{held_of_announced(rows)} selections" in shown, program_id
