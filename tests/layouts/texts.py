"""Printed forms of the dimension values: heading decorations, numbers, page numbers, dates,
notes and totals, as Japanese government lists print them. One function per form, used by
every drawer, so a value means the same text in every kind."""

from __future__ import annotations

from dataclasses import dataclass

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def fullwidth(n: int | str) -> str:
    return str(n).translate(_FULLWIDTH)


def heading_number(style: str, index: int) -> str:
    """Numbering before a heading (``index`` from 1): １． （２） 第３ Ⅳ． ①."""
    return {
        "none": "", "n/a": "",
        "fullwidth_dot": f"{fullwidth(index)}．",
        "paren": f"（{fullwidth(index)}）",
        "dai": f"第{fullwidth(index)}　",
        "roman": f"{_ROMAN[index - 1]}．",
        "circled": _CIRCLED[index - 1],
    }[style]


def bracketed(style: str, label: str) -> str:
    return {
        "none": label, "n/a": label,
        "sumi": f"【{label}】",
        "kikkou": f"〔{label}〕",
        "angle": f"＜{label}＞",
        "square": f"■{label}",
    }[style]


def count_text(style: str, count: int, unit: str) -> str:
    """A group's count after its label: （112団体） 計112 ：112 112団体 （計112）."""
    n = fullwidth(count)
    return {
        "none": "", "n/a": "",
        "paren_unit": f"（{n}{unit}）",
        "kei": f"　計{n}",
        "colon": f"：{n}",
        "bare_unit": f"　{n}{unit}",
        "paren_kei": f"（計{n}）",
    }[style]


def spaced(label: str, style: str) -> str:
    """均等割付 written into the text (ideographic spaces); ``char_spread`` is drawn apart."""
    return "　".join(label) if style == "ideographic_space" else label


@dataclass(frozen=True)
class HeadingText:
    """A heading as printed, its label as printed inside it, and its continuation line."""

    text: str
    label: str
    continued: str | None


def heading(v: dict[str, str], label: str, index: int, count: int, unit: str) -> HeadingText:
    """The heading of a group: numbering, brackets, count and continuation from ``v``."""
    printed = spaced(label, v["even_spacing"])
    text = heading_number(v["heading_number"], index) + bracketed(v["heading_bracket"], printed)
    full = text + count_text(v["heading_count"], count, unit)
    cont = {"tsuzuki": text + "（続き）", "tsuzuki_kana": text + "（つづき）",
            "repeat": full}.get(v["continuation"])
    return HeadingText(full, printed, cont)


def page_number(style: str, page: int, pages: int) -> str:
    return {"none": "", "dash": f"- {page} -", "slash": f"{page}/{pages}",
            "bare": str(page)}[style]


NOTES = {"none": "", "gojuon_keisho": "※五十音順・敬称略", "paren_gojuon": "（五十音順）",
         "junfudou": "※順不同"}


def entry_number(style: str, number: int, name: str) -> str:
    """A name's cell with its number in it: 「12　札幌市」「12札幌市」「12.札幌市」."""
    return {"in_cell_space": f"{number}　{name}", "in_cell_nospace": f"{number}{name}",
            "in_cell_dot": f"{number}.{name}", "in_cell": f"{number}　{name}"}.get(style, name)
