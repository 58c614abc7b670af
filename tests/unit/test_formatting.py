"""The shared number formats (issue 11): expected strings written by hand, not computed."""

from __future__ import annotations

import pytest

from portal_tools.formatting import count, money, multiple, percent, significant, thousands
from portal_tools.results import format_value


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0, 0, "0"),
        (0.0, 0, "0"),
        (-0.0, 0, "-0"),
        (-0.4, 0, "-0"),
        (7, 0, "7"),
        (999, 0, "999"),
        (1000, 0, "1 000"),
        (-1000, 0, "-1 000"),
        (1234567, 0, "1 234 567"),
        (1234567.0, 0, "1 234 567"),
        (-1234567.49, 0, "-1 234 567"),
        (999.5, 0, "1 000"),
        (0.5, 0, "0"),
        (1.5, 0, "2"),
        (2.5, 0, "2"),
        (-2.5, 0, "-2"),
        (12345678901.0, 0, "12 345 678 901"),
        (10**20 + 1, 0, "100 000 000 000 000 000 001"),
        (1234.56, 1, "1 234.6"),
        (-0.04, 1, "-0.0"),
        (0.25, 1, "0.2"),
        (0.35, 1, "0.3"),
        (1000000.0, 2, "1 000 000.00"),
    ],
)
def test_thousands(x: float, decimals: int, expected: str) -> None:
    assert thousands(x, decimals) == expected


@pytest.mark.parametrize(
    ("x", "currency", "expected"),
    [
        (0.0, "DKK", "0 DKK"),
        (-0.4, "DKK", "-0 DKK"),
        (1234567.0, "DKK", "1 234 567 DKK"),
        (-1234567.5, "EUR", "-1 234 568 EUR"),
        (2.5, "DKK", "2 DKK"),
    ],
)
def test_money(x: float, currency: str, expected: str) -> None:
    assert money(x, currency) == expected


@pytest.mark.parametrize(
    ("share", "decimals", "minus_zero", "expected"),
    [
        (0.035, 1, False, "3.5 %"),
        (0.0, 1, False, "0.0 %"),
        (-0.0, 1, False, "0.0 %"),
        (-0.0, 1, True, "-0.0 %"),
        (-0.0004, 1, False, "0.0 %"),
        (-0.0004, 1, True, "-0.0 %"),
        (-0.0005, 1, False, "-0.1 %"),
        (-0.1, 1, False, "-10.0 %"),
        (-0.1, 1, True, "-10.0 %"),
        (1.0, 1, False, "100.0 %"),
        (12.5, 1, False, "1250.0 %"),
        (0.12, 0, False, "12 %"),
        (0.125, 0, True, "12 %"),
        (-0.004, 0, False, "0 %"),
        (-0.004, 0, True, "-0 %"),
    ],
)
def test_percent(share: float, decimals: int, minus_zero: bool, expected: str) -> None:
    assert percent(share, decimals, minus_zero=minus_zero) == expected


def test_percent_defaults_to_one_decimal_without_minus_zero() -> None:
    assert percent(0.035) == "3.5 %"
    assert percent(-0.00001) == "0.0 %"


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, "0"),
        (12.0, "12"),
        (12, "12"),
        (-0.04, "-0"),
        (0.05, "0.1"),
        (1234.56, "1 234.6"),
        (-1234.0, "-1 234"),
        (1000000.25, "1 000 000.2"),
    ],
)
def test_count(x: float, expected: str) -> None:
    assert count(x) == expected


@pytest.mark.parametrize(
    ("x", "expected"), [(1.25, "1.25x"), (0.0, "0.00x"), (-0.001, "-0.00x"), (1234.5, "1234.50x")]
)
def test_multiple(x: float, expected: str) -> None:
    assert multiple(x) == expected


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.0, "0"),
        (-0.0, "-0"),
        (1234.5, "1 234"),
        (1235.5, "1 236"),
        (12345.0, "12 340"),  # 12 345 is exact: the half rounds to the even neighbour
        (12346.0, "12 350"),
        (12345678.0, "12 350 000"),
        (0.000012345, "0.00001234"),
        (9999.5, "10 000"),
        (0.099995, "0.1"),  # just above the half as a binary number: 0.1000, zeros dropped
        (0.5, "0.5"),
        (-3.14159, "-3.142"),
        (2.0, "2"),
        (-2.220446049250313e-16, "0"),
        (1.5e-9, "0.0000000015"),
    ],
)
def test_significant(x: float, expected: str) -> None:
    assert significant(x) == expected


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (None, "money", "none"),
        (1234567.0, "money", "1 234 567 DKK"),
        (-0.0, "rate", "0.0 %"),
        (-0.0004, "share", "0.0 %"),
        (0.035, "rate", "3.5 %"),
        (1.25, "ratio", "1.25x"),
        (12.0, "count", "12"),
        (1234.56, "count", "1 234.6"),
        (1234.5, "number", "1 234"),
        ([0.1, -0.0], "share", "10.0 %; 0.0 %"),
    ],
)
def test_format_value_uses_the_shared_formats(value: object, kind: str, expected: str) -> None:
    assert format_value(value, kind) == expected  # type: ignore[arg-type]
