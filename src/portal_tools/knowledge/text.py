"""Numbers and dates as the pages' text shows them."""

from __future__ import annotations

import math
from datetime import date

from portal_tools.formatting import whole
from portal_tools.knowledge.schema import DATE_RE


def fmt_number(value: float) -> str:
    """A number as page text shows it: whole numbers without decimals, others with their
    significant digits (``0.069``).

    Whole numbers of five or more digits get a space as the thousands separator (``63 000``);
    numbers of up to four digits get none (``1325``, and years such as ``2018``), following the SI
    convention of writing four-digit whole numbers closed up. So no year is printed as ``2 018``."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"cannot show {value!r} as a number")
    if number.is_integer():
        return whole(number)
    return f"{number:g}"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def fmt_date(iso: str) -> str:
    """An ISO date as page text shows it: ``2020-04-17`` gives ``17 April 2020``, ``2022-12``
    gives ``December 2022`` and ``2018`` gives ``2018``. Raises ``ValueError`` for anything
    else."""
    if not DATE_RE.match(iso):
        raise ValueError(f"{iso!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year, *rest = (int(x) for x in iso.split("-"))
    month, day = [*rest, 1, 1][:2]
    date(year, month, day)  # raises for an impossible date
    if not rest:
        return str(year)
    text = f"{_MONTHS[month - 1]} {year}"
    return f"{day} {text}" if len(rest) == 2 else text
