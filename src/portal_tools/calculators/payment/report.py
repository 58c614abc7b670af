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
from portal_tools.calculators.payment import whatif
from portal_tools.calculators.payment.engine import (
    ContractArrays,
    Settlement,
    contract_arrays,
    guarantor_payment,
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
    v = whatif.variant_results(contract, whatif.scaled_rates(contract, f))
    spent = float(contract.outlay.sum())
    totals = v.yearly.sum(axis=0)
    received = totals + v.guarantor
    return pd.DataFrame(
        {
            "factor": f,
            "total_outcome_payments": totals,
            "investor_net": v.surplus,
            "investor_moic": pd.Series([ratio(float(t), spent) for t in received], dtype=object),
            "investor_irr": pd.Series(whatif.annual_irr(contract, v.flows), dtype=object),
            "peak_investor_exposure": [cashflow.peak_exposure(col) for col in v.flows.T],
        }
    )


def investor_summary(
    flows: ArrayLike,
    discount_rate: float | None,
    rule: cashflow.IrrResult | None = None,
    factors: F64 | None = None,
    periods_per_year: int = 1,
) -> dict[str, object]:
    """The investor's IRR by the portal's rule (:func:`portal_tools.cashflow.irr_result`), why it
    is not defined where it is not (``investor_irr_status``), and the NPV and modified IRR at the
    hurdle rate, which is the contract's discount rate (the public rate unless one is given).

    With ``periods_per_year`` above 1 the flows are per period and ``factors`` their (nominal)
    discount factors; the rule's rate and the modified IRR per period are reported as effective
    annual rates, ``(1 + r) ** P - 1``; ``rule`` is then the rule on the per-period flows."""
    rule = cashflow.irr_result(flows) if rule is None else rule
    if factors is None:
        return {
            "investor_irr": rule.rate,
            "investor_irr_status": rule.reason,
            "investor_npv_at_hurdle": cashflow.npv(flows, discount_rate),
            "investor_mirr": cashflow.mirr(flows, discount_rate),
        }
    arr = cashflow.as_flows(flows)
    mirr = float(cashflow.mirr_rows(arr[None, :], factors)[0])
    return {
        "investor_irr": None
        if rule.rate is None
        else cashflow.annual_rate(rule.rate, periods_per_year),
        "investor_irr_status": rule.reason,
        "investor_npv_at_hurdle": float(np.dot(arr, factors)),
        "investor_mirr": cashflow.annual_rate(mirr, periods_per_year)
        if math.isfinite(mirr)
        else None,
    }


def annual_rule(rule: cashflow.IrrResult, periods_per_year: int) -> cashflow.IrrResult:
    """The IRR rule's result on per-period flows with its rates as effective annual rates."""
    if periods_per_year == 1:
        return rule
    return cashflow.IrrResult(
        None if rule.rate is None else cashflow.annual_rate(rule.rate, periods_per_year),
        rule.reason,
        tuple(cashflow.annual_rate(r, periods_per_year) for r in rule.crossings),
        rule.falling,
    )


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
    "removed_by_person_cap": Metric(
        "Removed by the cap per person",
        "money",
        "along a staircase, on the each_person basis",
        hide_zero=True,
    ),
    "removed_by_outcome_caps": Metric("Removed by outcome caps", "money"),
    "removed_by_overall_cap": Metric("Removed by total / per-person cap", "money"),
    "removed_by_return_cap": Metric(
        "Removed by the return caps", "money", "IRR cap and money-multiple cap"
    ),
    "provider_bonus": Metric(
        "Bonus to the provider",
        "money",
        "its share of what the caps removed, paid by the commissioner",
        hide_zero=True,
    ),
    "total_delivery_costs": Metric("Delivery costs (investor funds)", "money"),
    "management_fees": Metric("Management fees", "money", "paid by the investor", hide_zero=True),
    "total_investor_outlay": Metric("Investor's outlay", "money", "delivery costs and fees"),
    "guarantor_payment": Metric(
        "Paid by the guarantor",
        "money",
        "capital protection, paid to the investor at the end",
        hide_zero=True,
    ),
    "investor_net": Metric(
        "Investor surplus (nominal)", "money", "payments and guarantor minus outlay"
    ),
    **INVESTOR_METRICS,
    "investor_moic": Metric(
        "Money multiple", "ratio", "all the investor receives / its whole outlay"
    ),
    "peak_investor_exposure": Metric(
        "Peak investor exposure", "money", "largest cumulative negative position"
    ),
    "investor_payback_year": Metric("Investor payback year", "year"),
    "total_achievements": Metric("Payable achievements (all outcomes)", "count"),
    "payable_achievements_by_outcome": Metric(
        "Payable achievements by outcome", "count", "above each outcome's baseline"
    ),
    "cost_per_achievement": Metric("Payment per achievement", "money"),
    "commissioner_value_pv": Metric("Value of achievements, present value", "money"),
    "commissioner_net_value_pv": Metric(
        "Commissioner's net present value", "money", "PV of values minus PV of payments"
    ),
    "investor_breakeven_rate_factor": Metric(
        "Investor break-even factor on all rates",
        "ratio",
        "the lowest common factor on the expected rates from which on the investor's surplus is "
        "not negative; none where no factor gets there",
    ),
    "commissioner_breakeven_rate_factor": Metric(
        "Commissioner break-even factor on all rates",
        "ratio",
        "the same for the commissioner's net present value",
    ),
    "discount_rate": Metric("Discount rate used", "text"),
}


def _objects(values: Sequence[float | None]) -> NDArray[np.object_]:
    """A 1-D object array of ``values`` (a table column of numbers and None)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _tables(
    inputs: PaymentInputs,
    contract: ContractArrays,
    s: Settlement,
    paid: F64,
    flows: F64,
    bonus: F64,
    guarantor: float,
    value_yearly: F64,
) -> dict[str, pd.DataFrame]:
    factors = contract.factors
    g = np.zeros(contract.periods)
    g[-1] = guarantor
    money = {
        "delivery_cost": contract.costs,
        "management_fee": contract.fees,
        "outcome_payments": paid,
        "provider_bonus": bonus,
        "guarantor_payment": g,
        "investor_flow": flows,
        "investor_cumulative": np.cumsum(flows),
        "commissioner_value": value_yearly,
        "discount_factor": factors,
        "pv_outcome_payments": paid * factors,
        "pv_commissioner_value": value_yearly * factors,
    }
    # the capital structure's columns only where it has them (v1 tables are unchanged)
    unused = {
        "management_fee": not contract.fees.any(),
        "provider_bonus": contract.excess_share == 0,
        "guarantor_payment": contract.protection == 0,
    }
    money = {k: v for k, v in money.items() if not unused.get(k, False)}
    # one block of floats, then the period and year in front (cheaper than one array per column)
    yearly = pd.DataFrame(np.column_stack(list(money.values())), columns=list(money))
    by_year = pd.DataFrame(s.payments.T, columns=list(contract.names))
    for table in (yearly, by_year):
        table.insert(0, "year", contract.period_year)
        if contract.periods_per_year > 1:
            table.insert(0, "period", np.arange(1, contract.periods + 1))
    per_achievement = [
        ratio(float(p), float(a)) for p, a in zip(s.by_outcome, s.achievements, strict=True)
    ]
    uncapped = s.uncapped.sum(axis=-1)
    outcomes = pd.DataFrame(
        {
            "outcome": list(contract.names),
            "price": contract.price,
            "rate": contract.rate,
            "achievements": s.achievements,
            "triggered": s.triggered,
            "uncapped": uncapped,
            "paid": s.by_outcome,
            "removed": uncapped - s.by_outcome,
            # object arrays keep None as None (not NaN), cheaper than object Series
            "paid_per_achievement": _objects(per_achievement),
            "value": _objects([o.value for o in inputs.outcomes]),
        }
    )
    if contract.baseline.any():  # the column only where a baseline is set (v1 tables unchanged)
        outcomes.insert(3, "baseline_rate", contract.baseline)
    return {
        "yearly": yearly,
        "payments_by_outcome": by_year,
        "outcomes": outcomes,
        "sensitivity": whatif.sensitivity(contract),
    }


def compute(inputs: PaymentInputs) -> Result:
    """Settle the rate card at its expected rates and report the summary and the tables.

    Summary keys: ``total_outcome_payments``, ``total_outcome_payments_pv``,
    ``outcome_payments_by_outcome`` (name -> amount), ``payable_achievements_by_outcome``,
    ``capped_amount`` (removed by the cap per person, outcome, overall and return caps; missed
    triggers are reported apart), ``provider_bonus``, ``management_fees``,
    ``total_investor_outlay``, ``guarantor_payment``, ``investor_irr`` (the portal's IRR rule,
    effective annual, ``None`` where not defined), ``investor_irr_status``,
    ``investor_npv_at_hurdle`` and ``investor_mirr`` (at the discount rate), ``investor_moic``
    ((payments + guarantor) / outlay), ``peak_investor_exposure``, ``commissioner_net_value_pv``
    (``None`` when no outcome has a value), the two break-even factors and more (see
    ``METRICS``). Tables: ``yearly`` (one row per period), ``payments_by_outcome``,
    ``outcomes`` and ``sensitivity``.

    The period totals and the investor's flows come from :func:`settle_yearly`, the path the
    risk simulation settles with, so a simulation without uncertainty reproduces them exactly;
    the split by outcome comes from :func:`settle`, given those totals, so the return caps are
    solved once.
    """
    contract = contract_arrays(inputs)
    yearly, _ = settle_yearly(contract)
    s = settle(contract, final_yearly=yearly)
    factors = contract.factors
    total = float(yearly.sum())
    costs = float(contract.costs.sum())
    spent = float(contract.outlay.sum())
    guarantor = float(guarantor_payment(contract, total, spent))
    flows = investor_flows(contract, yearly)
    flows[-1] += guarantor
    bonus = contract.excess_share * s.removed_by_caps
    achievements = float(s.achievements.sum())
    value_yearly = (s.achievements * contract.value) @ contract.value_profile
    any_value = bool(contract.valued.any())
    value_pv = float(np.dot(value_yearly, factors)) if any_value else None
    payments_pv = float(np.dot(yearly, factors))
    bonus_pv = float(np.dot(bonus, factors))
    removed = {
        "removed_by_triggers": float(s.removed_by_triggers),
        "removed_by_person_cap": float(s.removed_by_person_cap),
        "removed_by_outcome_caps": float(s.removed_by_outcome_caps),
        "removed_by_overall_cap": float(s.removed_by_overall_cap),
        "removed_by_return_cap": float(s.removed_by_return_cap),
    }
    rule = cashflow.irr_result(flows)
    per = contract.periods_per_year
    investor = investor_summary(flows, contract.discount_rate, rule, factors, per)
    payback = cashflow.payback_year(flows)
    summary = {
        "total_outcome_payments": total,
        "total_outcome_payments_pv": payments_pv,
        "outcome_payments_by_outcome": dict(
            zip(contract.names, map(float, s.by_outcome), strict=True)
        ),
        "payable_achievements_by_outcome": dict(
            zip(contract.names, map(float, s.achievements), strict=True)
        ),
        "uncapped_outcome_payments": float(s.uncapped.sum()),
        "capped_amount": removed["removed_by_person_cap"]
        + removed["removed_by_outcome_caps"]
        + removed["removed_by_overall_cap"]
        + removed["removed_by_return_cap"],
        **removed,
        "provider_bonus": float(bonus.sum()),
        "total_delivery_costs": costs,
        "management_fees": float(contract.fees.sum()),
        "total_investor_outlay": spent,
        "guarantor_payment": guarantor,
        "investor_net": float(flows.sum()),
        **investor,
        "investor_moic": ratio(total + guarantor, spent),
        "peak_investor_exposure": cashflow.peak_exposure(flows),
        "investor_payback_year": None if payback is None else -(-payback // per),
        "total_achievements": achievements,
        "cost_per_achievement": ratio(total, achievements),
        "commissioner_value_pv": value_pv,
        "commissioner_net_value_pv": value_pv - payments_pv - bonus_pv
        if value_pv is not None
        else None,
        "investor_breakeven_rate_factor": whatif.breakeven_factor(contract, whatif.investor_surplus)
        if spent > 0
        else None,
        "commissioner_breakeven_rate_factor": whatif.breakeven_factor(
            contract, whatif.commissioner_npv
        ),
        "discount_rate": cashflow.rate_label(contract.discount_rate),
    }
    notes = _notes(inputs, contract, s, summary, flows, annual_rule(rule, per))
    tables = _tables(inputs, contract, s, yearly, flows, bonus, guarantor, value_yearly)
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
        assert contract.cap_factors is not None
        at_cap = float(np.dot(flows, contract.cap_factors))
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
