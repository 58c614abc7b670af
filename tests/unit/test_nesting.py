"""Nested outcomes (issue 17, item 4): ``requires`` names the outcome one builds on, its rate is
conditional on that one, and no path of the risk simulation has more achievers of a nested outcome
than of its parent."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal_tools.calculators import payment, risk
from portal_tools.errors import InputError
from portal_tools.scenario import load_preset


def card(**lasting: Any) -> dict[str, Any]:
    return {
        "cohort_size": 120,
        "years": 4,
        "delivery_costs": [1_800_000, 1_800_000, 1_800_000],
        "outcomes": [
            {"name": "Started", "price": 15_000, "rate": 0.6, "payment_year": 1},
            {"name": "Lasting", "price": 80_000, "rate": 0.5, "payment_year": 2, **lasting},
        ],
    }


def test_conditional_rate_multiplies_along_the_chain() -> None:
    # Lasting builds on Started: 120 x 0.6 = 72 start, 72 x 0.5 = 36 last (not 60);
    # payments 72 x 15 000 + 36 x 80 000 = 1 080 000 + 2 880 000 = 3 960 000.
    r = payment.CALCULATOR.run(card(requires="Started"))
    assert r.summary["total_outcome_payments"] == pytest.approx(3_960_000)
    table = r.tables["outcomes"]
    assert table["achievements"].tolist() == pytest.approx([72, 36])
    assert table["rate"].tolist() == pytest.approx([0.6, 0.3])


def test_without_requires_the_numbers_are_the_old_ones() -> None:
    # 72 x 15 000 + 60 x 80 000 = 5 880 000, as before nesting existed
    for extra in ({}, {"requires": None}, {"requires": ""}, {"requires": "  "}):
        r = payment.CALCULATOR.run(card(**extra))
        assert r.summary["total_outcome_payments"] == 5_880_000


def test_three_level_chain_and_a_trigger_on_the_absolute_share() -> None:
    # A 0.6 -> B 0.5 of A -> C 0.5 of B: shares 0.6, 0.3, 0.15 of 100 people = 60, 30, 15.
    # C's trigger 0.2 compares the absolute share 0.15: not reached, C pays nothing.
    data: dict[str, Any] = {
        "cohort_size": 100,
        "years": 1,
        "delivery_costs": [1],
        "outcomes": [
            {
                "name": "C",
                "price": 10,
                "rate": 0.5,
                "payment_year": 1,
                "requires": "B",
                "threshold": 0.2,
            },
            {"name": "A", "price": 1, "rate": 0.6, "payment_year": 1},
            {"name": "B", "price": 2, "rate": 0.5, "payment_year": 1, "requires": "A"},
        ],
    }
    r = payment.CALCULATOR.run(data)
    assert r.tables["outcomes"]["achievements"].tolist() == pytest.approx([15, 60, 30])
    assert r.summary["total_outcome_payments"] == pytest.approx(60 * 1 + 30 * 2)
    data["outcomes"][0]["threshold"] = 0.15
    assert payment.CALCULATOR.run(data).summary["total_outcome_payments"] == pytest.approx(
        60 + 60 + 150
    )


@pytest.mark.parametrize(
    ("requires", "where"),
    [("Nope", "outcomes[1].requires"), ("Lasting", "outcomes[1].requires")],
)
def test_unknown_or_self_reference_names_the_field(requires: str, where: str) -> None:
    with pytest.raises(InputError) as err:
        payment.CALCULATOR.run(card(requires=requires))
    problem = next(p for p in err.value.problems if p.path == where)
    assert problem.value == requires and "another outcome" in problem.allowed


def test_a_cycle_is_an_input_error() -> None:
    data = card(requires="Started")
    data["outcomes"][0]["requires"] = "Lasting"
    with pytest.raises(InputError) as err:
        payment.CALCULATOR.run(data)
    paths = [p.path for p in err.value.problems]
    assert "outcomes[0].requires" in paths and "outcomes[1].requires" in paths
    assert all("cycle" in p.allowed for p in err.value.problems)


def test_shipped_presets_keep_the_expected_absolute_rates() -> None:
    for name in ("payment_aalborg_employment",):
        contract = payment.contract_arrays(load_preset(name).inputs)  # type: ignore[arg-type]
        # 0.6 start; 0.6 x 0.8333... = 0.5 of the cohort lasting, the Aalborg goal
        assert contract.rate.tolist() == pytest.approx([0.6, 0.5], abs=1e-15)
        assert contract.parent.tolist() == [-1, 0]
    inputs = load_preset("risk_aalborg_employment").inputs
    contract = payment.contract_arrays(inputs.payment)  # type: ignore[attr-defined]
    assert contract.rate.tolist() == pytest.approx([0.6, 0.5], abs=1e-15)


def _risk(seed: int, correlation: float, noise: bool, spreads: tuple[float, float]) -> Any:
    data = {
        "payment": card(requires="Started", rate=0.8),
        "uncertainty": {"Started": {"spread": spreads[0]}, "Lasting": {"spread": spreads[1]}},
        "correlation": correlation,
        "cohort_noise": noise,
        "paths": 400,
        "seed": seed,
    }
    inputs = risk.CALCULATOR.parse(data)
    contract = payment.contract_arrays(inputs.payment)
    return risk.simulate(contract, np.array(spreads), correlation, noise, 400, seed), contract


SPREAD = st.just(0.0)
"""No uncertainty; otherwise a spread is at least ``risk.MIN_SPREAD`` (smaller ones are refused)."""


@settings(deadline=None, max_examples=40)
@given(
    st.integers(0, 2**31),
    st.floats(0, 1),
    st.booleans(),
    st.tuples(SPREAD | st.floats(risk.MIN_SPREAD, 0.45), SPREAD | st.floats(risk.MIN_SPREAD, 0.35)),
)
def test_a_nested_outcome_never_exceeds_its_parent_on_any_path(
    seed: int, correlation: float, noise: bool, spreads: tuple[float, float]
) -> None:
    sim, _ = _risk(seed, correlation, noise, spreads)
    started, lasting = sim.rates[:, 0], sim.rates[:, 1]
    assert np.all(lasting <= started + 1e-12)
    if noise:  # whole people: the child's count is a draw out of the parent's count
        counts = sim.rates * 120
        assert np.allclose(counts, np.round(counts), atol=1e-9)


def test_nested_counts_follow_the_conditional_rate() -> None:
    """Without rate uncertainty, the lasting count given the started count is Binomial(started,
    0.8): over many paths the ratio of sums is 0.8 within 4 standard errors."""
    sim, _ = _risk(3, 0.0, True, (0.0, 0.0))
    started, lasting = sim.rates[:, 0] * 120, sim.rates[:, 1] * 120
    ratio = lasting.sum() / started.sum()
    se = np.sqrt(0.8 * 0.2 / started.sum())
    assert abs(ratio - 0.8) < 4 * se
    assert started.mean() == pytest.approx(72, abs=4 * np.sqrt(120 * 0.24 / 400))


def test_zero_spread_with_nesting_equals_the_payment_model() -> None:
    sim, contract = _risk(1, 0.5, False, (0.0, 0.0))
    det = payment.CALCULATOR.run(card(requires="Started", rate=0.8)).summary
    # 72 x 15 000 + 57.6 x 80 000 = 1 080 000 + 4 608 000 = 5 688 000
    assert det["total_outcome_payments"] == pytest.approx(5_688_000)
    assert np.allclose(sim.total_payments, 5_688_000, rtol=0, atol=1e-6)
    assert np.allclose(sim.irr, det["investor_irr"], rtol=0, atol=1e-12)
    assert contract.rate.tolist() == pytest.approx([0.6, 0.48])


def test_nesting_depth_counts_the_outcomes_each_builds_on() -> None:
    # 0 <- 1 <- 2 is a staircase of three, 3 <- 4 one of two, 5 stands alone, and 6 builds
    # on 2, so three outcomes lie below it.
    from portal_tools.calculators.payment import nesting_depth

    parent = np.array([-1, 0, 1, -1, 3, -1, 2], dtype=np.intp)
    assert nesting_depth(parent).tolist() == [0, 1, 2, 0, 1, 0, 3]
    assert nesting_depth(np.array([], dtype=np.intp)).tolist() == []
