"""Numbers as people type them: Danish (``1.500.000,50``, ``0,6``, ``60 %``) and English
(``1,500,000.50``, ``0.6``) forms, with spaces as thousands separators in both.

One parser for every number box and amount list of the forms. A text is read only when it has
one meaning; where it could mean two things the form's *number format* setting decides, and
anything else is an input error naming the field. No character is ever dropped.

Reading a number (after trimming the ends):

- an optional sign (``-``, ``+`` or the minus sign U+2212), digits 0-9, an optional decimal part,
  an optional exponent (``1e-6``, ``2,5E3``) and, where the field allows it, ``%`` at the end
  (``60 %`` = 0.6);
- spaces (also no-break and thin spaces) separate thousands in both formats: ``1 500 000``;
- with both ``.`` and ``,`` the last one is the decimal mark and the other separates thousands
  (``1.500.000,50`` and ``1,500,000.50`` are both one and a half million and a half);
- a mark that occurs more than once separates thousands (``1.500.000``, ``1,500,000``);
- a single mark is the decimal mark of the format (Danish ``,``, English ``.``), except where
  it is the *other* format's thousands separator followed by exactly three digits: ``1.500`` is
  1 500 in Danish and 1.5 in English, ``1,500`` is 1.5 in Danish and 1 500 in English. A single
  mark that cannot separate thousands (``0.6``, ``12.7``, ``0,6``) is a decimal mark in either
  format;
- thousands groups are checked: the first has one to three digits, every later one exactly
  three (``2000000 1500000`` is two numbers, not one, and is refused);
- the same limits as scenario files (:mod:`portal_tools.reading`): at most 40 characters, and a
  number too large or too small to store is refused rather than read as infinity or 0.

Reading a list of amounts: items are separated by semicolons, line breaks or tabs in both formats,
and in the English format also by commas. In an English list without semicolons or line breaks a
comma written directly between digits is ambiguous (``1,500,000`` could be one amount or three;
``1,5`` one and a half or two amounts) and is refused with a hint; ``1000, 2000`` and
``1,500,000; 2,000,000`` are clear.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from portal_tools.errors import InputError, Problem
from portal_tools.formatting import thousands
from portal_tools.reading import MAX_NUMBER_CHARS, NumberTextError, float_from_decimal

__all__ = [
    "CONVENTIONS",
    "Convention",
    "echo_amounts",
    "echo_number",
    "format_amounts",
    "format_number",
    "number_help",
    "parse_amounts",
    "parse_number",
]

Convention = Literal["da", "en"]
CONVENTIONS: dict[str, str] = {
    "da": "Danish: 1.500.000,50",
    "en": "English: 1,500,000.50",
}
"""The number formats a form offers, with how each writes one and a half million."""

_DECIMAL = {"da": ",", "en": "."}
_OTHER = {"da": ".", "en": ","}
_SPACES = " \u00a0\u202f\u2009"
_MINUS = "-\u2212"
_ALLOWED = set("0123456789.,eE+%") | set(_SPACES) | set(_MINUS)
_GROUPED = re.compile(r"[0-9]{1,3}")
_EXPONENT = re.compile(r"[-+\u2212]?[0-9]+")


def number_help(convention: Convention) -> str:
    """How a number is written in ``convention``, for error messages."""
    if convention == "da":
        return (
            "a number such as 1.500.000,50, 1 500 000 or 0,6 (Danish format: ',' is the decimal "
            "mark; '.' or a space separates thousands)"
        )
    return (
        "a number such as 1,500,000.50, 1 500 000 or 0.6 (English format: '.' is the decimal "
        "mark; ',' or a space separates thousands)"
    )


class _Unreadable(ValueError):
    """Why a text is not a number (the message is appended to the format's help)."""


def _check_groups(groups: Sequence[str], text: str) -> str:
    if (
        not groups[0]
        or not _GROUPED.fullmatch(groups[0])
        or any(len(g) != 3 or not g.isdigit() for g in groups[1:])
    ):
        raise _Unreadable(
            f"{text!r} is not one number: thousands come in groups of three digits "
            "(separate several amounts with ';')"
        )
    return "".join(groups)


def _split_thousands(mantissa: str, sep: str) -> list[str]:
    return mantissa.split(sep) if sep != " " else re.split(f"[{_SPACES}]", mantissa)


def _digits(mantissa: str, convention: Convention) -> tuple[str, str]:
    """(integer digits, decimal digits) of a mantissa of digits, marks and spaces."""
    has_space = any(c in _SPACES for c in mantissa)
    dots, commas = mantissa.count("."), mantissa.count(",")
    decimal: str | None = None
    thousands: str | None = " " if has_space else None
    if dots and commas:
        decimal = "." if mantissa.rfind(".") > mantissa.rfind(",") else ","
        if mantissa.count(decimal) > 1:
            raise _Unreadable(f"{mantissa!r} has more than one decimal mark")
        if has_space:
            raise _Unreadable(f"{mantissa!r} mixes spaces with '.' and ',' between thousands")
        thousands = "," if decimal == "." else "."
    elif dots or commas:
        mark = "." if dots else ","
        count = dots or commas
        if count > 1:
            if has_space:
                raise _Unreadable(f"{mantissa!r} mixes spaces and {mark!r} between thousands")
            thousands = mark
        elif mark == _DECIMAL[convention]:
            decimal = mark
        else:  # this format's thousands separator, or the other format's decimal mark
            left, right = mantissa.split(mark)
            if len(right) != 3:
                decimal = mark  # cannot separate thousands: 0.6, 12.75 in Danish
            elif has_space:
                raise _Unreadable(
                    f"{mantissa!r} is ambiguous: {mark!r} before three digits could separate "
                    "thousands, but spaces already do"
                )
            elif left in ("", "0"):
                decimal = mark  # 0.500: no group of thousands starts with 0
            elif _GROUPED.fullmatch(left) and not left.startswith("0"):
                thousands = mark
            else:
                raise _Unreadable(
                    f"{mantissa!r} is ambiguous: {mark!r} before three digits separates "
                    "thousands in this format, but the digits before it do not form a group"
                )
    if decimal is not None:
        whole, frac = mantissa.split(decimal)
    else:
        whole, frac = mantissa, ""
    if frac and not frac.isdigit():
        raise _Unreadable(f"only digits may follow the decimal mark in {mantissa!r}")
    if thousands is not None and whole:
        whole = _check_groups(_split_thousands(whole, thousands), mantissa)
    elif any(c in _SPACES for c in whole):  # pragma: no cover - spaces always set thousands
        raise _Unreadable(f"{mantissa!r} holds spaces")
    if not whole and not frac:
        raise _Unreadable("there are no digits")
    if whole and not whole.isdigit():
        raise _Unreadable(f"{mantissa!r} is not one number")
    if decimal is not None and not frac:
        raise _Unreadable(f"a digit must follow the decimal mark in {mantissa!r}")
    return whole or "0", frac


def _read(text: str, convention: Convention, percent: bool) -> float:
    s = text.strip()
    if not s:
        raise _Unreadable("the box is empty")
    if len(s) > MAX_NUMBER_CHARS:
        raise _Unreadable(f"at most {MAX_NUMBER_CHARS} characters (this text has {len(s)})")
    strange = [c for c in s if c not in _ALLOWED]
    if strange:
        shown = ", ".join(repr(c) for c in dict.fromkeys(strange))
        raise _Unreadable(f"found {shown}: write digits 0-9, a sign and the marks '.' and ','")
    is_percent = s.endswith("%")
    if is_percent:
        if not percent:
            raise _Unreadable("a percentage is not allowed here (this field is not a share)")
        s = s[:-1].rstrip()
    if "%" in s:
        raise _Unreadable("'%' may only end the number")
    sign = ""
    if s and (s[0] in _MINUS or s[0] == "+"):
        sign = "-" if s[0] in _MINUS else ""
        s = s[1:]
    if s[:1] in set(_SPACES) | {"+"} | set(_MINUS):
        raise _Unreadable("write the sign directly before the digits, once")
    mantissa, exponent = s, ""
    for mark in "eE":
        if mark in s:
            mantissa, _, exponent = s.partition(mark)
            if not _EXPONENT.fullmatch(exponent):
                raise _Unreadable(f"{exponent!r} is not a whole-number exponent")
            exponent = "e" + exponent.replace("\u2212", "-")
            break
    if any(c in "+" or c in _MINUS for c in mantissa):
        raise _Unreadable("a sign may only start the number")
    if not mantissa or mantissa[-1] in _SPACES or mantissa[0] in _SPACES:
        raise _Unreadable("the number must start and end with a digit")
    whole, frac = _digits(mantissa, convention)
    canonical = f"{sign}{whole}{'.' + frac if frac else ''}{exponent}"
    try:
        if is_percent:
            scaled = Decimal(canonical).scaleb(-2)
            value = float_from_decimal(_decimal_text(scaled, canonical))
        else:
            value = float_from_decimal(canonical)
    except NumberTextError as exc:
        raise _Unreadable(str(exc)) from None
    return value


def _decimal_text(value: Decimal, original: str) -> str:
    text = format(value, "e")
    if len(text) > MAX_NUMBER_CHARS:  # pragma: no cover - the input is at most 40 characters
        raise NumberTextError(f"a number of at most {MAX_NUMBER_CHARS} characters: {original}")
    return text


def parse_number(
    text: str,
    convention: Convention = "da",
    *,
    path: str = "(input)",
    label: str = "",
    percent: bool = True,
) -> float:
    """The number ``text`` stands for in ``convention`` (see the module docstring).

    Raises :class:`~portal_tools.errors.InputError` naming ``path`` (and ``label``), the text
    and how a number is written. ``percent=False`` refuses ``60 %`` (fields that are not shares).
    """
    if convention not in _DECIMAL:
        raise ValueError(f"unknown number format {convention!r}; use 'da' or 'en'")
    try:
        return _read(text, convention, percent)
    except _Unreadable as exc:
        raise InputError.single(path, text, f"{number_help(convention)}; {exc}", label) from None


def _split_items(text: str, convention: Convention) -> list[str]:
    """The items of an amount list, as typed (see the module docstring)."""
    hard = re.compile(r"[;\n\r\t]")
    if convention == "da" or hard.search(text):
        return hard.split(text)
    return text.split(",")


def _ambiguous_commas(text: str) -> list[str]:
    """English list without ';' or line breaks: runs of digits joined by bare commas that could
    also be one number (``1,500,000``, ``1,5``)."""
    found = []
    for match in re.finditer(r"[0-9]+(?:,[0-9]+)+", text):
        run = match.group()
        groups = run.split(",")
        thousands = _GROUPED.fullmatch(groups[0]) is not None and all(
            len(g) == 3 for g in groups[1:]
        )
        if thousands or len(groups) == 2:
            found.append(run)
    return found


def parse_amounts(
    text: str,
    convention: Convention = "da",
    *,
    path: str = "(input)",
    label: str = "",
    percent: bool = False,
) -> list[float]:
    """The amounts of a list such as ``1.800.000; 1.800.000; 0`` (Danish) or ``1,800,000;
    0`` or ``1800000, 0`` (English), year 1 first.

    Items are separated by semicolons, line breaks or tabs, and in the English format also by
    commas; empty items at the ends are ignored, an empty item between two amounts is refused
    (write 0). Raises :class:`~portal_tools.errors.InputError` with one problem per bad item,
    each naming ``path[i]``.
    """
    if convention not in _DECIMAL:
        raise ValueError(f"unknown number format {convention!r}; use 'da' or 'en'")
    if convention == "en" and not re.search(r"[;\n\r\t]", text):
        ambiguous = _ambiguous_commas(text)
        if ambiguous:
            raise InputError.single(
                path,
                text,
                "amounts separated by ';', a line break or ', ' (English format); "
                f"{ambiguous[0]!r} is ambiguous: one amount or several? Write 1 500 000 or "
                "1500000 for one amount, '1, 5' or '1; 5' for two",
                label,
            )
    items = _split_items(text, convention)
    while items and not items[-1].strip():
        items.pop()
    while items and not items[0].strip():
        items.pop(0)
    values: list[float] = []
    problems: list[Problem] = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if not item.strip():
            problems.append(
                Problem(where, item, "an amount between the separators (write 0 for none)", label)
            )
            continue
        try:
            values.append(parse_number(item, convention, path=where, label=label, percent=percent))
        except InputError as err:
            problem = err.problems[0]
            hint = problem.allowed
            if convention == "da" and re.search(r",\s", item):
                hint += "; in the Danish format separate amounts with ';' or a new line"
            problems.append(Problem(where, item.strip(), hint, label))
    if problems:
        raise InputError(problems)
    return values


def format_number(value: float, convention: Convention = "da") -> str:
    """``value`` written in ``convention`` so that :func:`parse_number` reads it back exactly:
    thousands separated by spaces, the format's decimal mark, all significant digits
    (``1 500 000,5`` in Danish, ``1 500 000.5`` in English); very large or small numbers with an
    exponent."""
    number = float(value)
    if number == 0:
        return "0"
    if not 1e-7 <= abs(number) < 1e16:
        mantissa, exponent = repr(number).split("e")
        return mantissa.replace(".", _DECIMAL[convention]) + "e" + str(int(exponent))
    text = format(Decimal(repr(number)), "f")
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    frac = frac.rstrip("0")
    grouped = thousands(int(whole))
    return sign + grouped + (_DECIMAL[convention] + frac if frac else "")


def format_amounts(values: Sequence[float], convention: Convention = "da") -> str:
    """A list of amounts as :func:`parse_amounts` reads it back (``'; '`` between items)."""
    return "; ".join(format_number(v, convention) for v in values)


def echo_number(value: float | None, convention: Convention = "da") -> str:
    """What a number box shows beside the text: the value read, e.g. ``= 1 500 000,5``."""
    return "= none" if value is None else "= " + format_number(value, convention)


def echo_amounts(values: Sequence[float], convention: Convention = "da", shown: int = 8) -> str:
    """What an amount list shows beside the text: how many amounts were read and the first
    ``shown`` of them, e.g. ``3 amounts: 1 800 000; 1 800 000; 0``."""
    n = len(values)
    head = format_amounts(values[:shown], convention)
    more = f"; ... ({n - shown} more)" if n > shown else ""
    noun = "amount" if n == 1 else "amounts"
    return f"{n} {noun}" + (f": {head}{more}" if n else "")
