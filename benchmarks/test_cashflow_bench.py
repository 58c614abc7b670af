"""Speed of the shared cash-flow layer and the first calculator (measured, not asserted)."""

from __future__ import annotations

from typing import Any

import numpy as np

from portal_tools import cashflow
from portal_tools.registry import get

RNG = np.random.default_rng(20260101)
FLOWS_30 = np.concatenate([-RNG.uniform(1e5, 1e6, 5), RNG.uniform(0, 4e5, 25)])


def test_npv_public_rate_70_years(benchmark: Any) -> None:
    flows = RNG.normal(0, 1e5, 70)
    benchmark(cashflow.npv, flows)


def test_irr_30_years(benchmark: Any) -> None:
    result = benchmark(cashflow.irr, FLOWS_30)
    assert result is not None


def test_present_value_full_run(benchmark: Any) -> None:
    calculator = get("present_value")
    data = {"costs": list(np.maximum(FLOWS_30 * -1, 0)), "savings": list(np.maximum(FLOWS_30, 0))}
    benchmark(calculator.run, data)
