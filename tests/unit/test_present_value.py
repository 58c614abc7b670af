"""The present-value calculator: a worked example by hand, properties and bad input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal_tools.errors import InputError
from portal_tools.registry import get

calc = get("present_value")


def test_worked_example_flat_rate() -> None:
    # Costs 1000 in year 1; savings 600 in years 2 and 3; flat 5 %.
    # PV costs = 1000; PV savings = 600/1.05 + 600/1.05^2 = 571.43 + 544.22 = 1115.65
    # NPV = 115.65; BCR = 1.1156; payback: cumulative -1000, -400, +200 -> year 3.
    r = calc.run(
        {"costs": [1000, 0, 0], "savings": [0, 600, 600], "rate_basis": "flat", "flat_rate": 0.05}
    )
    s = r.summary
    assert s["pv_costs"] == pytest.approx(1000)
    assert s["pv_savings"] == pytest.approx(600 / 1.05 + 600 / 1.05**2)
    assert s["npv"] == pytest.approx(115.6462585, rel=1e-8)
    assert s["benefit_cost_ratio"] == pytest.approx(1.115646, rel=1e-6)
    assert s["payback_year"] == 3 and s["discounted_payback_year"] == 3
    assert s["money_multiple"] == pytest.approx(1.2)
    # IRR: -1000 + 600x + 600x^2 = 0 -> x = 0.8844 -> 13.07 %.
    assert s["irr"] == pytest.approx(0.130662, rel=1e-5)
    assert s["discount_rate"] == "flat rate: 5.00 %"
    assert list(r.tables["yearly"]["cumulative_net"]) == [-1000, -400, 200]


def test_default_example_headline() -> None:
    s = calc.run().summary
    assert s["npv"] == pytest.approx(1_194_695.36, abs=0.01)
    assert s["years"] == 10


def test_lengths_must_match() -> None:
    with pytest.raises(InputError) as err:
        calc.run({"costs": [1, 2, 3], "savings": [1, 2]})
    (p,) = err.value.problems
    assert p.path == "savings" and "3 years" in p.allowed


def test_negative_and_too_long_inputs() -> None:
    with pytest.raises(InputError) as err:
        calc.run({"costs": [-1] + [0] * 70, "savings": [0] * 71})
    problems = {p.path: p for p in err.value.problems}
    assert set(problems) == {"costs", "savings"}
    assert "a list of 1 to 70 entries" in problems["costs"].allowed
    with pytest.raises(InputError) as err:
        calc.run({"costs": [-1, 0], "savings": [0, 0]})
    assert [p.path for p in err.value.problems] == ["costs[0]"]


def test_no_costs_gives_none_not_nan() -> None:
    s = calc.run({"costs": [0, 0], "savings": [5, 5]}).summary
    assert s["benefit_cost_ratio"] is None and s["irr"] is None and s["money_multiple"] is None
    assert s["payback_year"] == 1


def test_several_rates_are_flagged() -> None:
    r = calc.run({"costs": [100, 0, 132], "savings": [0, 230, 0], "rate_basis": "flat"})
    # net -100, +230, -132: crossings at 10 % (rising) and 20 % (falling), surplus -2 < 0
    assert r.summary["irr"] is None and r.summary["irr_status"] == "several_rates"
    assert any("10.0 % (rising) and 20.0 % (falling)" in n for n in r.notes)


money = st.floats(min_value=0, max_value=1e9, allow_nan=False)


@given(
    st.lists(st.tuples(money, money), min_size=1, max_size=40),
    st.sampled_from(["public", "flat"]),
    st.floats(min_value=-0.5, max_value=1.0),
)
def test_any_valid_input_gives_finite_json(
    pairs: list[tuple[float, float]], basis: str, rate: float
) -> None:
    costs, savings = zip(*pairs, strict=True)
    r = calc.run(
        {"costs": list(costs), "savings": list(savings), "rate_basis": basis, "flat_rate": rate}
    )
    r.to_json()  # refuses NaN
    for key in ("npv", "pv_costs", "pv_savings"):
        assert math.isfinite(r.summary[key])
