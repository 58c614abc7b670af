"""Full recomputes of the effect-chain, budget and programme calculators at their largest
sizes (30 years, 40 consequences, 200 cost rows, 20 outcomes); each should take a few ms."""

from __future__ import annotations

from typing import Any

from pytest_benchmark.fixture import BenchmarkFixture

from portal_tools.calculators import budget, effect_chain, programme

HOLDERS = ("kommune", "region", "stat")
CEILINGS = ("service", "transfer", "construction", "outside")


def big_chain() -> dict[str, Any]:
    """30 years, 12 steps, 40 consequences over every holder and ceiling, 200 cost rows."""
    return {
        "years": 30,
        "cohort_size": 5_000,
        "steps": [{"name": f"Step {i + 1}", "rate": 0.97 - 0.01 * i} for i in range(12)],
        "baseline_rate": 0.1,
        "first_effect_year": 3,
        "persistence": 0.9,
        "consequences": [
            {
                "label": f"Consequence {i + 1}",
                "budget_holder": HOLDERS[i % 3],
                "ceiling": CEILINGS[i % 4],
                "annual_saving": 5_000 + 500 * i - (20_000 if i % 9 == 0 else 0),
            }
            for i in range(40)
        ],
        "intervention_costs": [
            {"budget_holder": HOLDERS[i % 3], "year": 1 + i % 30, "amount": 50_000 + 100 * i}
            for i in range(200)
        ],
    }


def test_effect_chain_30_years_40_consequences(benchmark: BenchmarkFixture) -> None:
    result = benchmark(effect_chain.CALCULATOR.run, big_chain())
    assert len(result.tables["savings"]) == 30 * 12  # 12 holder x ceiling pairs used


def test_budget_30_years(benchmark: BenchmarkFixture) -> None:
    data = {
        "intervention_costs": [1e6] * 5 + [0.0] * 25,
        "capital_received": [1e6] * 5 + [0.0] * 25,
        "outcome_payments": [0.0] * 3 + [9e5] * 10 + [0.0] * 17,
        "service_savings": [1e5 * t for t in range(30)],
        "transfer_savings": [5e4 * t for t in range(30)],
    }
    result = benchmark(budget.CALCULATOR.run, data)
    assert result.summary["years_burdening_service_ceiling"]


def test_programme_30_years_20_outcomes(benchmark: BenchmarkFixture) -> None:
    data = {
        **big_chain(),
        "delivery_costs": [2e6] * 6,
        "outcomes": [
            {
                "name": f"Outcome {i + 1}",
                "price": 20_000 + 1_000 * i,
                "rate": 0.02 + 0.01 * i,
                "payment_year": 2 + i,
                "payment_profile": [0.5, 0.5],
                "cap": 3e6 if i % 4 == 0 else None,
            }
            for i in range(20)
        ],
        "return_cap": 0.1,
        "payer": "kommune",
    }
    result = benchmark(programme.CALCULATOR.run, data)
    assert len(result.tables["yearly"]) == 30
