"""Transaction costs of four delivery routes (calculator ``transaction_costs``).

*Transaktionsomkostninger* are the costs of designing, agreeing, running and verifying a
programme, over and above the cost of delivering the intervention itself. A municipality that
considers an outcomes contract asks how large they are, who bears them, and whether it would be
cheaper to fund the intervention itself (Oxford Research 2020, §4.4.3). This calculator answers
for one programme and four routes:

``sib``
    an outcomes contract with a social investor (*social effektinvestering*);
``pbr``
    an outcomes contract where the provider carries the risk, without an investor;
``fee_for_service``
    a conventional contract that pays for activity;
``in_house_fund``
    the municipality funds the intervention itself, e.g. from its own social investment fund.

Each cost item names its phase (the INDIGO cost phases: development and design, contract set-up,
operations), the side that bears it, how it scales (its *basis*) and the routes it applies to.
Amounts are nominal DKK over the whole contract; nothing is discounted, because the comparison
is between routes for the same programme and the same years.

Cost of one item (``N`` participants, ``Y`` years, delivery cost ``D``)::

    unit   = amount + hours * hourly_rate        (cash plus in-house staff time)
    fixed            -> unit
    per_year         -> unit * Y
    per_participant  -> unit * N
    share_of_delivery-> amount * D               (amount is a fraction; no staff time)

Scaling: the programme is scaled by ``k`` with the cost per participant held constant, so the
delivery cost becomes ``k * D`` and the cohort ``k * N``. Fixed and per-year items stay
(``F``), per-participant and share items scale with ``k``. A route's transaction-cost share of
delivery is then ``s(D') = F / D' + v`` with the *variable share* ``v = V / D``, where ``V`` is
the cost of the per-participant and share items at the current size.

**Size at the threshold.** The delivery cost at which ``s`` falls to the threshold ``θ`` is
``D* = F / (θ - v) = F D / (θ D - V)``, with ``N D* / D = F N / (θ D - V)`` participants at the
same cost per participant. It exists only when ``θ D - V > 0``; otherwise the share never falls
to the threshold, at any size (status ``never``). ``θ D - V`` is computed exactly from the
numbers as written (:mod:`portal_tools.exact`), so a variable share that equals the threshold in
the inputs (``0.01 + 0.06`` against ``0.07``) is ``never``, not a size of 7.2e21 DKK from a
rounding residue. A size above :data:`MAX_THRESHOLD_DELIVERY_COST` or
:data:`MAX_THRESHOLD_PARTICIPANTS` (ten thousand times the largest programme the calculator
takes) is reported as ``beyond_limit`` without a number: in practice, never. Status
``already``: ``D* <= D``, the share is at or below the threshold at the current size (``D* = 0``
when there is no fixed part).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd
import yaml
from numpy.typing import NDArray

from portal_tools.calculator import Calculator
from portal_tools.charts import PALETTE, Chart, money_axis, new_figure
from portal_tools.errors import Problem
from portal_tools.exact import EXACT, QUOTIENT, dec, exact_sum
from portal_tools.inputs import Inputs, field
from portal_tools.results import Metric, Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BASES",
    "CALCULATOR",
    "PHASES",
    "ROUTES",
    "SIDES",
    "CostItem",
    "ItemCost",
    "RouteCosts",
    "ThresholdSize",
    "TransactionCostInputs",
    "basis_multiplier",
    "compute",
    "item_cash_and_staff",
    "item_costs",
    "item_scaling_parts",
    "reading",
    "route_costs",
    "share_at_size",
    "threshold_size",
]

Phase = Literal["development_design", "contract_setup", "operations"]
Side = Literal["commissioner", "provider", "investor", "intermediary"]
Basis = Literal["fixed", "per_year", "per_participant", "share_of_delivery"]
Route = Literal["sib", "pbr", "fee_for_service", "in_house_fund"]

PHASES: tuple[str, ...] = get_args(Phase)
SIDES: tuple[str, ...] = get_args(Side)
BASES: tuple[str, ...] = get_args(Basis)
ROUTES: tuple[Route, ...] = get_args(Route)

BASELINE_ROUTE = "fee_for_service"

ROUTE_LABELS: dict[str, str] = {
    "sib": "Social impact bond",
    "pbr": "Payment by results, no investor",
    "fee_for_service": "Fee for service",
    "in_house_fund": "Municipality funds it itself",
}
PHASE_LABELS: dict[str, str] = {
    "development_design": "Development and design",
    "contract_setup": "Contract set-up",
    "operations": "Operations",
}
CHART_LABELS: dict[str, str] = {
    "sib": "Social\nimpact bond",
    "pbr": "Payment by results\n(no investor)",
    "fee_for_service": "Fee for\nservice",
    "in_house_fund": "Own\nfunding",
}
SIDE_LABELS: dict[str, str] = {
    "commissioner": "Commissioner",
    "provider": "Provider",
    "investor": "Investor",
    "intermediary": "Intermediary",
}

MAX_AMOUNT = 1e10
MAX_DELIVERY_COST = 1e11
MAX_COHORT = 10_000_000
LIMIT_FACTOR = 10_000
MAX_THRESHOLD_DELIVERY_COST = LIMIT_FACTOR * MAX_DELIVERY_COST
"""Sizes at the threshold above 1e15 DKK of delivery are reported as ``beyond_limit``."""
MAX_THRESHOLD_PARTICIPANTS = LIMIT_FACTOR * MAX_COHORT
"""Sizes at the threshold above 1e11 participants are reported as ``beyond_limit``."""
ThresholdStatus = Literal["already", "larger", "never", "beyond_limit"]


class CostItem(Inputs):
    """One transaction-cost item: what it is, when it falls, who bears it and how it scales."""

    name: str = field(
        "Cost item",
        label="Cost item",
        help="A short name, e.g. 'Legal advice on the outcomes contract'.",
        min_length=1,
        max_length=80,
    )
    phase: Phase = field(
        "development_design",
        label="Phase",
        help="INDIGO cost phase: development_design, contract_setup or operations.",
    )
    side: Side = field(
        "commissioner",
        label="Borne by",
        help="Who pays the item: commissioner, provider, investor or intermediary.",
    )
    basis: Basis = field(
        "fixed",
        label="Basis",
        help="fixed: once per programme; per_year: every contract year; per_participant: for "
        "each participant; share_of_delivery: a fraction of the delivery cost.",
    )
    amount: float = field(
        0.0,
        label="Amount",
        help="Cash cost in DKK per unit of the basis (once, per year or per participant); for "
        "share_of_delivery a fraction from 0 to 1 (0.05 = 5 % of the delivery cost).",
        unit="DKK, or share",
        ge=0,
        le=MAX_AMOUNT,
        assumption=True,
    )
    hours: float | None = field(
        None,
        label="Staff hours",
        help="Optional in-house staff time per unit of the basis; costed at the hourly rate and "
        "added to the amount. Not used with share_of_delivery.",
        unit="hours",
        ge=0,
        le=1e6,
        assumption=True,
    )
    hourly_rate: float | None = field(
        None,
        label="Hourly rate",
        help="Cost of one staff hour including overheads; needed when staff hours are given.",
        unit="DKK per hour",
        ge=0,
        le=1e5,
        assumption=True,
    )
    routes: list[Route] = field(
        label="Routes",
        help="The delivery routes that incur this item (choose one or more).",
        min_length=1,
        max_length=len(ROUTES),
        default_factory=lambda: list(ROUTES),
    )

    def staff_cost(self) -> float:
        """``hours * hourly_rate`` (0 when no staff time is given)."""
        if self.hours is None or self.hourly_rate is None:
            return 0.0
        return self.hours * self.hourly_rate

    def problems(self, path: str) -> list[Problem]:
        """Rules within one item; each problem names its field under ``path``."""
        found: list[Problem] = []
        if self.basis == "share_of_delivery":
            if self.amount > 1:
                found.append(
                    Problem(
                        f"{path}.amount",
                        self.amount,
                        "a fraction from 0 to 1 for basis 'share_of_delivery' "
                        "(0.05 = 5 % of the delivery cost)",
                        "Amount",
                    )
                )
            if self.hours is not None:
                found.append(
                    Problem(
                        f"{path}.hours",
                        self.hours,
                        "empty for basis 'share_of_delivery' (staff time is a DKK "
                        "cost; use another basis for it)",
                        "Staff hours",
                    )
                )
        elif (self.hours is None) != (self.hourly_rate is None):
            missing, given = (
                ("hourly_rate", "hours") if self.hourly_rate is None else ("hours", "hourly_rate")
            )
            label = "Hourly rate" if missing == "hourly_rate" else "Staff hours"
            found.append(
                Problem(
                    f"{path}.{missing}",
                    None,
                    f"a number when {given} is given (staff time is hours x hourly "
                    f"rate), or leave both empty",
                    label,
                )
            )
        if len(set(self.routes)) != len(self.routes):
            found.append(
                Problem(f"{path}.routes", list(self.routes), "each route at most once", "Routes")
            )
        return found


DEFAULT_PRESET = "transaction_costs_first_programme"
"""The preset whose inputs are the model's defaults: an illustrative Danish first programme whose
every number is an assumption, labelled in the preset file beside verified reference points."""


@functools.cache
def _defaults() -> dict[str, Any]:
    """The ``inputs`` mapping of :data:`DEFAULT_PRESET` (one source for the defaults), read
    directly without validation the first time a default is needed, never at import."""
    folder = resources.files("portal_tools") / "presets"
    data = yaml.safe_load((folder / f"{DEFAULT_PRESET}.yaml").read_text("utf-8"))
    return dict(data["inputs"])


def _default_items() -> list[CostItem]:
    """The cost items of :data:`DEFAULT_PRESET`."""
    return [CostItem(**row) for row in _defaults()["cost_items"]]


class TransactionCostInputs(Inputs):
    """A programme, its transaction-cost items and the routes to compare."""

    cost_items: list[CostItem] = field(
        label="Cost items",
        help="One row per transaction-cost item. Amounts are per unit of the basis; staff "
        "hours x hourly rate are added to the amount.",
        min_length=1,
        max_length=100,
        assumption=True,
        default_factory=_default_items,
    )
    routes: list[Route] = field(
        label="Routes to compare",
        help="sib: outcomes contract with a social investor; pbr: outcomes contract, provider "
        "carries the risk; fee_for_service: conventional contract; in_house_fund: the "
        "municipality funds the intervention itself.",
        min_length=1,
        max_length=len(ROUTES),
        default_factory=lambda: list(_defaults()["routes"]),
    )
    cohort_size: int = field(
        default_factory=lambda: int(_defaults()["cohort_size"]),
        label="Participants",
        help="Number of participants over the whole contract.",
        unit="people",
        ge=1,
        le=MAX_COHORT,
        assumption=True,
    )
    delivery_cost: float = field(
        default_factory=lambda: float(_defaults()["delivery_cost"]),
        label="Delivery cost",
        help="Cost of delivering the intervention itself over the whole contract, without "
        "transaction costs.",
        unit="DKK",
        ge=1,
        le=MAX_DELIVERY_COST,
        step=100_000,
        assumption=True,
    )
    years: int = field(
        default_factory=lambda: int(_defaults()["years"]),
        label="Contract years",
        help="Length of the contract; per-year items are counted once per year.",
        unit="years",
        ge=1,
        le=30,
        assumption=True,
    )
    threshold_share: float = field(
        default_factory=lambda: float(_defaults()["threshold_share"]),
        label="Threshold share",
        help="The transaction-cost share of delivery you would accept (0.15 = 15 %); the "
        "calculator finds the programme size at which each route falls to it.",
        unit="share of delivery cost",
        gt=0,
        lt=1,
        step=0.01,
        assumption=True,
    )

    def cross_checks(self) -> list[Problem]:
        """Item rules (share fractions, staff-time pairs, unique routes) and unique routes."""
        found: list[Problem] = []
        for i, item in enumerate(self.cost_items):
            found += item.problems(f"cost_items[{i}]")
        if len(set(self.routes)) != len(self.routes):
            found.append(
                Problem("routes", list(self.routes), "each route at most once", "Routes to compare")
            )
        return found


def basis_multiplier(
    item: CostItem, cohort_size: float, years: float, delivery_cost: float
) -> float:
    """How many units of the basis the contract holds: fixed 1, per_year ``years``,
    per_participant ``cohort_size``, share_of_delivery ``delivery_cost``."""
    return {
        "fixed": 1.0,
        "per_year": years,
        "per_participant": cohort_size,
        "share_of_delivery": delivery_cost,
    }[item.basis]


def item_cash_and_staff(
    item: CostItem, cohort_size: float, years: float, delivery_cost: float
) -> tuple[float, float]:
    """Cash and staff-time parts of an item's total (DKK): ``amount * m`` and
    ``hours * hourly_rate * m`` with ``m`` the basis multiplier (no staff time for shares)."""
    m = basis_multiplier(item, cohort_size, years, delivery_cost)
    staff = 0.0 if item.basis == "share_of_delivery" else item.staff_cost() * m
    return item.amount * m, staff


def item_scaling_parts(item: CostItem, total: float, delivery_cost: float) -> tuple[float, float]:
    """Split an item's ``total`` into a part that stays when the programme is scaled and a part
    that scales, the latter as a share of delivery: ``(total, 0)`` for fixed and per-year items,
    ``(0, total / delivery_cost)`` for per-participant and share items."""
    if item.basis in ("fixed", "per_year"):
        return total, 0.0
    return 0.0, total / delivery_cost


def share_at_size(
    delivery_cost: NDArray[np.float64], fixed: float, variable_share: float
) -> NDArray[np.float64]:
    """Transaction-cost share of delivery at scaled sizes ``D'``: ``F / D' + v``."""
    return fixed / delivery_cost + variable_share


@dataclass(frozen=True)
class ThresholdSize:
    """The programme size at which a route's transaction-cost share falls to the threshold.

    ``delivery_cost`` and ``participants`` are set for status ``already`` (at or below the
    threshold at the current size) and ``larger`` (only at a larger size), and ``None`` for
    ``never`` (the variable share alone reaches the threshold) and ``beyond_limit`` (above
    :data:`MAX_THRESHOLD_DELIVERY_COST` or :data:`MAX_THRESHOLD_PARTICIPANTS`).
    """

    status: ThresholdStatus
    delivery_cost: float | None
    participants: float | None


def threshold_size(
    fixed: Decimal, variable: Decimal, delivery_cost: Decimal, cohort_size: int, threshold: Decimal
) -> ThresholdSize:
    """Size at which ``F / D' + V / D`` falls to ``θ``: ``D* = F D / (θ D - V)`` and
    ``N D* / D = F N / (θ D - V)`` participants, from exact decimals (see the module docstring).

    ``fixed`` is ``F``, ``variable`` the variable cost ``V`` at the current delivery cost ``D``.
    """
    gap = EXACT.subtract(EXACT.multiply(threshold, delivery_cost), variable)
    if gap <= 0:
        return ThresholdSize("never", None, None)
    size = QUOTIENT.divide(EXACT.multiply(fixed, delivery_cost), gap)
    people = QUOTIENT.divide(EXACT.multiply(fixed, Decimal(cohort_size)), gap)
    if size > MAX_THRESHOLD_DELIVERY_COST or people > MAX_THRESHOLD_PARTICIPANTS:
        return ThresholdSize("beyond_limit", None, None)
    status: ThresholdStatus = "already" if size <= delivery_cost else "larger"
    return ThresholdSize(status, float(size), float(people))


@dataclass(frozen=True)
class ItemCost:
    """One item's costs over the contract (``exact_fixed`` and ``exact_variable``: its fixed
    part and its variable cost at the current size as exact decimals of the inputs)."""

    item: CostItem
    cash: float
    staff_time: float
    fixed_part: float
    variable_share: float
    exact_fixed: Decimal
    exact_variable: Decimal

    @property
    def total(self) -> float:
        """``cash + staff_time``."""
        return self.cash + self.staff_time


@dataclass(frozen=True)
class RouteCosts:
    """One route's transaction costs, split and scaled."""

    route: str
    total: float
    fixed: float
    variable_share: float
    by_phase: dict[str, float]
    by_side: dict[str, float]
    at_threshold: ThresholdSize


def _exact_parts(item: CostItem, cohort_size: int, years: int, delivery_cost: float) -> Decimal:
    """The item's total over the contract as an exact decimal of its inputs (DKK): fixed
    ``unit``; per_year ``unit * years``; per_participant ``unit * cohort_size``;
    share_of_delivery ``amount * delivery_cost``; with ``unit = amount + hours * hourly_rate``."""
    if item.basis == "share_of_delivery":
        return EXACT.multiply(dec(item.amount), dec(delivery_cost))
    unit = dec(item.amount)
    if item.hours is not None and item.hourly_rate is not None:
        unit = EXACT.add(unit, EXACT.multiply(dec(item.hours), dec(item.hourly_rate)))
    count = {"fixed": 1, "per_year": years, "per_participant": cohort_size}[item.basis]
    return EXACT.multiply(unit, Decimal(count))


def item_costs(inputs: TransactionCostInputs) -> list[ItemCost]:
    """Each item's cash, staff-time, fixed and variable parts at the programme's size."""
    n, y, d = float(inputs.cohort_size), float(inputs.years), inputs.delivery_cost
    out = []
    zero = Decimal(0)
    for item in inputs.cost_items:
        cash, staff = item_cash_and_staff(item, n, y, d)
        fixed, variable = item_scaling_parts(item, cash + staff, d)
        exact = _exact_parts(item, inputs.cohort_size, inputs.years, d)
        scales = item.basis in ("per_participant", "share_of_delivery")
        out.append(
            ItemCost(
                item,
                cash,
                staff,
                fixed,
                variable,
                zero if scales else exact,
                exact if scales else zero,
            )
        )
    return out


def route_costs(
    items: Sequence[ItemCost],
    route: str,
    threshold: float,
    delivery_cost: float,
    cohort_size: int,
) -> RouteCosts:
    """Sum the items that apply to ``route``: total, by phase, by side, fixed part, variable
    share and the size at the threshold (:func:`threshold_size`)."""
    mine = [c for c in items if route in c.item.routes]
    by_phase = dict.fromkeys(PHASES, 0.0)
    by_side = dict.fromkeys(SIDES, 0.0)
    for c in mine:
        by_phase[c.item.phase] += c.total
        by_side[c.item.side] += c.total
    fixed = sum(c.fixed_part for c in mine)
    variable = sum(c.variable_share for c in mine)
    return RouteCosts(
        route,
        sum(c.total for c in mine),
        fixed,
        variable,
        by_phase,
        by_side,
        threshold_size(
            exact_sum(c.exact_fixed for c in mine),
            exact_sum(c.exact_variable for c in mine),
            dec(delivery_cost),
            cohort_size,
            dec(threshold),
        ),
    )


def _pct(x: float) -> str:
    return format_value(x, "share")


def _money(x: float) -> str:
    return format_value(x, "money")


def reading(
    rc: RouteCosts, baseline: RouteCosts, delivery_cost: float, cohort_size: int, threshold: float
) -> str:
    """One plain-language sentence about a route at this size and the size at which its share
    falls to the threshold."""
    share = rc.total / delivery_cost
    text = (
        f"{ROUTE_LABELS[rc.route]}: transaction costs of {_money(rc.total)}, "
        f"{_pct(share)} of the delivery cost"
    )
    if rc.route != baseline.route:
        extra = rc.total - baseline.total
        word = "more" if extra >= 0 else "less"
        text += f", {_money(abs(extra))} {word} than a fee-for-service contract"
    at = rc.at_threshold
    if at.status == "never":
        text += (
            f". It never falls to {_pct(threshold)}, at any size: the costs that grow with "
            f"the programme are already {_pct(rc.variable_share)} of delivery."
        )
    elif at.status == "beyond_limit":
        people = f"{MAX_THRESHOLD_PARTICIPANTS:,.0f}".replace(",", " ")
        text += (
            f". It would fall to {_pct(threshold)} only in a programme with a delivery cost "
            f"above {_money(MAX_THRESHOLD_DELIVERY_COST)} or more than {people} participants: "
            "in practice, never."
        )
    elif at.status == "already":
        text += f". It is already at or below {_pct(threshold)} at this size."
    else:
        people = f"{at.participants or 0.0:,.0f}".replace(",", " ")
        text += (
            f". It falls to {_pct(threshold)} from a delivery cost of "
            f"{_money(float(at.delivery_cost or 0.0))} (about {people} participants at the same "
            "cost per participant)."
        )
    return text


METRICS = {
    "routes": Metric("Routes compared", "text"),
    "total_by_route": Metric("Transaction costs", "money", "sum of all items of the route"),
    "share_of_delivery_by_route": Metric(
        "Share of delivery cost", "share", "transaction costs ÷ delivery cost"
    ),
    "per_participant_by_route": Metric(
        "Per participant", "money", "transaction costs ÷ participants"
    ),
    "extra_over_fee_for_service_by_route": Metric(
        "Extra over fee for service", "money", "route's costs minus the fee-for-service costs"
    ),
    "delivery_cost_at_threshold_by_route": Metric(
        "Delivery cost at which the share falls to the threshold",
        "money",
        "programme size, cost per participant held constant (none: never, or only beyond 1e15 DKK)",
    ),
    "participants_at_threshold_by_route": Metric(
        "Participants at which the share falls to the threshold",
        "count",
        "participants at that delivery cost (none: never, or only beyond 1e11 participants)",
    ),
    "threshold_status_by_route": Metric(
        "Threshold reached",
        "text",
        "already: at this size; larger: at a larger size; never: at no size; beyond_limit: "
        "only beyond 1e15 DKK or 1e11 participants",
    ),
    "fixed_by_route": Metric("Fixed part (does not scale)", "money", "fixed and per-year items"),
    "variable_share_by_route": Metric(
        "Variable part, share of delivery",
        "share",
        "per-participant and share items ÷ delivery cost",
    ),
    "by_phase_by_route": Metric("By phase", "money"),
    "by_side_by_route": Metric("Borne by", "money"),
    "delivery_cost": Metric("Delivery cost", "money"),
    "cohort_size": Metric("Participants", "count"),
    "threshold_share": Metric("Threshold share", "share"),
}

SCALE_MULTIPLIERS = (0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0)


def compute(inputs: TransactionCostInputs) -> Result:
    """Totals by route, phase and side, shares of delivery and the sizes at the threshold.

    See the module docstring for the formulas. Every route is computed from the items; the
    ``routes`` input chooses which are reported. The extra over fee for service is computed
    against the fee-for-service items even when that route is not reported.
    """
    n, d, theta = inputs.cohort_size, inputs.delivery_cost, inputs.threshold_share
    items = item_costs(inputs)
    baseline = route_costs(items, BASELINE_ROUTE, theta, d, n)
    shown = [route_costs(items, r, theta, d, n) for r in ROUTES if r in inputs.routes]
    summary: dict[str, Any] = {
        "routes": [ROUTE_LABELS[rc.route] for rc in shown],
        "total_by_route": {rc.route: rc.total for rc in shown},
        "share_of_delivery_by_route": {rc.route: rc.total / d for rc in shown},
        "per_participant_by_route": {rc.route: rc.total / n for rc in shown},
        "extra_over_fee_for_service_by_route": {
            rc.route: rc.total - baseline.total for rc in shown
        },
        "delivery_cost_at_threshold_by_route": {
            rc.route: rc.at_threshold.delivery_cost for rc in shown
        },
        "participants_at_threshold_by_route": {
            rc.route: rc.at_threshold.participants for rc in shown
        },
        "threshold_status_by_route": {rc.route: rc.at_threshold.status for rc in shown},
        "fixed_by_route": {rc.route: rc.fixed for rc in shown},
        "variable_share_by_route": {rc.route: rc.variable_share for rc in shown},
        "by_phase_by_route": {rc.route: rc.by_phase for rc in shown},
        "by_side_by_route": {rc.route: rc.by_side for rc in shown},
        "delivery_cost": d,
        "cohort_size": n,
        "threshold_share": theta,
    }
    tables = {
        "routes": _route_table(shown, baseline, d, n),
        "items": _item_table(items),
        "scaling": _scaling_table(shown, d, n),
    }
    notes = [reading(rc, baseline, d, n, theta) for rc in shown]
    notes.append(
        "Amounts are nominal DKK over the whole contract, not discounted. The routes "
        "are compared for the same programme; only the items marked for a route count."
    )
    return Result("transaction_costs", summary, tables, METRICS, notes)


def _route_table(
    shown: Sequence[RouteCosts], baseline: RouteCosts, delivery_cost: float, cohort_size: int
) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "route": rc.route,
                "total": rc.total,
                **rc.by_phase,
                **rc.by_side,
                "share_of_delivery": rc.total / delivery_cost,
                "per_participant": rc.total / cohort_size,
                "extra_over_fee_for_service": rc.total - baseline.total,
                "fixed_part": rc.fixed,
                "variable_share": rc.variable_share,
            }
            for rc in shown
        ]
    )


def _item_table(items: Sequence[ItemCost]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        [
            {
                "name": c.item.name,
                "phase": c.item.phase,
                "side": c.item.side,
                "basis": c.item.basis,
                "cash": c.cash,
                "staff_time": c.staff_time,
                "total": c.total,
                "fixed_part": c.fixed_part,
                "variable_share": c.variable_share,
                "routes": ", ".join(c.item.routes),
            }
            for c in items
        ]
    )


def _scaling_table(
    shown: Sequence[RouteCosts], delivery_cost: float, cohort_size: int
) -> pd.DataFrame:
    k = np.asarray(SCALE_MULTIPLIERS, dtype=float)
    table = pd.DataFrame(
        {"scale": k, "delivery_cost": k * delivery_cost, "participants": k * cohort_size}
    )
    for rc in shown:
        table[f"share_{rc.route}"] = share_at_size(k * delivery_cost, rc.fixed, rc.variable_share)
    return table


def _phase_side_chart(result: Result) -> Figure:
    s = result.summary
    routes = list(s["total_by_route"])
    fig = new_figure(width=9, height=4.2)
    axes = fig.subplots(1, 2, sharey=True)
    x = np.arange(len(routes))
    for ax, key, keys, labels, title in (
        (axes[0], "by_phase_by_route", PHASES, PHASE_LABELS, "By phase"),
        (axes[1], "by_side_by_route", SIDES, SIDE_LABELS, "Borne by"),
    ):
        bottom = np.zeros(len(routes))
        for i, part in enumerate(keys):
            values = np.array([s[key][r][part] for r in routes], dtype=float)
            ax.bar(x, values, bottom=bottom, color=PALETTE[i], label=labels[part], width=0.65)
            bottom += values
        for xi, total in zip(x, bottom, strict=True):
            ax.annotate(
                f"{total / 1e6:.2f}m",
                (xi, total),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
        ax.set_xticks(x, [CHART_LABELS[r] for r in routes], fontsize=8)
        ax.set_title(title, fontsize=11)
        ax.legend(loc="upper right", frameon=False, fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    money_axis(axes[0], result.currency)
    fig.suptitle("Transaction costs per route over the contract", fontsize=12)
    return fig


def _scaling_chart(result: Result) -> tuple[Figure, float]:
    s = result.summary
    d = float(s["delivery_cost"])
    theta = float(s["threshold_share"])
    routes = list(s["total_by_route"])
    finite = [float(v) for v in s["delivery_cost_at_threshold_by_route"].values() if v is not None]
    top = min(max(4 * d, 1.3 * max(finite, default=0.0)), 100 * d)
    grid = np.geomspace(d / 4, top, 200)
    fig = new_figure(height=4.4)
    ax = fig.add_subplot()
    for r in routes:
        color = PALETTE[ROUTES.index(r)]
        share = share_at_size(
            grid, float(s["fixed_by_route"][r]), float(s["variable_share_by_route"][r])
        )
        ax.plot(grid, np.asarray(share) * 100, color=color, linewidth=2, label=ROUTE_LABELS[r])
        be = s["delivery_cost_at_threshold_by_route"][r]
        if be is not None and d / 4 <= be <= top:
            ax.plot([be], [theta * 100], marker="o", color=color, markersize=7)
    ax.axhline(theta * 100, color="#444444", linestyle="--", linewidth=1)
    ax.annotate(
        f"threshold {theta * 100:.0f} %",
        (grid[0], theta * 100),
        xytext=(2, 4),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
    )
    ax.axvline(d, color="#444444", linestyle=":", linewidth=1)
    ax.annotate(
        "this programme",
        (d, 1),
        xycoords=("data", "axes fraction"),
        xytext=(3, -12),
        textcoords="offset points",
        fontsize=8,
        color="#444444",
    )
    ax.set_xscale("log")
    from matplotlib.ticker import FuncFormatter

    millions = FuncFormatter(lambda v, _p: f"{v / 1e6:g}m")
    ax.xaxis.set_major_formatter(millions)
    ax.xaxis.set_minor_formatter(millions)
    ax.tick_params(axis="x", which="both", labelsize=8)
    ax.set_xlabel(
        f"Delivery cost over the contract ({result.currency}, log scale); "
        "cost per participant held constant"
    )
    ax.set_ylabel("Transaction costs, % of delivery")
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper right", frameon=False, fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(
        "Transaction-cost share as the programme grows (dots: size at the threshold)", fontsize=11
    )
    return fig, top


def charts(result: Result) -> list[Chart]:
    """Stacked bars by phase and side per route, and the share curve against programme size."""
    s = result.summary
    parts = [f"{ROUTE_LABELS[r]} {_money(float(v))}" for r, v in s["total_by_route"].items()]
    bars_alt = (
        "Two stacked bar charts of transaction costs per route, split by phase (left) "
        "and by who bears them (right). Totals: " + "; ".join(parts) + "."
    )
    figure, top = _scaling_chart(result)
    lines = []
    for r, be in s["delivery_cost_at_threshold_by_route"].items():
        if s["threshold_status_by_route"][r] == "beyond_limit":
            lines.append(f"{ROUTE_LABELS[r]} reaches it only beyond any realistic size")
        elif be is None:
            lines.append(f"{ROUTE_LABELS[r]} never reaches the threshold")
        elif be > top:
            lines.append(f"{ROUTE_LABELS[r]} reaches it at {_money(float(be))}, beyond the chart")
        else:
            lines.append(f"{ROUTE_LABELS[r]} reaches it at {_money(float(be))}")
    curve_alt = (
        f"Line chart of each route's transaction costs as a share of delivery cost, for "
        f"programmes from a quarter of this size upwards. A dashed line marks the threshold of "
        f"{_pct(float(s['threshold_share']))}: " + "; ".join(lines) + "."
    )
    return [Chart(_phase_side_chart(result), bars_alt), Chart(figure, curve_alt)]


CALCULATOR = Calculator(
    name="transaction_costs",
    title="Transaction costs by delivery route",
    summary="Transaction costs of a programme by route, phase and side, their share of "
    "delivery and the size at which they fall below a threshold.",
    inputs=TransactionCostInputs,
    compute=compute,
    page="tools/transaction-costs",
    headline="total_by_route",
    charts=charts,
)
