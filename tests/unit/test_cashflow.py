"""Discounting and cash-flow measures: worked examples by hand and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from portal_tools import cashflow as cf
from portal_tools.errors import InputError

amounts = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


def test_public_factors_worked_example() -> None:
    d = cf.public_discount_factors(40)
    # Year 1 is the base year: factor 1.
    assert d[0] == 1.0
    # Contract year 2 is one year out: 1 / 1.035.
    assert d[1] == pytest.approx(1 / 1.035)
    # Contract year 36 is 35 years out, the last year at 3.5 %.
    assert d[35] == pytest.approx(1.035**-35)
    # Contract year 37 is 36 years out: 35 years at 3.5 % and one at 2.5 %.
    assert d[36] == pytest.approx(1.035**-35 / 1.025)
    assert d[39] == pytest.approx(1.035**-35 / 1.025**4)


def test_public_factors_refuse_beyond_year_70() -> None:
    assert cf.public_discount_factors(71)[-1] == pytest.approx(1.035**-35 * 1.025**-35)
    with pytest.raises(InputError) as err:
        cf.public_discount_factors(72)
    problem = err.value.problems[0]
    assert problem.path == "years" and problem.value == 72
    assert "70" in problem.allowed and "flat rate" in problem.allowed


def test_npv_worked_example() -> None:
    # -100 now, +60 next year, +60 the year after, at 10 %:
    # -100 + 60/1.1 + 60/1.21 = -100 + 54.5454... + 49.5867... = 4.1322...
    assert cf.npv([-100, 60, 60], 0.10) == pytest.approx(4.132231405, rel=1e-9)
    # Public rate: -100 + 60/1.035 + 60/1.035^2 = 13.9828...
    assert cf.npv([-100, 60, 60]) == pytest.approx(-100 + 60 / 1.035 + 60 / 1.035**2)


def test_irr_worked_examples() -> None:
    assert cf.irr([-100, 110]) == pytest.approx(0.10)
    # -100 + 60x + 60x^2 = 0 with x = 1/(1+r): x = 0.8844..., r = 13.07 %.
    x = (-60 + math.sqrt(60**2 + 4 * 60 * 100)) / (2 * 60)
    assert cf.irr([-100, 60, 60]) == pytest.approx(1 / x - 1)


def test_irr_none_without_a_rate() -> None:
    assert cf.irr([100, 50]) is None
    assert cf.irr([-100, -50]) is None
    assert cf.irr([0, 0, 0]) is None
    # Positive, negative, positive with no root: 100 - 300x + 300x^2 > 0 for all x.
    assert cf.irr([100, -300, 300]) is None


def test_irr_with_two_rates() -> None:
    # -100 + 230x - 132x^2 = 0 has roots x = 1/1.1 and 1/1.2: rates 10 % and 20 %. The NPV
    # rises through zero at 10 % and falls at 20 %, but the surplus is -2: no IRR by the rule.
    assert cf.irr_all([-100, 230, -132]) == pytest.approx([0.10, 0.20])
    assert cf.irr([-100, 230, -132]) is None


def test_money_multiple_payback_exposure() -> None:
    flows = [-100, -50, 80, 100]
    assert cf.money_multiple(flows) == pytest.approx(180 / 150)
    assert cf.payback_year(flows) == 4
    assert cf.peak_exposure(flows) == 150
    assert cf.money_multiple([10, 20]) is None
    assert cf.payback_year([-100, 50]) is None
    assert cf.payback_year([10, 20]) == 1
    # Goes positive in year 2, negative again in year 3: payback is when it stays positive.
    assert cf.payback_year([-10, 20, -30, 40]) == 4


def test_discounted_payback_later_than_nominal() -> None:
    flows = [-100, 0, 0, 0, 101]
    assert cf.payback_year(flows) == 5
    assert cf.discounted_payback_year(flows) is None


def test_bad_flows_raise_input_error() -> None:
    with pytest.raises(InputError) as err:
        cf.npv([1.0, float("nan")])
    assert err.value.problems[0].path == "flows[1]"
    with pytest.raises(InputError):
        cf.npv([])
    with pytest.raises(InputError) as err:
        cf.npv([1.0], rate=-1.0)
    assert err.value.problems[0].path == "discount_rate"


@given(st.lists(amounts, min_size=2, max_size=25))
def test_npv_at_irr_is_zero(flows: list[float]) -> None:
    rate = cf.irr(flows)
    assume(rate is not None and -0.9 < rate < 5)
    assert rate is not None
    size = float(np.dot(np.abs(flows), cf.flat_discount_factors(len(flows), rate)))
    assert abs(cf.npv(flows, rate)) <= 1e-7 * size


@given(
    st.floats(min_value=1, max_value=1e7),
    st.lists(st.floats(min_value=0, max_value=1e7), min_size=1, max_size=20),
    st.floats(min_value=-0.5, max_value=0.5),
    st.floats(min_value=0.001, max_value=0.5),
)
def test_npv_falls_as_rate_rises_for_invest_then_earn(
    outlay: float, returns: list[float], rate: float, step: float
) -> None:
    flows = [-outlay, *returns]
    assert cf.npv(flows, rate + step) <= cf.npv(flows, rate) + 1e-9 * (outlay + sum(returns))


@given(st.lists(amounts, min_size=1, max_size=30))
def test_results_are_finite(flows: list[float]) -> None:
    values = [cf.npv(flows), cf.npv(flows, 0.07), cf.peak_exposure(flows)]
    for optional in (cf.irr(flows), cf.money_multiple(flows)):
        if optional is not None:
            values.append(optional)
    assert all(math.isfinite(v) for v in values)


@given(st.integers(min_value=1, max_value=71))
def test_public_factors_are_decreasing_and_positive(n: int) -> None:
    d = cf.public_discount_factors(n)
    assert d[0] == 1.0 and np.all(d > 0) and np.all(np.diff(d) < 0)


def test_rate_label_states_both_public_steps_and_a_flat_rate_with_two_decimals() -> None:
    """One label for every calculator (issue 11): the public rate names both of its steps."""
    assert cf.rate_label(None) == "public rate: 3.5 % (years 0-35), 2.5 % (years 36-70)"
    assert cf.rate_label(0.04) == "flat rate: 4.00 %"
    assert cf.rate_label(0.0125) == "flat rate: 1.25 %"
    assert cf.rate_label(0.0) == "flat rate: 0.00 %"


def test_every_calculator_reports_the_public_rate_in_the_same_words() -> None:
    from portal_tools.registry import all_calculators

    labels = {
        name: result.summary["discount_rate"]
        for name, calc in all_calculators().items()
        if "discount_rate" in (result := calc.run(None)).summary
        and not str(result.summary["discount_rate"]).startswith("flat")
    }
    assert len(labels) >= 3, labels
    assert set(labels.values()) == {cf.rate_label(None)}, labels
