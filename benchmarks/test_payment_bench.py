"""Full recompute of a 30-year, 20-outcome payment scenario (target: well under 100 ms).

Since the second version of the model a run also settles the contract about 165 more times for
the sensitivity table (each rate and price and the costs, four changes each) and about 400 times
for the two break-even factors, all vectorised; on this scenario, whose investor flows change sign
several times, those variants take most of the time (measured 2026-12-03: 38 ms median against
about 5 ms for the first version on the same machine; the default scenario 2.5 ms against
1.1 ms)."""

from __future__ import annotations

from typing import Any

import numpy as np
from pytest_benchmark.fixture import BenchmarkFixture

from portal_tools.calculators.payment import CALCULATOR, contract_arrays, settle


def big_scenario() -> dict[str, Any]:
    """30 contract years, 20 outcomes with payment profiles, caps, triggers, values and every
    contract-level cap switched on (so every rule is exercised)."""
    outcomes = []
    for i in range(20):
        start = 1 + i % 25
        outcomes.append(
            {
                "name": f"Outcome {i + 1}",
                "price": 5_000 + 1_000 * i,
                "rate": 0.05 + 0.04 * (i % 10),
                "payment_year": start,
                "payment_profile": [0.2, 0.3, 0.3, 0.2] if start <= 27 else [],
                "cap": 400_000 + 10_000 * i if i % 3 == 0 else None,
                "threshold": 0.1 if i % 4 == 0 else None,
                "value": 20_000 + 2_000 * i,
            }
        )
    return {
        "cohort_size": 500,
        "years": 30,
        "delivery_costs": [900_000 - 25_000 * t for t in range(30)],
        "outcomes": outcomes,
        "total_cap": 40_000_000,
        "per_person_cap": 90_000,
        "return_cap": 0.07,
    }


def test_full_recompute_30_years_20_outcomes(benchmark: BenchmarkFixture) -> None:
    data = big_scenario()
    result = benchmark(CALCULATOR.run, data)
    assert result.summary["removed_by_return_cap"] > 0
    assert len(result.tables["yearly"]) == 30


def test_settle_10000_paths(benchmark: BenchmarkFixture) -> None:
    contract = contract_arrays(CALCULATOR.parse(big_scenario()))
    rates = np.random.default_rng(7).uniform(0, 1, size=(10_000, 20))
    settlement = benchmark(settle, contract, rates)
    assert settlement.payments.shape == (10_000, 20, 30)
