"""The transaction-costs calculator's engine: each item's cash, staff-time, fixed and variable
parts, each route's totals and the programme size at which its share of delivery falls to the
threshold (see :mod:`portal_tools.calculators.transaction_costs` for the formulas)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from portal_tools.calculators.transaction_costs.inputs import (
    MAX_THRESHOLD_DELIVERY_COST,
    MAX_THRESHOLD_PARTICIPANTS,
    PHASES,
    SIDES,
    CostItem,
    TransactionCostInputs,
)
from portal_tools.exact import EXACT, QUOTIENT, dec, exact_sum

ThresholdStatus = Literal["already", "larger", "never", "beyond_limit"]


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
    ``N D* / D = F N / (θ D - V)`` participants, from exact decimals (see the package
    docstring, :mod:`portal_tools.calculators.transaction_costs`).

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
