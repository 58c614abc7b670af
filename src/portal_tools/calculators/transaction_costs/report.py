"""What the transaction-costs calculator reports: a plain-language reading per route, metrics,
the route, item and scaling tables, and :func:`compute`, which runs the engine on the inputs
and assembles the result."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from portal_tools.calculators.transaction_costs.engine import (
    ItemCost,
    RouteCosts,
    item_costs,
    route_costs,
    share_at_size,
)
from portal_tools.calculators.transaction_costs.inputs import (
    MAX_THRESHOLD_DELIVERY_COST,
    MAX_THRESHOLD_PARTICIPANTS,
    ROUTE_LABELS,
    ROUTES,
    TransactionCostInputs,
)
from portal_tools.formatting import thousands
from portal_tools.results import Metric, Result, format_value

BASELINE_ROUTE = "fee_for_service"


def share_text(x: float) -> str:
    """``x`` as a share, as the summary shows it (``format_value(x, "share")``)."""
    return format_value(x, "share")


def money_text(x: float) -> str:
    """``x`` as an amount of money, as the summary shows it (``format_value(x, "money")``)."""
    return format_value(x, "money")


def reading(
    rc: RouteCosts, baseline: RouteCosts, delivery_cost: float, cohort_size: int, threshold: float
) -> str:
    """One plain-language sentence about a route at this size and the size at which its share
    falls to the threshold."""
    share = rc.total / delivery_cost
    text = (
        f"{ROUTE_LABELS[rc.route]}: transaction costs of {money_text(rc.total)}, "
        f"{share_text(share)} of the delivery cost"
    )
    if rc.route != baseline.route:
        extra = rc.total - baseline.total
        word = "more" if extra >= 0 else "less"
        text += f", {money_text(abs(extra))} {word} than a fee-for-service contract"
    at = rc.at_threshold
    if at.status == "never":
        text += (
            f". It never falls to {share_text(threshold)}, at any size: the costs that grow with "
            f"the programme are already {share_text(rc.variable_share)} of delivery."
        )
    elif at.status == "beyond_limit":
        people = thousands(MAX_THRESHOLD_PARTICIPANTS)
        text += (
            f". It would fall to {share_text(threshold)} only in a programme with a delivery cost "
            f"above {money_text(MAX_THRESHOLD_DELIVERY_COST)} or more than {people} participants: "
            "in practice, never."
        )
    elif at.status == "already":
        text += f". It is already at or below {share_text(threshold)} at this size."
    else:
        people = thousands(at.participants or 0.0)
        text += (
            f". It falls to {share_text(threshold)} from a delivery cost of "
            f"{money_text(float(at.delivery_cost or 0.0))} (about {people} participants at the "
            "same cost per participant)."
        )
    return text


METRICS = {
    "routes": Metric("Routes compared", "text"),
    "total_by_route": Metric("Transaction costs", "money", "sum of all items of the route"),
    "share_of_delivery_by_route": Metric(
        "Share of delivery cost", "share", "transaction costs ÷ delivery cost"
    ),
    "per_participant_by_route": Metric(
        "Per participant", "money", "transaction costs ÷ participants"
    ),
    "extra_over_fee_for_service_by_route": Metric(
        "Extra over fee for service", "money", "route's costs minus the fee-for-service costs"
    ),
    "delivery_cost_at_threshold_by_route": Metric(
        "Delivery cost at which the share falls to the threshold",
        "money",
        "programme size, cost per participant held constant (none: never, or only beyond 1e15 DKK)",
    ),
    "participants_at_threshold_by_route": Metric(
        "Participants at which the share falls to the threshold",
        "count",
        "participants at that delivery cost (none: never, or only beyond 1e11 participants)",
    ),
    "threshold_status_by_route": Metric(
        "Threshold reached",
        "text",
        "already: at this size; larger: at a larger size; never: at no size; beyond_limit: "
        "only beyond 1e15 DKK or 1e11 participants",
    ),
    "fixed_by_route": Metric("Fixed part (does not scale)", "money", "fixed and per-year items"),
    "variable_share_by_route": Metric(
        "Variable part, share of delivery",
        "share",
        "per-participant and share items ÷ delivery cost",
    ),
    "by_phase_by_route": Metric("By phase", "money"),
    "by_side_by_route": Metric("Borne by", "money"),
    "delivery_cost": Metric("Delivery cost", "money"),
    "cohort_size": Metric("Participants", "count"),
    "threshold_share": Metric("Threshold share", "share"),
}

SCALE_MULTIPLIERS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0)


def compute(inputs: TransactionCostInputs) -> Result:
    """Totals by route, phase and side, shares of delivery and the sizes at the threshold.

    See :mod:`portal_tools.calculators.transaction_costs` for the formulas. Every route is
    computed from the items; the ``routes`` input chooses which are reported. The extra over fee
    for service is computed against the fee-for-service items even when that route is not
    reported.
    """
    n, d, theta = inputs.cohort_size, inputs.delivery_cost, inputs.threshold_share
    items = item_costs(inputs)
    baseline = route_costs(items, BASELINE_ROUTE, theta, d, n)
    shown = [route_costs(items, r, theta, d, n) for r in ROUTES if r in inputs.routes]
    summary: dict[str, Any] = {
        "routes": [ROUTE_LABELS[rc.route] for rc in shown],
        "total_by_route": {rc.route: rc.total for rc in shown},
        "share_of_delivery_by_route": {rc.route: rc.total / d for rc in shown},
        "per_participant_by_route": {rc.route: rc.total / n for rc in shown},
        "extra_over_fee_for_service_by_route": {
            rc.route: rc.total - baseline.total for rc in shown
        },
        "delivery_cost_at_threshold_by_route": {
            rc.route: rc.at_threshold.delivery_cost for rc in shown
        },
        "participants_at_threshold_by_route": {
            rc.route: rc.at_threshold.participants for rc in shown
        },
        "threshold_status_by_route": {rc.route: rc.at_threshold.status for rc in shown},
        "fixed_by_route": {rc.route: rc.fixed for rc in shown},
        "variable_share_by_route": {rc.route: rc.variable_share for rc in shown},
        "by_phase_by_route": {rc.route: rc.by_phase for rc in shown},
        "by_side_by_route": {rc.route: rc.by_side for rc in shown},
        "delivery_cost": d,
        "cohort_size": n,
        "threshold_share": theta,
    }
    tables = {
        "routes": _route_table(shown, baseline, d, n),
        "items": _item_table(items),
        "scaling": _scaling_table(shown, d, n),
    }
    notes = [reading(rc, baseline, d, n, theta) for rc in shown]
    notes.append(
        "Amounts are nominal DKK over the whole contract, not discounted. The routes "
        "are compared for the same programme; only the items marked for a route count."
    )
    return Result("transaction_costs", summary, tables, METRICS, notes)


def _route_table(
    shown: Sequence[RouteCosts], baseline: RouteCosts, delivery_cost: float, cohort_size: int
) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "route": rc.route,
                "total": rc.total,
                **rc.by_phase,
                **rc.by_side,
                "share_of_delivery": rc.total / delivery_cost,
                "per_participant": rc.total / cohort_size,
                "extra_over_fee_for_service": rc.total - baseline.total,
                "fixed_part": rc.fixed,
                "variable_share": rc.variable_share,
            }
            for rc in shown
        ]
    )


def _item_table(items: Sequence[ItemCost]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "name": c.item.name,
                "phase": c.item.phase,
                "side": c.item.side,
                "basis": c.item.basis,
                "cash": c.cash,
                "staff_time": c.staff_time,
                "total": c.total,
                "fixed_part": c.fixed_part,
                "variable_share": c.variable_share,
                "routes": ", ".join(c.item.routes),
            }
            for c in items
        ]
    )


def _scaling_table(
    shown: Sequence[RouteCosts], delivery_cost: float, cohort_size: int
) -> pd.DataFrame:
    k = np.asarray(SCALE_MULTIPLIERS, dtype=float)
    table = pd.DataFrame(
        {"scale": k, "delivery_cost": k * delivery_cost, "participants": k * cohort_size}
    )
    for rc in shown:
        table[f"share_{rc.route}"] = share_at_size(k * delivery_cost, rc.fixed, rc.variable_share)
    return table
