"""The municipality's Budget Act view: worked examples by hand, properties and bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators.budget import CALCULATOR, budget_table, burden_years
from portal_tools.errors import InputError

SMALL: dict[str, Any] = {
    "capital_received": [100, 100, 0],
    "intervention_costs": [100, 120, 0],
    "outcome_payments": [0, 50, 80],
    "service_savings": [0, 30, 60],
    "transfer_savings": [0, 40, 40],
}


def test_small_budget_by_hand() -> None:
    # Service-ceiling effect = capital - costs - payments + service savings:
    #   year 1: 100 - 100 - 0 + 0 = 0; year 2: 100 - 120 - 50 + 30 = -40;
    #   year 3: 0 - 0 - 80 + 60 = -20.
    # Total budget effect adds transfer savings: 0, 0, 20.
    # Cumulative service effect: 0, -40, -60; years burdening the ceiling: 2 and 3.
    result = CALCULATOR.run(SMALL)
    s = result.summary
    assert s["service_ceiling_effect_by_year"] == pytest.approx([0, -40, -20])
    assert s["total_budget_effect_by_year"] == pytest.approx([0, 0, 20])
    assert s["cumulative_service_ceiling_effect_by_year"] == pytest.approx([0, -40, -60])
    assert s["cumulative_service_ceiling_effect"] == pytest.approx(-60)
    assert s["cumulative_total_budget_effect"] == pytest.approx(20)
    assert s["years_burdening_service_ceiling"] == [2, 3]
    assert s["largest_yearly_burden"] == pytest.approx(40)
    assert s["lowest_cumulative_service_ceiling_effect"] == pytest.approx(-60)
    assert any("only when transfer savings" in n for n in result.notes)
    table = result.tables["yearly"]
    assert table["burdens_service_ceiling"].tolist() == [False, True, True]


def test_default_scenario_by_hand() -> None:
    # Capital equals costs in years 1-3 (neutral); payments 0, 0, 1.5m, 2m, 2m, 0 burden the
    # ceiling; service savings 0, 0.4m, 1.2m, 1.5m, 1.5m, 1.4m free room:
    # effect 0, 0.4m, -0.3m, -0.5m, -0.5m, 1.4m; total 0.5m; burdened years 3, 4, 5.
    s = CALCULATOR.run({}).summary
    assert s["service_ceiling_effect_by_year"] == pytest.approx(
        [0, 400_000, -300_000, -500_000, -500_000, 1_400_000]
    )
    assert s["cumulative_service_ceiling_effect"] == pytest.approx(500_000)
    assert s["years_burdening_service_ceiling"] == [3, 4, 5]
    assert s["cumulative_total_budget_effect"] == pytest.approx(500_000 + 3_600_000)


def test_empty_lists_count_as_zero() -> None:
    s = CALCULATOR.run(
        {
            "intervention_costs": [10, 10],
            "capital_received": [],
            "outcome_payments": [],
            "service_savings": [],
            "transfer_savings": [5, 5],
        }
    ).summary
    assert s["service_ceiling_effect_by_year"] == [-10, -10]
    assert s["total_budget_effect_by_year"] == [-5, -5]


def test_capital_booked_as_grant_is_neutral() -> None:
    s = CALCULATOR.run(
        {
            "intervention_costs": [5e6, 3e6],
            "capital_received": [5e6, 3e6],
            "outcome_payments": [],
            "service_savings": [],
            "transfer_savings": [],
        }
    ).summary
    assert s["service_ceiling_effect_by_year"] == [0, 0]
    assert s["years_burdening_service_ceiling"] == []


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"outcome_payments": [0, 50]}, "outcome_payments"),
        ({"intervention_costs": [100, -1, 0]}, "intervention_costs[1]"),
        ({"capital_received": ["a", 0, 0]}, "capital_received[0]"),
        ({"service_savings": [0, float("inf"), 0]}, "service_savings[1]"),
        ({"transfer_savings": [0.0] * 31}, "transfer_savings"),
        (
            {
                "intervention_costs": [],
                "capital_received": [],
                "outcome_payments": [],
                "service_savings": [],
                "transfer_savings": [],
            },
            "intervention_costs",
        ),
        ({"years": 3}, "years"),
    ],
)
def test_invalid_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        CALCULATOR.run({**SMALL, **data})
    paths = [p.path for p in err.value.problems]
    assert path in paths
    assert err.value.problems[paths.index(path)].allowed


amounts = st.lists(st.floats(0, 1e8), min_size=1, max_size=12)


@settings(max_examples=150)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.lists(
            st.lists(st.floats(0, 1e8), min_size=n, max_size=n), min_size=5, max_size=5
        )
    )
)
def test_properties(columns: list[list[float]]) -> None:
    capital, costs, payments, service, transfer = (np.asarray(c) for c in columns)
    table = budget_table(capital, costs, payments, service, transfer)
    without_transfers = budget_table(capital, costs, payments, service, np.zeros_like(transfer))
    # Transfer savings never change the service-ceiling effect.
    np.testing.assert_array_equal(
        table["service_ceiling_effect"], without_transfers["service_ceiling_effect"]
    )
    # Capital booked as a grant against the same costs is neutral on the ceiling.
    extra = budget_table(capital + costs, costs + costs, payments, service, transfer)
    np.testing.assert_allclose(
        extra["service_ceiling_effect"], table["service_ceiling_effect"], rtol=1e-9, atol=1e-3
    )
    # Burdened years are exactly those with a negative effect.
    expected = [i + 1 for i, v in enumerate(table["service_ceiling_effect"]) if v < -0.005]
    assert burden_years(table) == expected
    np.testing.assert_allclose(
        table["cumulative_total_budget_effect"].iloc[-1],
        float(table["service_ceiling_effect"].sum() + transfer.sum()),
        rtol=1e-9,
        atol=1e-3,
    )
