"""The programme model (effect chain + payment mechanism): worked examples by hand,
properties and bad input."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators.effect_chain import HOLDERS
from portal_tools.calculators.programme import CALCULATOR
from portal_tools.errors import InputError

SMALL: dict[str, Any] = {
    "years": 3,
    "discount_rate": 0.0,
    "cohort_size": 10,
    "steps": [{"name": "Outcome", "rate": 0.5}],
    "baseline_rate": 0.1,
    "first_effect_year": 2,
    "persistence": 1.0,
    "consequences": [
        {
            "label": "Service",
            "budget_holder": "kommune",
            "ceiling": "service",
            "annual_saving": 10_000,
        },
        {
            "label": "Benefit",
            "budget_holder": "kommune",
            "ceiling": "transfer",
            "annual_saving": 5_000,
        },
        {
            "label": "Hospital",
            "budget_holder": "region",
            "ceiling": "service",
            "annual_saving": 2_000,
        },
    ],
    "intervention_costs": [{"budget_holder": "kommune", "year": 1, "amount": 1_000}],
    "delivery_costs": [20_000],
    "outcomes": [{"name": "Outcome", "price": 10_000, "rate": 0.5, "payment_year": 2}],
    "payer": "kommune",
    "capital_via_municipality": True,
}


def with_(**changes: Any) -> dict[str, Any]:
    return {**SMALL, **changes}


def test_small_programme_by_hand() -> None:
    # Chain: 10 * 0.5 = 5 successes, deadweight 10 * 0.1 = 1, A = 4; effect [0, 4, 4].
    # Kommune saves 15 000 per success a year: [0, 60 000, 60 000] (service 40 000 a year,
    #   transfers 20 000 a year); region 2 000 per success: [0, 8 000, 8 000].
    # Contract: 10 * 0.5 = 5 achievements * 10 000 = 50 000, paid by the kommune in year 2.
    # Net kommune: [-1 000, 60 000 - 50 000, 60 000] = [-1 000, 10 000, 60 000]; PV at 0 % 69 000.
    # Net region 16 000; all public budgets 85 000.
    # Investor: [-20 000, +50 000, 0]; IRR: 50 000 / (1 + r) = 20 000 -> r = 1.5.
    # Budget view: capital [20 000, 0, 0]; costs 1 000 + 20 000 delivery in year 1;
    #   payments [0, 50 000, 0]; service savings [0, 40 000, 40 000]
    #   -> service effect [-1 000, -10 000, 40 000]; burden in years 1 and 2;
    #   total effect adds transfer savings [0, 20 000, 20 000] -> [-1 000, 10 000, 60 000].
    result = CALCULATOR.run(SMALL)
    s = result.summary
    assert s["additional_successes"] == pytest.approx(4)
    assert s["paid_achievements"] == pytest.approx(5)
    assert s["savings_by_holder"] == pytest.approx(
        {"kommune": 120_000, "region": 16_000, "stat": 0}
    )
    assert s["outcome_payments_pv_by_holder"] == pytest.approx(
        {"kommune": 50_000, "region": 0, "stat": 0}
    )
    assert s["net_result_pv_by_holder"] == pytest.approx(
        {"kommune": 69_000, "region": 16_000, "stat": 0}
    )
    assert s["net_result_pv"] == pytest.approx(85_000)
    assert s["investor_net"] == pytest.approx(30_000)
    assert s["investor_irr"] == pytest.approx(1.5)
    assert s["peak_investor_exposure"] == pytest.approx(20_000)
    assert s["payments_per_additional_success"] == pytest.approx(12_500)
    assert s["payer_savings_to_payments_pv"] == pytest.approx(120_000 / 50_000)
    assert s["service_ceiling_effect_by_year"] == pytest.approx([-1_000, -10_000, 40_000])
    assert s["total_budget_effect_by_year"] == pytest.approx([-1_000, 10_000, 60_000])
    # Year by year: 1 000 + 10 000 to be found in years 1 and 2; 40 000 of room in year 3.
    assert s["service_ceiling_burden_total"] == pytest.approx(11_000)
    assert s["service_ceiling_room_total"] == pytest.approx(40_000)
    assert s["years_burdening_service_ceiling"] == [1, 2]
    yearly = result.tables["yearly"]
    assert yearly["net_kommune"].tolist() == pytest.approx([-1_000, 10_000, 60_000])
    assert yearly["cumulative_net_region"].tolist() == pytest.approx([0, 8_000, 16_000])


def test_state_as_payer_moves_the_payments_off_the_municipal_budget() -> None:
    # Kommune: no payments -> net [-1 000, 60 000, 60 000]; service [-1 000, 40 000, 40 000].
    # State pays 50 000 in year 2 and saves nothing: net PV -50 000.
    s = CALCULATOR.run(with_(payer="stat")).summary
    assert s["net_result_pv_by_holder"] == pytest.approx(
        {"kommune": 119_000, "region": 16_000, "stat": -50_000}
    )
    assert s["service_ceiling_effect_by_year"] == pytest.approx([-1_000, 40_000, 40_000])
    assert s["years_burdening_service_ceiling"] == [1]
    assert s["payer_savings_to_payments_pv"] == pytest.approx(0)


def test_capital_through_the_municipality_is_neutral_on_the_ceiling() -> None:
    a = CALCULATOR.run(SMALL).summary
    b = CALCULATOR.run(with_(capital_via_municipality=False)).summary
    assert a["service_ceiling_effect_by_year"] == pytest.approx(b["service_ceiling_effect_by_year"])
    budget_a = CALCULATOR.run(SMALL).tables["budget"]
    assert budget_a["capital_received"].tolist() == [20_000, 0, 0]
    assert budget_a["intervention_costs"].tolist() == [21_000, 0, 0]


def test_no_additional_successes_means_paying_for_deadweight() -> None:
    result = CALCULATOR.run(with_(baseline_rate=0.5))
    s = result.summary
    assert s["additional_successes"] == pytest.approx(0)
    assert s["payments_per_additional_success"] is None
    assert s["savings_by_holder"]["kommune"] == 0
    assert any("would have happened anyway" in n for n in result.notes)


def test_default_matches_the_housing_preset() -> None:
    from portal_tools.scenario import load_preset

    preset = load_preset("programme_housing_support")
    assert CALCULATOR.run(preset.inputs).summary == CALCULATOR.run({}).summary


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"payer": "municipality"}, "payer"),
        (
            {"outcomes": [{"name": "x", "price": 1, "rate": 0.5, "payment_year": 4}]},
            "outcomes[0].payment_year",
        ),
        (
            {"outcomes": [{"name": "x", "price": 1, "rate": 2, "payment_year": 1}]},
            "outcomes[0].rate",
        ),
        ({"delivery_costs": [1, 1, 1, 1]}, "delivery_costs"),
        ({"delivery_costs": [-1]}, "delivery_costs[0]"),
        ({"steps": [{"name": "x", "rate": -0.5}]}, "steps[0].rate"),
        (
            {"intervention_costs": [{"budget_holder": "kommune", "year": 4, "amount": 1}]},
            "intervention_costs[0].year",
        ),
        ({"return_cap": 2}, "return_cap"),
        ({"capital_via_municipality": "maybe"}, "capital_via_municipality"),
    ],
)
def test_invalid_input_names_the_field(data: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError) as err:
        CALCULATOR.run(with_(**data))
    paths = [p.path for p in err.value.problems]
    assert path in paths
    assert err.value.problems[paths.index(path)].allowed


@settings(max_examples=80)
@given(
    st.integers(1, 500),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 1),
    st.floats(0, 2e5),
    st.floats(0, 2e5),
    st.sampled_from(HOLDERS),
    st.booleans(),
)
def test_municipal_total_effect_equals_its_net_when_it_pays(
    cohort: int,
    rate: float,
    baseline: float,
    persistence: float,
    price: float,
    saving: float,
    payer: str,
    via: bool,
) -> None:
    data = with_(
        cohort_size=cohort,
        steps=[{"name": "s", "rate": rate}],
        baseline_rate=baseline,
        persistence=persistence,
        outcomes=[{"name": "o", "price": price, "rate": rate, "payment_year": 2}],
        consequences=[
            {
                "label": "a",
                "budget_holder": "kommune",
                "ceiling": "service",
                "annual_saving": saving,
            },
            {"label": "b", "budget_holder": "kommune", "ceiling": "transfer", "annual_saving": 700},
            {"label": "c", "budget_holder": "stat", "ceiling": "outside", "annual_saving": 300},
        ],
        payer=payer,
        capital_via_municipality=via,
    )
    result = CALCULATOR.run(data)
    s = result.summary
    yearly = result.tables["yearly"]
    # The municipality's total budget effect is its net (capital and delivery cancel).
    np.testing.assert_allclose(
        s["total_budget_effect_by_year"], yearly["net_kommune"], rtol=1e-9, atol=1e-3
    )
    # Payments all land on the payer; the investor receives exactly them.
    paid = sum(yearly[f"payment_{h}"].sum() for h in HOLDERS)
    assert yearly[f"payment_{payer}"].sum() == pytest.approx(paid)
    assert s["investor_net"] == pytest.approx(paid - 20_000)
    total = sum(s["savings_by_holder"].values())
    if total > 0 and all(v >= 0 for v in s["savings_by_holder"].values()):
        assert sum(s["share_of_savings_by_holder"].values()) == pytest.approx(1)
