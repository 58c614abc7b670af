"""The return cap (issue 17, item 2): on a conventional stream it removes exactly the payments
that lift the investor's return above the cap, latest first; it never takes money from an
investor at or below the cap, never leaves a reported IRR above it and never turns a nominal
gain into a loss. References are plain loops written here."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings

from portal_tools import cashflow
from portal_tools.calculators import risk
from portal_tools.calculators.payment import (
    CALCULATOR,
    PaymentInputs,
    contract_arrays,
    settle_yearly,
)
from portal_tools.inputs import parse

from .helpers import loop_npv
from .test_payment import scenarios


def single(name: str, price: float, year: int) -> dict[str, Any]:
    return {"name": name, "price": price, "rate": 1.0, "payment_year": year}


def run(costs: list[float], outcomes: list[dict[str, Any]], cap: float | None) -> Any:
    return CALCULATOR.run(
        {
            "cohort_size": 1,
            "years": len(costs),
            "delivery_costs": costs,
            "outcomes": outcomes,
            "return_cap": cap,
        }
    )


def test_conventional_stream_is_cut_to_the_cap_in_the_last_year() -> None:
    # Investor: -100 in year 1, +60 and +90 later. At 10 %: -100 + 60/1.1 + 90/1.21 = 28.926,
    # so year 3 loses 28.926 x 1.21 = 35.00 and pays 55: -100 + 54.545 + 45.455 = 0 -> IRR 10 %.
    r = run([100, 0, 0], [single("a", 60, 2), single("b", 90, 3)], 0.10)
    assert r.summary["removed_by_return_cap"] == pytest.approx(35.0, abs=1e-9)
    assert r.tables["yearly"]["outcome_payments"].tolist() == pytest.approx([0, 60, 55])
    assert r.summary["investor_irr"] == pytest.approx(0.10, abs=1e-9)


def test_a_small_remainder_of_a_large_payment_keeps_its_digits() -> None:
    # -1, +1 232 133 645 at a cap of 5 %: the year-2 payment is cut to 1 x 1.05 = 1.05. Computed
    # as 1 232 133 645 - 1 232 133 643.95 it would carry an error of about one unit in the last
    # place of 1.2e9 (2.4e-7), an IRR of 5.00002 %; rebuilt from what is kept it is 1.05.
    r = run([1, 0], [single("a", 1_232_133_645, 2)], 0.05)
    assert r.tables["yearly"]["outcome_payments"].tolist() == pytest.approx([0, 1.05], abs=1e-12)
    assert r.summary["investor_irr"] == pytest.approx(0.05, abs=1e-12)


def test_conventional_stream_cut_spans_years_latest_first() -> None:
    # -100, +80, +40 at a cap of 0 %: the surplus 20 comes off year 3 (40 -> 20), year 2 kept.
    r = run([100, 0, 0], [single("a", 80, 2), single("b", 40, 3)], 0.0)
    assert r.tables["yearly"]["outcome_payments"].tolist() == pytest.approx([0, 80, 20])
    # -100, +105, +5 at 0 %: the surplus 10 takes year 3 (5), then 5 of year 2: payments
    # 0, 100, 0 -> IRR 0 %.
    r = run([100, 0, 0], [single("a", 105, 2), single("b", 5, 3)], 0.0)
    assert r.tables["yearly"]["outcome_payments"].tolist() == pytest.approx([0, 100, 0])
    assert r.summary["investor_irr"] == pytest.approx(0.0, abs=1e-9)


def test_an_investor_below_the_cap_keeps_everything() -> None:
    # Flows +120 000 (engagement payment), -226 000, +105 000 = 105 000 (x - 1.2)(x - 1/1.05)
    # with x = 1/(1+r): crossings at r = -16.7 % (falling) and +5 % (rising); surplus -1 000,
    # so the IRR by the rule is -16.7 %. The NPV at 8 % is 120 000 - 209 259.26 + 90 020.58
    # = +761.32 > 0, which made the old cap take money from this losing investor.
    r = run([0, 226_000, 0], [single("engage", 120_000, 1), single("final", 105_000, 3)], 0.08)
    assert r.summary["investor_irr"] == pytest.approx(-1 / 6, abs=1e-9)
    assert r.summary["removed_by_return_cap"] == 0
    assert r.summary["investor_net"] == -1_000


def test_an_investor_with_a_defined_irr_below_the_cap_keeps_everything() -> None:
    # Flows +100 000, -209 000, +109 180 = 109 180 (x - 1/1.03)(x - 1/1.06): the NPV falls
    # through zero at 3 % and rises at 6 %; surplus +180 > 0, so the IRR is 3 %, below a cap of
    # 8 %. The NPV at 8 % is 100 000 - 193 518.52 + 93 604.25 = +85.73 > 0 (the rising root),
    # which a cap by "NPV at the cap > 0" alone would cut.
    r = run([0, 209_000, 0], [single("engage", 100_000, 1), single("final", 109_180, 3)], 0.08)
    assert r.summary["investor_irr"] == pytest.approx(0.03, abs=1e-9)
    assert r.summary["removed_by_return_cap"] == 0


def test_a_front_loaded_payment_never_turns_a_gain_into_a_loss() -> None:
    # Flows +300 000, -300 000, +120 000 (surplus +120 000). The NPV at 8 % is 300 000
    # - 277 777.78 + 102 880.66 = 125 102.88; cutting that much present value (latest first)
    # would remove year 3 and 22 222 of year 1, a loss of 22 222. The cap stops at the surplus:
    # it removes 120 000 (all of year 3) and the investor ends at 0, not below.
    r = run([0, 300_000, 0], [single("engage", 300_000, 1), single("final", 120_000, 3)], 0.08)
    assert r.summary["removed_by_return_cap"] == pytest.approx(120_000)
    assert r.summary["investor_net"] == pytest.approx(0.0, abs=1e-6)
    assert r.summary["investor_irr"] is None
    assert any("whole surplus" in n for n in r.notes)


def _reference_cap(flows: list[float], costs: list[float], cap: float) -> list[float]:
    """Conventional streams only: the payments after cutting, year by year from the last, the
    present value at the cap that lifts the NPV above zero (never below the year's cost)."""
    excess = loop_npv(flows, cap)
    paid = [f + c for f, c in zip(flows, costs, strict=True)]
    for t in range(len(flows) - 1, -1, -1):
        if excess <= 0:
            break
        room = max(flows[t], 0.0) / (1 + cap) ** t  # present value removable in year t
        take = min(room, excess)
        paid[t] -= take * (1 + cap) ** t
        excess -= take
    return paid


@settings(deadline=None, max_examples=200, derandomize=True)
@given(scenarios())
def test_cap_rule_holds_for_any_valid_scenario(data: dict[str, Any]) -> None:
    if data["return_cap"] is None:
        data = {**data, "return_cap": 0.05}
    inputs = parse(PaymentInputs, data)
    cap = float(inputs.return_cap)  # type: ignore[arg-type]
    contract = contract_arrays(inputs)
    free = dataclasses.replace(contract, return_cap=None)
    before = settle_yearly(free)[0] - contract.costs
    after = settle_yearly(contract)[0] - contract.costs
    size = max(1.0, float(np.abs(before).sum()))
    tol = 1e-7 * size
    removed = float((before - after).sum())
    assert removed >= -tol and np.all(after <= before + tol)
    s_before, s_after = float(before.sum()), float(after.sum())
    # never a gain into a loss
    assert s_after >= min(s_before, 0.0) - tol
    # the reported IRR after capping is at or below the cap
    rule = cashflow.irr_result(after)
    if rule.rate is not None:
        assert rule.rate <= cap + 1e-7
    # an investor at or below the cap keeps everything
    uncapped = cashflow.irr_result(before)
    if (uncapped.rate is not None and uncapped.rate <= cap) or s_before <= 0:
        assert removed <= tol
    # conventional (outlays first, then receipts): exactly the loop reference, IRR = cap
    changes, first = cashflow.sign_changes_years_first(before[:, None])
    if changes[0] == 1 and first[0] < 0 and uncapped.rate is not None and uncapped.rate > cap:
        want = _reference_cap(before.tolist(), contract.costs.tolist(), cap)
        assert after + contract.costs == pytest.approx(want, abs=tol)
        assert rule.rate == pytest.approx(cap, abs=1e-7)


@settings(deadline=None, max_examples=60, derandomize=True)
@given(scenarios())
def test_zero_spread_reproduces_the_deterministic_summary(data: dict[str, Any]) -> None:
    """Risk paths without uncertainty give the payment model's totals, IRR and IRR status."""
    inputs = parse(PaymentInputs, data)
    contract = contract_arrays(inputs)
    summary = CALCULATOR.compute(inputs).summary
    sim = risk.simulate(contract, np.zeros(contract.price.size), 0.3, False, 7, 5)
    total = summary["total_outcome_payments"]
    assert np.allclose(sim.total_payments, total, rtol=0, atol=1e-9 * max(1.0, total))
    status = cashflow.IRR_REASONS.index(summary["investor_irr_status"])
    assert np.all(sim.irr_code == status)
    if summary["investor_irr"] is None:
        assert np.all(np.isnan(sim.irr))
    else:
        assert np.allclose(sim.irr, summary["investor_irr"], rtol=0, atol=1e-12)
