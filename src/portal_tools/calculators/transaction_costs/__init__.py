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

Parts: :mod:`.inputs` (the cost items, the programme and the routes, with the limits and the
default preset, read on first use), :mod:`.engine` (each item's and each route's costs and the
size at the threshold), :mod:`.report` (the readings, metrics, tables and :func:`compute`) and
:mod:`.charts` (the costs by phase and side, and the share against programme size).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.transaction_costs.charts import CHART_LABELS as CHART_LABELS
from portal_tools.calculators.transaction_costs.charts import charts as charts
from portal_tools.calculators.transaction_costs.engine import (
    ItemCost,
    RouteCosts,
    ThresholdSize,
    basis_multiplier,
    item_cash_and_staff,
    item_costs,
    item_scaling_parts,
    route_costs,
    share_at_size,
    threshold_size,
)
from portal_tools.calculators.transaction_costs.engine import ThresholdStatus as ThresholdStatus
from portal_tools.calculators.transaction_costs.inputs import (
    BASES,
    PHASES,
    ROUTES,
    SIDES,
    CostItem,
    TransactionCostInputs,
)
from portal_tools.calculators.transaction_costs.inputs import DEFAULT_PRESET as DEFAULT_PRESET
from portal_tools.calculators.transaction_costs.inputs import LIMIT_FACTOR as LIMIT_FACTOR
from portal_tools.calculators.transaction_costs.inputs import MAX_AMOUNT as MAX_AMOUNT
from portal_tools.calculators.transaction_costs.inputs import MAX_COHORT as MAX_COHORT
from portal_tools.calculators.transaction_costs.inputs import MAX_DELIVERY_COST as MAX_DELIVERY_COST
from portal_tools.calculators.transaction_costs.inputs import (
    MAX_THRESHOLD_DELIVERY_COST as MAX_THRESHOLD_DELIVERY_COST,
)
from portal_tools.calculators.transaction_costs.inputs import (
    MAX_THRESHOLD_PARTICIPANTS as MAX_THRESHOLD_PARTICIPANTS,
)
from portal_tools.calculators.transaction_costs.inputs import PHASE_LABELS as PHASE_LABELS
from portal_tools.calculators.transaction_costs.inputs import ROUTE_LABELS as ROUTE_LABELS
from portal_tools.calculators.transaction_costs.inputs import SIDE_LABELS as SIDE_LABELS
from portal_tools.calculators.transaction_costs.inputs import Basis as Basis
from portal_tools.calculators.transaction_costs.inputs import Phase as Phase
from portal_tools.calculators.transaction_costs.inputs import Route as Route
from portal_tools.calculators.transaction_costs.inputs import Side as Side
from portal_tools.calculators.transaction_costs.report import BASELINE_ROUTE as BASELINE_ROUTE
from portal_tools.calculators.transaction_costs.report import METRICS as METRICS
from portal_tools.calculators.transaction_costs.report import SCALE_MULTIPLIERS as SCALE_MULTIPLIERS
from portal_tools.calculators.transaction_costs.report import compute, reading

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
