"""What the creaming calculator reports: the summary of the chosen contract, the comparison of
the remedies, metrics and notes, and :func:`compute`, which runs the engine on the inputs and
assembles the result."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from portal_tools.calculators.creaming.engine import (
    TIE_TOLERANCE,
    Cohort,
    NeutralTariff,
    Outcome,
    equivalent_flat_price,
    neutral_tariff,
    serve,
)
from portal_tools.calculators.creaming.inputs import F64, MAX_AMOUNT, CreamingInputs
from portal_tools.results import Metric, Result, format_value, ratio

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
    flat_price = equivalent_flat_price(inputs, prices)
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
