"""What the budget calculator reports: the summary of a Budget Act view, its metrics and notes,
and :func:`compute`, which runs the engine on the inputs and assembles the result."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from portal_tools.calculators.budget.engine import OUTSIDE_SERVICE, budget_table, burden_years
from portal_tools.calculators.budget.inputs import BudgetInputs
from portal_tools.results import Metric, Result, format_value


def budget_summary(table: pd.DataFrame) -> dict[str, object]:
    """Summary values of a :func:`budget_table`; no service-ceiling figure nets one year
    against another (see :mod:`portal_tools.calculators.budget`)."""
    burden = table["service_ceiling_burden"].to_numpy(dtype=float)
    room = table["service_ceiling_room"].to_numpy(dtype=float)
    return {
        "service_ceiling_effect_by_year": [float(v) for v in table["service_ceiling_effect"]],
        "total_budget_effect_by_year": [float(v) for v in table["total_budget_effect"]],
        "years_burdening_service_ceiling": burden_years(table),
        "service_ceiling_burden_by_year": [float(v) for v in burden],
        "service_ceiling_burden_total": float(burden.sum()),
        "service_ceiling_room_total": float(room.sum()),
        "largest_yearly_burden": float(burden.max()),
        "cumulative_total_budget_effect": float(table["total_budget_effect"].sum()),
        **{f"{k}_total": float(table[k].sum()) for k in OUTSIDE_SERVICE if k in table},
    }


METRICS = {
    "service_ceiling_effect_by_year": Metric("Service-ceiling effect by year", "money"),
    "total_budget_effect_by_year": Metric("Total budget effect by year", "money"),
    "years_burdening_service_ceiling": Metric("Years that burden the service ceiling", "year"),
    "service_ceiling_burden_by_year": Metric("Burden on the service ceiling by year", "money"),
    "service_ceiling_burden_total": Metric(
        "Burden on the service ceiling, burdened years added",
        "money",
        "room to be found in each burdened year; room in other years does not offset it",
    ),
    "service_ceiling_room_total": Metric(
        "Room freed under the service ceiling, freeing years added", "money"
    ),
    "largest_yearly_burden": Metric("Largest burden on the ceiling in one year", "money"),
    "cumulative_total_budget_effect": Metric(
        "Total budget effect, all years", "money", "nominal sum, transfers included"
    ),
    "transfer_savings_total": Metric("Transfer savings (outside the ceiling), all years", "money"),
    "construction_savings_total": Metric(
        "Savings under the construction ceiling (anlægsloftet), all years", "money"
    ),
    "other_savings_total": Metric("Savings outside any ceiling, all years", "money"),
}

OUTSIDE_WORDS = {
    "transfer_savings": "income transfers",
    "construction_savings": "construction (under the construction ceiling)",
    "other_savings": "spending outside any ceiling",
}


def _and(words: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(words)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def notes_for(table: pd.DataFrame, currency: str = "DKK") -> list[str]:
    """Plain-language readings of a budget view; nothing nets one year's ceiling against
    another's."""
    notes: list[str] = []
    years = burden_years(table)
    if years:
        notes.append(
            "The programme burdens the service ceiling in year(s) "
            + ", ".join(map(str, years))
            + ": room for other services must be found in those budgets."
        )
    burden = float(table["service_ceiling_burden"].sum())
    gain = float(table["total_budget_effect"].sum())
    if burden > 0 and gain > 0:
        whole, found = (format_value(v, "money", currency) for v in (gain, burden))
        kinds = [k for k in OUTSIDE_SERVICE if k in table and float(table[k].abs().sum()) > 0]
        outside = (
            "transfer savings included, yet transfer savings free no"
            if kinds in ([], ["transfer_savings"])
            else "savings on " + _and(OUTSIDE_WORDS[k] for k in kinds) + " included, yet "
            "none of them frees"
        )
        notes.append(
            f"The municipality's budget as a whole gains {whole} over {len(table)} years, "
            f"{outside} room under the service ceiling: the burden of {found} must still be "
            "found in the burdened years' budgets."
        )
    if burden > 0 and float(table["service_ceiling_room"].sum()) > 0:
        notes.append(
            "Room freed under the ceiling in other years does not pay for these burdens: each "
            "year's budget must keep within that year's ceiling."
        )
    return notes


def compute(inputs: BudgetInputs) -> Result:
    """The yearly service-ceiling and total budget effects, the burden and room year by year
    (see :mod:`portal_tools.calculators.budget`)."""
    a = inputs.arrays()
    table = budget_table(**a)
    return Result(
        "budget",
        budget_summary(table),
        {"yearly": table},
        METRICS,
        notes_for(table, inputs.currency),
        inputs.currency,
    )
