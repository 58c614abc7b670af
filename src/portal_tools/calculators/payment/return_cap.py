"""The return cap and the cuts it shares with the settlement, on arrays laid out years first
(``(T, N)``, one contiguous row per year): running totals (:func:`cumsum_years_first`), the
latest-first cut (:func:`cut_years_first`) and :func:`return_cap_years_first` (see
:mod:`portal_tools.calculators.payment` for the rules)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from portal_tools import cashflow
from portal_tools.calculators.payment.inputs import F64

if TYPE_CHECKING:
    from portal_tools.calculators.payment.engine import ContractArrays

_FEW_COLUMNS = 16
"""Columns up to which :func:`cumsum_years_first` uses NumPy's ``cumsum``."""


def cumsum_years_first(flows: F64) -> F64:
    """Running totals ``S(t) = sum_{s <= t} flows(s)`` down the first axis of a years-first
    ``(T, N)`` array, a row at a time (NumPy's ``cumsum`` along the first axis is several times
    slower for short year axes and many columns; the sums are the same, added in the same
    order). A few columns (one contract, not a simulation) go to ``cumsum``, whose fixed cost
    is then lower than a row loop's."""
    if flows.shape[1] <= _FEW_COLUMNS:
        return np.cumsum(flows, axis=0)
    running = np.empty_like(flows)
    running[0] = flows[0]
    for t in range(1, flows.shape[0]):
        np.add(running[t - 1], flows[t], out=running[t])
    return running


def cut_years_first(flows: F64, limit: F64 | float) -> F64:
    """:func:`cut_latest_first` for flows laid out years first (``(T, N)``, one contiguous row
    per year), in place: with ``S(t) = sum_{s <= t} flows(s)`` and ``E = max(S(T) - limit, 0)``
    the amount removed in year ``t`` is ``clip(E - (S(T) - S(t)), 0, flows(t))``."""
    running = cumsum_years_first(flows)
    total = running[-1].copy()
    excess = np.maximum(total - limit, 0.0)
    # removed(t) = clip(excess - later(t), 0, flows(t)) with later(t) = total - running(t)
    running -= total
    running += excess
    np.clip(running, 0.0, flows, out=running)
    flows -= running
    return flows


def return_cap_years_first(contract: ContractArrays, yearly: F64, outlay: F64 | None = None) -> F64:
    """The return cap on payment totals per period laid out years first (``(H, N)``, one column
    per path), in place; identity without a cap. ``outlay`` (``(H,)`` or ``(H, N)``, the
    contract's by default) is the investor's delivery costs and fees per period.

    With the investor's flows ``f(t) = P(t) - C(t)`` (``C`` the outlay, ``t`` a period), their
    surplus ``S = sum_t f(t)`` and, at the capped rate ``c`` (effective annual),
    ``d(t) = (1 + c) ** -tau(t)`` with ``tau(t)`` the period's time in years (``t - 1`` by
    year) and ``NPV_c = sum_t d(t) f(t)``:

    1. A path is cut only when its return is above the cap: ``S > 0`` and ``NPV_c > 0`` and not
       an IRR (by :func:`portal_tools.cashflow.irr_rows`) at or below ``c``. A path whose flows
       go out first and come back later (one sign change) is above the cap exactly when
       ``NPV_c > 0``, and so is any path whose outlays (undiscounted) plus receipts discounted
       at ``c`` are positive (no root in ``[0, c]``); the IRR rule is needed only for the rest.
    2. The removable amount in year ``t`` is the year's surplus ``max(f(t), 0)``: a year's
       payments are never cut below that year's delivery cost.
    3. Removable amounts are cut latest year first until ``NPV_c = 0`` (their present values at
       ``c`` are cut by ``NPV_c``), but never by more than ``S`` in nominal terms: capping never
       turns a gain into a loss. Where ``S`` binds first, the cut is ``S``, latest first.
       The payments kept are rebuilt from the kept flows (:func:`_solve_cut_year`), so a small
       remainder of a large payment keeps its digits.

    On an investment in the usual shape (outlays first, then receipts) this removes exactly the
    payments that lift the IRR above ``c``, latest first, and the IRR after the cap is ``c``.
    """
    if contract.return_cap is None or yearly.size == 0:
        return yearly
    cap = contract.return_cap
    assert contract.cap_factors is not None
    d = contract.cap_factors[:, None]
    spent = contract.outlay if outlay is None else outlay
    costs = spent[:, None] if spent.ndim == 1 else spent
    flows = yearly - costs
    surplus = flows.sum(axis=0)
    npv_cap = (flows * d).sum(axis=0)
    over = np.flatnonzero((surplus > 0) & (npv_cap > 0))
    if over.size == 0:
        return yearly
    f = flows[:, over]
    # Each term f(t) d(t) is monotone in the rate, so on [0, c] the NPV is at least the sum of
    # the outlays undiscounted plus the receipts discounted at c. Where that bound is positive
    # the NPV has no root in [0, c]: with S > 0 any IRR lies above c, and the exact rule is not
    # needed to decide (it is for the rest, unless the flows change sign once, outlays first).
    maybe = np.flatnonzero(np.where(f < 0, f, f * d).sum(axis=0) <= 0)
    other = maybe
    if maybe.size:
        changes, first = cashflow.sign_changes_years_first(f[:, maybe])
        other = maybe[(changes != 1) | (first > 0)]
    if other.size:
        rule = cashflow.irr_years_first(np.ascontiguousarray(f[:, other]))
        # the rule's rate is per period; the cap is an effective annual rate
        per_period = math.expm1(math.log1p(cap) / contract.periods_per_year)
        within = (rule.code == cashflow.IRR_DEFINED) & (rule.rate <= per_period)
        if within.any():
            keep = np.ones(over.size, dtype=bool)
            keep[other[within]] = False
            over, f = over[keep], f[:, keep]
            if over.size == 0:
                return yearly
    removable = np.maximum(f, 0.0)
    pv = removable * d
    removed = (pv - cut_years_first(pv.copy(), pv.sum(axis=0) - npv_cap[over])) / d
    gain = surplus[over]
    too_much = np.flatnonzero(removed.sum(axis=0) > gain)
    if too_much.size:
        part = removable[:, too_much]
        removed[:, too_much] = part - cut_years_first(
            part.copy(), part.sum(axis=0) - gain[too_much]
        )
    paid = yearly[:, over]
    cost = np.broadcast_to(costs, yearly.shape)[:, over]
    yearly[:, over] = _solve_cut_year(paid, cost, f, removed, d[:, 0], too_much)
    return yearly


def _solve_cut_year(
    paid: F64, cost: F64, flows: F64, removed: F64, d: F64, nominal: NDArray[np.intp]
) -> F64:
    """The payments after the cut, rebuilt from what is kept rather than by subtracting what
    is removed (``paid - removed`` loses the digits of a small remainder when the payments
    removed are large).

    The cut is latest first, so on each path (column) of the investor's flows ``f = P - C``
    the years before the first year ``k`` with a removal keep their payments, later years keep
    ``min(P(t), C(t))`` (flow ``min(f(t), 0)``), and year ``k`` keeps the flow ``g(k)`` that makes
    the binding condition hold exactly, ``sum_t w(t) g(t) = 0`` with ``w = d`` (the NPV at the
    cap) or ``w = 1`` on the ``nominal`` paths (where the surplus binds):
    ``g(k) = -sum_{t != k} w(t) g(t) / w(k)``, kept within ``[min(f(k), 0), f(k)]``.
    """
    steps = np.arange(flows.shape[0])[:, None]
    cols = np.arange(flows.shape[1])
    k = np.argmax(removed > 0, axis=0)
    costs = np.broadcast_to(cost, paid.shape)
    kept = np.where(steps < k, flows, np.minimum(flows, 0.0))
    w = np.broadcast_to(d[:, None], flows.shape).copy()
    w[:, nominal] = 1.0
    others = np.where(steps == k, 0.0, w * kept).sum(axis=0)
    g = np.clip(-others / w[k, cols], np.minimum(flows[k, cols], 0.0), flows[k, cols])
    out = np.where(steps < k, paid, np.minimum(paid, costs))
    out[k, cols] = np.where(g >= flows[k, cols], paid[k, cols], g + costs[k, cols])
    return np.asarray(out)
