"""Number formats shared by every text the package writes: one implementation of each.

Pure functions of their arguments (no locale, no state); this module imports nothing from
``portal_tools``, so any module, data and maths ones included, may use it. Thousands are
separated by a plain space (``1 234 567``); the decimal mark is a point; halves round as
Python's format does (to the even neighbour of the binary value: ``2.5`` -> ``2``).
"""

from __future__ import annotations

import math

__all__ = [
    "count",
    "money",
    "multiple",
    "percent",
    "plain",
    "plain_percent",
    "significant",
    "thousands",
    "whole",
]


def thousands(x: float, decimals: int = 0) -> str:
    """``x`` with ``decimals`` decimals and a space between thousands.

    ``thousands(1234567) -> "1 234 567"``, ``thousands(1234.56, 1) -> "1 234.6"``,
    ``thousands(-0.4) -> "-0"``, ``thousands(2.5) -> "2"``. A Python ``int`` with
    ``decimals=0`` is written exactly, however large (``10**20 -> "100 000 000 000 000 000 000"``);
    anything else goes through ``float`` formatting."""
    if isinstance(x, int) and decimals == 0:
        return f"{x:,}".replace(",", " ")
    return f"{x:,.{decimals}f}".replace(",", " ")


def money(x: float, currency: str) -> str:
    """An amount in whole units of ``currency``: ``money(1234567, "DKK") -> "1 234 567 DKK"``,
    ``money(-0.4, "DKK") -> "-0 DKK"``."""
    return f"{thousands(x)} {currency}"


def percent(share: float, decimals: int = 1, minus_zero: bool = False) -> str:
    """A share (``0.035``) as a percentage with a space before the sign:
    ``percent(0.035) -> "3.5 %"``, ``percent(0.12, 0) -> "12 %"``.

    A negative share that rounds to zero is ``"0.0 %"``, unless ``minus_zero`` keeps the sign
    Python's format gives it (``percent(-0.0001, minus_zero=True) -> "-0.0 %"``)."""
    text = f"{share * 100:.{decimals}f}"
    if not minus_zero and text.startswith("-") and text.lstrip("-0.") == "":
        text = text[1:]
    return f"{text} %"


def count(x: float) -> str:
    """A count of people or cases: one decimal, none when it is zero, thousands spaced:
    ``count(1234.56) -> "1 234.6"``, ``count(12.0) -> "12"``, ``count(-0.04) -> "-0"``."""
    return thousands(x, 1).removesuffix(".0")


def multiple(x: float) -> str:
    """A ratio as a multiple with two decimals: ``multiple(1.25) -> "1.25x"``."""
    return f"{x:.2f}x"


def significant(x: float, digits: int = 4) -> str:
    """``x`` rounded to ``digits`` significant digits, thousands spaced, never an exponent and
    no trailing zeros after the decimal mark: ``significant(1234.5) -> "1 234"``,
    ``significant(12345678) -> "12 350 000"``, ``significant(0.000012345) -> "0.00001234"``,
    ``significant(0.5) -> "0.5"``. A magnitude below 1e-9 (a rounding residue such as
    ``-2.2e-16``) prints as ``"0"``."""
    if x == 0 or abs(x) < 1e-9:
        return "-0" if x == 0 and math.copysign(1.0, x) < 0 else "0"
    rounded = float(f"{x:.{digits}g}")
    exponent = math.floor(math.log10(abs(rounded)))
    decimals = max(0, digits - 1 - exponent)
    text = thousands(rounded, decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def whole(x: float) -> str:
    """``x`` rounded to a whole number, following the SI convention: up to four digits closed up
    (``whole(2000) -> "2000"``, so no year or count reads as ``2 018``), five or more with a
    space between thousands (``whole(63000.4) -> "63 000"``, ``whole(-12345) -> "-12 345"``)."""
    text = thousands(x)
    return text.replace(" ", "") if len(text.lstrip("-")) <= 5 else text


def plain(x: float, max_decimals: int = 4) -> str:
    """``x`` as typed in a form: never an exponent, at most ``max_decimals`` decimals and no
    trailing zeros, the whole part as :func:`whole` writes it: ``plain(1500000) -> "1 500 000"``,
    ``plain(2000) -> "2000"``, ``plain(0.125) -> "0.125"``, ``plain(1 / 12) -> "0.0833"``,
    ``plain(2.0) -> "2"``, ``plain(-0.00001) -> "0"``."""
    text = thousands(x, max_decimals)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole_part, dot, fraction = text.partition(".")
    if len(whole_part.lstrip("-")) <= 5:
        whole_part = whole_part.replace(" ", "")
    text = whole_part + dot + fraction
    return "0" if text in ("-0", "") else text


def plain_percent(share: float, max_decimals: int = 2) -> str:
    """A share as a percentage without false precision: ``plain_percent(0.6) -> "60 %"``,
    ``plain_percent(0.035) -> "3.5 %"``, ``plain_percent(1 / 12) -> "8.33 %"``."""
    return f"{plain(share * 100, max_decimals)} %"
