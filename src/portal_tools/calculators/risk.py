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

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from portal_tools import cashflow
from portal_tools.calculators import payment
from portal_tools.calculators.payment import ContractArrays, PaymentInputs
from portal_tools.charts import PALETTE, Chart, year_axes, year_figure
from portal_tools.errors import Problem
from portal_tools.inputs import Inputs, field
from portal_tools.registry import Calculator, register
from portal_tools.results import Metric, Result, format_value

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
# IRR search grid in x = 1 / (1 + r): rates from about -99 % to +9 999 % a year, and r = 0.
_IRR_X_GRID = np.unique(np.concatenate([np.geomspace(1e-4, 100.0, 48), [1.0]]))
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
        "Lasting job or education": SpreadInputs(spread=0.12),
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


def beta_quantile_table(mean: float, spread: float) -> F64:
    """Rates at the normal quantiles ``_Z_GRID``: ``F^-1(Phi(z))`` for the beta distribution with
    this mean and standard deviation (a constant ``mean`` when ``spread`` is 0).

    The beta CDF is evaluated on a grid dense near the distribution's ends and inverted by linear
    interpolation; :func:`draw_rates` interpolates this table at the latent normals.
    """
    if spread <= 0:
        return np.full(_Z_GRID.size, mean)
    k = mean * (1 - mean) / spread**2 - 1
    a, b = mean * k, (1 - mean) * k
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


def cohort_counts(rng: np.random.Generator, n: int, rates: F64) -> F64:
    """Achieved counts out of ``n`` for an array of true ``rates``: ``Binomial(n, rate)``.

    Where ``v = n p (1 - p) >= NORMAL_COUNT_MIN_VARIANCE`` the count is
    ``clip(floor(n p + sqrt(v) (z + g (z**2 - 1) / 6) + 1/2), 0, n)`` with ``z`` standard normal
    and skewness ``g = (1 - 2 p) / sqrt(v)``: the normal approximation with the Cornish-Fisher
    skewness term and the continuity correction (rounding). It is several times cheaper than an
    exact binomial draw; its distribution function differs from the binomial's by at most about
    ``0.0134 / v`` (3e-4 at ``n = 120, p = 0.3``). Elsewhere the draw is exact
    (``rng.binomial``). Random numbers: one normal per rate, then the exact draws in order.
    """
    variance = n * rates * (1.0 - rates)
    z = rng.standard_normal(rates.shape)
    sd = np.sqrt(variance)
    # where the variance is 0 the skewness is infinite and the value nan: drawn exactly below
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = (1.0 - 2.0 * rates) / sd
        shift = z * z
        shift -= 1.0
        shift *= skew / 6.0
        shift += z
        shift *= sd
    shift += n * rates + 0.5
    counts = np.floor(shift, out=shift)
    np.clip(counts, 0, n, out=counts)
    exact = ~(variance >= NORMAL_COUNT_MIN_VARIANCE)
    if exact.any():
        counts[exact] = rng.binomial(n, rates[exact])
    return counts


# --- Vectorised IRR ---------------------------------------------------------------------------


def _npv_x(flows: F64, x: F64) -> tuple[F64, F64]:
    """NPV polynomial ``sum_t f_t x**(t-1)`` and its derivative, by Horner's rule per path
    (``flows`` years first: ``(T, paths)``)."""
    last = flows.shape[0] - 1
    value = flows[last] + np.zeros_like(x)
    deriv = np.zeros_like(x)
    for t in range(last - 1, -1, -1):
        deriv *= x
        deriv += value
        value *= x
        value += flows[t]
    return value, deriv


def _refine(flows: F64, lo: F64, hi: F64, f_lo: F64, f_hi: F64) -> F64:
    """Root of the NPV polynomial in ``[lo, hi]`` (values ``f_lo`` and ``f_hi`` of opposite sign),
    per path (``flows`` years first, ``(T, paths)``): start at the secant point of the bracket,
    then Newton steps kept inside the shrinking bracket (a bisection step when Newton would
    leave it). A path is done once its
    Newton step (or its bracket) is below ``1e-11`` relative; done paths are dropped from the
    arrays once they are the majority."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = lo - f_lo * (hi - lo) / (f_hi - f_lo)
    x = np.where((x > lo) & (x < hi), x, (lo + hi) / 2)
    out = x.copy()
    lo, hi = lo.copy(), hi.copy()  # narrowed in place below
    idx = np.arange(x.size)
    done = np.zeros(x.size, dtype=bool)
    # Only the sign of the value at ``lo`` is used, and it never changes (``lo`` moves only to
    # points of the same sign).
    lo_positive = f_lo > 0
    for _ in range(200):
        value, deriv = _npv_x(flows, x)
        same = (value > 0) == lo_positive
        np.copyto(lo, x, where=same)
        np.copyto(hi, x, where=~same)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - value / deriv
        inside = (newton > lo) & (newton < hi)
        converged = done | (value == 0) | (np.abs(newton - x) <= 1e-11 * x)
        x = np.where(converged, x, np.where(inside, newton, (lo + hi) / 2))
        done = converged | (hi - lo <= 1e-11 * x)
        n_done = int(np.count_nonzero(done))
        if n_done == done.size:
            break
        if 2 * n_done > done.size:
            out[idx] = x
            keep = ~done
            idx, flows, x, lo, hi, lo_positive, done = (
                idx[keep],
                flows[:, keep],
                x[keep],
                lo[keep],
                hi[keep],
                lo_positive[keep],
                done[keep],
            )
    out[idx] = x
    return out


_GEMM_COLUMNS = 256
"""Paths per matrix product in :func:`_grid_values`: small products stay on one thread in
OpenBLAS; its threaded products of this size are many times slower on a busy machine."""


def _grid_values(years_first: F64, powers: F64) -> F64:
    """``(G, paths)`` NPV of every path at every grid point: ``powers.T @ flows`` with
    ``powers[t, g] = x_g ** t``, in blocks of :data:`_GEMM_COLUMNS` paths."""
    out = np.empty((powers.shape[1], years_first.shape[1]))
    grid_first = powers.T
    for i in range(0, years_first.shape[1], _GEMM_COLUMNS):
        out[:, i : i + _GEMM_COLUMNS] = grid_first @ years_first[:, i : i + _GEMM_COLUMNS]
    return out


def _last_true(mask: NDArray[np.bool_]) -> NDArray[np.intp]:
    """Per column of a ``(K, paths)`` mask, the largest row index that is true; -1 where none."""
    # small integer weights (the grid has fewer than 255 points) keep the reduction cheap
    weights = np.arange(1, mask.shape[0] + 1, dtype=np.uint8)[:, None]
    return np.asarray((mask * weights).max(axis=0, initial=0).astype(np.intp) - 1)


def irr_paths(flows: ArrayLike) -> F64:
    """Investor IRR of every path (rows of ``flows``, contract years on the last axis); ``nan``
    where no rate between about -99 % and +9 999 % exists. Callers turn ``nan`` into ``None``.

    With ``x = 1 / (1 + r)`` the NPV is a polynomial in ``x``. Its sign is evaluated on a grid of
    ``x``; a sign change brackets a root, refined by safeguarded Newton steps. Of the roots nearest
    to ``r = 0`` from above and from below, the one closest to zero is kept (the one above zero
    on a tie), as in :func:`portal_tools.cashflow.irr`.
    """
    f = np.atleast_2d(np.asarray(flows, dtype=float))
    years_first = f.T
    n_paths, n_years = f.shape
    powers = _IRR_X_GRID[None, :] ** np.arange(n_years, dtype=float)[:, None]
    values = _grid_values(years_first, powers)
    positive = values > 0  # a zero value counts as negative
    out = np.full(n_paths, np.nan)
    one = int(np.flatnonzero(_IRR_X_GRID == 1.0)[0])
    exact = values[one] == 0
    out[exact & np.any(f != 0, axis=1)] = 0.0
    # A bracket is a pair of grid points (j, j + 1) with a sign change. x below 1 means r above
    # 0: the bracket closest to x = 1 from below ends at the last point k < one whose sign
    # differs from the sign at x = 1 (j = k); from above it is the first such point k > one
    # (j = k - 1), found as the last differing point of the reversed grid.
    differs = positive != positive[one]
    j_below = _last_true(differs[:one])
    j_above = _IRR_X_GRID.size - 2 - _last_true(differs[:one:-1])
    below = np.flatnonzero((j_below >= 0) & ~exact)
    above = np.flatnonzero((j_above < _IRR_X_GRID.size - 1) & ~exact)
    rows = np.concatenate([below, above])
    if rows.size:
        jr = np.concatenate([j_below[below], j_above[above]])
        x = _refine(
            years_first[:, rows],
            _IRR_X_GRID[jr],
            _IRR_X_GRID[jr + 1],
            values[jr, rows],
            values[jr + 1, rows],
        )
        rates = 1.0 / x - 1.0
        out[below] = rates[: below.size]
        current = out[above]
        from_above = rates[below.size :]
        better = np.isnan(current) | (np.abs(from_above) < np.abs(current))
        out[above] = np.where(better, from_above, current)
    return out


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
    """(P,) investor IRR, ``nan`` where none exists (never exported as such)."""
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
        [beta_quantile_table(float(p), float(sd)) for p, sd in zip(contract.rate, s, strict=True)]
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
    for start in range(0, paths, CHUNK):
        n = min(CHUNK, paths - start)
        rates = draw_rates(tables, rng, n, correlation, spread_any)
        if cohort_noise:
            cohort = int(contract.cohort)
            rates = cohort_counts(rng, cohort, rates) / contract.cohort
        # yearly totals years first, (T, n): every per-year operation is a contiguous row
        yearly, triggered_totals = payment.settle_years_first(contract, rates)
        sl = slice(start, start + n)
        out_rates[sl] = rates
        total[sl] = yearly.sum(axis=0)
        # each outcome's timing profile sums to 1, so its uncapped total is achievements x price
        uncapped[sl] = triggered_totals.sum(axis=1)
        flows = yearly - contract.costs[:, None]
        cumulative[sl] = payment.cumsum_years_first(flows).T
        irr[sl] = irr_paths(flows.T)
        payments_pv[sl] = np.einsum("t,tp->p", factors, yearly)
        if progress is not None:
            progress(min(1.0, (start + n) / paths))
    return PathResults(
        out_rates,
        total,
        uncapped,
        cumulative,
        irr,
        payments_pv,
        np.einsum("po,o->p", out_rates, value_per_rate),
    )


# --- Result -----------------------------------------------------------------------------------


def _percentiles(values: F64) -> dict[str, float]:
    q = np.percentile(values, PERCENTILES, method="inverted_cdf")
    return {str(p): float(v) for p, v in zip(PERCENTILES, q, strict=True)}


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
    "mean_total_outcome_payments": Metric("Mean total outcome payments", "money"),
    "deterministic_total_outcome_payments": Metric(
        "Total payments at the expected rates", "money", "the payment calculator's result"
    ),
    "total_outcome_payments_percentiles": Metric("Total outcome payments, percentiles", "money"),
    "investor_irr_percentiles": Metric("Investor IRR, percentiles", "rate"),
    "deterministic_investor_irr": Metric("Investor IRR at the expected rates", "rate"),
    "investor_moic_percentiles": Metric("Money multiple, percentiles", "ratio"),
    "prob_investor_loss": Metric(
        "Probability the investor loses money", "share", "total payments below total costs"
    ),
    "expected_loss_given_loss": Metric(
        "Expected loss, if a loss", "money", "mean of costs minus payments over losing paths"
    ),
    "share_paths_without_irr": Metric("Paths without an IRR", "share"),
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
    moic = sim.total_payments / costs if costs > 0 else None
    valued = bool(contract.valued.any())
    summary = {
        "paths": inputs.paths,
        "seed": inputs.seed,
        "mean_total_outcome_payments": float(sim.total_payments.mean()),
        "deterministic_total_outcome_payments": deterministic.summary["total_outcome_payments"],
        "total_outcome_payments_percentiles": _percentiles(sim.total_payments),
        "investor_irr_percentiles": _irr_percentiles(sim.irr, net),
        "deterministic_investor_irr": deterministic.summary["investor_irr"],
        "investor_moic_percentiles": _percentiles(moic) if moic is not None else None,
        "prob_investor_loss": float(losing.mean()),
        "expected_loss_given_loss": float(-net[losing].mean()) if losing.any() else None,
        "share_paths_without_irr": float(np.isnan(sim.irr).mean()),
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
            "expected_rate": contract.rate,
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
        + ("no rate at all (a deep loss)" if low is None else f"{low * 100:.1f} % or less")
        + "; the middle world gives "
        + ("no rate" if mid is None else f"{mid * 100:.1f} %")
        + "."
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
    fig, ax = year_figure()
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
    fig = Figure(figsize=(8, 4.2), dpi=100, layout="constrained")
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


CALCULATOR = register(
    Calculator(
        name="risk",
        title="Outcome-risk simulation",
        summary="Simulates uncertain outcome rates in a payment scenario: percentiles of "
        "payments, investor IRR and money multiple, and the chance of a loss.",
        inputs=RiskInputs,
        compute=compute,
        page="tools/risk",
        charts=charts,
        compute_with_progress=compute,
        slow=lambda inputs: (
            inputs.paths * len(inputs.payment.outcomes) * inputs.payment.years > SLOW_CELLS
        ),
    )
)
