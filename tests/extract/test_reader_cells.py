"""The list reader's cells: a page set in blocks of table columns (synthetic rows, drawn here)."""

from __future__ import annotations

from pipeline.extract.reader import classify
from pipeline.extract.reader.cells import Cell, Page, Row, newspaper_order

SIZE = 9.0
# one block: No. | 区分 | 都道府県 | 名称, at these x (points); the second block 300 points right
BLOCK = ((42.0, "number"), (68.0, "category"), (140.0, "prefecture"), (190.0, "name"))
PREFECTURES = ("北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県")
NAMES = ("網走市", "十和田市", "花巻市", "名取市", "男鹿市", "新庄市")


def _cell(text: str, x0: float, top: float) -> Cell:
    return Cell(text, (text,), x0, top, x0 + SIZE * len(text), top + SIZE, SIZE)


def _page() -> Page:
    """Two blocks side by side, six rows each, numbered down the first block, then the next."""
    rows = []
    for line in range(6):
        top = 80.0 + 17 * line
        cells = []
        for block, shift in enumerate((0.0, 300.0)):
            number = 1 + line + 6 * block
            texts = {"number": str(number), "category": "地方公共団体",
                     "prefecture": PREFECTURES[line], "name": NAMES[line]}
            cells += [_cell(texts[role], x + shift, top) for x, role in BLOCK]
        rows.append(Row(cells, 1, top, top + SIZE))
    return Page(1, rows)


def _before_a_name(cell: Cell) -> bool:
    return classify.number(cell.text) is not None or classify.prefecture(cell.text) is not None \
        or cell.text == "地方公共団体"


def _numbers(rows: list[Row]) -> list[int]:
    return [n for r in rows for c in r.cells if (n := classify.number(c.text)) is not None]


def test_the_columns_of_one_block_are_read_across_not_as_columns_of_the_page() -> None:
    """Each column of a block stands apart by a white strip as wide as the gutter between the
    blocks: only the strip right of a column of names parts two blocks; a column holding only
    what stands before a name (a row number, a label, a prefecture) goes with the names."""
    columns = newspaper_order(_page(), lambda r: False, _before_a_name)
    assert columns is not None
    assert [len(r.cells) for r in columns] == [4] * 12  # number, label, prefecture, name
    assert _numbers(columns) == list(range(1, 13))
    # told nothing of the cells, every strip is a gutter: the numbers come apart from names
    apart = newspaper_order(_page(), lambda r: False)
    assert apart is not None and min(len(r.cells) for r in apart) == 1
