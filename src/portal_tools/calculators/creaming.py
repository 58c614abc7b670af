"""Creaming: whom a provider chooses to serve under a tariff (calculator ``creaming``).

*Creaming* (Danish: *fløde-skimning*) is serving the participants who are easiest to help because
they pay best for the effort; *parking* is the other side, leaving the hardest to help without
real help. This model shows when a tariff rewards it and what each contract remedy does on its
own.

Semantics
---------

A referred cohort of ``N`` participants is split into segments ``s`` with shares ``w_s`` (sum 1),
so ``n_s = N w_s`` are referred to segment ``s``. A served participant of segment ``s`` succeeds
with probability ``q_s`` and costs the provider ``c_s``; a participant who is not served succeeds
with probability ``u_s`` (``success_rate_unserved``, default 0: nobody succeeds without the
programme). Each success that counts is paid ``price_s`` (one flat ``price`` for all, or
``segment_prices``). The provider can serve at most ``capacity`` = ``K`` people; it serves
``x_s`` of segment ``s``.

- **What counts (measurement).** ``served``: the successes of those the provider serves,
  ``paid_s = x_s q_s``. ``whole_cohort``: the successes of everyone referred,
  ``paid_s = x_s q_s + (n_s - x_s) u_s``.
- **Provider's payoff** ``P(x) = sum paid_s price_s - sum x_s c_s``. Serving one more participant
  of segment ``s`` gains it ``g_s = q_s price_s - c_s`` when paid on those served and
  ``g_s = (q_s - u_s) price_s - c_s`` when paid on the whole cohort (the rest,
  ``n_s u_s price_s``, is paid whether or not it serves anyone).
- **Best response** (the provider may choose): the ``x`` with ``0 <= x_s <= n_s`` and
  ``sum x_s <= K`` that maximises ``P``. Because every participant takes one place, filling the
  places in order of ``g_s``, highest first, is optimal: no segment with ``g_s < 0`` is served,
  and segments whose gains are equal share the remaining places in proportion to their sizes,
  ``x_s = n_s min(1, remaining / sum of n over the tied group)``. Gains within half a hundredth
  of the currency unit per participant (:data:`TIE_TOLERANCE`) count as equal, and a gain of 0
  counts as worth serving. Whole-cohort measurement with ``u_s = 0`` therefore gives the same
  best response as paying on those served: leaving someone aside costs the provider nothing.
- **Obligation to serve everyone referred** (``serve_all_referred``): the provider must take the
  referrals as they come, up to its capacity, so it cannot choose:
  ``x_s = n_s min(1, K / N)`` (the referred mix), whatever the gains.
- **Commissioner.** Payments ``sum paid_s price_s``; successes the programme causes
  (*additional*) ``sum x_s (q_s - u_s)``; cost per paid success; with values ``v_s`` per success,
  the **net value** ``sum x_s (q_s - u_s) v_s - payments``.
- **Hardest segment**: the one with the lowest success rate if served (the first on a tie).

Neutral tariff
--------------

Prices ``p_s = (m + c_s) / q_s`` give every segment the same margin ``m`` when paid on those
served, so selecting gains the provider nothing. **The same budget** is the flat tariff's spend
at capacity: the flat price times the expected successes when the provider fills its places with
the referred mix, ``B = sum r_s q_s price_s`` with ``r_s = n_s min(1, K / N)`` (with segment
prices the chosen tariff's spend, and the flat price is the budget-equivalent one,
``B / sum r_s q_s``). The neutral tariff spends ``sum r_s (m + c_s)`` on that mix, so
``m = (B - C) / R`` with ``C = sum r_s c_s`` (the cost of serving the mix) and ``R = sum r_s``;
the factor ``min(1, K / N)`` cancels, so ``m = sum w_s (q_s price_s - c_s)``, the mix's average
margin. ``m`` is computed exactly from the numbers as written (:mod:`portal_tools.exact`). Its
status (``neutral_tariff_status``):

- ``defined``: ``m >= 0`` and every price at most ``MAX_AMOUNT`` (1e12) per success;
- ``budget_too_small``: ``B < C``: no tariff within the budget gives every segment a non-negative
  margin, because serving the referred mix costs more than the budget (prices would have to be
  negative somewhere); the calculator says so and shows no neutral tariff;
- ``price_too_high``: some segment's success rate is so low that its price would exceed 1e12;
- ``no_capacity``: ``K = 0``, nobody can be served and there is nothing to price.

Comparison
----------

Each remedy on its own, against the flat tariff paid on those served without an obligation:
the flat tariff measured on the whole cohort, the flat tariff with the obligation to serve
everyone referred, and the neutral tariff paid on those served (when it is defined). A ratio
whose denominator is 0 (cost per success when nobody succeeds, the hardest segment's share when
nobody is referred to it) is ``None``, never NaN.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from portal_tools.calculator import Calculator
from portal_tools.charts import PALETTE, Chart, new_figure
from portal_tools.errors import Problem
from portal_tools.exact import EXACT, QUOTIENT, dec, exact_sum
from portal_tools.inputs import Inputs, field
from portal_tools.results import Metric, Result, format_value, ratio

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CALCULATOR",
    "CreamingInputs",
    "NeutralTariff",
    "Outcome",
    "SegmentInputs",
    "best_response",
    "charts",
    "compute",
    "neutral_tariff",
    "serve",
]

F64 = NDArray[np.float64]
Measurement = Literal["served", "whole_cohort"]
NeutralStatus = Literal["defined", "budget_too_small", "price_too_high", "no_capacity"]
MAX_AMOUNT = 1e12
SHARE_TOLERANCE = 1e-6
TIE_TOLERANCE = 0.005
"""Gains per participant within half a hundredth of the currency unit count as equal."""


class SegmentInputs(Inputs):
    """One segment of the referred cohort."""

    name: str = field(
        "Segment", label="Segment", help="Short unique name.", min_length=1, max_length=40
    )
    share: float = field(
        0.5,
        label="Share",
        help="Share of the referred cohort in this segment (the shares sum to 1).",
        unit="share",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    success_rate: float = field(
        0.5,
        label="Success rate",
        help="Chance that a served participant of this segment achieves the outcome.",
        unit="share",
        gt=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    success_rate_unserved: float = field(
        0.0,
        label="Success rate if not served",
        help="Chance that a participant of this segment achieves the outcome without being "
        "served (deadweight). Paid for only under whole-cohort measurement; 0: nobody "
        "succeeds without the programme.",
        unit="share",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    cost_per_participant: float = field(
        50_000.0,
        label="Cost per participant",
        help="The provider's cost of serving one participant of this segment.",
        unit="per participant",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )
    value_per_success: float | None = field(
        None,
        label="Value per success",
        help="Optional value or saving to the commissioner per success; empty means not valued.",
        unit="per success",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )


def _default_segments() -> list[SegmentInputs]:
    return [
        SegmentInputs(
            name="Easiest",
            share=0.3,
            success_rate=0.6,
            cost_per_participant=40_000,
            value_per_success=200_000,
        ),
        SegmentInputs(
            name="Middle",
            share=0.4,
            success_rate=0.35,
            cost_per_participant=50_000,
            value_per_success=250_000,
        ),
        SegmentInputs(
            name="Hardest",
            share=0.3,
            success_rate=0.15,
            cost_per_participant=60_000,
            value_per_success=350_000,
        ),
    ]


class CreamingInputs(Inputs):
    """A referred cohort in segments, the provider's capacity, a tariff, a measurement rule and
    whether the provider must serve everyone referred."""

    cohort_size: int = field(
        200,
        label="Referred cohort",
        help="Participants referred to the programme.",
        unit="participants",
        ge=1,
        le=10_000_000,
    )
    segments: list[SegmentInputs] = field(
        label="Segments",
        help="One row per segment: share of the cohort, success rate if served and if not "
        "served, cost per participant and optional value per success.",
        min_length=1,
        max_length=20,
        default_factory=_default_segments,
    )
    capacity: int = field(
        120,
        label="Capacity",
        help="How many participants the provider can serve.",
        unit="participants",
        ge=0,
        le=10_000_000,
        assumption=True,
    )
    price: float | None = field(
        150_000.0,
        label="Flat price",
        help="One price per success for every segment; leave empty when segment prices are given.",
        unit="per success",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )
    segment_prices: dict[str, float] | None = field(
        None,
        label="Segment prices",
        help="Optional price per success by segment name (instead of a flat price), e.g. "
        "'Easiest: 80000'.",
        unit="per success",
    )
    measurement: Measurement = field(
        "served",
        label="Measurement",
        help="'served': paid on the successes of the participants the provider serves; "
        "'whole_cohort': paid on the successes of everyone referred, served or not.",
    )
    serve_all_referred: bool = field(
        False,
        label="Obligation to serve everyone referred",
        help="The contract obliges the provider to take every referral in turn, up to its "
        "capacity, so it cannot choose whom to serve.",
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """Shares sum to 1, names are unique, exactly one tariff is given and segment prices name
        every segment with a price from 0 up."""
        problems: list[Problem] = []
        total = sum(s.share for s in self.segments)
        if abs(total - 1) > SHARE_TOLERANCE:
            problems.append(
                Problem("segments", f"shares summing to {total:g}", "shares that sum to 1", "Share")
            )
        names = [s.name for s in self.segments]
        for i, name in enumerate(names):
            if name in names[:i]:
                problems.append(
                    Problem(f"segments[{i}].name", name, "a name not used by another segment")
                )
        if (self.price is None) == (self.segment_prices is None):
            problems.append(
                Problem(
                    "price",
                    self.price,
                    "either a flat price or segment prices, not both and not neither",
                    "Flat price",
                )
            )
        if self.segment_prices is not None:
            for key, value in self.segment_prices.items():
                if key not in names:
                    problems.append(
                        Problem(
                            f"segment_prices.{key}",
                            key,
                            "a segment name: " + ", ".join(map(repr, names)),
                            "Segment prices",
                        )
                    )
                elif not 0 <= value <= MAX_AMOUNT:
                    problems.append(
                        Problem(
                            f"segment_prices.{key}",
                            value,
                            "a price from 0 to 1e12",
                            "Segment prices",
                        )
                    )
            for name in names:
                if name not in self.segment_prices:
                    problems.append(
                        Problem(
                            "segment_prices",
                            sorted(self.segment_prices),
                            f"a price for every segment (missing: {name!r})",
                            "Segment prices",
                        )
                    )
        return problems

    def prices(self) -> F64:
        """(S,) price per success of each segment under the chosen tariff."""
        if self.segment_prices is not None:
            return np.array([self.segment_prices[s.name] for s in self.segments], dtype=float)
        return np.full(len(self.segments), float(self.price or 0.0))


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
    """The provider's best response to a contract and what follows from it (see the module
    docstring). ``gain`` overrides the gain per participant (the neutral tariff passes its
    exact common margin, so rounding in its prices cannot break the tie)."""
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
    """The neutral tariff at the same budget (see the module docstring)."""

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


METRICS = {
    "served_by_segment": Metric("Participants served by segment", "count"),
    "outcomes_by_segment": Metric("Expected successes among those served, by segment", "count"),
    "hardest_segment": Metric("Hardest segment (lowest success rate)", "text"),
    "hardest_segment_served_share": Metric("Share of the hardest segment served", "share"),
    "total_served": Metric("Participants served", "count"),
    "total_outcomes": Metric("Expected successes among those served", "count"),
    "paid_successes": Metric("Successes paid for", "count"),
    "additional_successes": Metric(
        "Successes the programme causes", "count", "among those served, net of deadweight"
    ),
    "total_payments": Metric("Commissioner's payments", "money"),
    "provider_margin": Metric("Provider's expected margin", "money"),
    "commissioner_cost_per_outcome": Metric("Commissioner's cost per success paid for", "money"),
    "commissioner_net_value": Metric(
        "Commissioner's net value", "money", "value of the successes caused minus payments"
    ),
    "flat_price": Metric("Flat price (budget-equivalent)", "money"),
    "same_budget": Metric(
        "The same budget", "money", "the flat tariff's spend at capacity on the referred mix"
    ),
    "cost_of_referred_mix": Metric(
        "Provider's cost of serving the referred mix at capacity", "money"
    ),
    "neutral_tariff_status": Metric(
        "Neutral tariff",
        "text",
        "defined; budget_too_small: no tariff within the budget gives every segment a "
        "non-negative margin; price_too_high: a price above 1e12 would be needed; no_capacity",
    ),
    "neutral_tariff": Metric("Neutral tariff (price per success)", "money"),
    "neutral_margin_per_participant": Metric("Margin per participant, neutral tariff", "money"),
}


def _measures(
    out: Outcome, referred: F64, hardest: int, values: F64 | None
) -> dict[str, float | None]:
    """The contract's totals; ratios without a positive denominator are ``None``."""
    paid = float(out.payments.sum())
    return {
        "hardest_served_share": ratio(float(out.served[hardest]), float(referred[hardest])),
        "total_served": float(out.served.sum()),
        "outcomes": float(out.outcomes.sum()),
        "paid_successes": float(out.paid.sum()),
        "additional_successes": float(out.additional.sum()),
        "payments": paid,
        "provider_margin": out.margin,
        "cost_per_outcome": ratio(paid, float(out.paid.sum())),
        "commissioner_net_value": float(out.additional @ values) - paid
        if values is not None
        else None,
    }


OPTIONAL_COLUMNS = ("hardest_served_share", "cost_per_outcome", "commissioner_net_value")


def _comparison(
    names: Sequence[str],
    referred: F64,
    hardest: int,
    variants: Sequence[tuple[str, Outcome]],
    values: F64 | None,
) -> pd.DataFrame:
    """One row per contract; optional ratios stay ``None`` (object columns), never NaN."""
    rows: dict[str, list[object]] = {"contract": [label for label, _ in variants]}
    for i, name in enumerate(names):
        rows[f"served: {name}"] = [float(out.served[i]) for _, out in variants]
    for _, out in variants:
        for key, value in _measures(out, referred, hardest, values).items():
            rows.setdefault(key, []).append(value)
    return pd.DataFrame(
        {k: np.array(v, dtype=object) if k in OPTIONAL_COLUMNS else v for k, v in rows.items()}
    )


def compute(inputs: CreamingInputs) -> Result:
    """Serve the cohort under the chosen contract, derive the neutral tariff and compare the
    remedies one at a time.

    Summary keys: ``served_by_segment``, ``outcomes_by_segment`` (name -> number),
    ``hardest_segment_served_share``, ``provider_margin``, ``commissioner_cost_per_outcome``
    (``None`` without successes paid for), ``commissioner_net_value`` (``None`` unless every
    segment has a value), ``neutral_tariff`` (name -> price, ``None`` unless its status is
    ``defined``), ``neutral_tariff_status`` and more (see ``METRICS``).
    """
    segs = inputs.segments
    names = [s.name for s in segs]
    cohort = Cohort(
        referred=inputs.cohort_size * np.array([s.share for s in segs]),
        success=np.array([s.success_rate for s in segs]),
        unserved=np.array([s.success_rate_unserved for s in segs]),
        cost=np.array([s.cost_per_participant for s in segs]),
        capacity=float(inputs.capacity),
    )
    referred = cohort.referred
    valued = all(s.value_per_success is not None for s in segs)
    values = np.array([s.value_per_success or 0.0 for s in segs]) if valued else None
    prices = inputs.prices()
    hardest = int(np.argmin(cohort.success))
    chosen = serve(cohort, prices, inputs.measurement, inputs.serve_all_referred)
    neutral = neutral_tariff(inputs, prices)
    flat_price = _flat_price(inputs, prices)
    flat = np.full(len(segs), flat_price)
    variants = [
        ("Flat tariff, paid on those served", serve(cohort, flat, "served", False)),
        ("Flat tariff, whole-cohort measurement", serve(cohort, flat, "whole_cohort", False)),
        ("Flat tariff, obligation to serve everyone referred", serve(cohort, flat, "served", True)),
    ]
    if neutral.prices is not None:
        common = np.full(len(segs), float(neutral.margin or 0.0))
        variants.append(
            (
                "Neutral tariff, paid on those served",
                serve(cohort, neutral.prices, "served", False, gain=common),
            )
        )
    m = _measures(chosen, referred, hardest, values)
    summary = {
        "served_by_segment": dict(zip(names, map(float, chosen.served), strict=True)),
        "outcomes_by_segment": dict(zip(names, map(float, chosen.outcomes), strict=True)),
        "hardest_segment": names[hardest],
        "hardest_segment_served_share": m["hardest_served_share"],
        "total_served": m["total_served"],
        "total_outcomes": m["outcomes"],
        "paid_successes": m["paid_successes"],
        "additional_successes": m["additional_successes"],
        "total_payments": m["payments"],
        "provider_margin": chosen.margin,
        "commissioner_cost_per_outcome": m["cost_per_outcome"],
        "commissioner_net_value": m["commissioner_net_value"],
        "flat_price": flat_price,
        "same_budget": neutral.budget,
        "cost_of_referred_mix": neutral.cost_of_mix,
        "neutral_tariff_status": neutral.status,
        "neutral_tariff": None
        if neutral.prices is None
        else dict(zip(names, map(float, neutral.prices), strict=True)),
        "neutral_margin_per_participant": neutral.margin,
    }
    rate = (
        cohort.success - cohort.unserved if inputs.measurement == "whole_cohort" else cohort.success
    )
    segments = pd.DataFrame(
        {
            "segment": names,
            "referred": referred,
            "success_rate": cohort.success,
            "success_rate_unserved": cohort.unserved,
            "cost_per_participant": cohort.cost,
            "price": prices,
            "gain_per_participant_served": rate * prices - cohort.cost,
            "served": chosen.served,
            "outcomes": chosen.outcomes,
            "paid_successes": chosen.paid,
            "payments": chosen.payments,
            "neutral_price": np.array(
                [None] * len(segs) if neutral.prices is None else list(neutral.prices),
                dtype=object if neutral.prices is None else float,
            ),
        }
    )
    return Result(
        "creaming",
        summary,
        {
            "segments": segments,
            "comparison": _comparison(names, referred, hardest, variants, values),
        },
        METRICS,
        _notes(
            inputs, summary, chosen, neutral, segments["gain_per_participant_served"].to_numpy()
        ),
        inputs.currency,
    )


def _flat_price(inputs: CreamingInputs, prices: F64) -> float:
    """The flat price, or with segment prices the budget-equivalent one,
    ``sum w_s q_s price_s / sum w_s q_s`` (exact; the mix's size cancels)."""
    if inputs.price is not None:
        return float(inputs.price)
    weights = [EXACT.multiply(dec(s.share), dec(s.success_rate)) for s in inputs.segments]
    spend = exact_sum(EXACT.multiply(w, dec(p)) for w, p in zip(weights, prices, strict=True))
    return float(QUOTIENT.divide(spend, exact_sum(weights)))


def _notes(
    inputs: CreamingInputs,
    summary: Mapping[str, object],
    chosen: Outcome,
    neutral: NeutralTariff,
    gain: F64,
) -> list[str]:
    notes: list[str] = []
    cur = inputs.currency
    hardest = str(summary["hardest_segment"])
    share = summary["hardest_segment_served_share"]
    choose = not inputs.serve_all_referred
    losing = [s.name for s, g in zip(inputs.segments, gain, strict=True) if g < -TIE_TOLERANCE]
    if choose and losing:
        notes.append(
            "Under this tariff the provider loses money on each participant of "
            + ", ".join(losing)
            + " it serves, so it serves none of them when it may choose."
        )
    if choose and inputs.measurement == "whole_cohort":
        if all(s.success_rate_unserved == 0 for s in inputs.segments):
            notes.append(
                "Nobody succeeds without being served here, so whole-cohort measurement pays "
                "exactly what paying on those served would: on its own it does not change whom "
                "the provider serves. The obligation to serve everyone referred does."
            )
        else:
            notes.append(
                "Paid on the whole cohort, the provider is paid for the successes of those it "
                "leaves aside as well, so serving a participant earns it only the successes the "
                "programme adds; it still chooses whom to serve."
            )
    if isinstance(share, float):
        notes.append(f"{share * 100:.0f} % of the hardest segment ({hardest}) is served.")
    places = min(float(inputs.capacity), float(inputs.cohort_size))
    if choose and places - float(chosen.served.sum()) > 1e-9 * places:
        notes.append(
            "The provider leaves capacity unused: no remaining segment is worth serving at "
            "these prices."
        )
    if not choose and chosen.margin < 0:
        notes.append(
            "With the obligation to serve everyone referred, the provider expects to lose "
            f"{format_value(-chosen.margin, 'money', cur)} on this contract: a provider would "
            "not sign it at these prices."
        )
    notes.append(_neutral_note(neutral, [s.name for s in inputs.segments], cur))
    return notes


def _neutral_note(neutral: NeutralTariff, names: Sequence[str], cur: str) -> str:
    budget = format_value(neutral.budget, "money", cur)
    if neutral.status == "no_capacity":
        return "With no capacity nobody is served, so there is no neutral tariff to set."
    if neutral.status == "budget_too_small":
        return (
            "No tariff within this budget gives every segment a non-negative margin: serving "
            f"the referred mix at capacity costs the provider "
            f"{format_value(neutral.cost_of_mix, 'money', cur)}, more than the same budget "
            f"(the flat tariff's spend at capacity, {budget}). A neutral tariff needs at least "
            "that cost as its budget."
        )
    if neutral.status == "price_too_high":
        return (
            f"No usable neutral tariff: segment {neutral.blocking}'s success rate is so low "
            f"that its price would exceed {format_value(MAX_AMOUNT, 'money', cur)} per success."
        )
    assert neutral.prices is not None
    prices = "; ".join(
        f"{k}: {format_value(float(v), 'money', cur)}"
        for k, v in zip(names, neutral.prices, strict=True)
    )
    return (
        f"A neutral tariff of {prices} per success would give every segment the same margin "
        f"({format_value(neutral.margin, 'money', cur)} per participant) at the same budget: "
        f"the flat tariff's spend at capacity, {budget}."
    )


def _served_chart(result: Result) -> Figure:
    comp = result.tables["comparison"]
    segs = result.tables["segments"]
    names = list(segs["segment"])
    referred = segs["referred"].to_numpy(dtype=float)
    fig = new_figure()
    ax = fig.add_subplot()
    x = np.arange(len(comp))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        served = comp[f"served: {name}"].to_numpy(dtype=float)
        share = served / referred[i] if referred[i] > 0 else np.zeros_like(served)
        ax.bar(
            x + (i - (len(names) - 1) / 2) * width,
            share * 100,
            width=width,
            color=PALETTE[i % len(PALETTE)],
            label=name,
        )
    ax.set_xticks(x, [textwrap.fill(c, 22) for c in comp["contract"]], fontsize=8)
    ax.set_ylabel("Share of the segment served (%)")
    ax.set_ylim(0, 122)
    ax.set_yticks(range(0, 101, 20))
    ax.legend(loc="upper center", frameon=False, fontsize=9, ncols=min(5, len(names)))
    ax.set_title(f"Who is served under {len(comp)} contracts", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    return fig


def charts(result: Result) -> list[Chart]:
    """One grouped bar chart: the share of each segment served under each contract compared."""
    comp = result.tables["comparison"]
    hardest = result.summary["hardest_segment"]
    parts = [
        f"{row['contract']}: {format_value(row['hardest_served_share'], 'share')}"
        for _, row in comp.iterrows()
    ]
    return [
        Chart(
            _served_chart(result),
            f"Grouped bar chart of the share of each segment served under {len(comp)} "
            f"contracts; share of the hardest segment ({hardest}) served: "
            + "; ".join(parts)
            + ".",
        )
    ]


CALCULATOR = Calculator(
    name="creaming",
    title="Creaming and the tariff",
    summary="Whom a provider serves under a flat tariff, whole-cohort measurement, an "
    "obligation to serve everyone referred and a neutral segment tariff, and what each "
    "costs the commissioner.",
    inputs=CreamingInputs,
    compute=compute,
    page="tools/creaming",
    headline="hardest_segment_served_share",
    charts=charts,
)
