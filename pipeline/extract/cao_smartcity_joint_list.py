"""The joint selection list of the スマートシティ関連事業 (選定結果一覧, 別紙3), FY2021 on.

From FY2021 the Cabinet Office and the three ministries select their programmes after one
review board (合同審査会) and announce one list: the Cabinet Office's 未来技術社会実装事業, MIC's
データ連携促進型 / 地域課題解決のためのスマートシティ推進事業 / 地域社会DX推進パッケージ事業, METI's
地域新MaaS創出推進事業, MLIT's 日本版MaaS推進・支援事業 and スマートシティモデルプロジェクト /
スマートシティ実装化支援事業. Only FY2022's file has a known URL
(https://www8.cao.go.jp/cstp/stmain/pdf/220713_bessi3.pdf); nobody on the team has seen any
of them. Copies in the press group the entries by programme (https://infrabiz.co.jp/?p=3010,
FY2022; https://www.origaminspace.online/?p=1244, FY2025), so each entry's category is its
programme (and track), read by the one list reader wherever the list prints it (a heading, a
ministry's heading over its programmes' headings, a column merged over the group ...). This
module is the source family's part:

- the vocabulary, ``layouts/cao_smartcity_joint.csv``: each programme's labels, the value
  ``program_id/track``. A ministry alone names its programme of the year (総務省 names its
  lineage, ``a|b|c``: the one the year's joint announcement lists); a label naming none or
  several of the year's programmes (国土交通省, which has two) stays as it is, so entries right
  under it are refused, never guessed;
- which year a file holds, by registration: the joint announcements of pipeline/announced.toml
  that name the source (``sources``);
- what the reader expects (:func:`expected`): each programme's count of the year as
  announced; a programme whose count no source states (FY2024's CAO; FY2025's 日本版MaaS,
  whose 11 is only inferred by subtraction) is read in any number, and checked only through
  the list's total where the joint announcement states one (FY2025: 29). Its rows are
  published as the official list prints them; coverage keeps its announced count unknown.
  Tracks chosen the same day beside the joint count (ハンズオン支援地区) may be printed too,
  with their own count. MLIT's continuing model projects (FY2021 counts them in its 74; the
  announced 5 + 5 are the new ones) are read under a 継続 heading and never published as
  selections of the year; printed without one, the tracks' counts are off and the list is
  refused;
- the content check (``selection_lists.check_place``) and the rows (``selection_record``):
  evidence ``official_list``, the round of the year's joint announcement (FY2023's MIC first
  round, FY2025's 実装化支援 first round), areas as printed (a 圏域 with its municipalities,
  「松山市、東温市、今治市」).

The build publishes each programme x track x year from the first source holding it, official
files first, and prints every difference with the transcription it replaces.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.announced import ANNOUNCEMENTS, JOINT_ANNOUNCEMENTS, Announcement
from pipeline.errors import SourceError
from pipeline.extract import reader, selection_lists
from pipeline.extract.html import starts_like_pdf
from pipeline.extract.result import ExtractOutput, selections_frame
from schemas.vocabularies import TRACKS

VOCABULARY = "cao_smartcity_joint.csv"
PLACE_ROLES = ("area",)
# A label's value naming several programmes (a ministry's lineage), of which one is meant.
ALTERNATIVES = "|"
# The category of projects continuing from earlier years: ``<program_id>/continuing``.
CONTINUING = "continuing"


def category(announcement: Announcement) -> str:
    """The reader's category of a programme track: ``program_id/track``."""
    return f"{announcement.program_id}/{announcement.track}"


def joint_year(source_id: str) -> int:
    """The fiscal year whose joint announcement names this source (pipeline/announced.toml)."""
    years = sorted({a.fiscal_year for a in selection_lists.registered_announcements(source_id)
                    if a.joint})
    if len(years) != 1:
        raise SourceError(source_id, f"pipeline/announced.toml names this source as the joint "
                          f"list of {len(years)} fiscal years ({years}); expected one")
    return years[0]


def joint_announcements(year: int) -> list[Announcement]:
    """The programme tracks selected jointly in one year (one record each)."""
    return [a for a in ANNOUNCEMENTS if a.joint and a.fiscal_year == year]


def beside(year: int) -> list[Announcement]:
    """Tracks of the year's joint programmes chosen on the joint announcement's day outside its
    count (ハンズオン支援地区), with a stated count: a joint list may print them too."""
    joint = joint_announcements(year)
    programs = {a.program_id for a in joint}
    days = {a.announced_on for a in joint} - {None}
    return [a for a in ANNOUNCEMENTS
            if not a.joint and a.fiscal_year == year and a.program_id in programs
            and a.count is not None and a.announced_on in days]


def stated_total(year: int) -> int | None:
    """The number of projects the year's joint announcement states, if any."""
    found = [j.projects for j in JOINT_ANNOUNCEMENTS
             if j.fiscal_year == year and j.kind == "joint_review"]
    return found[0] if found else None


def continuing(year: int) -> set[str]:
    """Categories of continuing projects the list of this year may hold: those of its joint
    programmes the vocabulary has a 継続 label for."""
    programs = {a.program_id for a in joint_announcements(year)}
    labels = set(reader.load_vocabulary(VOCABULARY).labels.values())
    return {f"{p}/{CONTINUING}" for p in programs if f"{p}/{CONTINUING}" in labels}


@lru_cache(maxsize=8)
def vocabulary(year: int) -> reader.Vocabulary:
    """The family's vocabulary with its labels read for one year: a label naming several
    programmes names the one of them the year's lists hold; none or several, it stays as it is
    (its entries then stand under no announced programme and are refused)."""
    vocab = reader.load_vocabulary(VOCABULARY)
    listed = {category(a) for a in joint_announcements(year) + beside(year)}
    labels = {}
    for text, value in vocab.labels.items():
        meant = [v for v in value.split(ALTERNATIVES) if v in listed]
        labels[text] = meant[0] if ALTERNATIVES in value and len(meant) == 1 else value
    return replace(vocab, labels=labels)


def shape(year: int) -> reader.Shape:
    """How a joint list prints a selection: a record of area (maybe several places, one per
    line), prefecture, project and lead, under its programme."""
    return reader.Shape(
        vocabulary(year),
        record=True,
        category_role="category",
        entry_roles=frozenset({"area", "prefecture", "project", "lead"}),
        list_roles=frozenset({"area"}),
        place_role="area",
        content_order=("project",),
    )


def expected(year: int) -> tuple[reader.Expected, ...]:
    """What the year's list holds: each programme's announced count (a programme whose count
    no source states, and continuing projects, in any number), the stated total over all; and
    the same with the tracks chosen beside the joint count, where there are such."""
    joint = joint_announcements(year)
    counts = {category(a): a.count for a in joint if a.count is not None}
    uncounted = frozenset({category(a) for a in joint if a.count is None} | continuing(year))
    total = stated_total(year)
    citation = "pipeline/announced.toml"
    label = f"FY{year} joint: " + " + ".join(f"{k} {v}" for k, v in counts.items())
    label += "".join(f" + {k} ?" for k in sorted(uncounted))
    found = [reader.Expected(label + (f" = {total}" if total else ""), counts, citation,
                             uncounted=uncounted, whole=total)]
    extra = {category(a): a.count for a in beside(year) if a.count is not None}
    if extra:
        whole = total + sum(extra.values()) if total is not None else None
        found.append(reader.Expected(
            label + "".join(f" + {k} {v}" for k, v in extra.items())
            + (f" = {whole}" if whole else ""),
            counts | extra, citation, uncounted=uncounted, whole=whole))
    return tuple(found)


def names(year: int) -> dict[str, str]:
    """How messages name each category: ``future_tech_2020/selected_project (未来技術…)``."""
    out = {f"{p}/{t}": name for p, tracks in TRACKS.items() for t, name in tracks.items()}
    out |= {c: "継続 (continuing from earlier years)" for c in continuing(year)}
    several: dict[str, list[str]] = {}
    for text, value in vocabulary(year).labels.items():
        if ALTERNATIVES in value:
            several.setdefault(value, []).append(text)
    out |= {value: f"{'/'.join(texts)}, naming several programmes of FY{year}"
            for value, texts in several.items()}
    return out


def spec_for(source_id: str, path: Path | None = None) -> reader.ListSpec:
    """What the reader needs to know of one year's joint list."""
    year = joint_year(source_id)
    return reader.ListSpec(
        source_id=source_id,
        what=f"FY{year} joint selection list (選定結果一覧)",
        shape=shape(year),
        expected=expected(year),
        check=lambda entry: selection_lists.check_place(entry, PLACE_ROLES),
        names=names(year),
    )


def joint_frame(source_id: str, year: int, found: reader.ListReading) -> pd.DataFrame:
    """Selection extract rows of the entries of the year's programmes (continuing projects
    are no selections of the year)."""
    by_category = {category(a): a for a in joint_announcements(year) + beside(year)}
    day = next((j.announced_on for j in JOINT_ANNOUNCEMENTS
                if j.fiscal_year == year and j.kind == "joint_review"), None)
    records = [
        selection_lists.selection_record(by_category[e.category], e, source_id,
                                         selection_lists.entry_note(e, "タイプ"),
                                         by_category[e.category].announced_on or day)
        for e in found.entries if e.category in by_category
    ]
    return selections_frame(records)


def _notes(year: int, found: reader.ListReading, path: Path) -> list[str]:
    held: dict[str, int] = {}
    for entry in found.entries:
        held[entry.category or ""] = held.get(entry.category or "", 0) + 1
    total = stated_total(year)
    notes = [f"FY{year} joint list: {sum(held.values())} entries from {path.name}: "
             + ", ".join(f"{k} {v}" for k, v in held.items())]
    for a in joint_announcements(year):
        if a.count is None:
            checked = (f"checked only through the list's stated total of {total}"
                       if total is not None else "not checked: no total is stated either")
            notes.append(f"{category(a)}: {held.get(category(a), 0)} read; no source states "
                         f"its count ({checked})")
    for c in sorted(continuing(year)):
        if held.get(c):
            notes.append(f"{held[c]} projects continuing from earlier years ({c}) are read, "
                         f"not published as FY{year} selections")
    return notes + found.notes


def extract(source_id: str, files: list[Path]) -> ExtractOutput:
    """The year's joint list from the PDF(s) of the source: the list file, or a result page's
    attachments (the page itself is not read; the other attachments, a committee list or a
    table of counts, are refused as lists and noted)."""
    year = joint_year(source_id)
    pdfs = sorted(Path(f) for f in files if starts_like_pdf(Path(f)))
    if not pdfs:
        raise SourceError(source_id, f"no PDF among {[Path(f).name for f in files]}: the "
                          f"FY{year} 選定結果一覧 is a PDF")
    spec = spec_for(source_id)
    read: list[tuple[Path, reader.ListReading]] = []
    refused: list[SourceError] = []
    for pdf in pdfs:
        try:
            read.append((pdf, reader.read_list(spec, pdf)))
        except SourceError as err:
            refused.append(err)
    if not read and len(refused) == 1:
        raise refused[0]
    if not read:  # a result page's attachments: which one was to be the list is not known
        raise SourceError(
            source_id, f"none of the {len(pdfs)} PDFs reads as the FY{year} joint list: "
            + "; ".join(f"{Path(e.path or '').name}: {e.detail}" for e in refused),
            path=refused[0].path, page=refused[0].page)
    frames = [(path, joint_frame(source_id, year, found)) for path, found in read]
    first_path, first = frames[0]
    for path, frame in frames[1:]:
        if _areas(frame) != _areas(first):
            raise SourceError(source_id, f"{len(frames)} files read as the FY{year} joint list "
                              f"and they differ: {first_path.name} and {path.name}; keep one",
                              path=path, page=1)
    notes = _notes(year, read[0][1], first_path)
    notes += [f"{path.name}: read as the list too (the same entries)" for path, _ in frames[1:]]
    notes += [f"{Path(err.path or '').name}: not the list ({err.detail})" for err in refused]
    return ExtractOutput({"selections": first}, notes=notes)


def _areas(frame: pd.DataFrame) -> list[tuple]:
    return sorted(zip(frame.program_id, frame.track, frame.area_ja.fillna(""), strict=True))
