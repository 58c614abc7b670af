"""The portal's IRR rule (issue 17, item 1) against references written here, sharing no code
with :mod:`portal_tools.cashflow`: ``np.roots`` for every root, a plain per-year loop for the NPV
and the direction of each crossing.

Rule: with ``S`` the undiscounted surplus, the IRR is the one rate at which the NPV falls through
zero as the rate rises, when there is exactly one such rate and its sign agrees with ``S``;
otherwise it is not defined, with a reason code.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from portal_tools import cashflow as cf
from portal_tools.calculators import payment, present_value, programme
from portal_tools.scenario import preset_data

from .helpers import loop_npv


def documented_zero(flows: list[float]) -> list[float]:
    """Flows at or below 1e-12 of the largest count as zero (the documented rounding rule)."""
    top = max(abs(float(v)) for v in flows)
    return [float(v) if abs(v) > 1e-12 * top else 0.0 for v in flows]


def reference(flows: list[float]) -> tuple[float | None, str, list[float]]:
    """The rule from np.roots and the loop NPV: (rate, reason, crossing rates)."""
    f = documented_zero(flows)
    if not (any(v > 0 for v in f) and any(v < 0 for v in f)):
        return None, "no_sign_change", []
    roots = np.roots(f[::-1])  # sum f_t x**t, highest power first
    xs = sorted(
        {float(z.real) for z in roots if abs(z.imag) < 1e-9 and z.real > 1.0 / (1.0 + 1e6)},
        reverse=True,
    )
    rates = [1.0 / x - 1.0 for x in xs]  # increasing
    # the sign of the NPV between consecutive roots and beyond them
    edges = [-1.0 + 1e-09, *rates, 2000000.0]
    probes = [
        (edges[i] + edges[i + 1]) / 2 if i else (-1.0 + rates[0]) / 2 if rates else 0.0
        for i in range(len(edges) - 1)
    ]
    signs = [loop_npv(f, r) > 0 for r in probes]
    crossings = [r for i, r in enumerate(rates) if signs[i] != signs[i + 1]]
    falling = [r for i, r in enumerate(rates) if signs[i] and not signs[i + 1]]
    surplus = sum(f)
    if abs(surplus) <= 1e-12 * sum(abs(v) for v in f):  # zero up to rounding
        agrees = len(falling) == 1 and abs(falling[0]) < 1e-6
    else:
        agrees = len(falling) == 1 and (falling[0] > 0) == (surplus > 0)
    if agrees:
        return falling[0], "defined", crossings
    if falling:
        return None, "several_rates", crossings
    return None, ("financing" if crossings else "no_rate"), crossings


# --- Regression tests: the examples, worked by hand ------------------------------------


def test_two_sign_changes_with_a_surplus_reports_the_falling_root() -> None:
    # [-100 000, +210 000, -5 000]: with x = 1/(1+r), -100 + 210 x - 5 x^2 = 0 gives
    # x = (210 -+ sqrt(210^2 - 2000)) / 10 = 0.481718 or 41.5183, so r = +107.59 % or -97.59 %.
    # The NPV rises through zero at -97.6 % and falls at +107.6 %; S = +105 000 > 0 -> 107.6 %.
    # NPV at 10 %: -100 000 + 210 000 / 1.1 - 5 000 / 1.21 = 86 776.86.
    flows = [-100_000, 210_000, -5_000]
    rule = cf.irr_result(flows)
    assert rule.rate == pytest.approx(1.075914, abs=1e-6)
    assert rule.reason == "defined"
    assert rule.crossings == pytest.approx((-0.975914, 1.075914), abs=1e-6)
    assert rule.falling == (False, True)
    assert cf.npv(flows, 0.10) == pytest.approx(86_776.86, abs=0.01)


def test_money_in_before_money_out_has_no_irr_but_an_npv() -> None:
    # [+100, -110]: 100 - 110 x = 0 at x = 1/1.1, r = 10 %, but the NPV rises through zero
    # there (a borrowing rate): "financing". NPV at 5 %: 100 - 110 / 1.05 = -4.762.
    rule = cf.irr_result([100, -110])
    assert rule.rate is None and rule.reason == "financing"
    assert rule.crossings == pytest.approx((0.10,))
    r = present_value.CALCULATOR.run(
        {"costs": [0, 110], "savings": [100, 0], "rate_basis": "flat", "flat_rate": 0.05}
    )
    assert r.summary["irr"] is None and r.summary["irr_status"] == "financing"
    assert r.summary["npv"] == pytest.approx(-4.7619, abs=1e-4)
    # MIRR at 5 %: PV of outlays 110 / 1.05 = 104.762; FV of receipts 100 x 1.05 = 105;
    # (105 / 104.762) - 1 = 0.2273 %
    assert r.summary["mirr"] == pytest.approx(105 / (110 / 1.05) - 1, abs=1e-12)
    assert any("No IRR" in n and "5.00 %" in n for n in r.notes)


def test_two_rates_that_contradict_the_surplus_are_not_an_irr() -> None:
    # -100 + 230 x - 132 x^2 = -(1.1 x - 1)(1.2 x - 1) ... roots r = 10 % (rising) and 20 %
    # (falling); S = -2 < 0 contradicts the positive falling rate: "several_rates".
    rule = cf.irr_result([-100, 230, -132])
    assert rule.rate is None and rule.reason == "several_rates"
    assert rule.crossings == pytest.approx((0.10, 0.20))
    assert rule.falling == (False, True)


def test_shipped_staircase_reports_its_single_rate() -> None:
    # Flows -107 500, +218 750, +38 750 (one sign change): 38 750 x^2 + 218 750 x - 107 500 = 0
    # gives x = (-218 750 + sqrt(218 750^2 + 4 x 38 750 x 107 500)) / 77 500 = 0.454788, so
    # r = 1 / 0.454788 - 1 = 119.88 % (the old rule could report -99.4 % on such surpluses).
    s = payment.CALCULATOR.run(preset_data("payment_fair_chance_staircase")["inputs"]).summary
    assert s["investor_irr"] == pytest.approx(1.19882, abs=1e-5)
    assert s["investor_irr_status"] == "defined"


def test_a_close_pair_of_roots_in_one_old_grid_cell_is_found() -> None:
    # Roots at r = 10 %, 50 % and 50.5 % (x = 1/1.1, 1/1.5, 1/1.505): p(x) = (x-a)(x-b)(x-c).
    # The NPV falls at 10 %, rises at 50 % and falls again at 50.5 %: two falling crossings,
    # so "several_rates". A search grid with both of the last two in one cell saw only 10 %.
    a, b, c = 1 / 1.1, 1 / 1.5, 1 / 1.505
    flows = [-a * b * c, a * b + a * c + b * c, -(a + b + c), 1.0]
    rule = cf.irr_result(flows)
    assert rule.reason == "several_rates" and rule.rate is None
    assert rule.crossings == pytest.approx((0.10, 0.50, 0.505), abs=1e-9)
    assert rule.falling == (True, False, True)
    # the vectorised path gives the same on every row, among other rows
    rows = cf.irr_rows(np.vstack([flows, [-1.0, 0.0, 0.0, 1.2], flows]))
    assert rows.code.tolist() == [cf.SEVERAL_RATES, cf.IRR_DEFINED, cf.SEVERAL_RATES]


def test_a_small_loss_with_two_nearby_roots_is_not_no_rate() -> None:
    # -(x - 1/1.02)(x - 1/1.03): S = -(1 - 1/1.02)(1 - 1/1.03) = -0.00057 (a 0.06 % loss on flows
    # of about 2): crossings at 2 % (rising) and 3 % (falling, contradicting S < 0).
    a, b = 1 / 1.02, 1 / 1.03
    rule = cf.irr_result([-a * b, a + b, -1.0])
    assert rule.reason == "several_rates"
    assert rule.crossings == pytest.approx((0.02, 0.03), abs=1e-9)


def test_tangent_root_is_not_a_crossing() -> None:
    # 1 - 2x + x^2 = (1 - x)^2 touches zero at r = 0: flows of both signs, no crossing.
    rule = cf.irr_result([1, -2, 1])
    assert rule.rate is None and rule.reason == "no_rate" and rule.crossings == ()


def test_no_sign_change_and_zero_streams() -> None:
    for flows in ([100, 50], [-100, -50], [0, 0, 0], [0, -5, 0]):
        rule = cf.irr_result(flows)
        assert rule.rate is None and rule.reason == "no_sign_change"


def test_zero_surplus_reports_a_zero_rate() -> None:
    assert cf.irr([-100, 50, 50]) == pytest.approx(0.0, abs=1e-9)


def test_programme_uses_the_rule() -> None:
    r = programme.CALCULATOR.run(preset_data("programme_youth_employment")["inputs"])
    want, reason, _ = reference(r.tables["yearly"]["investor_flow"].tolist())
    assert r.summary["investor_irr_status"] == reason
    if want is None:
        assert r.summary["investor_irr"] is None
    else:
        assert r.summary["investor_irr"] == pytest.approx(want, abs=1e-8)


# --- Properties -------------------------------------------------------------------------------

small_ints = st.lists(st.integers(-10, 10), min_size=2, max_size=7)


def _well_separated(flows: list[int]) -> bool:
    """No two real positive roots of the polynomial close together, and none near x = 1 unless
    the surplus is exactly 0: the reference's probes then see every sign for sure."""
    roots = np.roots([float(v) for v in flows][::-1]) if any(flows[1:]) else np.array([])
    real = sorted(float(z.real) for z in roots if abs(z.imag) < 1e-6 and z.real > 1e-5)
    return all(b - a > 1e-3 * b for a, b in itertools.pairwise(real)) and all(
        abs(z.imag) > 1e-4 or z.real <= 0 or abs(z.real - x) > 1e-3 * x
        for z in roots
        for x in real
        if abs(z.imag) > 1e-9
    )


@settings(max_examples=400, deadline=None)
@given(small_ints, st.floats(1e-3, 1e7))
def test_rule_matches_the_np_roots_reference(ints: list[int], scale: float) -> None:
    flows = [v * scale for v in ints]
    assume(_well_separated(ints))
    want, reason, crossings = reference(flows)
    rule = cf.irr_result(flows)
    assert rule.reason == reason, (flows, rule)
    assert rule.crossings == pytest.approx(tuple(crossings), rel=1e-7, abs=1e-9)
    if want is None:
        assert rule.rate is None
    else:
        assert rule.rate == pytest.approx(want, rel=1e-7, abs=1e-9)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=12))
def test_a_reported_irr_is_a_falling_root_that_agrees_with_the_surplus(flows: list[float]) -> None:
    rate = cf.irr(flows)
    if rate is None:
        return
    flows = documented_zero(flows)
    size = sum(abs(f) for f in flows)
    assert -1 < rate <= 1e6
    # zero up to rounding: against the NPV of the absolute flows at the same rate (a rate near
    # -100 % holds 1 + r only to about 1e-16 / (1 + r) relative, which the flows magnify)
    tol = 1e-7 + 1e-15 * len(flows) / (1 + rate)
    assert abs(loop_npv(flows, rate)) <= tol * loop_npv([abs(f) for f in flows], rate)
    h = 1e-4 * (1 + abs(rate))
    if rate - h > -1:
        assert loop_npv(flows, rate - h) >= -1e-9 * size
    assert loop_npv(flows, rate + h) <= 1e-9 * size
    surplus = sum(flows)
    if abs(surplus) > 1e-9 * size and abs(rate) > 1e-6:
        assert (rate > 0) == (surplus > 0)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(1e3, 1e6), min_size=1, max_size=5),
    st.lists(st.floats(0, 1e6), min_size=1, max_size=8),
)
def test_conventional_streams_always_get_their_unique_root(
    outlays: list[float], receipts: list[float]
) -> None:
    assume(max(receipts) > 1e-9 * max(outlays))  # smaller flows count as rounding noise
    flows = documented_zero([-o for o in outlays] + receipts)
    rule = cf.irr_result(flows)
    assert rule.reason == "defined" and rule.rate is not None
    assert abs(loop_npv(flows, rule.rate)) <= 1e-7 * loop_npv([abs(f) for f in flows], rule.rate)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(-9, 9), min_size=5, max_size=5), min_size=1, max_size=30))
def test_each_row_of_the_vectorised_rule_equals_the_scalar_rule(rows: list[list[int]]) -> None:
    arr = np.array(rows, dtype=float) * 1_000.0
    batch = cf.irr_rows(arr)
    for i, row in enumerate(arr):
        one = cf.irr_rows(row[None, :])
        assert batch.code[i] == one.code[0]
        assert (math.isnan(batch.rate[i]) and math.isnan(one.rate[0])) or batch.rate[i] == one.rate[
            0
        ]
        scalar = cf.irr(row)
        assert (scalar is None) == math.isnan(batch.rate[i])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=10), st.floats(0, 0.5))
def test_mirr_matches_a_loop(flows: list[float], hurdle: float) -> None:
    got = cf.mirr(flows, hurdle)
    scale = max(abs(f) for f in flows)
    clean = [f if abs(f) > 1e-12 * scale else 0.0 for f in flows]
    n = len(clean)
    pv_out = sum(-f / (1 + hurdle) ** t for t, f in enumerate(clean) if f < 0)
    fv_in = sum(f * (1 + hurdle) ** (n - 1 - t) for t, f in enumerate(clean) if f > 0)
    if pv_out <= 0:
        assert got is None
    else:
        assert got is not None and math.isfinite(got)
        assert got == pytest.approx((fv_in / pv_out) ** (1 / (n - 1)) - 1, rel=1e-9, abs=1e-12)
