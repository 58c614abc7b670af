"""Outcomes-contract payment mechanism (calculator ``payment``; Danish: *betalingsmodel*).

An investor funds a provider's delivery cost year by year; the commissioner (the outcome payer)
pays only for outcomes achieved, at the prices of a rate card. This module turns a rate card,
expected achievement rates and the contract's caps and triggers into yearly outcome payments,
the investor's cash flow and the commissioner's value for money.

Semantics (contract years ``t = 1 .. years``, at most 30)
-----------------------------------------------------------

1. **Achievements.** Expected achievements of outcome ``o`` = ``cohort_size * rate[o]``
   (fractional expected counts are fine: 60.5 means "on average 60.5 people").
2. **Uncapped payment.** ``achievements[o] * price[o]``, paid in the outcome's payment year, or
   spread over consecutive years from ``payment_year`` by the shares of ``payment_profile``
   (shares sum to 1).
3. **Threshold trigger** (``threshold``, as in Peterborough): an outcome whose achieved rate is
   below its threshold pays nothing at all; at or above it, every achievement is paid.
4. **Outcome cap** (``cap``): limits that outcome's total payment; the outcome's latest payments
   are cut first.
5. **Overall cap**: the lower of ``total_cap`` and ``per_person_cap * cohort_size``. The
   per-person cap is applied on average over the cohort (the contract's total may not exceed the
   cap times the number of participants); it is not tracked person by person. Payments are cut
   latest year first; within a year every outcome is cut in the same proportion.
6. **Return cap** (``return_cap``): the investor's cash flow in year ``t`` is
   ``payments(t) - delivery_costs(t)``. If its net present value at the capped rate is
   positive, payments are removed, latest first (within a year pro rata), until that NPV is zero.
   For an investment in the usual shape (the investor pays first and is paid later, one sign
   change), this is exactly "investor IRR at most the cap"; the amount removed is reported.
7. **Measures.** Investor IRR (none where no rate exists), money multiple
   ``total payments / total delivery costs`` and peak exposure (largest cumulative negative
   position). With values: the commissioner's net present value
   ``PV(value of achievements) - PV(payments)``; the value of an achievement accrues in the
   outcome's payment year(s) and counts whether or not the payment was capped or triggered.
   Discounting is :mod:`portal_tools.cashflow` (public rate unless ``discount_rate`` is given).

Public API (for other models that reuse the mechanism)
------------------------------------------------------

- :class:`PaymentInputs`, :class:`OutcomeInputs`: the validated inputs (use
  :func:`portal_tools.inputs.parse` or ``CALCULATOR.parse``).
- :func:`contract_arrays` -> :class:`ContractArrays`: the inputs as NumPy arrays (prices, rates,
  caps, thresholds, values, timing profile, delivery costs, overall cap), built once.
- :func:`settle` ``(contract, rates=None)`` -> :class:`Settlement`: payments by outcome and year
  after triggers, outcome caps, the overall cap and the return cap. ``rates`` has shape
  ``(outcomes,)`` or ``(paths, outcomes)`` (achieved rates, 0-1); ``None`` uses the rate card's
  expected rates. Every array of the settlement carries the same leading ``paths`` axis as
  ``rates``: payments are ``(..., outcomes, years)``, yearly totals ``(..., years)``. Vectorised:
  thousands of paths settle in one call (10 000 paths x 20 outcomes x 30 years take about a
  quarter of a second; the settlement keeps five such arrays, about 48 MB each at that size, so
  settle very many paths in chunks).
- :func:`settle_yearly` ``(contract, rates)`` -> ``(yearly, triggered_totals)``: the same rules
  without the ``(..., outcomes, years)`` arrays, for simulations that need only yearly totals.
- :func:`investor_flows` ``(contract, yearly_payments)`` -> ``(..., years)`` cash flow of the
  investor.
- :func:`cut_latest_first` ``(flows, limit)``: the capping rule on the last axis.
- :func:`rate_sensitivity` ``(inputs, factors)``: investor results when every expected rate is
  scaled by each factor (a what-if table).
- :func:`compute` ``(inputs)`` -> :class:`~portal_tools.results.Result` (summary, tables, notes).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pydantic import Field

from portal_tools import cashflow
from portal_tools.calculator import Calculator
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.errors import InputError, Problem
from portal_tools.inputs import MIN_AMOUNT, Inputs, Smallest, field
from portal_tools.results import Metric, Result, format_value, ratio

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CALCULATOR",
    "MAX_OUTCOMES",
    "MAX_YEARS",
    "ContractArrays",
    "OutcomeInputs",
    "PaymentInputs",
    "Settlement",
    "charts",
    "compute",
    "contract_arrays",
    "cumsum_years_first",
    "cut_latest_first",
    "investor_flows",
    "rate_sensitivity",
    "settle",
    "settle_yearly",
    "settle_years_first",
]

MAX_YEARS = 30
MAX_OUTCOMES = 50
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
        help="Optional maximum paid per participant on average: total payments may not exceed "
        "this times the cohort size. Empty means none.",
        unit="per participant",
        ge=0,
        le=MAX_AMOUNT,
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


@dataclass(frozen=True)
class ContractArrays:
    """The contract as arrays (``O`` outcomes, ``T`` years); ``inf`` means no cap."""

    names: tuple[str, ...]
    cohort: float
    price: F64
    """(O,) price per achievement."""
    rate: F64
    """(O,) expected rate as a share of the cohort (for a nested outcome, the product of the
    conditional rates along its chain)."""
    conditional_rate: F64
    """(O,) the rate card's rates: a share of the cohort, or of the parent's achievers."""
    parent: NDArray[np.intp]
    """(O,) index of the outcome each one builds on (``requires``), -1 for none; parents come
    before their children in :attr:`order`."""
    order: NDArray[np.intp]
    """(O,) the outcomes ordered so that every parent comes before its children."""
    cap: F64
    """(O,) cap per outcome, ``inf`` without one."""
    threshold: F64
    """(O,) trigger rate, 0 without one."""
    value: F64
    """(O,) value per achievement, 0 without one."""
    valued: NDArray[np.bool_]
    """(O,) whether the outcome has a value."""
    profile: F64
    """(O, T) share of each outcome's payment falling in each year (rows sum to 1)."""
    costs: F64
    """(T,) delivery cost per year."""
    overall_cap: float
    """min(total_cap, per_person_cap * cohort), ``inf`` without either."""
    return_cap: float | None
    discount_rate: float | None

    @property
    def years(self) -> int:
        """Number of contract years ``T``."""
        return int(self.costs.size)

    @property
    def nested(self) -> bool:
        """Whether any outcome builds on another."""
        return bool(np.any(self.parent >= 0))


def absolute_rates(contract: ContractArrays, conditional: ArrayLike) -> F64:
    """Shares of the cohort from conditional rates (``(..., O)``): an outcome without a parent
    keeps its rate; a nested one gets its parent's share times its own rate, parents first
    (:attr:`ContractArrays.order`). Without nesting the rates are returned unchanged."""
    r = np.array(conditional, dtype=float)
    if not contract.nested:
        return r
    for o in contract.order:
        p = contract.parent[o]
        if p >= 0:
            r[..., o] = r[..., p] * r[..., o]
    return r


def _nesting(
    names: Sequence[str], requires: Sequence[str | None]
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Parent index of every outcome (-1 for none) and an order with parents first (the inputs
    are validated: every name exists and there is no cycle)."""
    index = {n: i for i, n in enumerate(names)}
    parent = np.array([-1 if r is None else index[r] for r in requires], dtype=np.intp)
    up = parent.tolist()
    depth = np.zeros(parent.size, dtype=np.intp)
    for o in range(parent.size):
        p = up[o]
        while p >= 0:
            depth[o] += 1
            p = up[p]
    return parent, np.argsort(depth, kind="stable")


def contract_arrays(inputs: PaymentInputs) -> ContractArrays:
    """Turn validated inputs into arrays (timing profile: ``profile[o, t]`` is the share of
    outcome ``o``'s payment in contract year ``t + 1``)."""
    n_out, n_years = len(inputs.outcomes), inputs.years
    profile = np.zeros((n_out, n_years))
    for o, outcome in enumerate(inputs.outcomes):
        shares = np.asarray(outcome.payment_profile or [1.0], dtype=float)
        start = outcome.payment_year - 1
        total = shares.sum()
        profile[o, start : start + shares.size] = shares / total if total > 0 else 0
    costs = np.zeros(n_years)
    costs[: len(inputs.delivery_costs)] = inputs.delivery_costs
    limits = [math.inf]
    if inputs.total_cap is not None:
        limits.append(inputs.total_cap)
    if inputs.per_person_cap is not None:
        limits.append(inputs.per_person_cap * inputs.cohort_size)
    names = tuple(o.name for o in inputs.outcomes)
    parent, order = _nesting(names, [parent_name(o) for o in inputs.outcomes])
    conditional = np.array([o.rate for o in inputs.outcomes], dtype=float)
    contract = ContractArrays(
        names=names,
        cohort=float(inputs.cohort_size),
        price=np.array([o.price for o in inputs.outcomes], dtype=float),
        rate=conditional,
        conditional_rate=conditional,
        parent=parent,
        order=order,
        cap=np.array([math.inf if o.cap is None else o.cap for o in inputs.outcomes]),
        threshold=np.array([0.0 if o.threshold is None else o.threshold for o in inputs.outcomes]),
        value=np.array([0.0 if o.value is None else o.value for o in inputs.outcomes]),
        valued=np.array([o.value is not None for o in inputs.outcomes]),
        profile=profile,
        costs=costs,
        overall_cap=min(limits),
        return_cap=inputs.return_cap,
        discount_rate=inputs.discount_rate,
    )
    return dataclasses.replace(contract, rate=absolute_rates(contract, conditional))


def cut_latest_first(flows: ArrayLike, limit: ArrayLike) -> F64:
    """Cut non-negative ``flows`` (last axis = years) so their sum is at most ``limit``,
    removing the latest amounts first.

    With ``E = max(sum(flows) - limit, 0)`` and ``later(t) = sum_{s > t} flows(s)``, the amount
    removed in year ``t`` is ``clip(E - later(t), 0, flows(t))``. ``limit`` broadcasts over the
    leading axes; ``inf`` leaves the flows unchanged.
    """
    arr = np.asarray(flows, dtype=float)
    lim = np.asarray(limit, dtype=float)
    if np.all(np.isposinf(lim)):
        return arr
    total = arr.sum(axis=-1)
    excess = np.maximum(total - lim, 0.0)
    later = total[..., None] - np.cumsum(arr, axis=-1)
    removed = np.clip(excess[..., None] - later, 0.0, arr)
    return np.asarray(arr - removed)


def _scale_years(payments: F64, old_totals: F64, new_totals: F64) -> F64:
    """Scale each year's outcome payments (``(..., O, T)``) from old to new year totals."""
    scale = np.divide(new_totals, old_totals, out=np.ones_like(old_totals), where=old_totals > 0)
    return np.asarray(payments * scale[..., None, :])


@dataclass(frozen=True)
class Settlement:
    """Payments after each rule; leading axes follow the ``rates`` given to :func:`settle`."""

    rates: F64
    """(..., O) achieved rates."""
    achievements: F64
    """(..., O) expected achievements ``cohort * rate``."""
    uncapped: F64
    """(..., O, T) ``achievements * price * profile`` before any rule."""
    triggered: NDArray[np.bool_]
    """(..., O) whether the outcome met its trigger rate."""
    after_triggers: F64
    after_outcome_caps: F64
    after_overall_cap: F64
    payments: F64
    """(..., O, T) final payments, after the return cap."""

    @property
    def yearly(self) -> F64:
        """(..., T) total outcome payments per year."""
        return np.asarray(self.payments.sum(axis=-2))

    @property
    def by_outcome(self) -> F64:
        """(..., O) total payment per outcome."""
        return np.asarray(self.payments.sum(axis=-1))

    @property
    def removed_by_triggers(self) -> F64:
        """(...,) payment lost because outcomes missed their trigger rate."""
        return np.asarray((self.uncapped - self.after_triggers).sum(axis=(-2, -1)))

    @property
    def removed_by_outcome_caps(self) -> F64:
        """(...,) amount removed by outcome caps."""
        return np.asarray((self.after_triggers - self.after_outcome_caps).sum(axis=(-2, -1)))

    @property
    def removed_by_overall_cap(self) -> F64:
        """(...,) amount removed by the total and per-person caps."""
        return np.asarray((self.after_outcome_caps - self.after_overall_cap).sum(axis=(-2, -1)))

    @property
    def removed_by_return_cap(self) -> F64:
        """(...,) amount removed by the return cap."""
        return np.asarray((self.after_overall_cap - self.payments).sum(axis=(-2, -1)))


def investor_flows(contract: ContractArrays, yearly_payments: ArrayLike) -> F64:
    """Investor cash flow per year: ``payments(t) - delivery_costs(t)``, shape ``(..., T)``."""
    return np.asarray(np.asarray(yearly_payments, dtype=float) - contract.costs)


def _apply_return_cap(contract: ContractArrays, payments: F64, capped: F64 | None = None) -> F64:
    """:func:`return_cap_years_first` on the yearly totals of ``(..., O, T)`` payments; within a
    year every outcome is cut pro rata. ``capped``, where given, are those totals after the cap
    as :func:`settle_yearly` gives them (the cap is then not solved a second time)."""
    if contract.return_cap is None:
        return payments
    yearly = payments.sum(axis=-2)
    if capped is None:
        flat = np.ascontiguousarray(yearly.reshape(-1, contract.years).T)
        capped = return_cap_years_first(contract, flat.copy()).T.reshape(yearly.shape)
    return _scale_years(payments, yearly, capped)


def _checked_rates(contract: ContractArrays, rates: ArrayLike | None) -> F64:
    """Achieved rates as floats (the expected rates for ``None``); refuses a wrong shape,
    non-finite values and values outside 0-1."""
    r = contract.rate if rates is None else np.asarray(rates, dtype=float)
    if r.shape[-1:] != contract.price.shape or not np.all(np.isfinite(r)):
        raise InputError.single(
            "rates",
            f"array of shape {r.shape}",
            f"finite shares of shape (..., {contract.price.size})",
        )
    if np.any((r < 0) | (r > 1)):
        raise InputError.single("rates", "values outside 0-1", "shares from 0 to 1")
    return np.asarray(r)


_FEW_COLUMNS = 16
"""Columns up to which :func:`cumsum_years_first` uses NumPy's ``cumsum``."""


def cumsum_years_first(flows: F64) -> F64:
    """Running totals ``S(t) = sum_{s <= t} flows(s)`` down the first axis of a years-first
    ``(T, N)`` array, a row at a time (NumPy's ``cumsum`` along the first axis is several times
    slower for short year axes and many columns; the sums are the same, added in the same
    order). A few columns (one contract, not a simulation) go to ``cumsum``, whose fixed cost
    is then lower than a row loop's."""
    if flows.shape[1] <= _FEW_COLUMNS:
        return np.cumsum(flows, axis=0)
    running = np.empty_like(flows)
    running[0] = flows[0]
    for t in range(1, flows.shape[0]):
        np.add(running[t - 1], flows[t], out=running[t])
    return running


def _cut_years_first(flows: F64, limit: F64 | float) -> F64:
    """:func:`cut_latest_first` for flows laid out years first (``(T, N)``, one contiguous row
    per year), in place: with ``S(t) = sum_{s <= t} flows(s)`` and ``E = max(S(T) - limit, 0)``
    the amount removed in year ``t`` is ``clip(E - (S(T) - S(t)), 0, flows(t))``."""
    running = cumsum_years_first(flows)
    total = running[-1].copy()
    excess = np.maximum(total - limit, 0.0)
    # removed(t) = clip(excess - later(t), 0, flows(t)) with later(t) = total - running(t)
    running -= total
    running += excess
    np.clip(running, 0.0, flows, out=running)
    flows -= running
    return flows


def return_cap_years_first(contract: ContractArrays, yearly: F64) -> F64:
    """The return cap on yearly payment totals laid out years first (``(T, N)``, one column per
    path), in place; identity without a cap.

    With the investor's flows ``f(t) = P(t) - C(t)``, their surplus ``S = sum_t f(t)`` and, at the
    capped rate ``c``, ``d(t) = (1 + c) ** -(t - 1)`` and ``NPV_c = sum_t d(t) f(t)``:

    1. A path is cut only when its return is above the cap: ``S > 0`` and ``NPV_c > 0`` and not
       an IRR (by :func:`portal_tools.cashflow.irr_rows`) at or below ``c``. A path whose flows
       go out first and come back later (one sign change) is above the cap exactly when
       ``NPV_c > 0``, and so is any path whose outlays (undiscounted) plus receipts discounted
       at ``c`` are positive (no root in ``[0, c]``); the IRR rule is needed only for the rest.
    2. The removable amount in year ``t`` is the year's surplus ``max(f(t), 0)``: a year's
       payments are never cut below that year's delivery cost.
    3. Removable amounts are cut latest year first until ``NPV_c = 0`` (their present values at
       ``c`` are cut by ``NPV_c``), but never by more than ``S`` in nominal terms: capping never
       turns a gain into a loss. Where ``S`` binds first, the cut is ``S``, latest first.
       The payments kept are rebuilt from the kept flows (:func:`_solve_cut_year`), so a small
       remainder of a large payment keeps its digits.

    On an investment in the usual shape (outlays first, then receipts) this removes exactly the
    payments that lift the IRR above ``c``, latest first, and the IRR after the cap is ``c``.
    """
    if contract.return_cap is None or yearly.size == 0:
        return yearly
    cap = contract.return_cap
    d = cashflow.flat_discount_factors(contract.years, cap)[:, None]
    flows = yearly - contract.costs[:, None]
    surplus = flows.sum(axis=0)
    npv_cap = (flows * d).sum(axis=0)
    over = np.flatnonzero((surplus > 0) & (npv_cap > 0))
    if over.size == 0:
        return yearly
    f = flows[:, over]
    # Each term f(t) d(t) is monotone in the rate, so on [0, c] the NPV is at least the sum of
    # the outlays undiscounted plus the receipts discounted at c. Where that bound is positive
    # the NPV has no root in [0, c]: with S > 0 any IRR lies above c, and the exact rule is not
    # needed to decide (it is for the rest, unless the flows change sign once, outlays first).
    maybe = np.flatnonzero(np.where(f < 0, f, f * d).sum(axis=0) <= 0)
    other = maybe
    if maybe.size:
        changes, first = cashflow.sign_changes_years_first(f[:, maybe])
        other = maybe[(changes != 1) | (first > 0)]
    if other.size:
        rule = cashflow.irr_years_first(np.ascontiguousarray(f[:, other]))
        within = (rule.code == cashflow.IRR_DEFINED) & (rule.rate <= cap)
        if within.any():
            keep = np.ones(over.size, dtype=bool)
            keep[other[within]] = False
            over, f = over[keep], f[:, keep]
            if over.size == 0:
                return yearly
    removable = np.maximum(f, 0.0)
    pv = removable * d
    removed = (pv - _cut_years_first(pv.copy(), pv.sum(axis=0) - npv_cap[over])) / d
    gain = surplus[over]
    too_much = np.flatnonzero(removed.sum(axis=0) > gain)
    if too_much.size:
        part = removable[:, too_much]
        removed[:, too_much] = part - _cut_years_first(
            part.copy(), part.sum(axis=0) - gain[too_much]
        )
    paid = yearly[:, over]
    yearly[:, over] = _solve_cut_year(paid, contract.costs, f, removed, d[:, 0], too_much)
    return yearly


def _solve_cut_year(
    paid: F64, cost: F64, flows: F64, removed: F64, d: F64, nominal: NDArray[np.intp]
) -> F64:
    """The payments after the cut, rebuilt from what is kept rather than by subtracting what
    is removed (``paid - removed`` loses the digits of a small remainder when the payments
    removed are large).

    The cut is latest first, so on each path (column) of the investor's flows ``f = P - C``
    the years before the first year ``k`` with a removal keep their payments, later years keep
    ``min(P(t), C(t))`` (flow ``min(f(t), 0)``), and year ``k`` keeps the flow ``g(k)`` that makes
    the binding condition hold exactly, ``sum_t w(t) g(t) = 0`` with ``w = d`` (the NPV at the
    cap) or ``w = 1`` on the ``nominal`` paths (where the surplus binds):
    ``g(k) = -sum_{t != k} w(t) g(t) / w(k)``, kept within ``[min(f(k), 0), f(k)]``.
    """
    steps = np.arange(flows.shape[0])[:, None]
    cols = np.arange(flows.shape[1])
    k = np.argmax(removed > 0, axis=0)
    costs = np.broadcast_to(cost[:, None], paid.shape)
    kept = np.where(steps < k, flows, np.minimum(flows, 0.0))
    w = np.broadcast_to(d[:, None], flows.shape).copy()
    w[:, nominal] = 1.0
    others = np.where(steps == k, 0.0, w * kept).sum(axis=0)
    g = np.clip(-others / w[k, cols], np.minimum(flows[k, cols], 0.0), flows[k, cols])
    out = np.where(steps < k, paid, np.minimum(paid, costs))
    out[k, cols] = np.where(g >= flows[k, cols], paid[k, cols], g + costs[k, cols])
    return np.asarray(out)


def settle_years_first(contract: ContractArrays, rates: F64) -> tuple[F64, F64]:
    """:func:`settle_yearly` for ``(N, O)`` rates, with the yearly totals laid out years first:
    returns ``(yearly (T, N), triggered_totals (N, O))``. Rates are not checked here (the
    caller has drawn them in 0-1); years-first rows keep every yearly operation contiguous."""
    paid = contract.cohort * rates * contract.price
    paid *= rates >= contract.threshold - 1e-12
    yearly = np.zeros((contract.years, rates.shape[0]))
    for o in range(contract.price.size):
        share = contract.profile[o]
        if math.isfinite(contract.cap[o]):
            row = share[:, None] * paid[:, o]
            yearly += _cut_years_first(row, float(contract.cap[o]))
            continue
        for t in np.flatnonzero(share):
            yearly[t] += paid[:, o] * share[t]
    if math.isfinite(contract.overall_cap):
        yearly = _cut_years_first(yearly, contract.overall_cap)
    return return_cap_years_first(contract, yearly), paid


def settle_yearly(contract: ContractArrays, rates: ArrayLike | None = None) -> tuple[F64, F64]:
    """Fast path of :func:`settle` for models that need only yearly totals (the risk simulation).

    Returns ``(yearly, triggered_totals)``: ``(..., T)`` total payments per year after every
    rule (equal to ``settle(contract, rates).yearly`` up to floating-point rounding, about
    ``1e-15`` relative) and ``(..., O)`` each outcome's total after the trigger, before any cap
    (``cohort * rate * price`` where triggered, else 0).

    The rules are the same and in the same order; the saving is that no ``(..., O, T)`` array
    is built. Outcome caps cut each capped outcome's row of years (outcomes without a cap are
    added uncut); the overall cap and the return cap act on the yearly totals, which is what
    their pro-rata split over outcomes sums to. The work is done years first
    (:func:`settle_years_first`).
    """
    r = _checked_rates(contract, rates)
    flat = r.reshape(-1, contract.price.size)
    yearly, paid = settle_years_first(contract, flat)
    lead = r.shape[:-1]
    return yearly.T.reshape(*lead, contract.years), paid.reshape(*lead, contract.price.size)


def settle(
    contract: ContractArrays, rates: ArrayLike | None = None, final_yearly: F64 | None = None
) -> Settlement:
    """Payments by outcome and year for achieved ``rates`` (shape ``(O,)`` or ``(P, O)``).

    Order of the rules: trigger (``rate >= threshold``), outcome caps, overall cap, return cap
    (see the module docstring). ``rates=None`` uses the expected rates of the rate card.
    ``final_yearly``: the yearly totals :func:`settle_yearly` gives for the same rates, where the
    caller has them; the return cap is then split over outcomes from those totals instead of
    being solved again (the two agree up to rounding).
    """
    r = _checked_rates(contract, rates)
    achievements = contract.cohort * r
    uncapped = (achievements * contract.price)[..., None] * contract.profile
    triggered = r >= contract.threshold - 1e-12
    after_triggers = uncapped * triggered[..., None]
    after_outcome_caps = cut_latest_first(after_triggers, contract.cap)
    yearly = after_outcome_caps.sum(axis=-2)
    capped_yearly = cut_latest_first(yearly, contract.overall_cap)
    after_overall_cap = _scale_years(after_outcome_caps, yearly, capped_yearly)
    payments = _apply_return_cap(contract, after_overall_cap, final_yearly)
    return Settlement(
        r,
        achievements,
        uncapped,
        triggered,
        after_triggers,
        after_outcome_caps,
        after_overall_cap,
        payments,
    )


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
        at_cap = float(np.dot(flows, cashflow.flat_discount_factors(contract.years, cap)))
        scale = max(1.0, float(np.abs(flows).sum()))
        if abs(at_cap) <= 1e-9 * scale:
            notes.append(
                f"The return cap of {cap * 100:.1f} % binds: payments were removed, latest "
                "first, until the investor's return equals it."
            )
        else:
            notes.append(
                f"The return cap of {cap * 100:.1f} % binds and takes the investor's whole "
                "surplus: removing more would turn its gain into a loss, so the cap stops at a "
                "surplus of zero."
            )
    return notes


def _payments_chart(result: Result) -> Figure:
    table = result.tables["payments_by_outcome"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    bottom = np.zeros(years.size)
    for i, name in enumerate(c for c in table.columns if c != "year"):
        values = table[name].to_numpy(dtype=float)
        ax.bar(years, values, bottom=bottom, color=PALETTE[i % len(PALETTE)], label=name)
        bottom += values
    year_axes(
        ax,
        years,
        result.currency,
        "Outcome payments by outcome and year",
        legend=table.shape[1] <= 9,
    )
    return fig


def _investor_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    ax.bar(years, -table["delivery_cost"], color=PALETTE[3], label="Delivery cost (paid)")
    ax.bar(years, table["outcome_payments"], color=PALETTE[2], label="Outcome payments (received)")
    ax.plot(
        years,
        table["investor_cumulative"],
        color=PALETTE[0],
        marker="o",
        linewidth=2,
        label="Cumulative position",
    )
    year_axes(
        ax, years, result.currency, "Investor's yearly flows and cumulative position", legend=True
    )
    return fig


def _commissioner_chart(result: Result) -> Figure:
    table = result.tables["yearly"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    ax.plot(
        years,
        np.cumsum(table["pv_outcome_payments"]),
        color=PALETTE[3],
        marker="o",
        linewidth=2,
        label="Payments (cumulative, present value)",
    )
    ax.plot(
        years,
        np.cumsum(table["pv_commissioner_value"]),
        color=PALETTE[2],
        marker="s",
        linewidth=2,
        label="Value of achievements (cumulative, present value)",
    )
    year_axes(ax, years, result.currency, "Commissioner: payments against value", legend=True)
    return fig


def _money(x: float | None, currency: str) -> str:
    return "none" if x is None else f"{x:,.0f}".replace(",", " ") + f" {currency}"


def charts(result: Result) -> list[Chart]:
    """Three figures: payments by outcome and year, the investor's cumulative position, and the
    commissioner's payments against value (the last only when outcomes have values)."""
    s, cur = result.summary, result.currency
    table = result.tables["yearly"]
    n_years = len(table)
    peak_year = int(table["year"].iloc[int(np.argmin(table["investor_cumulative"]))])
    out = [
        Chart(
            _payments_chart(result),
            f"Stacked bar chart of outcome payments in each of {n_years} contract years, one "
            f"colour per outcome; {_money(s['total_outcome_payments'], cur)} in total.",
        ),
        Chart(
            _investor_chart(result),
            f"Bar chart of the investor's yearly delivery costs (below zero) and outcome "
            f"payments (above zero) with a line for the cumulative position, lowest at "
            f"{_money(-s['peak_investor_exposure'], cur)} in year {peak_year} and ending at "
            f"{_money(s['investor_net'], cur)}.",
        ),
    ]
    if s["commissioner_value_pv"] is not None:
        out.append(
            Chart(
                _commissioner_chart(result),
                f"Line chart of the commissioner's cumulative payments and cumulative value of "
                f"achievements, both in present value: payments reach "
                f"{_money(s['total_outcome_payments_pv'], cur)} and value reaches "
                f"{_money(s['commissioner_value_pv'], cur)}.",
            )
        )
    return out


CALCULATOR = Calculator(
    name="payment",
    title="Outcomes contract payment mechanism",
    summary="Outcome payments under a rate card with triggers and caps, the investor's "
    "return and the commissioner's value for money.",
    inputs=PaymentInputs,
    compute=compute,
    page="tools/payment",
    headline="total_outcome_payments",
    charts=charts,
)
