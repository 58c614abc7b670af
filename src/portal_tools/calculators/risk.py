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
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from portal_tools import cashflow
from portal_tools.calculator import Calculator
from portal_tools.calculators import payment
from portal_tools.calculators.payment import ContractArrays, PaymentInputs
from portal_tools.charts import PALETTE, Chart, new_figure, year_axes
from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field
from portal_tools.results import Metric, Result, format_value

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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

F64 = NDArray[np.float64]
CHUNK = 4096
"""Paths drawn and settled at a time (keeps every array small enough for the processor's cache).
The random numbers are drawn chunk by chunk, so changing it changes the draws of a seed."""
PERCENTILES = (5, 25, 50, 75, 95)
MAX_PATHS = 500_000
SLOW_CELLS = 2_000_000
"""Above this many path-outcome-years (paths x outcomes x years) a run can take over a second on
a slow machine; the form then shows progress."""
_Z_GRID = np.linspace(-8.5, 8.5, 1025)
_U_GRID = 0.5 * (1.0 + np.array([math.erf(z / math.sqrt(2)) for z in _Z_GRID]))
"""``Phi(z)`` at every point of ``_Z_GRID`` (the normal CDF), computed once."""
_X_POINTS = 2049
Progress = Callable[[float], None]


MIN_SPREAD = 1e-4
"""Smallest meaningful non-zero spread: 0.01 percentage points, far below what any percentile
shown can resolve (a smaller one breaks the beta quantiles)."""


class SpreadInputs(Inputs):
    """How uncertain one outcome's rate is."""

    spread: float = field(
        0.1,
        label="Spread",
        help="Standard deviation of the outcome's true rate across possible worlds (0.1 = "
        "plus or minus 10 percentage points is a typical deviation). Must be below "
        "sqrt(rate x (1 - rate)).",
        unit="share of cohort",
        ge=0,
        le=0.5,
        smallest=MIN_SPREAD,
        step=0.01,
        assumption=True,
    )


def _default_uncertainty() -> dict[str, SpreadInputs]:
    return {
        "Started job or education": SpreadInputs(spread=0.1),
        "Lasting job or education": SpreadInputs(spread=0.095),
    }


class RiskInputs(Inputs):
    """A payment scenario plus the uncertainty of its outcome rates."""

    payment: PaymentInputs = field(
        default_factory=PaymentInputs,
        label="Payment scenario",
        help="The contract (the inputs of the payment calculator): cohort, delivery costs, rate "
        "card with expected rates, caps and triggers.",
    )
    uncertainty: dict[str, SpreadInputs] = field(
        default_factory=_default_uncertainty,
        label="Uncertainty by outcome",
        help="Outcome name: {spread: standard deviation of its rate}. Outcomes not listed keep "
        "their expected rate (no spread).",
    )
    correlation: float = field(
        0.5,
        label="Correlation",
        help="How strongly the outcomes move together (a common shock): 0 independent, 1 fully "
        "together.",
        unit="0-1",
        ge=0,
        le=1,
        step=0.05,
        assumption=True,
    )
    cohort_noise: bool = field(
        True,
        label="Finite-cohort noise",
        help="Draw each achieved count from a binomial distribution around the true rate (a "
        "cohort of 120 is small); off uses the true rate itself.",
    )
    paths: int = field(
        20_000,
        label="Paths",
        help="Number of simulated worlds; more paths give steadier percentiles.",
        unit="paths",
        ge=100,
        le=MAX_PATHS,
    )
    seed: int = field(
        2026,
        label="Seed",
        help="Starts the random number generator; the same seed always gives the same result.",
        ge=0,
        le=2**32 - 1,
    )

    def cross_checks(self) -> list[Problem]:
        """The payment scenario's own rules; every uncertain outcome exists and its spread fits
        its expected rate (``spread**2 < rate (1 - rate)``)."""
        problems = [
            Problem(f"payment.{p.path}", p.value, p.allowed, p.label)
            for p in self.payment.cross_checks()
        ]
        rates = {o.name: o.rate for o in self.payment.outcomes}
        for name, spec in self.uncertainty.items():
            if name not in rates:
                problems.append(
                    Problem(
                        f"uncertainty.{name}",
                        name,
                        "an outcome name of the rate card: " + ", ".join(map(repr, rates)),
                        "Uncertainty by outcome",
                    )
                )
                continue
            p = rates[name]
            limit = math.sqrt(p * (1 - p))
            if spec.spread > 0 and spec.spread >= limit:
                problems.append(
                    Problem(
                        f"uncertainty.{name}.spread",
                        spec.spread,
                        f"a spread below sqrt(rate x (1 - rate)) = {limit:.4f} for the expected "
                        f"rate {p:g} (0 for no uncertainty)",
                        "Spread",
                    )
                )
        return problems

    def spreads(self) -> F64:
        """(O,) spread of each outcome of the rate card, 0 where none is given."""
        return np.array(
            [
                self.uncertainty[o.name].spread if o.name in self.uncertainty else 0.0
                for o in self.payment.outcomes
            ]
        )


# --- Beta quantiles without SciPy -------------------------------------------------------------


def _betacf(a: float, b: float, x: F64) -> F64:
    """Continued fraction of the incomplete beta function (modified Lentz), vectorised in x."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    d = 1.0 - qab * x / qap
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, 2000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + aa / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h *= delta
        if np.all(np.abs(delta - 1.0) < 1e-14):
            break
    return np.asarray(h)


def _beta_cdf(a: float, b: float, x: F64) -> F64:
    """Regularised incomplete beta ``I_x(a, b)`` for ``0 < x < 1`` (Numerical Recipes 6.4)."""
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * np.log(x) + b * np.log1p(-x)
    )
    front = np.exp(log_front)
    lower = x < (a + 1.0) / (a + b + 2.0)
    out = np.empty_like(x)
    if lower.any():
        out[lower] = front[lower] * _betacf(a, b, x[lower]) / a
    if (~lower).any():
        out[~lower] = 1.0 - front[~lower] * _betacf(b, a, 1.0 - x[~lower]) / b
    return np.asarray(np.clip(out, 0.0, 1.0))


NORMAL_SHAPE_MIN = 1e6
"""Beta shapes from which :func:`beta_quantile_table` uses the skew-corrected normal quantile
(a spread so small against the rate that the beta distribution is normal to within 4e-6)."""


def beta_quantile_table(mean: float, spread: float) -> F64:
    """Rates at the normal quantiles ``_Z_GRID``: ``F^-1(Phi(z))`` for the beta distribution with
    this mean and standard deviation (a constant ``mean`` when ``spread`` is 0). Requires
    ``spread**2 < mean (1 - mean)`` (checked with the inputs).

    The beta CDF is evaluated on a grid dense near the distribution's ends and inverted by linear
    interpolation; :func:`draw_rates` interpolates this table at the latent normals. Where both
    shapes ``a = mean k`` and ``b = (1 - mean) k`` (``k = mean (1 - mean) / spread**2 - 1``) are
    at least :data:`NORMAL_SHAPE_MIN`, the quantile is ``mean + spread (z + g (z**2 - 1) / 6)``
    with the beta's skewness ``g = 2 (1 - 2 mean) spread / (mean (1 - mean) + spread**2)``; every
    step avoids squaring or dividing by a vanishing spread, so any valid input gives a finite
    table in 0-1.
    """
    if spread <= 0 or not 0 < mean < 1:
        return np.full(_Z_GRID.size, mean)
    # k = mean (1 - mean) / spread**2 - 1, computed without squaring a tiny spread
    ratio = (spread / math.sqrt(mean * (1 - mean))) ** 2
    with np.errstate(over="ignore"):
        k = 1.0 / ratio - 1.0 if ratio > 0 else math.inf
    a, b = mean * k, (1 - mean) * k
    if not (a > 0 and b > 0):
        # a shape parameter below the smallest float: the limit is mass 1 - mean at 0 and
        # mean at 1 (for these inputs the mean is itself of that size)
        return np.where(1 - mean < _U_GRID, 1.0, 0.0)
    if min(a, b) >= NORMAL_SHAPE_MIN:
        # nearly normal: the quantile with the Cornish-Fisher skewness term (error of order
        # skewness**2, below 4e-6 of the spread here); no continued fraction with huge shapes
        skew = 2 * (1 - 2 * mean) * spread / (mean * (1 - mean) + spread**2)
        z = _Z_GRID
        return np.asarray(np.clip(mean + spread * (z + skew * (z * z - 1) / 6), 0.0, 1.0))
    lo, hi = max(0.0, mean - 14 * spread), min(1.0, mean + 14 * spread)
    theta = np.linspace(0.0, math.pi, _X_POINTS)
    x = lo + (hi - lo) * (1 - np.cos(theta)) / 2
    inner = x[1:-1]
    cdf = np.concatenate([[0.0], _beta_cdf(a, b, inner), [1.0]])
    cdf = np.maximum.accumulate(cdf)
    return np.asarray(np.interp(_U_GRID, cdf, x))


def interp_z_grid(z: F64, tables: F64) -> F64:
    """``np.interp(z[:, o], _Z_GRID, tables[o])`` for every column ``o`` of ``z`` at once, bit for
    bit the same values (``tables`` is ``(O, len(_Z_GRID))``).

    ``_Z_GRID`` is uniform, so the interval ``z_j <= z < z_{j+1}`` is found by arithmetic (one
    correction step against the grid points) instead of a binary search. The value is NumPy's
    ``slope_j (z - z_j) + table_j`` with ``slope_j = (table_{j+1} - table_j) / (z_{j+1} - z_j)``;
    below the grid it is ``table_0``, at or above its end ``table_last``.
    """
    size = _Z_GRID.size
    n_out = tables.shape[0]
    pos = (z - _Z_GRID[0]) * ((size - 1) / (_Z_GRID[-1] - _Z_GRID[0]))
    np.clip(pos, 0, size - 2, out=pos)
    j = pos.astype(np.intp)
    j -= z < _Z_GRID[j]
    j += z >= _Z_GRID[j + 1]
    np.clip(j, 0, size - 2, out=j)
    slopes = np.diff(tables, axis=1) / np.diff(_Z_GRID)
    at = z - _Z_GRID[j]
    at *= slopes.ravel()[j + np.arange(n_out) * (size - 1)]
    at += tables.ravel()[j + np.arange(n_out) * size]
    low, high = z < _Z_GRID[0], z >= _Z_GRID[-1]
    if low.any() or high.any():
        at = np.where(low, tables[:, 0], np.where(high, tables[:, -1], at))
    return np.asarray(at)


def draw_rates(
    tables: F64, rng: np.random.Generator, n: int, correlation: float, spread_any: NDArray[np.bool_]
) -> F64:
    """(n, O) true rates: latent ``sqrt(rho) Z + sqrt(1 - rho) e_o`` mapped through each
    outcome's quantile table (``tables`` is ``(O, len(_Z_GRID))``; an outcome without spread
    has a constant table, so its rate is that constant)."""
    n_out = tables.shape[0]
    shocks = rng.standard_normal((n, n_out + 1))
    latent = math.sqrt(correlation) * shocks[:, :1] + math.sqrt(1 - correlation) * shocks[:, 1:]
    rates = interp_z_grid(latent, tables)
    rates[:, ~spread_any] = tables[~spread_any, 0]
    return rates


NORMAL_COUNT_MIN_VARIANCE = 20.0
"""Smallest count variance ``n p (1 - p)`` for which :func:`cohort_counts` uses the normal
approximation (its largest error in the distribution function is about ``0.0134 / v``, at
most 7e-4; computed against the exact binomial for rates from 0.005 to 0.5)."""


def cohort_counts(
    rng: np.random.Generator,
    n: int,
    rates: F64,
    parent: NDArray[np.intp] | None = None,
) -> F64:
    """Achieved counts for an array of true ``rates`` (``(paths, O)``): ``Binomial(n, rate)``,
    or for a nested outcome (``parent[o] >= 0``) ``Binomial(parent's count, rate)``, so a
    nested count never exceeds its parent's on any path (parents are drawn first).

    Where ``v = m p (1 - p) >= NORMAL_COUNT_MIN_VARIANCE`` (``m`` trials) the count is
    ``clip(floor(m p + sqrt(v) (z + g (z**2 - 1) / 6) + 1/2), 0, m)`` with ``z`` standard normal
    and skewness ``g = (1 - 2 p) / sqrt(v)``: the normal approximation with the Cornish-Fisher
    skewness term and the continuity correction (rounding). It is several times cheaper than an
    exact binomial draw; its distribution function differs from the binomial's by at most about
    ``0.0134 / v`` (3e-4 at ``m = 120, p = 0.3``). Elsewhere the draw is exact
    (``rng.binomial``). Random numbers: one normal per rate, then the exact draws in order, level
    by level of the nesting (without nesting, one level: all outcomes).
    """
    z = rng.standard_normal(rates.shape)
    if parent is None or not np.any(parent >= 0):
        return _counts(rng, float(n), rates, z)
    depth = np.zeros(parent.size, dtype=np.intp)
    for o in range(parent.size):
        p = parent[o]
        while p >= 0:
            depth[o] += 1
            p = parent[p]
    counts = np.empty_like(rates)
    for level in range(int(depth.max()) + 1):
        cols = np.flatnonzero(depth == level)
        trials = float(n) if level == 0 else counts[:, parent[cols]]
        counts[:, cols] = _counts(rng, trials, rates[:, cols], z[:, cols])
    return counts


def _counts(rng: np.random.Generator, trials: float | F64, rates: F64, z: F64) -> F64:
    """:func:`cohort_counts` for one level: ``trials`` is the cohort or the parents' counts."""
    variance = trials * rates * (1.0 - rates)
    sd = np.sqrt(variance)
    # where the variance is 0 the skewness is infinite and the value nan: drawn exactly below
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = (1.0 - 2.0 * rates) / sd
        shift = z * z
        shift -= 1.0
        shift *= skew / 6.0
        shift += z
        shift *= sd
    shift += trials * rates + 0.5
    counts = np.floor(shift, out=shift)
    np.clip(counts, 0, trials, out=counts)
    exact = ~(variance >= NORMAL_COUNT_MIN_VARIANCE)
    if exact.any():
        m = (
            np.broadcast_to(trials, rates.shape)[exact]
            if isinstance(trials, np.ndarray)
            else trials
        )
        counts[exact] = rng.binomial(np.asarray(m, dtype=np.int64), rates[exact])
    return counts


# --- Investor IRR per path ------------------------------------------------------------------


def irr_paths(flows: ArrayLike) -> F64:
    """Investor IRR of every path (rows of ``flows``, contract years on the last axis) by the
    portal's rule, :func:`portal_tools.cashflow.irr_rows` (the same function the scalar
    :func:`portal_tools.cashflow.irr` calls with one row); ``nan`` where it is not defined.
    Callers turn ``nan`` into ``None``."""
    return cashflow.irr_rows(flows).rate


# --- Simulation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathResults:
    """Per-path measures of a simulation (``P`` paths, ``O`` outcomes, ``T`` years)."""

    rates: F64
    """(P, O) achieved rates."""
    total_payments: F64
    """(P,) total outcome payments after all rules."""
    uncapped_payments: F64
    """(P,) payments after triggers, before any cap."""
    cumulative: F64
    """(P, T) investor's cumulative nominal position at the end of each year."""
    irr: F64
    """(P,) investor IRR by the portal's rule, ``nan`` where it is not defined (never exported
    as such)."""
    irr_code: NDArray[np.int8]
    """(P,) the rule's status (:data:`portal_tools.cashflow.IRR_REASONS`; 0: defined)."""
    npv_at_hurdle: F64
    """(P,) NPV of the investor's flows at the hurdle rate (the contract's discount rate)."""
    mirr: F64
    """(P,) modified IRR at the hurdle rate, ``nan`` without outlays."""
    payments_pv: F64
    """(P,) present value of the payments (commissioner's discounting)."""
    value_pv: F64
    """(P,) present value of the achievements' value (0 without values)."""


def simulate(
    contract: ContractArrays,
    spreads: ArrayLike,
    correlation: float,
    cohort_noise: bool,
    paths: int,
    seed: int,
    progress: Progress | None = None,
) -> PathResults:
    """Draw ``paths`` worlds and settle the contract in each (see the module docstring).

    Works in chunks of :data:`CHUNK` paths; ``progress(fraction)`` is called after each chunk.
    """
    s = np.asarray(spreads, dtype=float)
    tables = np.stack(
        [
            beta_quantile_table(float(p), float(sd))
            for p, sd in zip(contract.conditional_rate, s, strict=True)
        ]
    )
    spread_any = s > 0
    rng = np.random.default_rng(seed)
    factors = cashflow.discount_factors(contract.years, contract.discount_rate)
    value_per_rate = contract.cohort * contract.value * (contract.profile @ factors)
    n_years = contract.years
    out_rates = np.empty((paths, contract.price.size))
    total = np.empty(paths)
    uncapped = np.empty(paths)
    cumulative = np.empty((paths, n_years))
    payments_pv = np.empty(paths)
    irr = np.empty(paths)
    irr_code = np.empty(paths, dtype=np.int8)
    npv_hurdle = np.empty(paths)
    mirr = np.empty(paths)
    for start in range(0, paths, CHUNK):
        n = min(CHUNK, paths - start)
        # true rates: shares of the cohort, or of the parent's achievers for nested outcomes
        rates = draw_rates(tables, rng, n, correlation, spread_any)
        if cohort_noise:
            cohort = int(contract.cohort)
            rates = cohort_counts(rng, cohort, rates, contract.parent) / contract.cohort
        else:
            rates = payment.absolute_rates(contract, rates)
        # yearly totals years first, (T, n): every per-year operation is a contiguous row
        yearly, triggered_totals = payment.settle_years_first(contract, rates)
        sl = slice(start, start + n)
        out_rates[sl] = rates
        total[sl] = yearly.sum(axis=0)
        # each outcome's timing profile sums to 1, so its uncapped total is achievements x price
        uncapped[sl] = triggered_totals.sum(axis=1)
        flows = yearly - contract.costs[:, None]
        cumulative[sl] = payment.cumsum_years_first(flows).T
        rule = cashflow.irr_years_first(flows)
        irr[sl], irr_code[sl] = rule.rate, rule.code
        npv_hurdle[sl] = factors @ flows
        mirr[sl] = cashflow.mirr_rows(flows.T, factors)
        payments_pv[sl] = np.einsum("t,tp->p", factors, yearly)
        if progress is not None:
            progress(min(1.0, (start + n) / paths))
    return PathResults(
        out_rates,
        total,
        uncapped,
        cumulative,
        irr,
        irr_code,
        npv_hurdle,
        mirr,
        payments_pv,
        np.einsum("po,o->p", out_rates, value_per_rate),
    )


# --- Result -----------------------------------------------------------------------------------


def _percentiles(values: F64) -> dict[str, float]:
    q = np.percentile(values, PERCENTILES, method="inverted_cdf")
    return {str(p): float(v) for p, v in zip(PERCENTILES, q, strict=True)}


def _optional_percentiles(values: F64 | None) -> dict[str, float | None] | None:
    """Percentiles of a measure that may not exist: ``None`` when it exists on no path (or
    ``values`` is ``None``); a percentile that is not finite shows as ``None``."""
    if values is None or not np.isfinite(values).any():
        return None
    q = np.percentile(
        np.where(np.isnan(values), -np.inf, values), PERCENTILES, method="inverted_cdf"
    )
    return {
        str(p): (float(v) if math.isfinite(v) else None)
        for p, v in zip(PERCENTILES, q, strict=True)
    }


def _irr_percentiles(irr: F64, net: F64) -> dict[str, float | None]:
    """Empirical IRR percentiles; paths without a rate rank below all (a loss) or above all."""
    key = np.where(np.isnan(irr), np.where(net < 0, -np.inf, np.inf), irr)
    q = np.percentile(key, PERCENTILES, method="inverted_cdf")
    return {
        str(p): (float(v) if math.isfinite(v) else None)
        for p, v in zip(PERCENTILES, q, strict=True)
    }


def _histogram(irr: F64, bins: int = 30) -> pd.DataFrame:
    """IRR histogram over the 1st-99th percentile range in about ``bins`` bars with an edge at 0;
    paths outside the range are counted in the end bars."""
    finite = irr[np.isfinite(irr)]
    columns = ["bin_start", "bin_end", "paths", "share", "loss_region"]
    if finite.size == 0:
        return pd.DataFrame({c: [] for c in columns})
    lo, hi = np.percentile(finite, [1, 99], method="inverted_cdf")
    if hi - lo < 1e-6:
        lo, hi = lo - 0.005, hi + 0.005
    width = (hi - lo) / bins
    # Zero is always a bin edge, so a bar is either wholly a loss or wholly a gain.
    start = math.floor(lo / width) * width
    edges = start + width * np.arange(math.ceil((hi - start) / width - 1e-9) + 1)
    counts, edges = np.histogram(np.clip(finite, edges[0], edges[-1]), bins=edges)
    return pd.DataFrame(
        {
            "bin_start": edges[:-1],
            "bin_end": edges[1:],
            "paths": counts.astype(int),
            "share": counts / irr.size,
            "loss_region": edges[1:] <= 0,
        }
    )


METRICS = {
    "paths": Metric("Simulated paths", "count"),
    "seed": Metric("Random seed", "number", "the same seed always gives the same result"),
    "mean_total_outcome_payments": Metric("Mean total outcome payments", "money"),
    "deterministic_total_outcome_payments": Metric(
        "Total payments at the expected rates", "money", "the payment calculator's result"
    ),
    "total_outcome_payments_percentiles": Metric("Total outcome payments, percentiles", "money"),
    "investor_irr_percentiles": Metric(
        "Investor IRR, percentiles",
        "rate",
        "by the portal's IRR rule on every path; a path without an IRR ranks below every rate "
        "when the investor loses money and above every rate otherwise",
    ),
    "deterministic_investor_irr": Metric("Investor IRR at the expected rates", "rate"),
    "deterministic_investor_irr_status": Metric(
        "Investor IRR status at the expected rates", "text"
    ),
    "investor_mirr_percentiles": Metric(
        "Investor modified IRR, percentiles", "rate", "at the discount rate used"
    ),
    "investor_npv_at_hurdle_percentiles": Metric(
        "Investor NPV at the hurdle rate, percentiles", "money", "at the discount rate used"
    ),
    "investor_moic_percentiles": Metric("Money multiple, percentiles", "ratio"),
    "prob_investor_loss": Metric(
        "Probability the investor loses money", "share", "total payments below total costs"
    ),
    "expected_loss_given_loss": Metric(
        "Expected loss, if a loss", "money", "mean of costs minus payments over losing paths"
    ),
    "share_paths_without_irr": Metric("Paths without an IRR", "share"),
    "paths_without_irr_by_reason": Metric(
        "Paths without an IRR, by reason",
        "share",
        "no_sign_change, financing, several_rates, no_rate (see the IRR rule)",
    ),
    "prob_caps_bind": Metric("Probability that a cap removes money", "share"),
    "prob_commissioner_overpays": Metric(
        "Probability the commissioner pays more than the value",
        "share",
        "PV of payments above PV of the value of achievements",
    ),
    "total_delivery_costs": Metric("Delivery costs (investor funds)", "money"),
}


def compute(inputs: RiskInputs, progress: Progress | None = None) -> Result:
    """Simulate ``inputs.paths`` worlds and summarise them.

    Summary keys: ``mean_total_outcome_payments``, ``total_outcome_payments_percentiles``,
    ``investor_irr_percentiles`` (values may be ``None``), ``investor_moic_percentiles`` (each
    ``"5"``, ``"25"``, ``"50"``, ``"75"``, ``"95"`` -> value), ``prob_investor_loss``,
    ``expected_loss_given_loss`` (``None`` without losing paths), ``prob_commissioner_overpays``
    (``None`` when no outcome has a value) and more (see ``METRICS``). Tables: ``percentiles``,
    ``fan`` (cumulative investor position by year), ``irr_histogram`` and ``outcomes``.
    """
    contract = payment.contract_arrays(inputs.payment)
    spreads = inputs.spreads()
    sim = simulate(
        contract,
        spreads,
        inputs.correlation,
        inputs.cohort_noise,
        inputs.paths,
        inputs.seed,
        progress,
    )
    deterministic = payment.compute(inputs.payment)
    costs = float(contract.costs.sum())
    net = sim.cumulative[:, -1]
    losing = net < 0
    moic = _money_multiples(sim.total_payments, costs)
    valued = bool(contract.valued.any())
    reasons = {
        reason: float(np.mean(sim.irr_code == code))
        for code, reason in enumerate(cashflow.IRR_REASONS)
        if code != cashflow.IRR_DEFINED
    }
    summary = {
        "paths": inputs.paths,
        "seed": inputs.seed,
        "mean_total_outcome_payments": float(sim.total_payments.mean()),
        "deterministic_total_outcome_payments": deterministic.summary["total_outcome_payments"],
        "total_outcome_payments_percentiles": _percentiles(sim.total_payments),
        "investor_irr_percentiles": _irr_percentiles(sim.irr, net),
        "deterministic_investor_irr": deterministic.summary["investor_irr"],
        "deterministic_investor_irr_status": deterministic.summary["investor_irr_status"],
        "investor_mirr_percentiles": _optional_percentiles(sim.mirr),
        "investor_npv_at_hurdle_percentiles": _percentiles(sim.npv_at_hurdle),
        "investor_moic_percentiles": _optional_percentiles(moic),
        "prob_investor_loss": float(losing.mean()),
        "expected_loss_given_loss": float(-net[losing].mean()) if losing.any() else None,
        "share_paths_without_irr": float(np.isnan(sim.irr).mean()),
        "paths_without_irr_by_reason": reasons,
        "prob_caps_bind": float((sim.uncapped_payments - sim.total_payments > 1e-6).mean()),
        "prob_commissioner_overpays": (
            float((sim.payments_pv > sim.value_pv).mean()) if valued else None
        ),
        "total_delivery_costs": costs,
    }
    tables = _tables(inputs, contract, sim, spreads, moic, deterministic)
    return Result(
        "risk", summary, tables, METRICS, _notes(summary, inputs), inputs.payment.currency
    )


def _money_multiples(total_payments: F64, costs: float) -> F64 | None:
    """Payments over delivery costs per path; ``None`` without costs or where the ratio is too
    large to represent (costs that vanish against the payments)."""
    if costs <= 0:
        return None
    with np.errstate(over="ignore"):
        moic = total_payments / costs
    return moic if bool(np.isfinite(moic).all()) else None


def _tables(
    inputs: RiskInputs,
    contract: ContractArrays,
    sim: PathResults,
    spreads: F64,
    moic: F64 | None,
    deterministic: Result,
) -> dict[str, pd.DataFrame]:
    net = sim.cumulative[:, -1]
    irr = _irr_percentiles(sim.irr, net)
    percentiles = pd.DataFrame(
        {
            "percentile": list(PERCENTILES),
            "total_outcome_payments": list(_percentiles(sim.total_payments).values()),
            "investor_net": list(_percentiles(net).values()),
            "investor_irr": pd.Series(list(irr.values()), dtype=object),
            "investor_moic": pd.Series(
                list(_percentiles(moic).values()) if moic is not None else [None] * 5,
                dtype=object,
            ),
            "investor_npv_at_hurdle": list(_percentiles(sim.npv_at_hurdle).values()),
        }
    )
    fan_q = np.percentile(sim.cumulative, PERCENTILES, axis=0, method="inverted_cdf")
    fan = pd.DataFrame(
        {
            "year": np.arange(1, contract.years + 1),
            **{f"p{p}": fan_q[i] for i, p in enumerate(PERCENTILES)},
            "mean": sim.cumulative.mean(axis=0),
            "expected_rates": deterministic.tables["yearly"]["investor_cumulative"].to_numpy(),
        }
    )
    rate_q = np.percentile(sim.rates, [5, 95], axis=0, method="inverted_cdf")
    outcomes = pd.DataFrame(
        {
            "outcome": list(contract.names),
            "builds_on": pd.Series(
                [payment.parent_name(o) for o in inputs.payment.outcomes], dtype=object
            ),
            "expected_rate": contract.rate,
            "conditional_rate": contract.conditional_rate,
            "spread": spreads,
            "mean_achieved_rate": sim.rates.mean(axis=0),
            "achieved_rate_p5": rate_q[0],
            "achieved_rate_p95": rate_q[1],
        }
    )
    return {
        "percentiles": percentiles,
        "fan": fan,
        "irr_histogram": _histogram(sim.irr),
        "outcomes": outcomes,
    }


def _notes(summary: dict[str, object], inputs: RiskInputs) -> list[str]:
    cur = inputs.payment.currency
    notes: list[str] = []
    loss = float(summary["prob_investor_loss"])  # type: ignore[arg-type]
    worlds = f"{loss * 100:.1f} %"
    if loss > 0:
        notes.append(
            f"In {worlds} of {inputs.paths:,} simulated worlds the investor gets back less than it "
            f"put in; when it loses, it loses "
            f"{format_value(summary['expected_loss_given_loss'], 'money', cur)} on average."
        )
    else:
        notes.append(f"In none of {inputs.paths:,} simulated worlds does the investor lose money.")
    irr = summary["investor_irr_percentiles"]
    assert isinstance(irr, dict)
    low, mid = irr["5"], irr["50"]
    notes.append(
        "One world in twenty ends with an investor IRR of "
        + (
            "none at all (a loss no rate describes)"
            if low is None
            else f"{low * 100:.1f} % or less"
        )
        + "; the middle world gives "
        + ("no IRR" if mid is None else f"{mid * 100:.1f} %")
        + "."
    )
    without = float(summary["share_paths_without_irr"])  # type: ignore[arg-type]
    if without > 0:
        by_reason = summary["paths_without_irr_by_reason"]
        assert isinstance(by_reason, dict)
        main = max(by_reason, key=lambda k: by_reason[k])
        notes.append(
            f"{without * 100:.1f} % of the worlds have no IRR (most often: "
            f"{cashflow.IRR_REASON_TEXT[main]}); their modified IRR and NPV at the discount rate "
            "are in the percentiles."
        )
    over = summary["prob_commissioner_overpays"]
    if over is not None:
        notes.append(
            f"The commissioner pays more than the (present) value of the outcomes in "
            f"{float(over) * 100:.1f} % of the worlds."  # type: ignore[arg-type]
        )
    if inputs.correlation >= 0.5 and len(inputs.payment.outcomes) > 1:
        notes.append(
            "With a high correlation the outcomes succeed or fail together, so diversifying "
            "over outcomes protects the investor little."
        )
    return notes


# --- Charts -----------------------------------------------------------------------------------


def _fan_chart(result: Result) -> Figure:
    fan = result.tables["fan"]
    fig = new_figure()
    ax = fig.add_subplot()
    years = fan["year"].to_numpy()
    ax.fill_between(years, fan["p5"], fan["p95"], color=PALETTE[5], alpha=0.35, label="5-95 %")
    ax.fill_between(years, fan["p25"], fan["p75"], color=PALETTE[0], alpha=0.45, label="25-75 %")
    ax.plot(years, fan["p50"], color=PALETTE[0], linewidth=2, label="Median world")
    ax.plot(
        years,
        fan["expected_rates"],
        color=PALETTE[1],
        linestyle="--",
        linewidth=1.5,
        label="At the expected rates",
    )
    year_axes(
        ax,
        years,
        result.currency,
        "Investor's cumulative position across simulated worlds",
        legend_size=9,
    )
    return fig


def _irr_chart(result: Result) -> Figure:
    hist = result.tables["irr_histogram"]
    fig = new_figure()
    ax = fig.add_subplot()
    if len(hist):
        start = hist["bin_start"].to_numpy() * 100
        width = (hist["bin_end"] - hist["bin_start"]).to_numpy() * 100
        colours = [PALETTE[3] if loss else PALETTE[0] for loss in hist["loss_region"]]
        ax.bar(start, hist["share"] * 100, width=width, align="edge", color=colours)
        if start[0] < 0:
            ax.axvspan(start[0], min(0.0, start[-1] + width[-1]), color=PALETTE[3], alpha=0.08)
            ax.axvline(0, color=PALETTE[3], linewidth=1)
            ax.annotate(
                "loss region (IRR below 0)",
                (start[0], ax.get_ylim()[1] * 0.92),
                fontsize=9,
                color=PALETTE[3],
            )
    ax.set_xlabel("Investor IRR (% a year)")
    ax.set_ylabel("Share of worlds (%)")
    ax.set_title("Distribution of the investor's IRR", fontsize=11)
    ax.grid(axis="y", alpha=0.3)
    return fig


def charts(result: Result) -> list[Chart]:
    """A fan chart of the investor's cumulative position and a histogram of its IRR."""
    s, cur = result.summary, result.currency
    fan = result.tables["fan"]
    last = fan.iloc[-1]
    irr = s["investor_irr_percentiles"]
    mid = "none" if irr["50"] is None else f"{irr['50'] * 100:.1f} %"
    return [
        Chart(
            _fan_chart(result),
            f"Fan chart of the investor's cumulative position over {len(fan)} contract years "
            f"across {s['paths']:,} simulated worlds: in the final year the middle half lies "
            f"between {format_value(last['p25'], 'money', cur)} and "
            f"{format_value(last['p75'], 'money', cur)}, and nine in ten worlds between "
            f"{format_value(last['p5'], 'money', cur)} and "
            f"{format_value(last['p95'], 'money', cur)}.",
        ),
        Chart(
            _irr_chart(result),
            f"Histogram of the investor's IRR across the simulated worlds (the end bars include "
            f"the tails), with IRRs below zero (a loss) in a different colour; the median IRR "
            f"is {mid} and the investor loses money in "
            f"{s['prob_investor_loss'] * 100:.1f} % of the worlds.",
        ),
    ]


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
