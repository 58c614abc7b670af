"""The inputs of the budget calculator: one programme's yearly amounts as they land in the
municipality's budget (see :mod:`portal_tools.calculators.budget` for the model)."""

from __future__ import annotations

from typing import Annotated, Any

import numpy as np
from pydantic import Field

from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field

MAX_YEARS = 30
MAX_AMOUNT = 1e12

Amount = Annotated[float, Field(ge=0, le=MAX_AMOUNT)]
Saving = Annotated[float, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT)]

BUDGET_COLUMNS = (
    "capital_received",
    "intervention_costs",
    "outcome_payments",
    "service_savings",
    "transfer_savings",
)


def _amounts(label: str, help: str, default: list[float]) -> Any:
    return field(
        label=label,
        help=help + " One amount per year, year 1 first; empty means 0 in every year.",
        unit="per year",
        widget="amounts",
        max_length=MAX_YEARS,
        assumption=True,
        default_factory=lambda: list(default),
    )


class BudgetInputs(Inputs):
    """Yearly amounts of one programme as they land in the municipality's budget."""

    intervention_costs: list[Amount] = _amounts(
        "Intervention costs",
        "What the municipality pays for the programme under its service ceiling, including "
        "delivery paid with capital received.",
        [2_000_000, 2_000_000, 1_000_000, 0, 0, 0],
    )
    capital_received: list[Amount] = _amounts(
        "Capital received",
        "Investor capital channelled through the municipality and booked as a conditional "
        "grant (operating income under the service ceiling).",
        [2_000_000, 2_000_000, 1_000_000, 0, 0, 0],
    )
    outcome_payments: list[Amount] = _amounts(
        "Outcome payments",
        "What the municipality pays the investor for outcomes (repayment with any return).",
        [0, 0, 1_500_000, 2_000_000, 2_000_000, 0],
    )
    service_savings: list[Saving] = _amounts(
        "Savings under the service ceiling",
        "Lower spending on municipal services (negative: extra service spending).",
        [0, 400_000, 1_200_000, 1_500_000, 1_500_000, 1_400_000],
    )
    transfer_savings: list[Saving] = _amounts(
        "Savings on income transfers",
        "The municipality's lower spending on income transfers, which lie outside the service "
        "ceiling (negative: extra transfers).",
        [0, 300_000, 700_000, 900_000, 900_000, 800_000],
    )
    currency: str = field(
        "DKK", label="Currency", help="Label shown with amounts.", min_length=1, max_length=8
    )

    def cross_checks(self) -> list[Problem]:
        """Every non-empty list covers the same years; at least one list is non-empty."""
        lengths = {name: len(getattr(self, name)) for name in BUDGET_COLUMNS}
        n = max(lengths.values())
        if n == 0:
            return [
                Problem(
                    "intervention_costs",
                    [],
                    "at least one year of amounts in one of the lists",
                    "Intervention costs",
                )
            ]
        longest = next(name for name in BUDGET_COLUMNS if lengths[name] == n)
        return [
            Problem(
                name,
                f"{length} amounts",
                f"one amount for each of the {n} years of {longest} (use 0 for a year without "
                "an amount), or empty",
                BudgetInputs.model_fields[name].title or name,
            )
            for name, length in lengths.items()
            if 0 < length < n
        ]

    def arrays(self) -> dict[str, np.ndarray]:
        """The five lists as arrays of equal length (empty lists become zeros)."""
        n = max(len(getattr(self, name)) for name in BUDGET_COLUMNS)
        out: dict[str, np.ndarray] = {}
        for name in BUDGET_COLUMNS:
            values = np.zeros(n)
            given = getattr(self, name)
            values[: len(given)] = given
            out[name] = values
        return out
