"""The budget calculator's engine: the yearly Budget Act view as a table (see
:mod:`portal_tools.calculators.budget` for the model); the programme model uses it too."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

TOLERANCE = 0.005
"""Amounts within half an øre of zero count as zero when marking burdened years."""

OUTSIDE_SERVICE = ("transfer_savings", "construction_savings", "other_savings")
"""Savings columns outside the service ceiling: income transfers, the construction ceiling
(*anlægsloftet*) and outside any ceiling."""


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


def burden_years(table: pd.DataFrame) -> list[int]:
    """Year numbers in which the programme burdens the service ceiling."""
    return [int(y) for y in table.loc[table["burdens_service_ceiling"], "year"]]
