"""The inputs of the effect-chain calculator: the cohort, the chain to the outcome, its
persistence, the consequences by budget holder and ceiling, and the public costs (see
:mod:`portal_tools.calculators.effect_chain` for the model)."""

from __future__ import annotations

from typing import Literal, get_args

import numpy as np
from numpy.typing import NDArray

from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field

MAX_YEARS = 30
MAX_AMOUNT = 1e12
F64 = NDArray[np.float64]

BudgetHolder = Literal["kommune", "region", "stat"]
Ceiling = Literal["service", "transfer", "construction", "outside"]
HOLDERS: tuple[str, ...] = get_args(BudgetHolder)
"""Budget holders in display order: municipality, region, state."""
CEILINGS: tuple[str, ...] = get_args(Ceiling)
"""Expenditure ceilings: service (*serviceramme*), income transfers (*overførsler*),
construction (*anlægsloft*) and outside any ceiling."""
HOLDER_NAMES = {"kommune": "Municipality", "region": "Region", "stat": "State"}
CEILING_NAMES = {
    "service": "Service ceiling",
    "transfer": "Income transfers",
    "construction": "Construction ceiling",
    "outside": "Outside any ceiling",
}


class StepInputs(Inputs):
    """One step of the chain from referral to outcome."""

    name: str = field(
        "Step", label="Step", help="What the participant reaches.", min_length=1, max_length=60
    )
    rate: float = field(
        0.8,
        label="Rate",
        help="Share of those who reached the previous step (or were referred) that reach this one.",
        unit="share",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )


class ConsequenceInputs(Inputs):
    """A yearly saving per additional successful participant, for one budget and ceiling."""

    label: str = field(
        "Consequence",
        label="Consequence",
        help="What changes for the public purse, e.g. 'less housing support'.",
        min_length=1,
        max_length=80,
    )
    budget_holder: BudgetHolder = field(
        "kommune",
        choices=HOLDER_NAMES,
        label="Budget holder",
        help="Who saves: kommune (municipality), region or stat (state).",
    )
    ceiling: Ceiling = field(
        "service",
        choices=CEILING_NAMES,
        label="Ceiling",
        help="Where the saving falls: service (the service ceiling), transfer (income transfers), "
        "construction (the construction ceiling) or outside any ceiling.",
    )
    annual_saving: float = field(
        10_000.0,
        label="Saving per year",
        help="Yearly saving per additional successful participant (negative: an extra cost). "
        "Enter your own price; SØM's knowledge database is one Danish source.",
        unit="per participant per year",
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        assumption=True,
    )


class CostInputs(Inputs):
    """A public cost of the programme in one year."""

    budget_holder: BudgetHolder = field(
        "kommune",
        choices=HOLDER_NAMES,
        label="Budget holder",
        help="Who pays: kommune, region or stat.",
    )
    year: int = field(1, label="Year", help="Year of the cost.", unit="year", ge=1, le=MAX_YEARS)
    amount: float = field(
        100_000.0,
        label="Amount",
        help="The cost in that year.",
        unit="per year",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )


def default_steps() -> list[StepInputs]:
    """The housing-support chain of the default example (rates are assumptions)."""
    return [
        StepInputs(name="Moved into own home", rate=0.85),
        StepInputs(name="Completed the support course", rate=0.75),
        StepInputs(name="Manages own home after a year", rate=0.7),
    ]


def default_consequences() -> list[ConsequenceInputs]:
    """The housing-support consequences of the default example (prices are assumptions)."""
    return [
        ConsequenceInputs(
            label="Less municipal housing support",
            budget_holder="kommune",
            ceiling="service",
            annual_saving=60_000,
        ),
        ConsequenceInputs(
            label="Fewer nights in shelters",
            budget_holder="kommune",
            ceiling="service",
            annual_saving=25_000,
        ),
        ConsequenceInputs(
            label="Fewer psychiatric admissions",
            budget_holder="region",
            ceiling="service",
            annual_saving=15_000,
        ),
        ConsequenceInputs(
            label="Less police and court time",
            budget_holder="stat",
            ceiling="outside",
            annual_saving=10_000,
        ),
    ]


def _default_costs() -> list[CostInputs]:
    return [
        CostInputs(budget_holder="kommune", year=1, amount=1_200_000),
        CostInputs(budget_holder="kommune", year=2, amount=1_200_000),
    ]


class EffectChainInputs(Inputs):
    """A cohort, the chain to the outcome, its persistence, consequences and public costs."""

    years: int = field(
        10,
        label="Years",
        help="Horizon of the calculation in years (SØM uses up to 10 years).",
        unit="years",
        ge=1,
        le=MAX_YEARS,
    )
    discount_rate: float | None = field(
        None,
        label="Discount rate",
        help="Yearly rate for present values (0.035 = 3.5 %); empty means the Finance "
        "Ministry's public rate (3.5 % for years 0-35).",
        unit="share per year",
        ge=-0.5,
        le=1,
    )
    cohort_size: int = field(
        40,
        label="Cohort size",
        help="Citizens referred to the programme.",
        unit="participants",
        ge=1,
        le=10_000_000,
        assumption=True,
    )
    steps: list[StepInputs] = field(
        label="Effect chain",
        help="The steps from referral to outcome, in order, each with its rate.",
        min_length=1,
        max_length=12,
        default_factory=default_steps,
    )
    baseline_rate: float = field(
        0.15,
        label="Baseline rate (deadweight)",
        help="Share of the cohort that would reach the outcome without the programme.",
        unit="share of cohort",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    first_effect_year: int = field(
        2,
        label="First effect year",
        help="The first year in which the outcome changes public spending.",
        unit="year",
        ge=1,
        le=MAX_YEARS,
    )
    persistence: float = field(
        0.8,
        label="Persistence",
        help="Share of the effect still present each following year (1 = lasting, 0 = one "
        "year only).",
        unit="share per year",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    consequences: list[ConsequenceInputs] = field(
        label="Consequences",
        help="Yearly saving per additional successful participant, by budget holder and ceiling.",
        min_length=1,
        max_length=40,
        default_factory=default_consequences,
    )
    intervention_costs: list[CostInputs] = field(
        label="Public costs of the programme",
        help="What each public budget pays for the programme, by year (may be empty).",
        max_length=200,
        default_factory=_default_costs,
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """The first effect year and every cost year fall inside the horizon."""
        problems: list[Problem] = []
        if self.first_effect_year > self.years:
            problems.append(
                Problem(
                    "first_effect_year",
                    self.first_effect_year,
                    f"a year within the horizon of {self.years} years",
                    "First effect year",
                )
            )
        for i, cost in enumerate(self.intervention_costs):
            if cost.year > self.years:
                problems.append(
                    Problem(
                        f"intervention_costs[{i}].year",
                        cost.year,
                        f"a year within the horizon of {self.years} years",
                        "Year",
                    )
                )
        return problems
