"""Discount factors, the NPV, the modified IRR, payback and the words for a discount rate.

Part of :mod:`portal_tools.cashflow` (the timing convention and the public rate are described
there); import from ``portal_tools.cashflow``.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from portal_tools.cashflow.roots import F64, clean_years_first
from portal_tools.errors import InputError

PUBLIC_RATE_SHORT = 0.035
"""Public discount rate for years 0-35 from the base year (since January 2021)."""
PUBLIC_RATE_LONG = 0.025
"""Public discount rate for years 36-70 from the base year (since January 2021)."""
PUBLIC_RATE_SWITCH_YEAR = 35
"""Last year (counted from the base year, which is year 0) discounted at the short rate."""
PUBLIC_RATE_MAX_YEAR = 70
"""Longest verified horizon, in years from the base year."""


def _percent(rate: float) -> str:
    return f"{rate * 100:g} %"


def rate_label(rate: float | None) -> str:
    """Words for the discount rate a result used: ``None`` is the public rate with both of its
    steps (built from the constants above), a number a flat rate with two decimals."""
    if rate is None:
        short, long = _percent(PUBLIC_RATE_SHORT), _percent(PUBLIC_RATE_LONG)
        switch, last = PUBLIC_RATE_SWITCH_YEAR, PUBLIC_RATE_MAX_YEAR
        return f"public rate: {short} (years 0-{switch}), {long} (years {switch + 1}-{last})"
    return f"flat rate: {rate * 100:.2f} %"


def as_flows(flows: ArrayLike, name: str = "flows") -> NDArray[np.float64]:
    arr = np.asarray(flows, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise InputError.single(name, flows, "a non-empty list of yearly amounts")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        i = int(bad[0])
        raise InputError.single(f"{name}[{i}]", float(arr[i]), "a finite number")
    return arr


def _check_years(n_years: int) -> None:
    if isinstance(n_years, bool) or not isinstance(n_years, int | np.integer) or n_years < 1:
        raise InputError.single("years", n_years, "a whole number of at least 1")


def public_discount_factors(n_years: int) -> NDArray[np.float64]:
    """Discount factors of contract years 1..n_years at the public rate.

    With ``k = t - 1`` years from the base year::

        d(k) = 1.035 ** -k                          for k <= 35
        d(k) = 1.035 ** -35 * 1.025 ** -(k - 35)    for 35 < k <= 70

    Raises :class:`InputError` when the horizon passes year 70 from the base year
    (more than 71 contract years), because the rate after year 70 is not verified.
    """
    _check_years(n_years)
    if n_years - 1 > PUBLIC_RATE_MAX_YEAR:
        raise InputError.single(
            "years",
            n_years,
            f"at most {PUBLIC_RATE_MAX_YEAR + 1} contract years with the public rate "
            f"(the Finance Ministry's rate after year {PUBLIC_RATE_MAX_YEAR} is not verified); "
            "use a flat rate for longer horizons",
        )
    k = np.arange(n_years, dtype=float)
    short = np.minimum(k, PUBLIC_RATE_SWITCH_YEAR)
    long = np.maximum(k - PUBLIC_RATE_SWITCH_YEAR, 0.0)
    return np.asarray((1 + PUBLIC_RATE_SHORT) ** -short * (1 + PUBLIC_RATE_LONG) ** -long)


def flat_discount_factors(n_years: int, rate: float) -> NDArray[np.float64]:
    """Discount factors ``(1 + rate) ** -(t - 1)`` for contract years ``t = 1..n_years``.

    ``rate`` must be above -100 % (a factor for ``rate <= -1`` does not exist).
    """
    _check_years(n_years)
    if not math.isfinite(rate) or rate <= -1:
        raise InputError.single("discount_rate", rate, "a number above -1 (-100 %)")
    return np.asarray((1.0 + rate) ** -np.arange(n_years, dtype=float))


def period_discount_factors(
    n_periods: int, periods_per_year: int = 1, rate: float | None = None, inflation: float = 0.0
) -> NDArray[np.float64]:
    """Nominal discount factors of periods ``k = 1..n_periods`` (``periods_per_year`` a year).

    Period ``k`` lies ``tau = (k - 1) / periods_per_year`` years after the base year, and::

        d(k) = real(tau) * (1 + inflation) ** -tau

    with ``real(tau) = (1 + rate) ** -tau`` for a flat ``rate``, or the public rate
    (``rate=None``) ``1.035 ** -min(tau, 35) * 1.025 ** -max(tau - 35, 0)``. Discounting nominal
    flows at the nominal rate ``(1 + r)(1 + inflation) - 1`` this way is the same as discounting
    their real values at the real rate. With one period a year and no inflation these are
    exactly :func:`discount_factors`.
    """
    _check_years(n_periods)
    tau = np.arange(n_periods, dtype=float) / periods_per_year
    if rate is None:
        if tau[-1] > PUBLIC_RATE_MAX_YEAR:
            raise InputError.single(
                "years",
                math.ceil(tau[-1]) + 1,
                f"at most {PUBLIC_RATE_MAX_YEAR + 1} years with the public rate (the Finance "
                f"Ministry's rate after year {PUBLIC_RATE_MAX_YEAR} is not verified); use a flat "
                "rate for longer horizons",
            )
        short = np.minimum(tau, PUBLIC_RATE_SWITCH_YEAR)
        long = np.maximum(tau - PUBLIC_RATE_SWITCH_YEAR, 0.0)
        real = (1 + PUBLIC_RATE_SHORT) ** -short * (1 + PUBLIC_RATE_LONG) ** -long
    else:
        if not math.isfinite(rate) or rate <= -1:
            raise InputError.single("discount_rate", rate, "a number above -1 (-100 %)")
        real = (1.0 + rate) ** -tau
    if inflation == 0:
        return np.asarray(real)
    if not math.isfinite(inflation) or inflation <= -1:
        raise InputError.single("cost_inflation", inflation, "a number above -1 (-100 %)")
    return np.asarray(real * (1.0 + inflation) ** -tau)


def annual_rate(rate: float, periods_per_year: int) -> float:
    """The effective annual rate of a rate per period: ``(1 + rate) ** periods_per_year - 1``
    (the rate itself with one period a year)."""
    if periods_per_year == 1:
        return rate
    if rate <= -1:
        return -1.0
    return float(math.expm1(periods_per_year * math.log1p(rate)))


def discount_factors(n_years: int, rate: float | None = None) -> NDArray[np.float64]:
    """Public-rate factors when ``rate`` is None, else flat factors at ``rate``."""
    if rate is None:
        return public_discount_factors(n_years)
    return flat_discount_factors(n_years, rate)


def npv(flows: ArrayLike, rate: float | None = None) -> float:
    """Net present value ``sum_t flows[t] * d(t)`` with the portal's timing convention.

    ``rate=None`` uses the public rate; otherwise a flat rate. Year 1 is not discounted.
    """
    arr = as_flows(flows)
    return float(np.dot(arr, discount_factors(arr.size, rate)))


def mirr_rows(flows: ArrayLike, factors: ArrayLike) -> F64:
    """Modified IRR of every row, with one finance and reinvestment rate given by its discount
    ``factors`` ``d(t)`` (``(years,)``, ``d(1) = 1``).

    ``PV- = sum_t max(-f_t, 0) d(t)`` is what the outlays are worth in year 1, ``FV+ = sum_t
    max(f_t, 0) d(t) / d(T)`` what the receipts are worth in year ``T``, and ``MIRR = (FV+ /
    PV-) ** (1 / (T - 1)) - 1`` (with a flat rate ``h``, ``d(t) = (1 + h) ** -(t - 1)``). ``nan``
    with a single year or without outlays; flows below :data:`ZERO_SHARE` of the largest count
    as zero, so the ratio is bounded and the result finite.
    """
    f = np.atleast_2d(np.asarray(flows, dtype=float))
    d = np.asarray(factors, dtype=float)
    n_years = f.shape[1]
    out = np.full(f.shape[0], np.nan)
    if n_years < 2:
        return out
    c = clean_years_first(f.T)
    pv_out = d @ np.maximum(-c, 0.0)
    fv_in = (d @ np.maximum(c, 0.0)) / d[-1]
    ok = pv_out > 0
    with np.errstate(divide="ignore"):
        log_ratio = np.log(fv_in[ok]) - np.log(pv_out[ok])
    out[ok] = np.expm1(log_ratio / (n_years - 1))
    return out


def mirr(flows: ArrayLike, rate: float | None = None) -> float | None:
    """Modified IRR (:func:`mirr_rows`) with the public rate (``None``) or a flat ``rate`` as
    finance and reinvestment rate; ``None`` where it does not exist."""
    arr = as_flows(flows)
    value = float(mirr_rows(arr[None, :], discount_factors(arr.size, rate))[0])
    return value if math.isfinite(value) else None


def money_multiple(flows: ArrayLike) -> float | None:
    """Total inflows over total outflows, ``sum(f > 0) / -sum(f < 0)``; None without outflows."""
    arr = as_flows(flows)
    out = -float(arr[arr < 0].sum())
    if out == 0:
        return None
    return float(arr[arr > 0].sum()) / out


def cumulative(flows: ArrayLike) -> NDArray[np.float64]:
    """Running total of the flows, year 1 first."""
    return np.cumsum(as_flows(flows))


def payback_year(flows: ArrayLike) -> int | None:
    """First contract year from which the cumulative position stays at or above zero.

    Returns ``None`` when the position ends below zero. A stream that never goes below zero
    pays back in year 1.
    """
    cum = cumulative(flows)
    below = np.flatnonzero(cum < -1e-9 * max(1.0, float(np.max(np.abs(cum)))))
    if below.size == 0:
        return 1
    last = int(below[-1])
    if last == cum.size - 1:
        return None
    return last + 2


def discounted_payback_year(flows: ArrayLike, rate: float | None = None) -> int | None:
    """:func:`payback_year` of the discounted flows (public rate when ``rate`` is None)."""
    arr = as_flows(flows)
    return payback_year(arr * discount_factors(arr.size, rate))


def peak_exposure(flows: ArrayLike) -> float:
    """Largest cumulative negative position, as a positive amount (0 if never negative)."""
    cum = cumulative(flows)
    return float(max(0.0, -float(np.min(cum))))
