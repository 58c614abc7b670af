"""Speed of the transaction-cost calculator (measured, not asserted)."""

from __future__ import annotations

from typing import Any

import numpy as np

from portal_tools.calculators import transaction_costs as tc
from portal_tools.registry import get

CALC = get("transaction_costs")
RNG = np.random.default_rng(20261127)


def _many_items(n: int) -> list[dict[str, Any]]:
    """``n`` seeded random cost items (the model's maximum is 100)."""
    items = []
    for i in range(n):
        basis = str(RNG.choice(tc.BASES))
        amount = (
            float(RNG.uniform(0, 0.05))
            if basis == "share_of_delivery"
            else float(RNG.uniform(0, 300_000))
        )
        routes = [str(r) for r in tc.ROUTES if RNG.random() < 0.6] or ["sib"]
        items.append(
            {
                "name": f"item {i}",
                "phase": str(RNG.choice(tc.PHASES)),
                "side": str(RNG.choice(tc.SIDES)),
                "basis": basis,
                "amount": amount,
                "routes": routes,
            }
        )
    return items


def test_transaction_costs_default_run(benchmark: Any) -> None:
    result = benchmark(CALC.run)
    assert result.summary["total_by_route"]["sib"] > 0


def test_transaction_costs_100_items_run(benchmark: Any) -> None:
    data = {"cost_items": _many_items(100)}
    result = benchmark(CALC.run, data)
    assert len(result.tables["items"]) == 100


def test_transaction_costs_charts(benchmark: Any) -> None:
    result = CALC.run()
    charts = benchmark(CALC.charts, result)
    assert len(charts) == 2
