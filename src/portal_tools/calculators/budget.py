"""The municipality's Budget Act view of a programme (calculator ``budget``).

Danish municipalities budget under an expenditure ceiling on service spending (*serviceramme*);
income transfers are outside it. The Danish practitioner toolkit's budgeting note
(socialeinvesteringer.nu, "Kommunernes indbudgettering af investeringer") sets out the mechanics
this model follows:

- investor capital channelled through the municipality is booked as a conditional grant
  (*betinget tilskud*), i.e. operating income under the service ceiling, so together with the
  matching extra costs its net effect on the ceiling is neutral;
- repayments to the investor (the outcome payments) burden the service ceiling;
- savings on services free room under the ceiling; savings on income transfers do not.

Semantics (one amount per year for each input, year 1 first; an empty list means 0 every year)
-------------------------------------------------------------------------------------------------

``service_ceiling_effect(t) = capital_received(t) - intervention_costs(t) - outcome_payments(t)
+ service_savings(t)``; ``total_budget_effect(t) = service_ceiling_effect(t) +
transfer_savings(t)``. A year *burdens the service ceiling* when its service-ceiling effect is
below zero (by more than half an øre). The view is nominal (budgets are set in current kroner),
with no discounting.

**The ceiling binds year by year.** Each year's budget must keep within that year's ceiling, and
room freed in one year does not pay for a burden in another. So no figure of the service
ceiling nets one year against another: the summary gives the burden in each year,
``burden(t) = max(0, -service_ceiling_effect(t))``, and its sum over the burdened years
(``service_ceiling_burden_total``: the room that must be found, year by year, in other services),
next to the room freed, ``room(t) = max(0, service_ceiling_effect(t))``, and its sum
(``service_ceiling_room_total``). "+1 m room in year 1, 1 m burden in year 2" is a burden of
1 m (in year 2) and room of 1 m (in year 1), not 0. The *total* budget effect (transfers
included, outside the ceiling) is summed over the years as a nominal total
(``cumulative_total_budget_effect``).

Public API: :class:`BudgetInputs`, :func:`budget_table` (the yearly view from five arrays, used
by the programme model), :func:`burden_years`, :func:`budget_summary`, :func:`compute`,
:func:`ceiling_chart`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from pydantic import Field

from portal_tools.calculator import Calculator
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field
from portal_tools.results import Metric, Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "BUDGET_COLUMNS",
    "CALCULATOR",
    "OUTSIDE_SERVICE",
    "BudgetInputs",
    "budget_summary",
    "budget_table",
    "burden_years",
    "ceiling_chart",
    "charts",
    "compute",
]

MAX_YEARS = 30
MAX_AMOUNT = 1e12
TOLERANCE = 0.005
"""Amounts within half an øre of zero count as zero when marking burdened years."""

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


def budget_table(
    capital_received: ArrayLike,
    intervention_costs: ArrayLike,
    outcome_payments: ArrayLike,
    service_savings: ArrayLike,
    transfer_savings: ArrayLike,
    construction_savings: ArrayLike | None = None,
    other_savings: ArrayLike | None = None,
) -> pd.DataFrame:
    """The yearly Budget Act view.

    ``service_ceiling_effect = capital_received - intervention_costs - outcome_payments +
    service_savings``; ``service_ceiling_burden = max(0, -service_ceiling_effect)`` and
    ``service_ceiling_room = max(0, service_ceiling_effect)`` (each year on its own);
    ``total_budget_effect = service_ceiling_effect + transfer_savings + construction_savings +
    other_savings``, also cumulated; ``burdens_service_ceiling`` marks years with a
    service-ceiling effect below ``-TOLERANCE``. Savings under the construction ceiling
    (*anlægsloftet*) and outside any ceiling get their own columns when given (the programme
    model gives them), so none of them is shown as a saving on income transfers.
    """
    cols = {
        "capital_received": np.asarray(capital_received, dtype=float),
        "intervention_costs": np.asarray(intervention_costs, dtype=float),
        "outcome_payments": np.asarray(outcome_payments, dtype=float),
        "service_savings": np.asarray(service_savings, dtype=float),
        "transfer_savings": np.asarray(transfer_savings, dtype=float),
    }
    for name, values in (
        ("construction_savings", construction_savings),
        ("other_savings", other_savings),
    ):
        if values is not None:
            cols[name] = np.asarray(values, dtype=float)
    service = (
        cols["capital_received"]
        - cols["intervention_costs"]
        - cols["outcome_payments"]
        + cols["service_savings"]
    )
    total = service + sum(cols[k] for k in OUTSIDE_SERVICE if k in cols)
    return pd.DataFrame(
        {
            "year": np.arange(1, service.size + 1),
            **cols,
            "service_ceiling_effect": service,
            "service_ceiling_burden": np.where(service < -TOLERANCE, -service, 0.0),
            "service_ceiling_room": np.where(service > TOLERANCE, service, 0.0),
            "total_budget_effect": total,
            "cumulative_total_budget_effect": np.cumsum(total),
            "burdens_service_ceiling": service < -TOLERANCE,
        }
    )


OUTSIDE_SERVICE = ("transfer_savings", "construction_savings", "other_savings")
"""Savings columns outside the service ceiling: income transfers, the construction ceiling
(*anlægsloftet*) and outside any ceiling."""


def burden_years(table: pd.DataFrame) -> list[int]:
    """Year numbers in which the programme burdens the service ceiling."""
    return [int(y) for y in table.loc[table["burdens_service_ceiling"], "year"]]


def budget_summary(table: pd.DataFrame) -> dict[str, object]:
    """Summary values of a :func:`budget_table`; no service-ceiling figure nets one year
    against another (see the module docstring)."""
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
    (see the module)."""
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


def ceiling_chart(table: pd.DataFrame, currency: str = "DKK", title: str = "") -> Figure:
    """Bars of the yearly service-ceiling effect (years that burden the ceiling hatched in
    orange-red and labelled) with the yearly total budget effect (transfers included) as a
    line; nothing is cumulated, because the ceiling binds year by year."""
    fig = new_figure()
    ax = fig.add_subplot()
    years = table["year"].to_numpy()
    service = table["service_ceiling_effect"].to_numpy(dtype=float)
    burden = table["burdens_service_ceiling"].to_numpy(dtype=bool)
    ax.bar(years[~burden], service[~burden], color=PALETTE[2], label="Frees room (or neutral)")
    ax.bar(
        years[burden],
        service[burden],
        color=PALETTE[3],
        hatch="//",
        edgecolor="white",
        label="Burdens the service ceiling",
    )
    ax.plot(
        years,
        table["total_budget_effect"],
        color=PALETTE[0],
        marker="o",
        linewidth=2,
        label="Whole budget, transfers included",
    )
    for y, v in zip(years[burden], service[burden], strict=True):
        ax.annotate(
            "burden",
            (y, v),
            xytext=(0, -12),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color=PALETTE[3],
        )
    year_axes(ax, years, currency, title or "Effect on the municipality's service ceiling")
    return fig


def ceiling_alt(table: pd.DataFrame, currency: str) -> str:
    """Alternative text for :func:`ceiling_chart`."""
    years = burden_years(table)
    burden = (
        "Years that burden the ceiling (hatched bars): " + ", ".join(map(str, years)) + "."
        if years
        else "No year burdens the ceiling."
    )
    total = format_value(float(table["service_ceiling_burden"].sum()), "money", currency)
    return (
        f"Bar chart of the municipality's service-ceiling effect in each of {len(table)} years, "
        f"with a line for the whole budget's effect in each year, transfers included. {burden} "
        f"Burden in those years together: {total}."
    )


def charts(result: Result) -> list[Chart]:
    """The service-ceiling chart."""
    table = result.tables["yearly"]
    return [Chart(ceiling_chart(table, result.currency), ceiling_alt(table, result.currency))]


CALCULATOR = Calculator(
    name="budget",
    title="Budget Act view for the municipality",
    summary="Yearly effect of a programme on the municipality's service ceiling and total "
    "budget, the years that burden the ceiling and the burden to be found in each.",
    inputs=BudgetInputs,
    compute=compute,
    page="tools/programme",
    headline="service_ceiling_burden_total",
    charts=charts,
)
