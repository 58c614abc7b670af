"""The creaming calculator's engine: the provider's best response to a contract, what follows
from it, and the neutral tariff at the same budget (see :mod:`portal_tools.calculators.creaming`
for the model)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np

from portal_tools.calculators.creaming.inputs import F64, MAX_AMOUNT, CreamingInputs, Measurement
from portal_tools.exact import EXACT, QUOTIENT, dec, exact_sum

NeutralStatus = Literal["defined", "budget_too_small", "price_too_high", "no_capacity"]
TIE_TOLERANCE = 0.005
"""Gains per participant within half a hundredth of the currency unit count as equal."""


@dataclass(frozen=True)
class Cohort:
    """The referred cohort by segment (arrays of length S)."""

    referred: F64
    success: F64
    unserved: F64
    cost: F64
    capacity: float


def best_response(referred: F64, gain: F64, capacity: float) -> F64:
    """Participants served by segment when the provider chooses: places filled in order of
    ``gain`` per participant, highest first, none with a gain below ``-TIE_TOLERANCE``; gains
    within ``TIE_TOLERANCE`` of a group's best share the remaining places in proportion to
    ``referred``. Every pass consumes at least one segment, so the loop ends."""
    served = np.zeros_like(referred)
    order = np.argsort(-gain, kind="stable")
    remaining = float(capacity)
    start = 0
    while start < order.size and remaining > 0:
        top = float(gain[order[start]])
        if top < -TIE_TOLERANCE:
            break
        end = start + 1
        while end < order.size and float(gain[order[end]]) >= top - TIE_TOLERANCE:
            end += 1
        group = order[start:end]
        want = float(referred[group].sum())
        fill = min(1.0, remaining / want) if want > 0 else 0.0
        served[group] = referred[group] * fill
        remaining = max(0.0, remaining - want * fill)
        start = end
    return served


@dataclass(frozen=True)
class Outcome:
    """Who is served and what it costs under one contract (arrays by segment)."""

    prices: F64
    served: F64
    outcomes: F64
    """Successes among those served, ``x_s q_s``."""
    paid: F64
    """Successes paid for: ``x_s q_s``, plus ``(n_s - x_s) u_s`` under whole-cohort measurement."""
    additional: F64
    """Successes the programme causes, ``x_s (q_s - u_s)``."""
    payments: F64
    margin: float
    """The provider's payoff: payments minus the cost of those served."""


def serve(
    cohort: Cohort,
    prices: F64,
    measurement: Measurement,
    obligation: bool,
    gain: F64 | None = None,
) -> Outcome:
    """The provider's best response to a contract and what follows from it (see
    :mod:`portal_tools.calculators.creaming`). ``gain`` overrides the gain per participant (the
    neutral tariff passes its exact common margin, so rounding in its prices cannot break the
    tie)."""
    c = cohort
    if obligation:
        total = float(c.referred.sum())
        served = c.referred * min(1.0, c.capacity / total)
    else:
        if gain is None:
            rate = c.success - c.unserved if measurement == "whole_cohort" else c.success
            gain = rate * prices - c.cost
        served = best_response(c.referred, gain, c.capacity)
    outcomes = served * c.success
    paid = (
        outcomes + (c.referred - served) * c.unserved if measurement == "whole_cohort" else outcomes
    )
    payments = paid * prices
    margin = float(payments.sum() - served @ c.cost)
    return Outcome(
        prices, served, outcomes, paid, served * (c.success - c.unserved), payments, margin
    )


@dataclass(frozen=True)
class NeutralTariff:
    """The neutral tariff at the same budget (see :mod:`portal_tools.calculators.creaming`)."""

    status: NeutralStatus
    prices: F64 | None
    margin: float | None
    """The common margin ``m`` per participant (``None`` without capacity)."""
    budget: float
    """``B``: the flat tariff's spend at capacity on the referred mix."""
    cost_of_mix: float
    """``C``: the provider's cost of serving the referred mix at capacity."""
    blocking: str | None = None
    """With ``price_too_high``: the segment whose price would exceed the limit."""


def neutral_tariff(inputs: CreamingInputs, prices: F64) -> NeutralTariff:
    """Prices ``(m + c_s) / q_s`` with ``m = sum w_s (q_s price_s - c_s)`` (exact), the budget
    ``B``, the cost of the mix ``C`` and the status."""
    segs = inputs.segments
    n = float(inputs.cohort_size)
    places = min(float(inputs.capacity), n)
    weights = [dec(s.share) for s in segs]
    spend = exact_sum(
        EXACT.multiply(EXACT.multiply(w, dec(s.success_rate)), dec(p))
        for w, s, p in zip(weights, segs, prices, strict=True)
    )
    costs = exact_sum(
        EXACT.multiply(w, dec(s.cost_per_participant)) for w, s in zip(weights, segs, strict=True)
    )
    share_total = exact_sum(weights)
    scale = QUOTIENT.divide(Decimal(repr(places)), share_total)
    budget = float(QUOTIENT.multiply(spend, scale))
    cost_of_mix = float(QUOTIENT.multiply(costs, scale))
    if inputs.capacity == 0:
        return NeutralTariff("no_capacity", None, None, budget, cost_of_mix)
    m = QUOTIENT.divide(EXACT.subtract(spend, costs), share_total)
    if m < 0:
        return NeutralTariff("budget_too_small", None, float(m), budget, cost_of_mix)
    neutral = []
    for s in segs:
        price = QUOTIENT.divide(EXACT.add(m, dec(s.cost_per_participant)), dec(s.success_rate))
        if price > MAX_AMOUNT:
            return NeutralTariff("price_too_high", None, float(m), budget, cost_of_mix, s.name)
        neutral.append(float(price))
    return NeutralTariff("defined", np.array(neutral), float(m), budget, cost_of_mix)


def equivalent_flat_price(inputs: CreamingInputs, prices: F64) -> float:
    """The flat price, or with segment prices the budget-equivalent one,
    ``sum w_s q_s price_s / sum w_s q_s`` (exact; the mix's size cancels)."""
    if inputs.price is not None:
        return float(inputs.price)
    weights = [EXACT.multiply(dec(s.share), dec(s.success_rate)) for s in inputs.segments]
    spend = exact_sum(EXACT.multiply(w, dec(p)) for w, p in zip(weights, prices, strict=True))
    return float(QUOTIENT.divide(spend, exact_sum(weights)))
