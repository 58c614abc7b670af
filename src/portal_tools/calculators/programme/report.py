"""What the programme calculator reports: the summary by budget holder, the investor's position
and the municipality's service-ceiling view, the yearly tables, metrics and notes, and
:func:`compute`, which runs the engine on the inputs and assembles the result."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from portal_tools import cashflow
from portal_tools.calculators import payment
from portal_tools.calculators.budget.report import budget_summary, notes_for
from portal_tools.calculators.effect_chain.engine import shares
from portal_tools.calculators.effect_chain.inputs import CEILINGS, HOLDERS
from portal_tools.calculators.programme.engine import programme_flows
from portal_tools.calculators.programme.inputs import ProgrammeInputs
from portal_tools.results import Metric, Result, format_value, ratio

MIN_PAYMENT = 0.01
"""Payments below one øre count as none for ratios."""
MIN_SUCCESSES = 1e-6
"""Fewer additional successes than this count as none for ratios."""


def _by_holder(values: np.ndarray) -> dict[str, float]:
    return {h: float(values[i]) for i, h in enumerate(HOLDERS)}


METRICS = {
    "additional_successes": Metric("Additional successes", "count"),
    "paid_achievements": Metric(
        "Achievements paid for (all outcomes)",
        "count",
        "a person on a staircase counts once a step",
    ),
    "people_paid_for": Metric(
        "People paid for", "count", "each person once: outcomes that build on another not added"
    ),
    "payer": Metric("Outcome payer", "text"),
    "municipal_savings_by_ceiling": Metric(
        "Municipality: savings by expenditure ceiling (nominal)", "money"
    ),
    "savings_by_holder": Metric("Savings by budget holder (nominal)", "money"),
    "savings_pv_by_holder": Metric("Savings by budget holder, present value", "money"),
    "costs_pv_by_holder": Metric("Public programme costs, present value", "money"),
    "outcome_payments_pv_by_holder": Metric("Outcome payments, present value", "money"),
    "net_result_pv_by_holder": Metric(
        "Net result by budget holder, present value", "money", "savings - costs - payments"
    ),
    "net_result_pv": Metric("Net result, all public budgets, present value", "money"),
    "share_of_savings_by_holder": Metric("Share of the savings by budget holder", "share"),
    "payer_savings_to_payments_pv": Metric(
        "Payer's own savings per krone of outcome payments (PV)", "ratio"
    ),
    "payments_per_additional_success": Metric("Outcome payments per additional success", "money"),
    "total_outcome_payments": Metric("Total outcome payments", "money"),
    "investor_net": Metric("Investor surplus (nominal)", "money"),
    **payment.INVESTOR_METRICS,
    "peak_investor_exposure": Metric("Peak investor exposure", "money"),
    "service_ceiling_effect_by_year": Metric(
        "Municipality: service-ceiling effect by year", "money"
    ),
    "total_budget_effect_by_year": Metric("Municipality: total budget effect by year", "money"),
    "service_ceiling_burden_total": Metric(
        "Municipality: burden on the service ceiling, burdened years added", "money"
    ),
    "service_ceiling_room_total": Metric(
        "Municipality: room freed under the service ceiling, freeing years added", "money"
    ),
    "years_burdening_service_ceiling": Metric(
        "Municipality: years that burden the service ceiling", "year"
    ),
    "discount_rate": Metric("Discount rate used", "text"),
}


def compute(inputs: ProgrammeInputs) -> Result:
    """Savings, costs, payments and net results by budget holder, the investor's flows and the
    municipality's service-ceiling view (see :mod:`portal_tools.calculators.programme`)."""
    p = programme_flows(inputs)
    f, contract, s, payer = p.chain, p.contract, p.settlement, p.payer
    payments, net, factors, flows, budget = p.payments, p.net, p.factors, p.investor, p.budget
    pay = s.yearly
    savings = f.savings_by_holder
    savings_pv, costs_pv, payments_pv = savings @ factors, f.costs @ factors, payments @ factors
    k = HOLDERS.index("kommune")
    b = budget_summary(budget)
    nominal = _by_holder(savings.sum(axis=1))
    total_paid = float(pay.sum())
    people = float(s.achievements[contract.parent < 0].sum())
    summary: dict[str, Any] = {
        "additional_successes": f.additional,
        "paid_achievements": float(s.achievements.sum()),
        "people_paid_for": people,
        "payer": inputs.payer,
        "municipal_savings_by_ceiling": {
            c: float(f.savings[k, j].sum()) for j, c in enumerate(CEILINGS)
        },
        "savings_by_holder": nominal,
        "savings_pv_by_holder": _by_holder(savings_pv),
        "costs_pv_by_holder": _by_holder(costs_pv),
        "outcome_payments_pv_by_holder": _by_holder(payments_pv),
        "net_result_pv_by_holder": _by_holder(savings_pv - costs_pv - payments_pv),
        "net_result_pv": float((savings_pv - costs_pv - payments_pv).sum()),
        "share_of_savings_by_holder": shares(nominal),
        "payer_savings_to_payments_pv": ratio(
            float(savings_pv[payer]), float(payments_pv[payer]), MIN_PAYMENT
        ),
        "payments_per_additional_success": ratio(total_paid, f.additional, MIN_SUCCESSES),
        "total_outcome_payments": total_paid,
        "investor_net": float(flows.sum()),
        **payment.investor_summary(flows, inputs.discount_rate),
        "peak_investor_exposure": cashflow.peak_exposure(flows),
        "service_ceiling_effect_by_year": b["service_ceiling_effect_by_year"],
        "total_budget_effect_by_year": b["total_budget_effect_by_year"],
        "service_ceiling_burden_total": b["service_ceiling_burden_total"],
        "service_ceiling_room_total": b["service_ceiling_room_total"],
        "years_burdening_service_ceiling": b["years_burdening_service_ceiling"],
        "discount_rate": cashflow.rate_label(inputs.discount_rate),
    }
    yearly = pd.DataFrame({"year": np.arange(1, inputs.years + 1), "effect": f.effect})
    for i, h in enumerate(HOLDERS):
        yearly[f"saving_{h}"] = savings[i]
        yearly[f"cost_{h}"] = f.costs[i]
        yearly[f"payment_{h}"] = payments[i]
        yearly[f"net_{h}"] = net[i]
        yearly[f"cumulative_net_{h}"] = np.cumsum(net[i])
    yearly["delivery_cost"] = contract.costs
    yearly["investor_flow"] = flows
    yearly["investor_cumulative"] = np.cumsum(flows)
    yearly["discount_factor"] = factors
    notes = notes_for(budget, inputs.currency)
    if f.additional <= 0:
        notes.append(
            "No additional successes: the outcome payments buy results that would have "
            "happened anyway."
        )
    elif people > 0 and total_paid > 0:
        count = format_value(people, "count", inputs.currency)
        again = ""
        if contract.nested:
            extra = format_value(float(s.achievements.sum()) - people, "count", inputs.currency)
            again = f" (and {extra} more achievements by the same people on later steps)"
        notes.append(
            f"The rate card pays for {count} people{again}; the chain gives "
            f"{format_value(f.additional, 'count', inputs.currency)} additional successes after "
            "deadweight. Savings come only from the additional ones."
        )
    return Result(
        "programme",
        summary,
        {"yearly": yearly, "budget": budget},
        METRICS,
        notes,
        inputs.currency,
    )
