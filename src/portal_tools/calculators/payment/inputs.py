"""The inputs of the payment calculator: the rate card (one :class:`OutcomeInputs` per
outcome), the cohort, the delivery costs and the contract's caps, with the checks across fields
and of the chain of outcomes that build on one another (see
:mod:`portal_tools.calculators.payment` for the model)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from portal_tools.errors import Problem
from portal_tools.inputs import MIN_AMOUNT, Inputs, Smallest, field

MAX_YEARS = 30
MAX_OUTCOMES = 50
MAX_LAG_MONTHS = 60
MAX_AMOUNT = 1e12
PROFILE_TOLERANCE = 1e-6

Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT), Smallest(MIN_AMOUNT)]
"""A delivery cost: 0, or at least one øre (a smaller cost would make the money multiple
unbounded)."""
Share = Annotated[float, Field(ge=0, le=1)]
F64 = NDArray[np.float64]


class OutcomeInputs(Inputs):
    """One row of the rate card (Danish: *resultatmål* with its price)."""

    name: str = field(
        "Outcome",
        label="Outcome",
        help="Short name of the outcome (unique within the rate card; not 'year', which is a "
        "column of the payments-by-year table).",
        min_length=1,
        max_length=60,
        reserved=("year",),
    )
    price: float = field(
        10_000.0,
        label="Price",
        help="What the commissioner pays per achievement.",
        unit="per achievement",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )
    rate: float = field(
        0.5,
        label="Expected rate",
        help="Expected share of the cohort achieving the outcome (0.5 = half); for an outcome "
        "that builds on another, the share of those who achieved that one.",
        unit="share of cohort",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    payment_year: int = field(
        1,
        label="Payment year",
        help="Contract year in which the outcome is paid (the first year, with a profile).",
        unit="contract year",
        ge=1,
        le=MAX_YEARS,
    )
    payment_profile: list[Share] = field(
        label="Payment profile",
        help="Optional: shares of the payment in consecutive years from the payment year "
        "(e.g. 0.5, 0.5 pays half in each of two years); empty pays all in the payment year. "
        "Shares sum to 1.",
        unit="shares",
        max_length=MAX_YEARS,
        default_factory=list,
    )
    cap: float | None = field(
        None,
        label="Cap",
        help="Optional maximum total paid for this outcome; empty means no cap.",
        unit="total",
        ge=0,
        le=MAX_AMOUNT,
    )
    threshold: float | None = field(
        None,
        label="Trigger rate",
        help="Optional minimum rate: below it the outcome pays nothing (a threshold trigger); "
        "empty means every achievement pays.",
        unit="share of cohort",
        ge=0,
        le=1,
    )
    value: float | None = field(
        None,
        label="Value",
        help="Optional value or saving to the commissioner per achievement, for value for "
        "money; empty means not valued.",
        unit="per achievement",
        ge=0,
        le=MAX_AMOUNT,
    )
    baseline_rate: float = field(
        0.0,
        label="Baseline rate",
        help="Share of the whole cohort that would achieve the outcome without the programme "
        "(from a comparison group or a historical baseline); only achievements above it are "
        "paid and valued. 0 pays every achievement.",
        unit="share of cohort",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    requires: str | None = field(
        None,
        label="Builds on",
        help="Optional: the name of the outcome this one builds on (e.g. a lasting job builds "
        "on a started job). Its expected rate is then the share of those who achieved that "
        "outcome who also achieve this one; empty means a share of the whole cohort.",
        max_length=60,
    )


LASTING_GIVEN_STARTED = 0.5 / 0.6
"""Default conditional rate of a lasting job or education among those who started one: with a
start rate of 0.6 it gives the Aalborg goal of half the cohort (0.6 x 0.8333... = 0.5)."""


def _default_outcomes() -> list[OutcomeInputs]:
    return [
        OutcomeInputs(
            name="Started job or education",
            price=15_000,
            rate=0.6,
            payment_year=1,
            payment_profile=[0.25, 0.4, 0.35],
            value=0.0,
        ),
        OutcomeInputs(
            name="Lasting job or education",
            price=80_000,
            rate=LASTING_GIVEN_STARTED,
            payment_year=2,
            payment_profile=[0.25, 0.4, 0.35],
            value=150_000.0,
            requires="Started job or education",
        ),
    ]


class CapitalInputs(Inputs):
    """How the investor's money is structured: fees, protection by a guarantor and caps on its
    money multiple (all optional; the defaults are a plain investor with no fee or protection)."""

    management_fee_rate: float = field(
        0.0,
        label="Management fee",
        help="Yearly fee to the intermediary or fund manager as a share of that year's delivery "
        "costs (0.05 = 5 %), paid by the investor on top of the costs.",
        unit="share of delivery costs",
        ge=0,
        le=1,
        step=0.01,
        assumption=True,
    )
    capital_protection: float = field(
        0.0,
        label="Capital protection",
        help="Share of the investor's outlay (costs and fees) that a guarantor, e.g. a "
        "foundation, repays at the end where outcome payments fall short (0.6 = 60 %).",
        unit="share of outlay",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    return_cap_multiple: float | None = field(
        None,
        label="Money-multiple cap",
        help="Optional maximum of outcome payments over the investor's outlay (1.3 = 30 % "
        "more than it put in); payments above it are removed, latest first. Empty means none.",
        unit="times outlay",
        ge=1,
        le=100,
    )
    excess_share_to_provider: float = field(
        0.0,
        label="Share of capped money to the provider",
        help="Part of the money any cap removes that the commissioner pays to the provider as "
        "a bonus instead of keeping it (0 keeps it all with the commissioner).",
        unit="share",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )


PersonCapBasis = Literal["cohort_average", "each_person"]


class PaymentInputs(Inputs):
    """A cohort, the provider's delivery costs, the rate card and the contract's caps."""

    cohort_size: int = field(
        120,
        label="Cohort size",
        help="Participants referred to the programme (the whole cohort is measured).",
        unit="participants",
        ge=1,
        le=10_000_000,
    )
    years: int = field(
        4,
        label="Contract years",
        help="Length of the contract in years, including the years in which outcomes are paid.",
        unit="years",
        ge=1,
        le=MAX_YEARS,
    )
    delivery_costs: list[Amount] = field(
        label="Delivery costs per year",
        help="The provider's delivery cost in each contract year, funded by the investor, year 1 "
        "first. Fewer amounts than years means no cost in the later years.",
        unit="per year",
        widget="amounts",
        min_length=1,
        max_length=MAX_YEARS,
        assumption=True,
        default_factory=lambda: [1_800_000.0, 1_800_000.0, 1_800_000.0],
    )
    outcomes: list[OutcomeInputs] = field(
        label="Rate card",
        help="One row per outcome: name, price per achievement, expected rate, when it is paid, "
        "and optional cap, trigger rate and value.",
        min_length=1,
        max_length=MAX_OUTCOMES,
        default_factory=_default_outcomes,
    )
    total_cap: float | None = field(
        None,
        label="Total cap",
        help="Optional maximum of all outcome payments together; empty means none.",
        unit="total",
        ge=0,
        le=MAX_AMOUNT,
    )
    per_person_cap: float | None = field(
        None,
        label="Cap per participant",
        help="Optional maximum paid per participant: total payments may not exceed this times "
        "the cohort size, and on the 'each person' basis no one earns more than this along a "
        "staircase of outcomes that build on one another. Empty means none.",
        unit="per participant",
        ge=0,
        le=MAX_AMOUNT,
    )
    per_person_cap_basis: PersonCapBasis = field(
        "cohort_average",
        choices={
            "cohort_average": "Cohort average (cap times cohort size)",
            "each_person": "Each person along a staircase",
        },
        label="Cap per participant applies",
        help="cohort_average: to the cohort's total only (the cap times the cohort size); "
        "each_person: also to each person's payments along a staircase, in the rate card's prices.",
        group="Capital structure and caps per person",
    )
    return_cap: float | None = field(
        None,
        label="Return cap",
        help="Optional maximum investor IRR (0.08 = 8 % a year); payments above it are removed, "
        "latest first. Empty means none.",
        unit="share per year",
        ge=0,
        le=1,
    )
    periods_per_year: Literal[1, 4, 12] = field(
        1,
        choices={"1": "By year", "4": "By quarter", "12": "By month"},
        label="Periods per year",
        help="1 settles the contract by year, 4 by quarter, 12 by month. Costs and achievements "
        "are spread evenly over each year's periods.",
        unit="periods",
        group="Timing and indexation",
    )
    payment_lag_months: int = field(
        0,
        label="Payment lag",
        help="Months from an achievement to its payment (verification time), rounded up to whole "
        "periods; payments may then fall after the last contract year.",
        unit="months",
        ge=0,
        le=MAX_LAG_MONTHS,
        group="Timing and indexation",
    )
    price_indexation: float = field(
        0.0,
        label="Price indexation",
        help="Yearly rise of the rate card's prices (0.02 = 2 %): an achievement in contract year "
        "t is paid at the price times (1 + rate)^(t - 1).",
        unit="share per year",
        ge=-0.5,
        le=1,
        assumption=True,
        group="Timing and indexation",
    )
    cost_inflation: float = field(
        0.0,
        label="Cost inflation",
        help="Yearly rise of delivery costs and of the commissioner's values (0.02 = 2 %); the "
        "present values then discount at the nominal rate this implies.",
        unit="share per year",
        ge=-0.5,
        le=1,
        assumption=True,
        group="Timing and indexation",
    )
    capital: CapitalInputs | None = field(
        None,
        label="Capital structure",
        help="Optional: management_fee_rate, capital_protection, return_cap_multiple and "
        "excess_share_to_provider (see the method section); empty means a plain investor.",
        group="Capital structure and caps per person",
    )
    discount_rate: float | None = field(
        None,
        label="Discount rate",
        help="Rate for the commissioner's present values (0.035 = 3.5 %); empty means the "
        "Finance Ministry's public rate (3.5 % for years 0-35).",
        unit="share per year",
        ge=-0.5,
        le=1,
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """Costs fit the contract, outcome names are unique, payments fall inside the contract
        and every payment profile sums to 1."""
        problems: list[Problem] = []
        if len(self.delivery_costs) > self.years:
            problems.append(
                Problem(
                    "delivery_costs",
                    f"{len(self.delivery_costs)} amounts",
                    f"at most one amount per contract year ({_years(self.years)})",
                    "Delivery costs per year",
                )
            )
        seen: set[str] = set()
        for i, outcome in enumerate(self.outcomes):
            if outcome.name in seen:
                problems.append(
                    Problem(
                        f"outcomes[{i}].name",
                        outcome.name,
                        "a name not used by another outcome",
                        "Outcome",
                    )
                )
            seen.add(outcome.name)
            span = max(1, len(outcome.payment_profile))
            last = outcome.payment_year + span - 1
            if last > self.years:
                where = "payment_year" if span == 1 else "payment_profile"
                shown = outcome.payment_year if span == 1 else outcome.payment_profile
                problems.append(
                    Problem(
                        f"outcomes[{i}].{where}",
                        shown,
                        f"payments within the contract's {_years(self.years)} "
                        f"(this outcome would be paid until year {last})",
                        "Payment year" if span == 1 else "Payment profile",
                    )
                )
            if (
                outcome.payment_profile
                and abs(sum(outcome.payment_profile) - 1) > PROFILE_TOLERANCE
            ):
                problems.append(
                    Problem(
                        f"outcomes[{i}].payment_profile",
                        outcome.payment_profile,
                        f"shares that sum to 1 (these sum to {sum(outcome.payment_profile):g})",
                        "Payment profile",
                    )
                )
        return problems + nesting_problems(self.outcomes)


def parent_name(outcome: OutcomeInputs) -> str | None:
    """The outcome this one builds on: ``requires`` stripped, ``None`` when empty (a form's
    empty text box means "builds on nothing")."""
    target = (outcome.requires or "").strip()
    return target or None


def nesting_problems(outcomes: Sequence[OutcomeInputs], path: str = "outcomes") -> list[Problem]:
    """``requires`` must name another outcome of the same rate card, and following it from any
    outcome must never come back to that outcome (no cycles)."""
    names = [o.name for o in outcomes]
    problems: list[Problem] = []
    for i, outcome in enumerate(outcomes):
        target = parent_name(outcome)
        if target is None:
            continue
        where = f"{path}[{i}].requires"
        if target == outcome.name:
            problems.append(
                Problem(where, target, "the name of another outcome (not itself)", "Builds on")
            )
        elif target not in names:
            allowed = ", ".join(repr(n) for n in names if n != outcome.name) or "none"
            problems.append(
                Problem(where, target, f"the name of another outcome: {allowed}", "Builds on")
            )
    if problems:
        return problems
    parent = {o.name: parent_name(o) for o in outcomes}
    for i, outcome in enumerate(outcomes):
        seen = [outcome.name]
        step = parent[outcome.name]
        while step is not None and step not in seen:
            seen.append(step)
            step = parent.get(step)
        if step is not None:
            cycle = " -> ".join([*seen[seen.index(step) :], step])
            problems.append(
                Problem(
                    f"{path}[{i}].requires",
                    parent_name(outcome),
                    f"an outcome whose chain of outcomes has no cycle (here: {cycle})",
                    "Builds on",
                )
            )
    return problems


def _years(n: int) -> str:
    return f"{n} year" if n == 1 else f"{n} years"
