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

Parts: :mod:`.inputs` (the input model), :mod:`.engine` (the yearly table), :mod:`.report`
(summary, metrics, notes and :func:`compute`) and :mod:`.charts` (the ceiling chart).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.budget.charts import ceiling_alt as ceiling_alt
from portal_tools.calculators.budget.charts import ceiling_chart, charts
from portal_tools.calculators.budget.engine import OUTSIDE_SERVICE, budget_table, burden_years
from portal_tools.calculators.budget.engine import TOLERANCE as TOLERANCE
from portal_tools.calculators.budget.inputs import BUDGET_COLUMNS, BudgetInputs
from portal_tools.calculators.budget.inputs import MAX_AMOUNT as MAX_AMOUNT
from portal_tools.calculators.budget.inputs import MAX_YEARS as MAX_YEARS
from portal_tools.calculators.budget.inputs import Amount as Amount
from portal_tools.calculators.budget.inputs import Saving as Saving
from portal_tools.calculators.budget.report import METRICS as METRICS
from portal_tools.calculators.budget.report import OUTSIDE_WORDS as OUTSIDE_WORDS
from portal_tools.calculators.budget.report import budget_summary, compute
from portal_tools.calculators.budget.report import notes_for as notes_for

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
