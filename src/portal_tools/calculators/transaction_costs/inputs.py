"""The inputs of the transaction-costs calculator: the cost items, the programme and the routes
to compare, their limits and the default preset, read on first use (see
:mod:`portal_tools.calculators.transaction_costs` for the model)."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, Literal, get_args

import yaml

from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field

Phase = Literal["development_design", "contract_setup", "operations"]
Side = Literal["commissioner", "provider", "investor", "intermediary"]
Basis = Literal["fixed", "per_year", "per_participant", "share_of_delivery"]
Route = Literal["sib", "pbr", "fee_for_service", "in_house_fund"]

PHASES: tuple[str, ...] = get_args(Phase)
SIDES: tuple[str, ...] = get_args(Side)
BASES: tuple[str, ...] = get_args(Basis)
ROUTES: tuple[Route, ...] = get_args(Route)

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
BASIS_LABELS: dict[str, str] = {
    "fixed": "Once per programme",
    "per_year": "Every contract year",
    "per_participant": "Per participant",
    "share_of_delivery": "Share of delivery cost",
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
        choices=PHASE_LABELS,
        label="Phase",
        help="INDIGO cost phase: development and design, contract set-up or operations "
        "(in scenario files development_design, contract_setup, operations).",
    )
    side: Side = field(
        "commissioner",
        choices=SIDE_LABELS,
        label="Borne by",
        help="Who pays the item: commissioner, provider, investor or intermediary.",
    )
    basis: Basis = field(
        "fixed",
        choices=BASIS_LABELS,
        label="Basis",
        help="Once per programme (fixed), every contract year (per_year), for each participant "
        "(per_participant) or a fraction of the delivery cost (share_of_delivery).",
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
        choices=ROUTE_LABELS,
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
        choices=ROUTE_LABELS,
        label="Routes to compare",
        help="Social impact bond (sib): outcomes contract with a social investor; payment by "
        "results (pbr): outcomes contract, the provider carries the risk; fee for service "
        "(fee_for_service): conventional contract; the municipality funds it itself "
        "(in_house_fund).",
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
