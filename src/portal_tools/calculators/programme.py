"""A whole programme: effect chain joined with a payment mechanism (calculator ``programme``).

This is the business-case picture the source report finds missing (Oxford Research 2020,
§4.4.2): who saves what each year, who pays what each year, the net result for each public
budget, the investor's position, and the municipality's service-ceiling view under the Budget Act.

Semantics (years ``t = 1 .. years``)
------------------------------------

- **Savings and public costs** come from the effect chain
  (:func:`portal_tools.calculators.effect_chain.chain_flows`): additional successes net of
  deadweight, with drop-off, times each consequence's yearly saving.
- **Outcome payments** come from the payment mechanism
  (:func:`portal_tools.calculators.payment.settle` at the rate card's expected rates). The rate
  card pays for *all* achievements (``cohort_size * rate``) while savings arise only from the
  *additional* successes: a contract that pays for outcomes that would have happened anyway shows
  up here as payments without matching savings. ``payments_per_additional_success`` makes that
  visible.
- **Rate card linked to the chain.** An outcome may name a step of the effect chain
  (``chain_step``) instead of giving a rate. Its expected rate is then the chain's share of the
  cohort reaching that step, ``r(k) = prod_{i <= k} step_rate(i)`` (deadweight included, as every
  rate-card rate), and it builds on the outcome linked to the nearest earlier step (or an earlier
  row linked to the same step), with the conditional rate ``r(k) / r(j) = prod_{j < i <= k}
  step_rate(i)`` (:func:`linked_outcomes`). So the chain and the payments move together: a step
  rate of 0 stops every payment linked to it or to a later step. An outcome without a step gives
  its rate by hand, as in the payment mechanism, and may build on a linked outcome.
- **People paid for.** Outcomes that build on another pay the same people again (a staircase).
  ``people_paid_for`` counts each person once: the achievements of the outcomes that build on
  nothing (outcomes that build on nothing are taken to be different people);
  ``paid_achievements`` counts every achievement of every outcome.
- **Payer.** One budget holder (``payer``) pays every outcome payment.
- **Net per holder** in year ``t`` = savings - public programme costs - outcome payments (the
  payer only). Present values use :mod:`portal_tools.cashflow` (public rate unless
  ``discount_rate`` is given).
- **Investor.** Funds the delivery costs and receives the outcome payments:
  ``payments(t) - delivery_costs(t)`` (:func:`portal_tools.calculators.payment.investor_flows`).
- **The municipality's Budget Act view** (:mod:`portal_tools.calculators.budget`):
  ``capital_received`` = the delivery costs when ``capital_via_municipality`` is true (investor
  capital booked as a conditional grant), else 0; ``intervention_costs`` = the municipality's
  public programme costs plus, in that case, the delivery costs it passes on to the provider;
  ``outcome_payments`` = the payments when the payer is the municipality; ``service_savings`` =
  its savings under the service ceiling; ``transfer_savings``, ``construction_savings`` and
  ``other_savings`` = its savings on income transfers, under the construction ceiling
  (*anlægsloftet*) and outside any ceiling, each kept apart and none of them freeing room under
  the service ceiling. All public programme costs of the municipality are taken to be service
  expenditure.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from portal_tools import cashflow
from portal_tools.calculator import Calculator
from portal_tools.calculators import payment
from portal_tools.calculators.budget import (
    budget_summary,
    budget_table,
    ceiling_alt,
    ceiling_chart,
    notes_for,
)
from portal_tools.calculators.effect_chain import (
    CEILINGS,
    HOLDER_NAMES,
    HOLDERS,
    BudgetHolder,
    CostInputs,
    EffectChainInputs,
    chain_flows,
    shares,
)
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.errors import InputError, Problem
from portal_tools.exact import dec, exact_product
from portal_tools.inputs import field, parse
from portal_tools.results import Metric, Result, format_value, ratio

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CALCULATOR",
    "ProgrammeInputs",
    "RateCardOutcome",
    "chain_step_name",
    "charts",
    "compute",
    "link_problems",
    "linked_outcomes",
    "payment_inputs",
]

PAYMENT_FIELDS = (
    "cohort_size",
    "years",
    "delivery_costs",
    "outcomes",
    "total_cap",
    "per_person_cap",
    "return_cap",
    "discount_rate",
    "currency",
)
"""Fields passed on to the payment mechanism."""


def _costs() -> list[CostInputs]:
    return [
        CostInputs(budget_holder="kommune", year=1, amount=150_000),
        CostInputs(budget_holder="kommune", year=2, amount=100_000),
        CostInputs(budget_holder="kommune", year=3, amount=100_000),
    ]


class RateCardOutcome(payment.OutcomeInputs):
    """A rate-card row of a programme: the payment mechanism's outcome, whose expected rate may
    come from a step of the effect chain instead of being typed."""

    rate: float | None = field(  # type: ignore[assignment]
        None,
        label="Expected rate",
        help="Expected share of the cohort achieving the outcome (0.5 = half); for an outcome "
        "that builds on another, the share of those who achieved that one. Leave empty when the "
        "outcome names a chain step: the rate then comes from the chain.",
        unit="share of cohort",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    chain_step: str | None = field(
        None,
        label="Chain step",
        help="Optional: the step of the effect chain this outcome pays for. Its expected rate is "
        "then the share of the cohort the chain brings to that step, and it builds on the "
        "outcome linked to the step before; leave the rate and 'Builds on' empty.",
        max_length=60,
    )


def chain_step_name(outcome: RateCardOutcome) -> str | None:
    """The chain step an outcome is linked to: ``chain_step`` stripped, ``None`` when empty."""
    target = (outcome.chain_step or "").strip()
    return target or None


def _outcomes() -> list[RateCardOutcome]:
    return [
        RateCardOutcome(
            name="Manages own home 12 months",
            price=130_000,
            chain_step="Manages own home after a year",
            payment_year=2,
            payment_profile=[0.5, 0.5],
        ),
        RateCardOutcome(
            name="Manages own home 24 months",
            price=90_000,
            rate=0.8,
            requires="Manages own home 12 months",
            payment_year=4,
        ),
    ]


def _payment_field(name: str) -> Any:
    """A copy of the payment mechanism's field ``name`` (same label, help and bounds)."""
    return copy.deepcopy(payment.PaymentInputs.model_fields[name])


class ProgrammeInputs(EffectChainInputs):
    """An effect chain (public savings and costs) plus an outcomes contract and its payer."""

    years: int = field(
        8,
        label="Years",
        help="Horizon in years: the contract and the savings (the contract's payments must fall "
        "inside it).",
        unit="years",
        ge=1,
        le=payment.MAX_YEARS,
    )
    intervention_costs: list[CostInputs] = field(
        label="Public costs of the programme",
        help="What each public budget pays itself (e.g. referral, case management, data), by "
        "year; the delivery funded by the investor is entered below.",
        max_length=200,
        default_factory=_costs,
    )
    delivery_costs: list[payment.Amount] = field(
        label="Delivery costs per year",
        help="The provider's delivery cost in each year, funded by the investor, year 1 first. "
        "Fewer amounts than years means no cost in the later years.",
        unit="per year",
        widget="amounts",
        min_length=1,
        max_length=payment.MAX_YEARS,
        assumption=True,
        default_factory=lambda: [1_300_000.0, 1_300_000.0, 500_000.0],
    )
    outcomes: list[RateCardOutcome] = field(
        label="Rate card",
        help="One row per paid outcome: name, price per achievement, the chain step it pays for "
        "or its expected rate (share of the whole cohort, deadweight included), when it is "
        "paid, optional cap and trigger rate.",
        min_length=1,
        max_length=payment.MAX_OUTCOMES,
        default_factory=_outcomes,
    )
    total_cap: float | None = _payment_field("total_cap")
    per_person_cap: float | None = _payment_field("per_person_cap")
    return_cap: float | None = _payment_field("return_cap")
    payer: BudgetHolder = field(
        "kommune",
        label="Outcome payer",
        help="The budget that pays the outcome payments: kommune, region or stat.",
    )
    capital_via_municipality: bool = field(
        True,
        label="Capital through the municipality",
        help="Investor capital is channelled through the municipality as a conditional grant "
        "(and passed on to the provider); otherwise the investor pays the provider directly.",
    )

    def cross_checks(self) -> list[Problem]:
        """The effect chain's rules, the links from the rate card to the chain and the payment
        mechanism's rules."""
        problems = super().cross_checks() + link_problems(self)
        if problems:
            return problems
        try:
            payment_inputs(self)
        except InputError as exc:
            problems += exc.problems
        return problems


def link_problems(inputs: ProgrammeInputs) -> list[Problem]:
    """Each rate-card row gives either a rate or a chain step; a chain step names exactly one
    step of the chain; a linked row leaves 'Builds on' empty (the chain decides it)."""
    names = [s.name.strip() for s in inputs.steps]
    problems: list[Problem] = []
    for i, outcome in enumerate(inputs.outcomes):
        step = chain_step_name(outcome)
        where = f"outcomes[{i}]"
        if step is None:
            if outcome.rate is None:
                problems.append(
                    Problem(
                        f"{where}.rate",
                        None,
                        "a rate from 0 to 1, or a chain step to take the rate from",
                        "Expected rate",
                    )
                )
            continue
        if names.count(step) != 1:
            listed = ", ".join(repr(n) for n in dict.fromkeys(names))
            allowed = (
                f"the name of one step of the chain: {listed}"
                if step not in names
                else f"a step whose name no other step has ({names.count(step)} steps are "
                "called so)"
            )
            problems.append(Problem(f"{where}.chain_step", step, allowed, "Chain step"))
        if outcome.rate is not None:
            problems.append(
                Problem(
                    f"{where}.rate",
                    outcome.rate,
                    "empty: this outcome takes its rate from the chain step "
                    f"{step!r} (or clear the chain step to type a rate)",
                    "Expected rate",
                )
            )
        if payment.parent_name(outcome) is not None:
            problems.append(
                Problem(
                    f"{where}.requires",
                    outcome.requires,
                    "empty: an outcome linked to a chain step builds on the outcome linked to "
                    "the step before it",
                    "Builds on",
                )
            )
    return problems


def linked_outcomes(inputs: ProgrammeInputs) -> list[dict[str, Any]]:
    """The rate card as the payment mechanism's outcomes, links to the chain resolved.

    A row linked to step ``k`` builds on the linked row with the latest step ``j < k`` (or the
    latest earlier row linked to the same step, ``j = k``), whatever the order of the rows, and
    gets the conditional rate ``prod_{j < i <= k} rate(i)``; with no such row it builds on
    nothing and gets ``prod_{i <= k} rate(i)``. Products are exact in the rates as written.
    Rows without a step are passed on unchanged.
    """
    index = {s.name.strip(): k for k, s in enumerate(inputs.steps)}
    rates = [dec(s.rate) for s in inputs.steps]
    steps = [chain_step_name(o) for o in inputs.outcomes]
    where = [(index[step], pos) for pos, step in enumerate(steps) if step is not None]
    rows: list[dict[str, Any]] = []
    for pos, (outcome, step) in enumerate(zip(inputs.outcomes, steps, strict=True)):
        row = {k: getattr(outcome, k) for k in payment.OutcomeInputs.model_fields}
        if step is not None:
            k = index[step]
            before = [(j, p) for j, p in where if (j, p) < (k, pos)]
            j, parent = max(before) if before else (-1, None)
            row["rate"] = float(exact_product(rates[j + 1 : k + 1]))
            row["requires"] = None if parent is None else inputs.outcomes[parent].name
        rows.append(row)
    return rows


def payment_inputs(inputs: ProgrammeInputs) -> payment.PaymentInputs:
    """The payment mechanism's inputs taken from a programme (rate card links resolved by
    :func:`linked_outcomes`)."""
    data = {k: getattr(inputs, k) for k in PAYMENT_FIELDS}
    data["outcomes"] = linked_outcomes(inputs)
    return parse(payment.PaymentInputs, data)


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
    municipality's service-ceiling view (see the module docstring)."""
    f = chain_flows(inputs)
    contract = payment.contract_arrays(payment_inputs(inputs))
    s = payment.settle(contract)
    pay = s.yearly
    payer = HOLDERS.index(inputs.payer)
    payments = np.zeros_like(f.costs)
    payments[payer] = pay
    savings = f.savings_by_holder
    net = savings - f.costs - payments
    factors = cashflow.discount_factors(inputs.years, inputs.discount_rate)
    savings_pv, costs_pv, payments_pv = savings @ factors, f.costs @ factors, payments @ factors
    flows = payment.investor_flows(contract, pay)
    k = HOLDERS.index("kommune")
    via = contract.costs if inputs.capital_via_municipality else np.zeros(inputs.years)
    service = CEILINGS.index("service")
    budget = budget_table(
        capital_received=via,
        intervention_costs=f.costs[k] + via,
        outcome_payments=payments[k],
        service_savings=f.savings[k, service],
        transfer_savings=f.savings[k, CEILINGS.index("transfer")],
        construction_savings=f.savings[k, CEILINGS.index("construction")],
        other_savings=f.savings[k, CEILINGS.index("outside")],
    )
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


def _holders_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    markers = ["o", "s", "^"]
    for i, h in enumerate(HOLDERS):
        ax.plot(
            years,
            table[f"cumulative_net_{h}"],
            color=PALETTE[i],
            marker=markers[i],
            linewidth=2,
            label=HOLDER_NAMES[h],
        )
    ax.plot(
        years,
        table["investor_cumulative"],
        color=PALETTE[7],
        linestyle="--",
        marker="D",
        linewidth=1.5,
        label="Investor",
    )
    year_axes(
        ax,
        years,
        result.currency,
        "Cumulative net position by budget holder and investor (nominal)",
    )
    return fig


def charts(result: Result) -> list[Chart]:
    """The municipality's service-ceiling chart and the cumulative net position by holder."""
    table = result.tables["yearly"]
    ends = "; ".join(
        f"{HOLDER_NAMES[h].lower()} {format_value(last, 'money', result.currency)}"
        for h, last in ((h, float(table[f"cumulative_net_{h}"].iloc[-1])) for h in HOLDERS)
    )
    investor = format_value(float(table["investor_cumulative"].iloc[-1]), "money", result.currency)
    budget = result.tables["budget"]
    return [
        Chart(ceiling_chart(budget, result.currency), ceiling_alt(budget, result.currency)),
        Chart(
            _holders_chart(result),
            f"Line chart of the cumulative nominal net position over {len(table)} years for "
            f"each public budget and the investor. At the end: {ends}; investor {investor}.",
        ),
    ]


CALCULATOR = Calculator(
    name="programme",
    title="Programme: who saves, who pays, and the Budget Act view",
    summary="An effect chain joined with an outcomes contract: savings, costs and payments "
    "by budget holder, the investor's position and the municipality's service ceiling.",
    inputs=ProgrammeInputs,
    compute=compute,
    page="tools/programme",
    headline="total_outcome_payments",
    charts=charts,
)
