"""What the sources themselves announce: the figures every extraction and table is checked against.

One place for each figure, with the URL it was seen at (collected in
``../shared/research/programs-facts.md``). Extractors and validation import from here; no
other module writes these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

# The member categories (with the heading the official breakdown prints for each), the tracks of
# each programme and the member list's date are vocabularies of the published tables, so they
# live in schemas/; re-exported here for the extractors and checks that read them with the
# announced figures.
from schemas.vocabularies import MEMBER_CATEGORIES as MEMBER_CATEGORIES
from schemas.vocabularies import PLATFORM_AS_OF as PLATFORM_AS_OF
from schemas.vocabularies import TRACKS as TRACKS


@dataclass(frozen=True)
class MemberComposition:
    """One announced composition of the member list (the file may hold either)."""

    label: str
    counts: dict[str, int]
    citation: str

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# The release was replaced on 2019-08-29 because the organisation count was wrong; the PDF at
# the linked URL may hold the first or the corrected list. Exactly these two are accepted.
MEMBER_COMPOSITIONS: tuple[MemberComposition, ...] = (
    MemberComposition(
        label="corrected_2019-08-29",
        counts={
            "company": 304,
            "university_research": 43,
            "local_government": 112,
            "ministry_economic_org": 12,
        },
        citation="https://www.meti.go.jp/press/2019/08/20190808001/20190808001.html",
    ),
    MemberComposition(
        label="first_2019-08-08",
        counts={
            "company": 305,
            "university_research": 43,
            "local_government": 113,
            "ministry_economic_org": 12,
        },
        citation="https://e-nenpi.com/article/detail/325347",
    ),
)

def matching_composition(
    counts: dict[str, int], compositions: tuple[MemberComposition, ...] = MEMBER_COMPOSITIONS
) -> MemberComposition | None:
    """The announced composition that ``counts`` (members per category) equal exactly, if any.

    The one comparison of member counts with the announcements: the extractor uses it to reject
    a misread list, validation to check the published table.
    """
    held = {category: n for category, n in counts.items() if n}
    for composition in compositions:
        if held == composition.counts:
            return composition
    return None


# The 12 ministries and economic organisations, named by the MIC copy of the release.
PLATFORM_MINISTRIES_AND_BODIES: tuple[str, ...] = (
    "内閣官房", "警察庁", "金融庁", "文部科学省", "厚生労働省", "農林水産省", "環境省",
    "内閣府", "総務省", "経済産業省", "国土交通省", "日本経済団体連合会",
)
PLATFORM_MINISTRIES_CITATION = (
    "http://40.74.122.252/index.cgi/contrast/http://www.soumu.go.jp/menu_news/s-news/"
    "01ryutsu06_02000220.html"
)


@dataclass(frozen=True)
class AnnouncedCount:
    """How many selections a programme announced for one track, fiscal year and round."""

    program_id: str
    track: str
    fiscal_year: int
    round: str
    count: int
    citation: str
    note: str = ""


# MLIT スマートシティモデル事業: 15 先行モデル + 23 重点事業化促進 projects selected on 2019-05-31
# (decn, https://www.decn.co.jp/?p=107683; the counts are cited in ANNOUNCED_COUNTS below).
SMARTCITY_MODEL_ANNOUNCED_ON = "2019-05-31"

SMC_ANNOUNCED_ON = "2019-06-18"
SMC_TOTAL_SELECTED = 28  # 13 METI + 19 MLIT, 4 selected by both
SMC_SELECTED_BY_BOTH = 4
SMC_CITATION = "https://www.gov-base.info/2020/04/22/86710"

ANNOUNCED_COUNTS: tuple[AnnouncedCount, ...] = (
    AnnouncedCount("energy_demo_2010", "demonstration_area", 2010, "single", 4,
                   "https://tenbou.nies.go.jp/news/jnews/detail.php?i=3518"),
    AnnouncedCount("data_smartcity_2017", "subsidy", 2017, "first", 4,
                   "http://www.soumu.go.jp/soutsu/hokkaido/2017/0616d.html"),
    AnnouncedCount("data_smartcity_2017", "subsidy", 2018, "first", 1,
                   "http://www.soumu.go.jp/menu_news/s-news/01tsushin01_02000257.html"),
    AnnouncedCount("data_smartcity_2017", "subsidy", 2018, "additional", 3,
                   "http://www.soumu.go.jp/menu_news/s-news/01tsushin01_02000257.html"),
    AnnouncedCount("data_smartcity_2017", "subsidy", 2019, "first", 4,
                   "https://www.soumu.go.jp/soutsu/shikoku/press/20190709.html"),
    AnnouncedCount("near_future_tech_2018", "selected_project", 2018, "single", 14,
                   "https://nextmobility.jp/economy_society/ministry-of-land-infrastructure-"
                   "transport-and-tourism-cabinet-office-selects-targets-for-support-for-"
                   "introducing-autonomous-driving-services20210731"),
    AnnouncedCount("near_future_tech_2018", "selected_project", 2019, "single", 8,
                   "https://nextmobility.jp/economy_society/ministry-of-land-infrastructure-"
                   "transport-and-tourism-cabinet-office-selects-targets-for-support-for-"
                   "introducing-autonomous-driving-services20210731"),
    AnnouncedCount("smartcity_model_2019", "leading_model", 2019, "single", 15,
                   "https://ligare.news/story/smart-city-project"),
    AnnouncedCount("smartcity_model_2019", "priority", 2019, "single", 23,
                   "https://ligare.news/story/smart-city-project"),
    AnnouncedCount("smart_mobility_challenge_2019", "meti_pilot", 2019, "single", 13,
                   "https://www.gov-base.info/2019/06/18/31873"),
    AnnouncedCount("smart_mobility_challenge_2019", "mlit_model", 2019, "single", 19,
                   "https://www.mlit.go.jp/sogoseisaku/transport/sosei_transport_tk_000115.html"),
)

def announced_count(program_id: str, track: str) -> int:
    """Total announced selections of one track, all years and rounds together."""
    return sum(a.count for a in ANNOUNCED_COUNTS if (a.program_id, a.track) == (program_id, track))


# --- MIC データ利活用型スマートシティ推進事業 and METI 次世代エネルギー・社会システム実証 -----
# The day each round's candidates (採択候補) were announced: a release page's date says which
# round it lists, and a page dated otherwise is not the release its source expects.
@dataclass(frozen=True)
class AnnouncedRound:
    """One announced selection round: its programme, fiscal year, round and date."""

    program_id: str
    fiscal_year: int
    round: str
    announced_on: str
    citation: str


DATA_SMARTCITY_PROGRAM = "データ利活用型スマートシティ推進事業"
DATA_SMARTCITY_ROUNDS: tuple[AnnouncedRound, ...] = (
    AnnouncedRound("data_smartcity_2017", 2017, "first", "2017-06-16",
                   "http://www.soumu.go.jp/soutsu/hokkaido/2017/0616d.html"),
    AnnouncedRound("data_smartcity_2017", 2018, "first", "2018-07-10",
                   "http://www.soumu.go.jp/menu_news/s-news/01tsushin01_02000257.html"),
    AnnouncedRound("data_smartcity_2017", 2018, "additional", "2018-08-10",
                   "http://www.soumu.go.jp/menu_news/s-news/01tsushin01_02000257.html"),
    AnnouncedRound("data_smartcity_2017", 2019, "first", "2019-07-09",
                   "https://www.soumu.go.jp/soutsu/shikoku/press/20190709.html"),
)
ENERGY_DEMO_PROGRAM = "次世代エネルギー・社会システム実証"
ENERGY_DEMO_ROUND = AnnouncedRound("energy_demo_2010", 2010, "single", "2010-04-08",
                                   "https://tenbou.nies.go.jp/news/jnews/detail.php?i=3518")


def announced_round_count(round_: AnnouncedRound, track: str) -> int:
    """The announced number of selections of one round (ANNOUNCED_COUNTS, the one place)."""
    for figure in ANNOUNCED_COUNTS:
        if (figure.program_id, figure.track, figure.fiscal_year, figure.round) == (
            round_.program_id, track, round_.fiscal_year, round_.round
        ):
            return figure.count
    raise KeyError(f"no announced count for {round_.program_id}/{track}/{round_.fiscal_year}")

