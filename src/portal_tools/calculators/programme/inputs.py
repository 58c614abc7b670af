"""The inputs of the programme calculator: an effect chain plus an outcomes contract, its payer
and the route of the investor's capital, with the rate card's links to the chain resolved into
the payment mechanism's inputs (validation needs them; see
:mod:`portal_tools.calculators.programme` for the model)."""

from __future__ import annotations

import copy
from typing import Any

from portal_tools.calculators import payment
from portal_tools.calculators.effect_chain.inputs import (
    HOLDER_NAMES,
    BudgetHolder,
    CostInputs,
    EffectChainInputs,
)
from portal_tools.errors import InputError, Problem
from portal_tools.exact import dec, exact_product
from portal_tools.inputs import field, parse

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
        choices=HOLDER_NAMES,
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
