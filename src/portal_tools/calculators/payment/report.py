"""What the payment calculator reports: the investor's summary (shared with the programme
model), the metrics, the tables and notes, :func:`rate_sensitivity` and :func:`compute`, which
settles the rate card at its expected rates and assembles the result."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from portal_tools import cashflow
from portal_tools.calculators.payment.engine import (
    ContractArrays,
    Settlement,
    absolute_rates,
    contract_arrays,
    investor_flows,
    settle,
    settle_yearly,
)
from portal_tools.calculators.payment.inputs import F64, PaymentInputs
from portal_tools.errors import InputError
from portal_tools.formatting import percent
from portal_tools.results import Metric, Result, format_value, ratio


def rate_sensitivity(inputs: PaymentInputs, factors: Sequence[float]) -> pd.DataFrame:
    """The contract settled with every expected rate multiplied by each factor (at most 1).

    A factor of 1 is the expected case, 0.5 means every outcome is achieved half as often.
    One row per factor: the achieved share of expectations, total outcome payments, the
    investor's surplus, money multiple, IRR (``None`` where no rate exists) and peak exposure.
    The settlement is vectorised over the factors (see :func:`settle`).
    """
    f = np.asarray(factors, dtype=float)
    bad = [i for i, x in enumerate(f.tolist()) if not (math.isfinite(x) and 0 <= x <= 10)]
    if f.ndim != 1 or f.size == 0 or bad:
        i = bad[0] if bad else 0
        raise InputError.single(
            f"factors[{i}]" if bad else "factors",
            list(np.atleast_1d(f)),
            "a non-empty list of factors from 0 to 10",
        )
    contract = contract_arrays(inputs)
    root = contract.parent < 0
    scaled = contract.conditional_rate[None, :] * np.where(root, f[:, None], 1.0)
    s = settle(contract, absolute_rates(contract, np.minimum(scaled, 1.0)))
    flows = investor_flows(contract, s.yearly)
    costs = float(contract.costs.sum())
    totals = s.payments.sum(axis=(-2, -1))
    rule = cashflow.irr_rows(flows)
    return pd.DataFrame(
        {
            "factor": f,
            "total_outcome_payments": totals,
            "investor_net": flows.sum(axis=-1),
            "investor_moic": pd.Series([ratio(float(t), costs) for t in totals], dtype=object),
            "investor_irr": pd.Series(
                [None if math.isnan(r) else float(r) for r in rule.rate], dtype=object
            ),
            "peak_investor_exposure": [cashflow.peak_exposure(row) for row in flows],
        }
    )


def investor_summary(
    flows: ArrayLike, discount_rate: float | None, rule: cashflow.IrrResult | None = None
) -> dict[str, object]:
    """The investor's IRR by the portal's rule (:func:`portal_tools.cashflow.irr_result`), why it
    is not defined where it is not (``investor_irr_status``), and the NPV and modified IRR at the
    hurdle rate, which is the contract's discount rate (the public rate unless one is given)."""
    rule = cashflow.irr_result(flows) if rule is None else rule
    return {
        "investor_irr": rule.rate,
        "investor_irr_status": rule.reason,
        "investor_npv_at_hurdle": cashflow.npv(flows, discount_rate),
        "investor_mirr": cashflow.mirr(flows, discount_rate),
    }


INVESTOR_METRICS = {
    "investor_irr": Metric(
        "Investor IRR",
        "rate",
        "the one rate at which the NPV of the investor's flows falls through zero; none where "
        "no such rate describes the flows (see the status)",
    ),
    "investor_irr_status": Metric(
        "Investor IRR status",
        "text",
        "defined, or why not: no_sign_change, financing, several_rates or no_rate",
    ),
    "investor_npv_at_hurdle": Metric(
        "Investor NPV at the hurdle rate", "money", "at the discount rate used"
    ),
    "investor_mirr": Metric(
        "Investor modified IRR",
        "rate",
        "outlays financed and receipts reinvested at the discount rate used",
    ),
}
"""Display metadata of :func:`investor_summary` (shared with the programme model)."""


METRICS = {
    "total_outcome_payments": Metric(
        "Total outcome payments", "money", "what the commissioner pays after all caps"
    ),
    "total_outcome_payments_pv": Metric("Outcome payments, present value", "money"),
    "outcome_payments_by_outcome": Metric("Payments by outcome", "money"),
    "uncapped_outcome_payments": Metric("Payments before triggers and caps", "money"),
    "capped_amount": Metric("Removed by caps (all kinds)", "money"),
    "removed_by_triggers": Metric("Not paid: trigger rate missed", "money"),
    "removed_by_outcome_caps": Metric("Removed by outcome caps", "money"),
    "removed_by_overall_cap": Metric("Removed by total / per-person cap", "money"),
    "removed_by_return_cap": Metric("Removed by the return cap", "money"),
    "total_delivery_costs": Metric("Delivery costs (investor funds)", "money"),
    "investor_net": Metric("Investor surplus (nominal)", "money", "payments minus costs"),
    **INVESTOR_METRICS,
    "investor_moic": Metric("Money multiple", "ratio", "total payments / total delivery costs"),
    "peak_investor_exposure": Metric(
        "Peak investor exposure", "money", "largest cumulative negative position"
    ),
    "investor_payback_year": Metric("Investor payback year", "year"),
    "total_achievements": Metric("Expected achievements (all outcomes)", "count"),
    "cost_per_achievement": Metric("Payment per achievement", "money"),
    "commissioner_value_pv": Metric("Value of achievements, present value", "money"),
    "commissioner_net_value_pv": Metric(
        "Commissioner's net present value", "money", "PV of values minus PV of payments"
    ),
    "discount_rate": Metric("Discount rate used", "text"),
}


def _objects(values: Sequence[float | None]) -> NDArray[np.object_]:
    """A 1-D object array of ``values`` (a table column of numbers and None)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _tables(
    inputs: PaymentInputs, contract: ContractArrays, s: Settlement, paid: F64, factors: F64
) -> dict[str, pd.DataFrame]:
    years = np.arange(1, contract.years + 1)
    flows = investor_flows(contract, paid)
    value_yearly = ((s.achievements * contract.value)[:, None] * contract.profile).sum(axis=0)
    money = {
        "delivery_cost": contract.costs,
        "outcome_payments": paid,
        "investor_flow": flows,
        "investor_cumulative": np.cumsum(flows),
        "commissioner_value": value_yearly,
        "discount_factor": factors,
        "pv_outcome_payments": paid * factors,
        "pv_commissioner_value": value_yearly * factors,
    }
    # one block of floats, then the year in front (cheaper than one array per column)
    yearly = pd.DataFrame(np.column_stack(list(money.values())), columns=list(money))
    yearly.insert(0, "year", years)
    # one block of floats for the outcomes' columns, then the year in front (several times
    # cheaper than a frame from one array per outcome)
    by_year = pd.DataFrame(s.payments.T, columns=list(contract.names))
    by_year.insert(0, "year", years)
    per_achievement = [
        ratio(float(p), float(a)) for p, a in zip(s.by_outcome, s.achievements, strict=True)
    ]
    outcomes = pd.DataFrame(
        {
            "outcome": list(contract.names),
            "price": contract.price,
            "rate": contract.rate,
            "achievements": s.achievements,
            "triggered": s.triggered,
            "uncapped": s.uncapped.sum(axis=-1),
            "paid": s.by_outcome,
            "removed": s.uncapped.sum(axis=-1) - s.by_outcome,
            # object arrays keep None as None (not NaN), cheaper than object Series
            "paid_per_achievement": _objects(per_achievement),
            "value": _objects([o.value for o in inputs.outcomes]),
        }
    )
    return {"yearly": yearly, "payments_by_outcome": by_year, "outcomes": outcomes}


def compute(inputs: PaymentInputs) -> Result:
    """Settle the rate card at its expected rates and report the summary and yearly tables.

    Summary keys: ``total_outcome_payments``, ``total_outcome_payments_pv``,
    ``outcome_payments_by_outcome`` (name -> amount), ``capped_amount`` (removed by outcome,
    overall and return caps; missed triggers are reported apart), ``investor_irr`` (the portal's
    IRR rule, ``None`` where not defined), ``investor_irr_status``, ``investor_npv_at_hurdle``
    and ``investor_mirr`` (at the discount rate), ``investor_moic`` (total payments / total
    delivery costs), ``peak_investor_exposure``, ``commissioner_net_value_pv`` (``None`` when
    no outcome has a value) and more (see ``METRICS``).

    The yearly totals and the investor's flows come from :func:`settle_yearly`, the path the
    risk simulation settles with, so a simulation without uncertainty reproduces them exactly;
    the split by outcome comes from :func:`settle`, given those totals, so the return cap is
    solved once.
    """
    contract = contract_arrays(inputs)
    yearly, _ = settle_yearly(contract)
    s = settle(contract, final_yearly=yearly)
    factors = cashflow.discount_factors(contract.years, contract.discount_rate)
    flows = investor_flows(contract, yearly)
    total = float(yearly.sum())
    costs = float(contract.costs.sum())
    achievements = float(s.achievements.sum())
    value_yearly = ((s.achievements * contract.value)[:, None] * contract.profile).sum(axis=0)
    any_value = bool(contract.valued.any())
    value_pv = float(np.dot(value_yearly, factors)) if any_value else None
    payments_pv = float(np.dot(yearly, factors))
    removed = {
        "removed_by_triggers": float(s.removed_by_triggers),
        "removed_by_outcome_caps": float(s.removed_by_outcome_caps),
        "removed_by_overall_cap": float(s.removed_by_overall_cap),
        "removed_by_return_cap": float(s.removed_by_return_cap),
    }
    rule = cashflow.irr_result(flows)
    investor = investor_summary(flows, contract.discount_rate, rule)
    summary = {
        "total_outcome_payments": total,
        "total_outcome_payments_pv": payments_pv,
        "outcome_payments_by_outcome": dict(
            zip(contract.names, map(float, s.by_outcome), strict=True)
        ),
        "uncapped_outcome_payments": float(s.uncapped.sum()),
        "capped_amount": removed["removed_by_outcome_caps"]
        + removed["removed_by_overall_cap"]
        + removed["removed_by_return_cap"],
        **removed,
        "total_delivery_costs": costs,
        "investor_net": float(flows.sum()),
        **investor,
        "investor_moic": ratio(total, costs),
        "peak_investor_exposure": cashflow.peak_exposure(flows),
        "investor_payback_year": cashflow.payback_year(flows),
        "total_achievements": achievements,
        "cost_per_achievement": ratio(total, achievements),
        "commissioner_value_pv": value_pv,
        "commissioner_net_value_pv": value_pv - payments_pv if value_pv is not None else None,
        "discount_rate": cashflow.rate_label(contract.discount_rate),
    }
    notes = _notes(inputs, contract, s, summary, flows, rule)
    tables = _tables(inputs, contract, s, yearly, factors)
    return Result("payment", summary, tables, METRICS, notes, inputs.currency)


def _notes(
    inputs: PaymentInputs,
    contract: ContractArrays,
    s: Settlement,
    summary: dict[str, object],
    flows: F64,
    rule: cashflow.IrrResult,
) -> list[str]:
    notes: list[str] = []
    missed = [n for n, t in zip(contract.names, s.triggered, strict=True) if not t]
    if missed:
        notes.append("Trigger rate not reached, so nothing is paid for: " + ", ".join(missed) + ".")
    if float(contract.costs.sum()) == 0:
        notes.append(
            "No delivery costs: the investor puts in nothing, so IRR and money multiple "
            "do not exist."
        )
    else:
        notes += cashflow.irr_notes(
            rule,
            "The investor's cash flow",
            format_value(summary["investor_npv_at_hurdle"], "money", inputs.currency),
            format_value(summary["investor_mirr"], "rate"),
            cashflow.rate_label(contract.discount_rate),
        )
    if contract.valued.any() and not contract.valued.all():
        unvalued = [n for n, v in zip(contract.names, contract.valued, strict=True) if not v]
        notes.append(
            "Outcomes without a value count as worth 0 to the commissioner: "
            + ", ".join(unvalued)
            + "."
        )
    if inputs.return_cap is not None and float(s.removed_by_return_cap) > 0:
        cap = inputs.return_cap
        cap_text = percent(cap, minus_zero=True)
        at_cap = float(np.dot(flows, cashflow.flat_discount_factors(contract.years, cap)))
        scale = max(1.0, float(np.abs(flows).sum()))
        if abs(at_cap) <= 1e-9 * scale:
            notes.append(
                f"The return cap of {cap_text} binds: payments were removed, latest "
                "first, until the investor's return equals it."
            )
        else:
            notes.append(
                f"The return cap of {cap_text} binds and takes the investor's whole "
                "surplus: removing more would turn its gain into a loss, so the cap stops at a "
                "surplus of zero."
            )
    return notes
