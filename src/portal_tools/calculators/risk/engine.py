"""The risk calculator's engine: beta quantiles without SciPy, the drawn rates and cohort counts,
the investor's IRR per path and :func:`simulate`, which settles the contract on every path (see
:mod:`portal_tools.calculators.risk` for the model)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from portal_tools import cashflow
from portal_tools.calculators import payment
from portal_tools.calculators.payment import ContractArrays
from portal_tools.calculators.risk.inputs import F64

CHUNK = 4096
"""Paths drawn and settled at a time (keeps every array small enough for the processor's cache).
The random numbers are drawn chunk by chunk, so changing it changes the draws of a seed."""
Z_GRID = np.linspace(-8.5, 8.5, 1025)
"""The latent normal values at which the beta quantile tables are given (uniform, -8.5 to 8.5)."""
_U_GRID = 0.5 * (1.0 + np.array([math.erf(z / math.sqrt(2)) for z in Z_GRID]))
"""``Phi(z)`` at every point of ``Z_GRID`` (the normal CDF), computed once."""
_X_POINTS = 2049
Progress = Callable[[float], None]


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
    """Rates at the normal quantiles ``Z_GRID``: ``F^-1(Phi(z))`` for the beta distribution with
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
        return np.full(Z_GRID.size, mean)
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
        z = Z_GRID
        return np.asarray(np.clip(mean + spread * (z + skew * (z * z - 1) / 6), 0.0, 1.0))
    lo, hi = max(0.0, mean - 14 * spread), min(1.0, mean + 14 * spread)
    theta = np.linspace(0.0, math.pi, _X_POINTS)
    x = lo + (hi - lo) * (1 - np.cos(theta)) / 2
    inner = x[1:-1]
    cdf = np.concatenate([[0.0], _beta_cdf(a, b, inner), [1.0]])
    cdf = np.maximum.accumulate(cdf)
    return np.asarray(np.interp(_U_GRID, cdf, x))


def interp_z_grid(z: F64, tables: F64) -> F64:
    """``np.interp(z[:, o], Z_GRID, tables[o])`` for every column ``o`` of ``z`` at once, bit for
    bit the same values (``tables`` is ``(O, len(Z_GRID))``).

    ``Z_GRID`` is uniform, so the interval ``z_j <= z < z_{j+1}`` is found by arithmetic (one
    correction step against the grid points) instead of a binary search. The value is NumPy's
    ``slope_j (z - z_j) + table_j`` with ``slope_j = (table_{j+1} - table_j) / (z_{j+1} - z_j)``;
    below the grid it is ``table_0``, at or above its end ``table_last``.
    """
    size = Z_GRID.size
    n_out = tables.shape[0]
    pos = (z - Z_GRID[0]) * ((size - 1) / (Z_GRID[-1] - Z_GRID[0]))
    np.clip(pos, 0, size - 2, out=pos)
    j = pos.astype(np.intp)
    j -= z < Z_GRID[j]
    j += z >= Z_GRID[j + 1]
    np.clip(j, 0, size - 2, out=j)
    slopes = np.diff(tables, axis=1) / np.diff(Z_GRID)
    at = z - Z_GRID[j]
    at *= slopes.ravel()[j + np.arange(n_out) * (size - 1)]
    at += tables.ravel()[j + np.arange(n_out) * size]
    low, high = z < Z_GRID[0], z >= Z_GRID[-1]
    if low.any() or high.any():
        at = np.where(low, tables[:, 0], np.where(high, tables[:, -1], at))
    return np.asarray(at)


def draw_rates(
    tables: F64, rng: np.random.Generator, n: int, correlation: float, spread_any: NDArray[np.bool_]
) -> F64:
    """(n, O) true rates: latent ``sqrt(rho) Z + sqrt(1 - rho) e_o`` mapped through each
    outcome's quantile table (``tables`` is ``(O, len(Z_GRID))``; an outcome without spread
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
    n: int | float | F64,
    rates: F64,
    parent: NDArray[np.intp] | None = None,
) -> F64:
    """Achieved counts for an array of true ``rates`` (``(paths, O)``): ``Binomial(n, rate)``
    (``n`` the cohort, or ``(paths, 1)`` cohorts, one per path),
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
    cohort: float | F64 = float(n) if np.ndim(n) == 0 else np.asarray(n, dtype=float)
    if parent is None or not np.any(parent >= 0):
        return _counts(rng, cohort, rates, z)
    depth = payment.nesting_depth(parent)
    counts = np.empty_like(rates)
    for level in range(int(depth.max()) + 1):
        cols = np.flatnonzero(depth == level)
        trials = cohort if level == 0 else counts[:, parent[cols]]
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
    """(P, Y) investor's cumulative nominal position at the end of each year (``Y`` years of
    the payment table: the contract years and any after them with lagged payments; the
    guarantor's payment is in the last)."""
    guarantor: F64
    """(P,) what the guarantor pays the investor at the end (0 without capital protection)."""
    cohort: F64
    """(P,) people referred on each path (the cohort size without referral risk)."""
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
    """(P,) present value of what the commissioner pays: outcome payments and any bonus to the
    provider (commissioner's discounting)."""
    value_pv: F64
    """(P,) present value of the achievements' value (0 without values)."""


def draw_cohorts(rng: np.random.Generator, n: int, cohort: float, spread: float) -> F64:
    """(n,) people referred on each path: a lognormal number with mean ``cohort`` and relative
    standard deviation ``spread`` (``sigma**2 = log(1 + spread**2)``, ``mu = log(cohort) -
    sigma**2 / 2``), rounded to whole people (at least 0)."""
    sigma2 = math.log1p(spread * spread)
    z = rng.standard_normal(n)
    people = np.exp(math.log(cohort) - sigma2 / 2 + math.sqrt(sigma2) * z)
    return np.asarray(np.floor(people + 0.5))


def year_ends(contract: ContractArrays) -> NDArray[np.intp]:
    """Index of the last period of every year of the payment table (the last period for a year
    the table ends in)."""
    per, h = contract.periods_per_year, contract.periods
    return np.minimum(np.arange(per, h + per, per), h) - 1


def simulate(
    contract: ContractArrays,
    spreads: ArrayLike,
    correlation: float,
    cohort_noise: bool,
    paths: int,
    seed: int,
    progress: Progress | None = None,
    cohort_spread: float = 0.0,
) -> PathResults:
    """Draw ``paths`` worlds and settle the contract in each (see
    :mod:`portal_tools.calculators.risk`).

    Works in chunks of :data:`CHUNK` paths; ``progress(fraction)`` is called after each chunk.
    Per chunk the random numbers are drawn in this order: the rates, the cohorts (only with a
    ``cohort_spread``), the counts (only with ``cohort_noise``).
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
    factors = contract.factors
    value_per_payable = contract.value * (contract.value_profile @ factors)
    ends = year_ends(contract)
    per = contract.periods_per_year
    outlay = contract.outlay
    spent = float(outlay.sum())
    out_rates = np.empty((paths, contract.price.size))
    total = np.empty(paths)
    uncapped = np.empty(paths)
    cumulative = np.empty((paths, ends.size))
    guarantor = np.zeros(paths)
    cohorts = np.full(paths, contract.cohort)
    payments_pv = np.empty(paths)
    value_pv = np.empty(paths)
    irr = np.empty(paths)
    irr_code = np.empty(paths, dtype=np.int8)
    npv_hurdle = np.empty(paths)
    mirr = np.empty(paths)
    row_sums = contract.profile.sum(axis=1)
    for start in range(0, paths, CHUNK):
        n = min(CHUNK, paths - start)
        sl = slice(start, start + n)
        # true rates: shares of the cohort, or of the parent's achievers for nested outcomes
        rates = draw_rates(tables, rng, n, correlation, spread_any)
        cohort = None
        if cohort_spread > 0:
            cohort = draw_cohorts(rng, n, contract.cohort, cohort_spread)
            cohorts[sl] = cohort
        if cohort_noise:
            people = contract.cohort if cohort is None else cohort[:, None]
            counts = cohort_counts(rng, people, rates, contract.parent)
            with np.errstate(invalid="ignore", divide="ignore"):
                rates = np.where(people > 0, counts / people, 0.0)
        else:
            rates = payment.absolute_rates(contract, rates)
        # totals years first, (H, n): every per-period operation is a contiguous row
        yearly, triggered = payment.settle_years_first(contract, rates, cohort)
        out_rates[sl] = rates
        paid = yearly.sum(axis=0)
        total[sl] = paid
        uncapped[sl] = triggered @ row_sums
        flows = yearly - outlay[:, None]
        if contract.protection > 0:
            g = payment.guarantor_payment(contract, paid, spent)
            guarantor[sl] = g
            flows[-1] += g
        cumulative[sl] = payment.cumsum_years_first(flows)[ends].T
        rule = cashflow.irr_years_first(flows)
        rate = rule.rate if per == 1 else np.expm1(per * np.log1p(rule.rate))
        irr[sl], irr_code[sl] = rate, rule.code
        npv_hurdle[sl] = factors @ flows
        m = cashflow.mirr_rows(flows.T, factors)
        mirr[sl] = m if per == 1 else np.expm1(per * np.log1p(m))
        commissioner = yearly
        if contract.excess_share > 0:
            commissioner = yearly + payment.provider_bonus_years_first(contract, yearly, triggered)
        payments_pv[sl] = np.einsum("t,tp->p", factors, commissioner)
        people_n = None if cohort is None else cohort[:, None]
        value_pv[sl] = payment.payable(contract, rates, people_n) @ value_per_payable
        if progress is not None:
            progress(min(1.0, (start + n) / paths))
    return PathResults(
        out_rates,
        total,
        uncapped,
        cumulative,
        guarantor,
        cohorts,
        irr,
        irr_code,
        npv_hurdle,
        mirr,
        payments_pv,
        value_pv,
    )
