"""The one summary-ratio helper (programme, payment and creaming use it)."""

from __future__ import annotations

import math

import pytest

from portal_tools.results import ratio


@pytest.mark.parametrize(
    ("numerator", "denominator", "minimum", "expected"),
    [
        (6.0, 3.0, 0.0, 2.0),
        (-6.0, 4.0, 0.0, -1.5),
        (0.0, 5.0, 0.0, 0.0),
        (1.0, 0.0, 0.0, None),  # zero denominator
        (1.0, -2.0, 0.0, None),  # negative denominator
        (-1.0, -2.0, 0.0, None),  # negative over negative is not a ratio either
        (1.0, 1e-320, 0.0, None),  # near zero: the quotient overflows to infinity
        (1e-3, 1e-9, 0.0, 1e6),  # small but representable: kept without a minimum
        (1.0, 0.005, 0.01, None),  # below the minimum (half an øre of payments)
        (1.0, 0.01, 0.01, 100.0),  # at the minimum: kept
        (5.0, 2e-6, 1e-6, 2.5e6),
        (5.0, 5e-7, 1e-6, None),
        (1.0, -1.0, 0.01, None),
        (1.0, math.nan, 0.0, None),
        (math.nan, 2.0, 0.0, None),
        (math.inf, 2.0, 0.0, None),
    ],
)
def test_ratio(
    numerator: float, denominator: float, minimum: float, expected: float | None
) -> None:
    assert ratio(numerator, denominator, minimum) == expected
