"""Present value of a stream of yearly costs and savings (calculator ``present_value``).

A finance officer's first question about any social investment: what is a stream of costs now
and savings later worth today, and when has it paid for itself? Flows of contract year ``t`` are
discounted by ``(1 + r) ** (t - 1)`` (year 1 is the base year), at the Finance Ministry's
public rate or a flat rate (see :mod:`portal_tools.cashflow`).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from portal_tools import cashflow
from portal_tools.calculator import Calculator
from portal_tools.charts import Chart, cashflow_chart
from portal_tools.errors import Problem
from portal_tools.formatting import thousands
from portal_tools.inputs import Inputs, field
from portal_tools.results import Metric, Result, format_value

__all__ = ["CALCULATOR", "PresentValueInputs", "compute"]

Amount = Annotated[float, Field(ge=0, le=1e12)]

MAX_YEARS = 70
MIN_COST = 0.01
"""Costs below one øre count as no cost for ratios (a ratio to nothing is not shown)."""


class PresentValueInputs(Inputs):
    """Yearly costs and savings of one programme, and the discount rate to value them."""

    costs: list[Amount] = field(
        label="Costs per year",
        help="What the programme costs in each contract year, year 1 first "
        "(comma-separated amounts).",
        unit="DKK per year",
        widget="amounts",
        min_length=1,
        max_length=MAX_YEARS,
        assumption=True,
        default_factory=lambda: [2_000_000, 1_500_000, 500_000, 0, 0, 0, 0, 0, 0, 0],
    )
    savings: list[Amount] = field(
        label="Savings per year",
        help="What the programme saves (or earns) in each contract year, year 1 first; "
        "one amount for every year of the costs.",
        unit="DKK per year",
        widget="amounts",
        min_length=1,
        max_length=MAX_YEARS,
        assumption=True,
        default_factory=lambda: [
            0,
            300_000,
            800_000,
            1_000_000,
            900_000,
            800_000,
            700_000,
            600_000,
            500_000,
            400_000,
        ],
    )
    rate_basis: Literal["public", "flat"] = field(
        "public",
        choices={"public": "Public rate (Finance Ministry)", "flat": "Flat rate below"},
        label="Discount rate",
        help="The public rate (public) is the Finance Ministry's socio-economic rate since 2021 "
        "(3.5 % for years 0-35, 2.5 % for years 36-70); the flat rate (flat) is the one below.",
    )
    flat_rate: float = field(
        0.04,
        label="Flat rate",
        help="Used only with a flat discount rate: yearly rate as a share (0.04 = 4 %).",
        unit="share per year",
        ge=-0.5,
        le=1.0,
        step=0.005,
        assumption=True,
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """Costs and savings must cover the same years."""
        if len(self.costs) != len(self.savings):
            return [
                Problem(
                    "savings",
                    f"{len(self.savings)} amounts",
                    f"one amount per year for the same {len(self.costs)} years as costs "
                    "(use 0 for a year without savings)",
                    "Savings per year",
                )
            ]
        return []

    @property
    def rate(self) -> float | None:
        """The flat rate, or None for the public rate."""
        return None if self.rate_basis == "public" else self.flat_rate


METRICS = {
    "npv": Metric("Net present value", "money", "PV of savings minus PV of costs"),
    "pv_savings": Metric("Present value of savings", "money"),
    "pv_costs": Metric("Present value of costs", "money"),
    "benefit_cost_ratio": Metric("Benefit-cost ratio", "ratio", "PV savings / PV costs"),
    "irr": Metric(
        "Internal rate of return",
        "rate",
        "the one rate at which the NPV falls through zero; none where no such rate describes "
        "the stream (see the status)",
    ),
    "irr_status": Metric(
        "IRR status",
        "text",
        "defined, or why not: no_sign_change, financing, several_rates, no_rate",
    ),
    "mirr": Metric(
        "Modified IRR",
        "rate",
        "costs financed and savings reinvested at the discount rate used",
    ),
    "payback_year": Metric("Payback year (nominal)", "year"),
    "discounted_payback_year": Metric("Payback year (discounted)", "year"),
    "total_costs": Metric("Total costs (nominal)", "money"),
    "total_savings": Metric("Total savings (nominal)", "money"),
    "money_multiple": Metric("Savings per krone spent (nominal)", "ratio"),
    "years": Metric("Years", "count"),
    "discount_rate": Metric("Discount rate used", "text"),
}


def compute(inputs: PresentValueInputs) -> Result:
    """NPV, IRR, payback and the yearly table for the inputs.

    ``net(t) = savings(t) - costs(t)``; ``NPV = sum_t net(t) * d(t)`` with
    ``d(t) = (1 + r) ** -(t - 1)`` (public rate: stepwise, see :mod:`portal_tools.cashflow`).
    Benefit-cost ratio = PV(savings) / PV(costs); money multiple = total savings / total costs
    (nominal); both ``None`` when the costs are below ``MIN_COST`` (one øre: no real cost).
    """
    costs = np.asarray(inputs.costs, dtype=float)
    savings = np.asarray(inputs.savings, dtype=float)
    net = savings - costs
    n = net.size
    factors = cashflow.discount_factors(n, inputs.rate)
    pv_costs = cashflow.npv(costs, inputs.rate)
    pv_savings = cashflow.npv(savings, inputs.rate)
    rule = cashflow.irr_result(net)
    npv = cashflow.npv(net, inputs.rate)
    mirr = cashflow.mirr(net, inputs.rate)
    notes = cashflow.irr_notes(
        rule,
        "The net flow",
        format_value(npv, "money", inputs.currency),
        format_value(mirr, "rate"),
        cashflow.rate_label(inputs.rate),
    )
    total_costs = float(costs.sum())
    table = pd.DataFrame(
        {
            "year": np.arange(1, n + 1),
            "cost": costs,
            "saving": savings,
            "net": net,
            "discount_factor": factors,
            "pv_net": net * factors,
            "cumulative_net": np.cumsum(net),
            "cumulative_pv_net": np.cumsum(net * factors),
        }
    )
    summary = {
        "npv": npv,
        "pv_savings": pv_savings,
        "pv_costs": pv_costs,
        "benefit_cost_ratio": pv_savings / pv_costs if pv_costs >= MIN_COST else None,
        "irr": rule.rate,
        "irr_status": rule.reason,
        "mirr": mirr,
        "payback_year": cashflow.payback_year(net),
        "discounted_payback_year": cashflow.discounted_payback_year(net, inputs.rate),
        "total_costs": total_costs,
        "total_savings": float(savings.sum()),
        "money_multiple": float(savings.sum()) / total_costs if total_costs >= MIN_COST else None,
        "years": n,
        "discount_rate": cashflow.rate_label(inputs.rate),
    }
    return Result("present_value", summary, {"yearly": table}, METRICS, notes, inputs.currency)


def charts(result: Result) -> list[Chart]:
    """The cash-flow chart of a present-value result, with alternative text that states it."""
    s = result.summary
    table = result.tables["yearly"]
    payback = s["discounted_payback_year"]
    npv_text = thousands(s["npv"])
    alt = (
        f"Bar chart over {s['years']} contract years: costs as bars below zero, savings as bars "
        f"above zero, and a line for the cumulative present value, which ends at "
        f"{npv_text} {result.currency}. "
        + (
            f"The discounted position turns positive for good in year {payback}."
            if payback
            else "The discounted position never turns positive."
        )
    )
    return [Chart(cashflow_chart(table, result.currency), alt)]


CALCULATOR = Calculator(
    name="present_value",
    title="Present value and payback",
    summary="Net present value, internal rate and payback of yearly costs and savings.",
    inputs=PresentValueInputs,
    compute=compute,
    page="tools/present-value",
    headline="npv",
    charts=charts,
)
