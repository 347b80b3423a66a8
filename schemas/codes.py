"""Local-government codes (JIS X 0402): the check digit every published ``lg_code`` carries."""

from __future__ import annotations


def jis_check_digit(code5: str) -> str:
    """JIS X 0402 check digit: ``(11 - (6d1+5d2+4d3+3d4+2d5) mod 11) mod 10``.

    Checked against MIC codes: 札幌市 011002, 横浜市 141003, 千代田区 131016, 豊田市 232114,
    北九州市 401005, 北海道 010006, 東京都 130001; remainder 0 gives 1 (札幌市中央区 011011,
    新宿区 131041) and remainder 1 gives 0 (渋谷区 131130).
    """
    if not (isinstance(code5, str) and len(code5) == 5 and code5.isascii() and code5.isdigit()):
        raise ValueError(f"not a 5-digit local-government code: {code5!r}")
    total = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), code5, strict=True))
    return str((11 - total % 11) % 10)


def with_check_digit(code5: str) -> str:
    """The 6-digit code researchers join on (e-Stat, MIC lists) from a 5-digit postal code."""
    return code5 + jis_check_digit(code5)


def is_valid_lg_code(code6: object) -> bool:
    """True for a 6-digit string whose last digit is the JIS X 0402 check digit."""
    if not (isinstance(code6, str) and len(code6) == 6 and code6.isascii() and code6.isdigit()):
        return False
    return jis_check_digit(code6[:5]) == code6[5]
