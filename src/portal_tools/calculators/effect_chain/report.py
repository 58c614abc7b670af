"""What the effect-chain calculator reports: the summary by budget holder, the chain, yearly
and savings tables, metrics and notes, and :func:`compute`, which runs the engine on the inputs
and assembles the result."""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal_tools import cashflow
from portal_tools.calculators.effect_chain.engine import ChainFlows, chain_flows, shares
from portal_tools.calculators.effect_chain.inputs import (
    CEILINGS,
    F64,
    HOLDER_NAMES,
    HOLDERS,
    EffectChainInputs,
)
from portal_tools.results import Metric, Result, format_value


def _by_holder(values: F64) -> dict[str, float]:
    return {h: float(values[i]) for i, h in enumerate(HOLDERS)}


METRICS = {
    "successes": Metric("Successes with the programme", "count"),
    "baseline_successes": Metric("Successes without it (deadweight)", "count"),
    "additional_successes": Metric(
        "Additional successes", "count", "successes with the programme minus deadweight"
    ),
    "chain_rate": Metric("Success rate of the chain", "share", "product of the step rates"),
    "savings_by_holder": Metric("Savings by budget holder (nominal)", "money"),
    "savings_pv_by_holder": Metric("Savings by budget holder, present value", "money"),
    "costs_by_holder": Metric("Programme costs by budget holder (nominal)", "money"),
    "costs_pv_by_holder": Metric("Programme costs by budget holder, present value", "money"),
    "net_result_pv_by_holder": Metric("Net result by budget holder, present value", "money"),
    "net_result_pv": Metric("Net result, all public budgets, present value", "money"),
    "net_result": Metric("Net result, all public budgets (nominal)", "money"),
    "payback_year": Metric("Payback year (nominal, all budgets)", "year"),
    "share_of_savings_by_holder": Metric("Share of the savings by budget holder", "share"),
    "savings_by_ceiling": Metric("Savings by ceiling, all holders (nominal)", "money"),
    "discount_rate": Metric("Discount rate used", "text"),
}


def _tables(inputs: EffectChainInputs, f: ChainFlows, factors: F64) -> dict[str, pd.DataFrame]:
    years = np.arange(1, inputs.years + 1)
    cohort = float(inputs.cohort_size)
    reached = cohort * np.cumprod([s.rate for s in inputs.steps])
    chain = pd.DataFrame(
        {
            "stage": [
                "Referred",
                *(s.name for s in inputs.steps),
                "Without the programme",
                "Additional successes",
            ],
            "participants": [cohort, *reached, f.baseline, f.additional],
        }
    )
    yearly = pd.DataFrame({"year": years, "effect": f.effect})
    for i, h in enumerate(HOLDERS):
        yearly[f"saving_{h}"] = f.savings_by_holder[i]
        yearly[f"cost_{h}"] = f.costs[i]
        yearly[f"net_{h}"] = f.net_by_holder[i]
    net = f.net_by_holder.sum(axis=0)
    yearly["net_total"] = net
    yearly["discount_factor"] = factors
    yearly["pv_net_total"] = net * factors
    yearly["cumulative_net_total"] = np.cumsum(net)
    used = sorted(
        {(HOLDERS.index(c.budget_holder), CEILINGS.index(c.ceiling)) for c in inputs.consequences}
    )
    rows = [
        (int(t), HOLDERS[h], CEILINGS[c], float(f.savings[h, c, t - 1]))
        for t in years
        for h, c in used
    ]
    savings = pd.DataFrame(rows, columns=["year", "budget_holder", "ceiling", "saving"])
    savings["pv_saving"] = savings["saving"] * factors[savings["year"].to_numpy() - 1]
    return {"chain": chain, "yearly": yearly, "savings": savings}


def compute(inputs: EffectChainInputs) -> Result:
    """Successes, the yearly effect, savings and costs by budget holder and the net results.

    Summary keys: ``additional_successes``, ``savings_by_holder``, ``savings_pv_by_holder``,
    ``costs_pv_by_holder``, ``net_result_pv_by_holder``, ``net_result_pv``, ``payback_year``
    (``None`` if the all-holder position never turns and stays positive),
    ``share_of_savings_by_holder`` and more (see ``METRICS``).
    """
    f = chain_flows(inputs)
    factors = cashflow.discount_factors(inputs.years, inputs.discount_rate)
    savings_h = f.savings_by_holder
    savings_pv = savings_h @ factors
    costs_pv = f.costs @ factors
    net = f.net_by_holder.sum(axis=0)
    nominal = _by_holder(savings_h.sum(axis=1))
    summary = {
        "successes": f.successes,
        "baseline_successes": f.baseline,
        "additional_successes": f.additional,
        "chain_rate": f.successes / inputs.cohort_size,
        "savings_by_holder": nominal,
        "savings_pv_by_holder": _by_holder(savings_pv),
        "costs_by_holder": _by_holder(f.costs.sum(axis=1)),
        "costs_pv_by_holder": _by_holder(costs_pv),
        "net_result_pv_by_holder": _by_holder(savings_pv - costs_pv),
        "net_result_pv": float(savings_pv.sum() - costs_pv.sum()),
        "net_result": float(net.sum()),
        "payback_year": cashflow.payback_year(net),
        "share_of_savings_by_holder": shares(nominal),
        "savings_by_ceiling": {c: float(f.savings[:, j, :].sum()) for j, c in enumerate(CEILINGS)},
        "discount_rate": cashflow.rate_label(inputs.discount_rate),
    }
    return Result(
        "effect_chain",
        summary,
        _tables(inputs, f, factors),
        METRICS,
        _notes(inputs, f, nominal, inputs.currency),
        inputs.currency,
    )


def _notes(
    inputs: EffectChainInputs, f: ChainFlows, savings: dict[str, float], currency: str
) -> list[str]:
    """Readings of the chain: its sign against the baseline, extra costs and, where the shares
    of the savings are not meaningful, why (with the amounts)."""
    notes: list[str] = []
    if f.additional < 0:
        notes.append(
            "The chain's success rate is below the baseline rate: the programme does worse than "
            "no programme, so every saving turns into a loss."
        )
    elif f.additional == 0:
        notes.append("No additional successes: the programme only reaches the deadweight.")
    if f.additional != 0 and any(c.annual_saving < 0 for c in inputs.consequences):
        notes.append("Some consequences are extra costs (negative savings) for their budget.")
    losers = [h for h in HOLDERS if savings[h] < 0]
    if f.additional > 0 and losers and sum(savings.values()) != 0:
        amounts = "; ".join(
            f"{HOLDER_NAMES[h].lower()} {format_value(savings[h], 'money', currency)}"
            for h in HOLDERS
            if savings[h] != 0
        )
        notes.append(
            "No shares of the savings are shown, because "
            + " and ".join(HOLDER_NAMES[h].lower() for h in losers)
            + f" {'has' if len(losers) == 1 else 'have'} net extra costs; the savings by "
            f"holder are: {amounts}."
        )
    return notes
