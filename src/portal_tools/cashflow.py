"""Discounting and cash-flow measures shared by every calculator.

Timing convention (used throughout the portal): flows are yearly and belong to contract years
``t = 1, 2, ...``. Year 1 is the base year, so the flow of year ``t`` is discounted by
``(1 + r) ** (t - 1)``: a flow in year 1 keeps its full value.

The public (socio-economic) discount rate is the Finance Ministry's rate in force since
January 2021: 3.5 % a year for years 0-35 from the base year and 2.5 % a year for years 36-70
(Finansministeriet, dokumentationsnotat 7 January 2021; ``fm_discount2021``). The rate after
year 70 is not verified, so horizons beyond 70 years are refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from portal_tools.errors import InputError

__all__ = [
    "PUBLIC_RATE_LONG",
    "PUBLIC_RATE_MAX_YEAR",
    "PUBLIC_RATE_SHORT",
    "PUBLIC_RATE_SWITCH_YEAR",
    "cumulative",
    "discount_factors",
    "discounted_payback_year",
    "flat_discount_factors",
    "irr",
    "irr_all",
    "money_multiple",
    "npv",
    "payback_year",
    "peak_exposure",
    "public_discount_factors",
]

PUBLIC_RATE_SHORT = 0.035
"""Public discount rate for years 0-35 from the base year (since January 2021)."""
PUBLIC_RATE_LONG = 0.025
"""Public discount rate for years 36-70 from the base year (since January 2021)."""
PUBLIC_RATE_SWITCH_YEAR = 35
"""Last year (counted from the base year, which is year 0) discounted at the short rate."""
PUBLIC_RATE_MAX_YEAR = 70
"""Longest verified horizon, in years from the base year."""


def _as_flows(flows: ArrayLike, name: str = "flows") -> NDArray[np.float64]:
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


def discount_factors(n_years: int, rate: float | None = None) -> NDArray[np.float64]:
    """Public-rate factors when ``rate`` is None, else flat factors at ``rate``."""
    if rate is None:
        return public_discount_factors(n_years)
    return flat_discount_factors(n_years, rate)


def npv(flows: ArrayLike, rate: float | None = None) -> float:
    """Net present value ``sum_t flows[t] * d(t)`` with the portal's timing convention.

    ``rate=None`` uses the public rate; otherwise a flat rate. Year 1 is not discounted.
    """
    arr = _as_flows(flows)
    return float(np.dot(arr, discount_factors(arr.size, rate)))


def irr_all(flows: ArrayLike) -> list[float]:
    """Every real internal rate of return above -100 %, in increasing order.

    With ``x = 1 / (1 + r)`` the NPV is the polynomial ``sum_t f_t * x ** (t - 1)``; its
    positive real roots give the rates ``r = 1 / x - 1``. Each root is polished by Newton steps
    on the NPV itself. A stream with several sign changes can have several rates (or none).
    """
    arr = _as_flows(flows)
    scale = float(np.max(np.abs(arr)))
    if scale == 0:
        return []
    # Coefficients negligible against the largest flow only add roots at x -> 0 or x -> inf
    # (rates beyond +1e6 or at -100 %): drop them at both ends for a well-conditioned polynomial.
    significant = np.flatnonzero(np.abs(arr) > 1e-12 * scale)
    coeffs = arr[significant[0] : significant[-1] + 1] / scale
    if coeffs.size < 2:
        return []
    rates: list[float] = []
    with np.errstate(all="ignore"):
        roots = np.roots(coeffs[::-1])
        for root in roots:
            if abs(root.imag) > 1e-7 * max(1.0, abs(root.real)) or root.real <= 0:
                continue
            x = _polish(coeffs, float(root.real))
            if x <= 0 or not math.isfinite(x):
                continue
            r = 1.0 / x - 1.0
            if not math.isfinite(r) or r > 1e6 or r <= -1:
                continue
            powers = x ** np.arange(coeffs.size, dtype=float)
            size = float(np.sum(np.abs(coeffs) * powers))
            value = float(np.dot(coeffs, powers))
            if not (math.isfinite(size) and math.isfinite(value)) or abs(value) > 1e-8 * size:
                continue
            if all(abs(r - s) > 1e-9 * max(1.0, abs(s)) for s in rates):
                rates.append(r)
    return sorted(rates)


def _polish(c: NDArray[np.float64], x: float) -> float:
    """Newton steps on p(x) = sum_k c_k x**k."""
    poly = c[::-1]
    deriv = np.polyder(poly)
    for _ in range(50):
        p = float(np.polyval(poly, x))
        dp = float(np.polyval(deriv, x))
        if dp == 0 or not math.isfinite(dp):
            break
        step = p / dp
        x_new = x - step
        if x_new <= 0:
            x_new = x / 2
        if abs(x_new - x) <= 1e-15 * max(1.0, abs(x)):
            x = x_new
            break
        x = x_new
    return x


def irr(flows: ArrayLike) -> float | None:
    """Internal rate of return, or ``None`` when no rate exists.

    A rate exists only when the stream has both signs. When several rates exist (several
    sign changes), the one closest to zero is returned; :func:`irr_all` lists them all.
    Never returns NaN.
    """
    rates = irr_all(flows)
    if not rates:
        return None
    return min(rates, key=abs)


def money_multiple(flows: ArrayLike) -> float | None:
    """Total inflows over total outflows, ``sum(f > 0) / -sum(f < 0)``; None without outflows."""
    arr = _as_flows(flows)
    out = -float(arr[arr < 0].sum())
    if out == 0:
        return None
    return float(arr[arr > 0].sum()) / out


def cumulative(flows: ArrayLike) -> NDArray[np.float64]:
    """Running total of the flows, year 1 first."""
    return np.cumsum(_as_flows(flows))


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
    arr = _as_flows(flows)
    return payback_year(arr * discount_factors(arr.size, rate))


def peak_exposure(flows: ArrayLike) -> float:
    """Largest cumulative negative position, as a positive amount (0 if never negative)."""
    cum = cumulative(flows)
    return float(max(0.0, -float(np.min(cum))))


def as_list(values: Sequence[float] | NDArray[np.float64]) -> list[float]:
    """Plain Python floats, for JSON output."""
    return [float(v) for v in values]
