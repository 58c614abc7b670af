"""The number parser of the forms (issue 14): Danish and English habits, never a silent misreading.

The references here share no code with :mod:`portal_tools.ui.numbers`: numbers are written with
Python's own ``format(n, ",")`` and the marks swapped by hand, and the expected value comes from
:class:`decimal.Decimal`.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_tools.errors import InputError
from portal_tools.ui.numbers import (
    format_amounts,
    format_number,
    parse_amounts,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "convention", "expected"),
    [
        ("1.500.000,50", "da", 1_500_000.5),
        ("1,500,000.50", "en", 1_500_000.5),
        ("1 500 000", "da", 1_500_000),
        ("1 500 000", "en", 1_500_000),
        ("1\u00a0500\u202f000,5", "da", 1_500_000.5),  # no-break and thin spaces
        ("0,6", "da", 0.6),
        ("0.6", "en", 0.6),
        ("0.6", "da", 0.6),  # a mark that cannot separate thousands is a decimal mark
        ("12.7", "da", 12.7),  # issue 14: was read as 127
        ("15.000", "da", 15_000),  # issue 14: was read as 15
        ("1.500", "da", 1_500),  # ambiguous: the format decides
        ("1.500", "en", 1.5),
        ("1,500", "da", 1.5),
        ("1,500", "en", 1_500),
        ("60 %", "da", 0.6),
        ("12,5%", "da", 0.125),
        ("1e2", "da", 100),  # issue 14: was read as 12
        ("2,5E3", "da", 2_500),
        ("-3", "da", -3),
        ("\u22123,5", "da", -3.5),  # the minus sign
        ("+4", "en", 4),
        ("  7 ", "en", 7),
        ("0", "da", 0),
    ],
)
def test_reads_both_conventions(text: str, convention: str, expected: float) -> None:
    assert parse_number(text, convention) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("12abc", "found 'a', 'b', 'c'"),  # issue 14: was read as 12
        ("abc", "found 'a', 'b', 'c'"),  # issue 14: silently reverted
        ("", "the box is empty"),
        ("nan", "found 'n', 'a'"),
        ("inf", "found 'i', 'n', 'f'"),
        ("\u0661\u0662", "found '\u0661', '\u0662'"),  # Arabic-Indic digits
        ("2000000 1500000", "thousands come in groups of three digits"),  # issue 14: 2e13
        ("1.50.000", "thousands come in groups of three digits"),
        ("1.500,5.0", "more than one decimal mark"),
        ("5,", "a digit must follow the decimal mark"),
        ("- 3", "write the sign directly before the digits"),
        ("3-", "a sign may only start the number"),
        ("1e", "is not a whole-number exponent"),
        ("1e-400", "too small to store"),
        ("1e400", "too large to store"),
        ("1" * 41, "at most 40 characters"),
        ("5 %%", "'%' may only end the number"),
        ("1 500.000", "is ambiguous"),
        ("1 500.000,5", "mixes spaces"),
    ],
)
def test_bad_text_names_field_value_and_what_is_allowed(text: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        parse_number(text, "da", path="costs[2]", label="Costs")
    (problem,) = info.value.problems
    assert problem.path == "costs[2]" and problem.value == text and problem.label == "Costs"
    assert "Danish format: ',' is the decimal mark" in problem.allowed
    assert reason in problem.allowed
    assert str(info.value).startswith("costs[2] (Costs): got ")
    assert "\n" not in str(info.value)


def test_a_percentage_only_where_the_field_is_a_share() -> None:
    with pytest.raises(InputError, match="a percentage is not allowed here"):
        parse_number("70 %", "da", percent=False)


def test_unknown_convention_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown number format"):
        parse_number("1", "fr")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "convention", "expected"),
    [
        ("500.000", "da", [500_000]),  # issue 14: was read as 500
        ("1,5; 2,5", "da", [1.5, 2.5]),  # issue 14: was read as four amounts
        ("1.800.000; 1.800.000; 0", "da", [1_800_000, 1_800_000, 0]),
        ("1 000\n2 000\n", "da", [1_000, 2_000]),
        ("1000, 2000", "en", [1_000, 2_000]),
        ("1,500,000; 2,000,000", "en", [1_500_000, 2_000_000]),
        ("1.5\t2", "en", [1.5, 2]),
        ("", "da", []),
        (";1;", "da", [1]),
    ],
)
def test_amount_lists(text: str, convention: str, expected: list[float]) -> None:
    assert parse_amounts(text, convention) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "convention", "path", "reason"),
    [
        ("2000000 1500000", "da", "costs[0]", "groups of three digits"),  # issue 14: 2e13
        ("1, 2", "da", "costs[0]", "separate amounts with ';' or a new line"),
        ("1;;2", "da", "costs[1]", "write 0 for none"),
        ("1,500,000", "en", "costs", "'1,500,000' is ambiguous"),
        ("1,5", "en", "costs", "'1,5' is ambiguous"),
        ("1; x; 3", "da", "costs[1]", "found 'x'"),
    ],
)
def test_bad_amount_lists(text: str, convention: str, path: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        parse_amounts(text, convention, path="costs", label="Costs")  # type: ignore[arg-type]
    problem = info.value.problems[0]
    assert problem.path == path and reason in problem.allowed


def test_every_bad_item_of_a_list_is_reported() -> None:
    with pytest.raises(InputError) as info:
        parse_amounts("x; 2; y", "da", path="costs")
    assert [p.path for p in info.value.problems] == ["costs[0]", "costs[2]"]


# ------------------------------------------------------------------ independent references


def _written(whole: int, frac: str, convention: str, spaces: bool) -> str:
    """A number written by hand in ``convention`` (Python groups, marks swapped)."""
    grouped = format(whole, ",")
    if spaces:
        grouped = grouped.replace(",", " ")
    elif convention == "da":
        grouped = grouped.replace(",", ".")
    decimal = "," if convention == "da" else "."
    return grouped + (decimal + frac if frac else "")


@given(
    st.integers(0, 10**14),
    st.text("0123456789", max_size=6),
    st.sampled_from(["da", "en"]),
    st.booleans(),
    st.booleans(),
)
def test_any_written_number_reads_as_its_decimal_value(
    whole: int, frac: str, convention: str, spaces: bool, negative: bool
) -> None:
    text = ("-" if negative else "") + _written(whole, frac, convention, spaces)
    expected = float(Decimal(f"{'-' if negative else ''}{whole}.{frac or '0'}"))
    assert parse_number(text, convention) == expected  # type: ignore[arg-type]


@given(
    st.lists(st.integers(0, 10**12), max_size=8),
    st.sampled_from(["da", "en"]),
    st.sampled_from(["; ", ";", "\n"]),
)
def test_any_written_list_reads_back(values: list[int], convention: str, sep: str) -> None:
    text = sep.join(_written(v, "", convention, spaces=False) for v in values)
    if convention == "en" and len(values) == 1 and "," in text:
        # One English amount with a comma and no ';' could be one amount or several: refused.
        with pytest.raises(InputError, match="is ambiguous"):
            parse_amounts(text, "en")
        return
    assert parse_amounts(text, convention) == [float(v) for v in values]  # type: ignore[arg-type]


@given(
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=False),
    st.sampled_from(["da", "en"]),
)
def test_format_number_reads_back_exactly(value: float, convention: str) -> None:
    assert parse_number(format_number(value, convention), convention) == value  # type: ignore[arg-type]


@given(
    st.lists(st.floats(-1e13, 1e13, allow_subnormal=False), max_size=6),
    st.sampled_from(["da", "en"]),
)
def test_format_amounts_reads_back_exactly(values: list[float], convention: str) -> None:
    assert parse_amounts(format_amounts(values, convention), convention) == values  # type: ignore[arg-type]


@given(st.text(st.sampled_from("0123456789.,eE+-% x\u2212\u0661"), max_size=14))
def test_any_text_is_a_finite_number_or_a_clear_error(text: str) -> None:
    for convention in ("da", "en"):
        try:
            value = parse_number(text, convention, path="f")
        except InputError as err:
            assert err.problems[0].path == "f" and err.problems[0].value == text
            continue
        assert math.isfinite(value)
        # Nothing is dropped: a text that holds anything but digits, signs, marks, spaces,
        # an exponent and an ending '%' is never read.
        assert "x" not in text and "\u0661" not in text
