"""Outcome-risk simulation of a contract (calculator ``risk``; Danish: *risikosimulering*).

The payment model (:mod:`portal_tools.calculators.payment`) settles a contract at its *expected*
rates. Real cohorts do better or worse. This model draws many possible worlds ("paths"), settles
the contract in each with the payment model's own rules (triggers, outcome caps, the overall cap
and the return cap all apply path by path) and reports the spread of what the investor and the
commissioner end up with.

Semantics
---------

1. **Uncertain rate.** Outcome ``o`` with expected rate ``p`` and spread ``s`` (the standard
   deviation of the rate across worlds) has a beta-distributed true rate with mean ``p`` and
   standard deviation ``s``: ``Beta(p k, (1 - p) k)`` with ``k = p (1 - p) / s**2 - 1``. This
   requires ``s**2 < p (1 - p)``. A spread of 0 fixes the rate at ``p``.
2. **Common shock** (``correlation`` ``rho``): each rate is driven by the latent normal
   ``sqrt(rho) Z + sqrt(1 - rho) e_o`` (``Z`` shared by all outcomes of a path, ``e_o`` own), mapped
   to the beta rate through its quantile function (a Gaussian copula). ``rho = 1`` moves every
   outcome up and down together, ``rho = 0`` independently.
3. **Finite cohort** (``cohort_noise``): with ``n`` participants, the achieved count is
   ``Binomial(n, true rate)``, so the achieved rate is ``count / n``. Off: the achieved rate is
   the true rate. Where the count's variance ``v = n p (1 - p)`` is at least
   :data:`NORMAL_COUNT_MIN_VARIANCE` the count is drawn from a skew-corrected normal
   approximation (:func:`cohort_counts`; its distribution function is within about ``7e-4`` of
   the binomial's, below the sampling noise of the default 20 000 paths); elsewhere exactly.
4. **Settlement.** The payment model's rules with the achieved rates, in chunks of :data:`CHUNK`
   paths: :func:`portal_tools.calculators.payment.settle_years_first`, which applies the same
   triggers and caps as :func:`portal_tools.calculators.payment.settle` (equal up to rounding,
   about ``1e-15`` relative; a property test checks this) but keeps only yearly totals. With every
   spread 0 and cohort noise off, every path equals the deterministic payment result.
5. **Measures per path.** Total outcome payments; investor cash flow ``payments(t) - costs(t)``,
   its cumulative position, its IRR (:func:`irr_paths`; none where no rate exists) and money
   multiple ``payments / costs``; the investor loses when total payments are below total costs.
   With values: the commissioner *overpays* when the present value of payments exceeds the
   present value of the achievements' value.
6. **Percentiles** are empirical: the value of the path at that rank (``inverted_cdf``). A path
   without an IRR in which the investor loses ranks below every rate (the loss is too deep for any
   rate), so a low IRR percentile can be *none*.

Random numbers come from ``numpy.random.default_rng(seed)`` in a fixed order, so a seed always
gives the same result.

Parts: :mod:`.inputs` (the payment scenario with the spread of each outcome's rate and the
simulation's size and seed), :mod:`.engine` (the beta quantiles, the drawn rates and counts,
and :func:`simulate`, which settles the contract on every path), :mod:`.report` (percentiles,
tables, metrics, notes and :func:`compute`) and :mod:`.charts` (the fan chart of the investor's
position and the IRR histogram).
Every public name of the former single module is importable from the package as before.
"""

from __future__ import annotations

from portal_tools.calculator import Calculator
from portal_tools.calculators.risk.charts import charts
from portal_tools.calculators.risk.engine import (
    CHUNK,
    NORMAL_COUNT_MIN_VARIANCE,
    PathResults,
    beta_quantile_table,
    cohort_counts,
    draw_rates,
    interp_z_grid,
    irr_paths,
    simulate,
)
from portal_tools.calculators.risk.engine import NORMAL_SHAPE_MIN as NORMAL_SHAPE_MIN
from portal_tools.calculators.risk.engine import Z_GRID as Z_GRID
from portal_tools.calculators.risk.engine import Progress as Progress
from portal_tools.calculators.risk.inputs import F64 as F64
from portal_tools.calculators.risk.inputs import MAX_PATHS as MAX_PATHS
from portal_tools.calculators.risk.inputs import MIN_SPREAD as MIN_SPREAD
from portal_tools.calculators.risk.inputs import SLOW_CELLS as SLOW_CELLS
from portal_tools.calculators.risk.inputs import RiskInputs, SpreadInputs
from portal_tools.calculators.risk.report import METRICS as METRICS
from portal_tools.calculators.risk.report import PERCENTILES, compute

__all__ = [
    "CALCULATOR",
    "CHUNK",
    "NORMAL_COUNT_MIN_VARIANCE",
    "PERCENTILES",
    "PathResults",
    "RiskInputs",
    "SpreadInputs",
    "beta_quantile_table",
    "charts",
    "cohort_counts",
    "compute",
    "draw_rates",
    "interp_z_grid",
    "irr_paths",
    "simulate",
]

_Z_GRID = Z_GRID
"""The former private name of :data:`Z_GRID`, still used by the tests and benchmarks."""


CALCULATOR = Calculator(
    name="risk",
    title="Outcome-risk simulation",
    summary="Simulates uncertain outcome rates in a payment scenario: percentiles of "
    "payments, investor IRR and money multiple, and the chance of a loss.",
    inputs=RiskInputs,
    compute=compute,
    page="tools/risk",
    headline="prob_investor_loss",
    charts=charts,
    compute_with_progress=compute,
    slow=lambda inputs: (
        inputs.paths * len(inputs.payment.outcomes) * inputs.payment.years > SLOW_CELLS
    ),
)
