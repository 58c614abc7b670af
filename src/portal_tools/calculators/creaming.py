"""Creaming: whom a provider chooses to serve under a tariff (calculator ``creaming``).

*Creaming* (Danish: *fløde-skimning*) is serving the participants who are easiest to help because
they pay best for the effort; *parking* is the other side, leaving the hardest to help without
real help. This model shows when a tariff rewards it and which contract removes the incentive.

Semantics
---------

A referred cohort of ``N`` participants is split into segments ``s`` with shares ``w_s`` (sum 1),
so ``n_s = N w_s`` are referred to segment ``s``. A served participant of segment ``s`` succeeds
with probability ``q_s`` and costs the provider ``c_s``; each success is paid ``price_s`` (one flat
``price`` for all, or ``segment_prices``). The provider can serve at most ``capacity`` people.

- **Margin** of serving one participant: ``m_s = q_s price_s - c_s`` (expected).
- **Measurement ``served``** (paid on those it serves): the provider fills its capacity in order
  of margin, highest first, skips segments with a negative margin, and shares the remaining
  capacity among segments with equal margins in proportion to their shares:
  ``served_s = n_s min(1, remaining / sum of n over the tied group)``.
- **Measurement ``whole_cohort``** (paid on the outcomes of everyone referred): excluding someone
  only lowers the measured result, so the provider cannot select; it takes the referred mix,
  ``served_s = n_s min(1, capacity / N)``. Participants not served count with no success.
- **Outcomes** ``served_s q_s``; **payments** ``outcomes_s price_s``; **provider margin**
  ``sum served_s m_s``; **commissioner's cost per outcome** payments / outcomes; with values
  ``v_s`` per success, the commissioner's **net value** ``sum outcomes_s v_s - payments``.
- **Hardest segment**: the one with the lowest success rate (the first listed on a tie).
- **Neutral tariff**: prices ``p_s = (m + c_s) / q_s`` that give every segment the same margin
  ``m``, with ``m`` set so the budget for the referred mix at capacity equals the chosen tariff's
  budget for that mix: with ``r_s = n_s min(1, capacity / N)``,
  ``sum r_s q_s p_s = sum r_s q_s price_s``, so ``m = sum r_s (q_s price_s - c_s) / sum r_s``.
  Every segment is then equally attractive; if ``m`` is negative the provider serves no one (the
  budget is too small for the mix, whatever the prices).

The result compares three contracts side by side: the flat tariff paid on those served, the
neutral tariff paid on those served, and the flat tariff measured on the whole cohort. With
``segment_prices`` the "flat" price is the budget-equivalent one,
``sum r_s q_s price_s / sum r_s q_s``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import NDArray

from portal_tools.charts import PALETTE, Chart
from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field
from portal_tools.registry import Calculator, register
from portal_tools.results import Metric, Result, format_value

__all__ = [
    "CALCULATOR",
    "CreamingInputs",
    "Outcome",
    "SegmentInputs",
    "charts",
    "compute",
    "neutral_prices",
    "serve",
]

F64 = NDArray[np.float64]
MAX_AMOUNT = 1e12
SHARE_TOLERANCE = 1e-6
TIE_TOLERANCE = 1e-9


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
    """A referred cohort in segments, the provider's capacity, a tariff and a measurement rule."""

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
        help="One row per segment: share of the cohort, success rate if served, cost per "
        "participant and optional value per success.",
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
    measurement: Literal["served", "whole_cohort"] = field(
        "served",
        label="Measurement",
        help="'served': paid on the participants the provider chooses to serve; 'whole_cohort': "
        "paid on the outcomes of everyone referred, so selecting does not pay.",
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
class Outcome:
    """Who is served and what it costs under one contract (arrays by segment)."""

    prices: F64
    served: F64
    outcomes: F64
    payments: F64
    margin: float


def serve(
    referred: F64,
    success: F64,
    cost: F64,
    prices: F64,
    capacity: float,
    measurement: Literal["served", "whole_cohort"],
) -> Outcome:
    """Participants served by segment under a tariff (see the module docstring for the rule)."""
    margin = success * prices - cost
    if measurement == "whole_cohort":
        total = float(referred.sum())
        served = referred * min(1.0, capacity / total) if total > 0 else referred * 0
    else:
        served = np.zeros_like(referred)
        remaining = float(capacity)
        order = np.argsort(-margin, kind="stable")
        i = 0
        while i < order.size and remaining > 0:
            top = margin[order[i]]
            if top < -TIE_TOLERANCE * max(1.0, abs(top)):
                break
            group = [
                j for j in order[i:] if abs(margin[j] - top) <= TIE_TOLERANCE * max(1, abs(top))
            ]
            want = float(referred[group].sum())
            fill = min(1.0, remaining / want) if want > 0 else 0.0
            served[group] = referred[group] * fill
            remaining -= want * fill
            i += len(group)
    outcomes = served * success
    payments = outcomes * prices
    return Outcome(prices, served, outcomes, payments, float(served @ margin))


def neutral_prices(referred: F64, success: F64, cost: F64, prices: F64, capacity: float) -> F64:
    """Prices ``(m + c_s) / q_s`` giving every segment the margin ``m`` at the same budget for
    the referred mix at capacity: ``m = sum r_s (q_s price_s - c_s) / sum r_s``."""
    total = float(referred.sum())
    r = referred * min(1.0, capacity / total) if total > 0 else referred * 0
    if r.sum() <= 0:
        m = float((referred @ (success * prices - cost)) / max(total, 1.0))
    else:
        m = float(r @ (success * prices - cost) / r.sum())
    return np.asarray((m + cost) / success)


METRICS = {
    "served_by_segment": Metric("Participants served by segment", "count"),
    "outcomes_by_segment": Metric("Expected successes by segment", "count"),
    "hardest_segment": Metric("Hardest segment (lowest success rate)", "text"),
    "hardest_segment_served_share": Metric("Share of the hardest segment served", "share"),
    "total_served": Metric("Participants served", "count"),
    "total_outcomes": Metric("Expected successes", "count"),
    "total_payments": Metric("Commissioner's payments", "money"),
    "provider_margin": Metric("Provider's expected margin", "money"),
    "commissioner_cost_per_outcome": Metric("Commissioner's cost per success", "money"),
    "commissioner_net_value": Metric(
        "Commissioner's net value", "money", "value of successes minus payments"
    ),
    "neutral_tariff": Metric("Neutral tariff (price per success)", "money"),
    "neutral_margin_per_participant": Metric("Margin per participant, neutral tariff", "money"),
}


def _ratio(a: float, b: float) -> float | None:
    return a / b if b > 0 else None


def _contract_row(
    label: str, names: list[str], referred: F64, hardest: int, out: Outcome, values: F64 | None
) -> dict[str, object]:
    outcomes = float(out.outcomes.sum())
    paid = float(out.payments.sum())
    row: dict[str, object] = {"contract": label}
    for i, name in enumerate(names):
        row[f"served: {name}"] = float(out.served[i])
    row["hardest_served_share"] = _ratio(float(out.served[hardest]), float(referred[hardest]))
    row["outcomes"] = outcomes
    row["provider_margin"] = out.margin
    row["cost_per_outcome"] = _ratio(paid, outcomes)
    row["commissioner_net_value"] = (
        float(out.outcomes @ values) - paid if values is not None else None
    )
    return row


def compute(inputs: CreamingInputs) -> Result:
    """Serve the cohort under the chosen contract, derive the neutral tariff and compare.

    Summary keys: ``served_by_segment``, ``outcomes_by_segment`` (name -> number),
    ``hardest_segment_served_share``, ``provider_margin``, ``commissioner_cost_per_outcome``
    (``None`` without successes), ``commissioner_net_value`` (``None`` unless every segment has
    a value), ``neutral_tariff`` (name -> price) and more (see ``METRICS``).
    """
    segs = inputs.segments
    names = [s.name for s in segs]
    referred = inputs.cohort_size * np.array([s.share for s in segs])
    success = np.array([s.success_rate for s in segs])
    cost = np.array([s.cost_per_participant for s in segs])
    valued = all(s.value_per_success is not None for s in segs)
    values = np.array([s.value_per_success or 0.0 for s in segs]) if valued else None
    prices = inputs.prices()
    capacity = float(inputs.capacity)
    hardest = int(np.argmin(success))
    chosen = serve(referred, success, cost, prices, capacity, inputs.measurement)
    neutral = neutral_prices(referred, success, cost, prices, capacity)
    mix = referred * min(1.0, capacity / float(referred.sum()))
    flat_price = (
        float(inputs.price)
        if inputs.price is not None
        else float((mix * success) @ prices / (mix * success).sum())
    )
    flat = np.full(len(segs), flat_price)
    variants = [
        (
            "Flat tariff, paid on those served",
            serve(referred, success, cost, flat, capacity, "served"),
        ),
        (
            "Neutral tariff, paid on those served",
            serve(referred, success, cost, neutral, capacity, "served"),
        ),
        (
            "Flat tariff, whole-cohort measurement",
            serve(referred, success, cost, flat, capacity, "whole_cohort"),
        ),
    ]
    outcomes = float(chosen.outcomes.sum())
    paid = float(chosen.payments.sum())
    summary = {
        "served_by_segment": dict(zip(names, map(float, chosen.served), strict=True)),
        "outcomes_by_segment": dict(zip(names, map(float, chosen.outcomes), strict=True)),
        "hardest_segment": names[hardest],
        "hardest_segment_served_share": float(chosen.served[hardest] / referred[hardest])
        if referred[hardest] > 0
        else None,
        "total_served": float(chosen.served.sum()),
        "total_outcomes": outcomes,
        "total_payments": paid,
        "provider_margin": chosen.margin,
        "commissioner_cost_per_outcome": _ratio(paid, outcomes),
        "commissioner_net_value": float(chosen.outcomes @ values) - paid
        if values is not None
        else None,
        "neutral_tariff": dict(zip(names, map(float, neutral), strict=True)),
        "neutral_margin_per_participant": float(success[0] * neutral[0] - cost[0]),
    }
    segments = pd.DataFrame(
        {
            "segment": names,
            "referred": referred,
            "success_rate": success,
            "cost_per_participant": cost,
            "price": prices,
            "margin_per_participant": success * prices - cost,
            "served": chosen.served,
            "outcomes": chosen.outcomes,
            "payments": chosen.payments,
            "neutral_price": neutral,
        }
    )
    comparison = pd.DataFrame(
        [_contract_row(label, names, referred, hardest, out, values) for label, out in variants]
    )
    for col in ("hardest_served_share", "cost_per_outcome", "commissioner_net_value"):
        comparison[col] = comparison[col].astype(object)
    return Result(
        "creaming",
        summary,
        {"segments": segments, "comparison": comparison},
        METRICS,
        _notes(inputs, summary, chosen, success, cost, prices),
        inputs.currency,
    )


def _notes(
    inputs: CreamingInputs,
    summary: Mapping[str, object],
    chosen: Outcome,
    success: F64,
    cost: F64,
    prices: F64,
) -> list[str]:
    notes: list[str] = []
    hardest = str(summary["hardest_segment"])
    share = summary["hardest_segment_served_share"]
    margin = success * prices - cost
    losing = [s.name for s, m in zip(inputs.segments, margin, strict=True) if m < 0]
    if inputs.measurement == "served" and losing:
        notes.append(
            "Under this tariff the provider loses money on each participant of "
            + ", ".join(losing)
            + ", so it serves none of them when it may choose."
        )
    if isinstance(share, float):
        notes.append(f"{share * 100:.0f} % of the hardest segment ({hardest}) is served.")
    if inputs.measurement == "served" and float(chosen.served.sum()) < inputs.capacity:
        notes.append(
            "The provider leaves capacity unused: no remaining segment is worth serving at "
            "these prices."
        )
    neutral = summary["neutral_tariff"]
    assert isinstance(neutral, dict)
    notes.append(
        "A neutral tariff of "
        + "; ".join(f"{k}: {format_value(v, 'money', inputs.currency)}" for k, v in neutral.items())
        + " per success would make every segment equally worth serving at the same budget."
    )
    return notes


def _served_chart(result: Result) -> Figure:
    comp = result.tables["comparison"]
    segs = result.tables["segments"]
    names = list(segs["segment"])
    fig = Figure(figsize=(8, 4.2), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    x = np.arange(len(comp))
    width = 0.8 / max(1, len(names))
    for i, name in enumerate(names):
        share = comp[f"served: {name}"].to_numpy(dtype=float) / float(segs["referred"].iloc[i])
        ax.bar(
            x + (i - (len(names) - 1) / 2) * width,
            share * 100,
            width=width,
            color=PALETTE[i % len(PALETTE)],
            label=name,
        )
    ax.set_xticks(x, [c.replace(", ", ",\n") for c in comp["contract"]], fontsize=9)
    ax.set_ylabel("Share of the segment served (%)")
    ax.set_ylim(0, 122)
    ax.set_yticks(range(0, 101, 20))
    ax.legend(loc="upper center", frameon=False, fontsize=9, ncols=min(5, len(names)))
    ax.set_title("Who is served under three contracts", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    return fig


def charts(result: Result) -> list[Chart]:
    """One grouped bar chart: the share of each segment served under the three contracts."""
    comp = result.tables["comparison"]
    hardest = result.summary["hardest_segment"]
    parts = [
        f"{row['contract']}: {format_value(row['hardest_served_share'], 'share')}"
        for _, row in comp.iterrows()
    ]
    return [
        Chart(
            _served_chart(result),
            f"Grouped bar chart of the share of each segment served under three contracts; share "
            f"of the hardest segment ({hardest}) served: " + "; ".join(parts) + ".",
        )
    ]


CALCULATOR = register(
    Calculator(
        name="creaming",
        title="Creaming and the tariff",
        summary="Whom a provider serves under a flat tariff, a neutral segment tariff and "
        "whole-cohort measurement, and what each costs the commissioner.",
        inputs=CreamingInputs,
        compute=compute,
        page="tools/creaming",
        charts=charts,
    )
)
