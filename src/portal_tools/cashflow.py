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

import functools
import math
from dataclasses import dataclass

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
    "rate_label",
]

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


_SCALAR_COLUMNS = 4
"""Up to this many columns, :func:`_horner` loops in plain floats (faster than numpy calls)."""


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


# --- Internal rate of return: one rule, one vectorised implementation ------------------------

R_MAX = 1e6
"""Largest rate searched (100 000 000 % a year); a root above it counts as no rate."""
ZERO_SHARE = 1e-12
"""Flows smaller than this share of a stream's largest flow count as zero (rounding noise)."""
SURPLUS_SHARE = 1e-12
"""A surplus smaller than this share of the stream's total size counts as zero."""
RATE_ZERO = 1e-6
"""With a surplus of zero, a rate within this distance of 0 is taken as 0 (rounding)."""
MERGE_SHARE = 1e-6
"""Roots of the NPV polynomial closer than this (relative) count as one root: a double root
(the NPV touches zero) splits into two such roots in floating point."""

IRR_REASONS = ("defined", "no_sign_change", "financing", "several_rates", "no_rate")
"""Status codes of :func:`irr_rows`, by their index: ``defined`` means an IRR is reported; the
others say why not (see :data:`IRR_REASON_TEXT`)."""
IRR_DEFINED, NO_SIGN_CHANGE, FINANCING, SEVERAL_RATES, NO_RATE = range(5)
IRR_REASON_TEXT = {
    "defined": "one rate at which the NPV falls through zero, and it agrees with the surplus",
    "no_sign_change": "every flow has the same sign (or is zero), so no rate makes the NPV zero",
    "financing": "money comes in before it goes out, so the only rates are borrowing rates "
    "(the NPV rises through zero as the rate rises)",
    "several_rates": "the cash flow changes sign more than once and no single rate describes "
    "it: the NPV falls through zero at several rates, or the only such rate contradicts the "
    "sign of the nominal total",
    "no_rate": "flows of both signs, but the NPV does not cross zero at any rate between -100 % "
    "and 100 000 000 % a year (at most it touches zero)",
}
"""Plain words for every status code."""

# Bracketing grids in x = 1 / (1 + r): the main grid covers r from +9 999 % down to -99 % (and
# r = 0 at x = 1); the outer grids reach R_MAX and about -100 %, for streams whose root lies
# beyond the main grid.
_X_MIN = 1.0 / (1.0 + R_MAX)
# With one sign change any grid brackets the single root; its spacing (about 1.8 in x) only
# sets the secant start. 24 points cost less in the grid product than the extra Newton round
# they need (risk benchmark: 15.1 M instructions per 4 096 paths with 48 points, 13.2 M here).
_X_MAIN = np.unique(np.concatenate([np.geomspace(1e-4, 100.0, 24), [1.0]]))
_X_OUTER_LOW = np.array([_X_MIN, 1e-5, 1e-4])
_X_OUTER_HIGH = np.geomspace(100.0, 1e14, 13)
_GEMM_COLUMNS = 256
"""Rows per matrix product on the grid: small products stay on one thread in OpenBLAS; its
threaded products of this size are many times slower on a busy machine."""
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class IrrRows:
    """The IRR rule applied to every row of a ``(rows, years)`` array of flows."""

    rate: F64
    """(rows,) the IRR, ``nan`` where it is not defined (callers show ``None``)."""
    code: NDArray[np.int8]
    """(rows,) index into :data:`IRR_REASONS` (0: defined)."""
    crossings: list[tuple[F64, NDArray[np.bool_]]] | None = None
    """Per row, when asked for: the rates at which the NPV crosses zero (increasing) and
    whether each is *falling* (the NPV goes from positive to negative as the rate rises)."""


def _clean_years_first(flows: F64) -> F64:
    """Each column (one stream, years first) divided by its largest absolute flow, with flows
    below :data:`ZERO_SHARE` of it set to zero (an all-zero column stays zero)."""
    scale = np.max(np.abs(flows), axis=0)
    c = flows / np.where(scale > 0, scale, 1.0)
    c[np.abs(c) <= ZERO_SHARE] = 0.0
    return c


def _sign_changes(c: F64) -> tuple[NDArray[np.intp], NDArray[np.int8]]:
    """Per column of the years-first ``c``: the number of sign changes of the nonzero flows (by
    Descartes' rule of signs it bounds the number of positive roots of the NPV polynomial, and
    one change means exactly one root) and the sign of the first nonzero flow (0 if none).

    Each zero takes the sign of the last nonzero flow before it (leading zeros stay 0), so a
    change is a step between two consecutive nonzero signs that differ."""
    # -1, 0 or 1 from two comparisons (several times cheaper than np.sign on floats)
    sign = (c > 0).view(np.int8) - (c < 0).view(np.int8)
    n = sign.shape[1]
    last = np.zeros(n, dtype=np.int8)  # the sign of the last nonzero flow so far (0: none yet)
    changes = np.zeros(n, dtype=np.intp)
    if n <= _SCALAR_COLUMNS:  # a page's few streams: the same steps in plain integers
        first = np.zeros(n, dtype=np.int8)
        for j in range(n):
            count, before, head = 0, 0, 0
            for value in sign[:, j].tolist():
                if value:
                    count += before != 0 and value != before
                    head = head or value
                    before = value
            changes[j], first[j] = count, head
        return changes, first
    for row in sign:  # one contiguous year at a time (years are few, streams many)
        nonzero = row != 0
        changes += nonzero & (row != last) & (last != 0)
        np.copyto(last, row, where=nonzero)
    first = sign[np.argmax(sign != 0, axis=0), np.arange(n)] if sign.shape[0] else last
    return changes, first


def sign_changes_years_first(flows: F64) -> tuple[NDArray[np.intp], NDArray[np.int8]]:
    """Per column of years-first ``flows``: the number of sign changes and the sign of the first
    nonzero flow, after flows below :data:`ZERO_SHARE` of the largest count as zero. One change
    with a negative first flow is the usual investment (outlays first, then receipts)."""
    return _sign_changes(_clean_years_first(flows))


def _horner(coeffs: F64, x: F64) -> tuple[F64, F64]:
    """``p(x) = sum_t c_t x**t`` and ``p'(x)`` per column (``coeffs`` years first, ``(T, n)``;
    ``x`` of shape ``(n,)``), by Horner's rule from the last year. Few columns (one stream, a
    page's calculation) are evaluated column by column in plain floats, which is the same
    arithmetic in the same order as the vectorised loop, so a column's result does not depend on
    how many columns are evaluated with it."""
    last = coeffs.shape[0] - 1
    if x.size <= _SCALAR_COLUMNS:
        values = np.empty(x.size)
        derivs = np.empty(x.size)
        for j in range(x.size):
            column = coeffs[:, j].tolist()
            xj = float(x[j])
            v, dv = column[last], 0.0
            for t in range(last - 1, -1, -1):
                dv = dv * xj + v
                v = v * xj + column[t]
            values[j], derivs[j] = v, dv
        return values, derivs
    value = coeffs[last] + np.zeros_like(x)
    deriv = np.zeros_like(x)
    for t in range(last - 1, -1, -1):
        deriv *= x
        deriv += value
        value *= x
        value += coeffs[t]
    return value, deriv


def _value_at(coeffs: F64, x: F64) -> F64:
    """A positive multiple of ``p(x)`` that never overflows: ``p(x)`` where ``x <= 1`` and
    ``x**-(T-1) p(x)`` (the reversed polynomial at ``1 / x``) where ``x > 1``."""
    low, _ = _horner(coeffs, np.minimum(x, 1.0))
    high, _ = _horner(coeffs[::-1], 1.0 / np.maximum(x, 1.0))
    return np.where(x <= 1.0, low, high)


def _refine(
    coeffs: F64,
    lo: F64,
    hi: F64,
    f_lo: F64,
    f_hi: F64,
    start: F64 | None = None,
    last_step: float = 1e-11,
) -> F64:
    """Root of ``p(x) = sum_t c_t x**t`` in ``[lo, hi]`` (``f_lo``, ``f_hi``: the values at the
    ends, of opposite sign), per column of the years-first ``coeffs``: start at ``start`` where
    given and inside the bracket (an eigenvalue estimate of the root), else at the secant point,
    then Newton steps kept inside the shrinking bracket (bisection where Newton would leave it),
    until a Newton step inside the bracket is at most ``last_step`` relative (it is taken: the
    error after it is about the square of the step where the root is simple) or the bracket is
    below ``1e-11`` relative. The arithmetic is elementwise, so a column's result does not
    depend on the other columns."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = lo - f_lo * (hi - lo) / (f_hi - f_lo)
    # the secant point may round onto an end whose value is negligible against the other's
    # (a root at the end, such as a surplus of zero at x = 1); Newton then ends it at once
    x = np.where((x >= lo) & (x <= hi), x, (lo + hi) / 2)
    if start is not None:
        x = np.where((start > lo) & (start < hi), start, x)
    out = x.copy()
    lo, hi = lo.copy(), hi.copy()  # narrowed in place below
    idx = np.arange(x.size)
    done = np.zeros(x.size, dtype=bool)
    # only the sign at ``lo`` is used, and it never changes (``lo`` moves to points of its sign)
    lo_positive = f_lo > 0
    for _ in range(200):
        value, deriv = _horner(coeffs, x)
        same = (value > 0) == lo_positive
        np.copyto(lo, x, where=same)
        np.copyto(hi, x, where=~same)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x - value / deriv
        inside = (newton > lo) & (newton < hi)
        # a small Newton step ends the search: it is taken when it stays inside the bracket
        # (the error after it is about the square of the step); an exact zero ends it in place
        small = (value == 0) | (np.abs(newton - x) <= last_step * x)
        step = np.where(inside, newton, np.where(small, x, (lo + hi) / 2))
        x = np.where(done | (value == 0), x, step)
        done = done | small | (hi - lo <= 1e-11 * x)
        n_done = int(np.count_nonzero(done))
        if n_done == done.size:
            break
        if 2 * n_done > done.size:
            out[idx] = x
            keep = ~done
            idx, coeffs, x, lo, hi, lo_positive, done = (
                idx[keep],
                coeffs[:, keep],
                x[keep],
                lo[keep],
                hi[keep],
                lo_positive[keep],
                done[keep],
            )
    out[idx] = x
    return out


def _refine_sides(
    coeffs: F64,
    lo: F64,
    hi: F64,
    f_lo: F64,
    f_hi: F64,
    start: F64 | None = None,
    last_step: float = 1e-11,
) -> F64:
    """:func:`_refine` for brackets anywhere in ``x > 0``. Where ``x**(T-1)`` could overflow
    (``x`` above ``10 ** (150 / (T - 1))``; every such bracket lies above 1) the root is found in
    ``y = 1 / x`` on the reversed polynomial, and there ``f_lo``, ``f_hi`` must be the reversed
    polynomial's values at ``1 / lo`` and ``1 / hi`` (as :func:`_value_at` and
    :func:`_grid_values` give them above 1; below 1 they give ``p`` itself)."""
    n_years = coeffs.shape[0]
    safe = 10.0 ** (150.0 / max(n_years - 1, 1))
    above = lo >= 1.0
    if above.any():  # back from the reversed polynomial's values to p's (no overflow here)
        power = float(n_years - 1)
        f_lo = np.where(above, f_lo * np.minimum(lo, safe) ** power, f_lo)
        f_hi = np.where(above, f_hi * np.minimum(hi, safe) ** power, f_hi)
    direct = hi <= safe
    if direct.all():
        return _refine(coeffs, lo, hi, f_lo, f_hi, start, last_step)
    out = np.empty(lo.size)
    if direct.any():
        out[direct] = _refine(
            coeffs[:, direct],
            lo[direct],
            hi[direct],
            f_lo[direct],
            f_hi[direct],
            None if start is None else start[direct],
            last_step,
        )
    far = ~direct
    # the reversed polynomial's values at 1 / hi and 1 / lo, from p's
    power = float(n_years - 1)
    g_lo, g_hi = f_hi[far] * hi[far] ** -power, f_lo[far] * lo[far] ** -power
    far_start = None if start is None else 1.0 / start[far]
    out[far] = 1.0 / _refine(
        coeffs[::-1][:, far], 1.0 / hi[far], 1.0 / lo[far], g_lo, g_hi, far_start, last_step
    )
    return out


@functools.lru_cache(maxsize=64)
def _grid_weights(n_years: int, grid_bytes: bytes) -> F64:
    """``(G, T)`` weights of :func:`_grid_values`: ``x_g ** t`` where ``x_g <= 1`` and
    ``x_g ** -(T - 1 - t)`` above 1, for the grid given by its bytes (the grids are a few
    constants, so each table is computed once per number of years; read-only)."""
    grid = np.frombuffer(grid_bytes, dtype=float)
    k = np.arange(n_years, dtype=float)[:, None]
    g = grid[None, :]
    weights: F64 = np.where(
        g <= 1.0, np.minimum(g, 1.0) ** k, (1.0 / np.maximum(g, 1.0)) ** (n_years - 1 - k)
    ).T
    weights.flags.writeable = False
    return weights


def _grid_values(coeffs: F64, grid: F64) -> F64:
    """``(G, n)`` values of :func:`_value_at` at every grid point for every column of the
    years-first ``coeffs``, as one matrix product per block of :data:`_GEMM_COLUMNS` columns."""
    n_years, n = coeffs.shape
    weights = _grid_weights(n_years, grid.tobytes())
    values = np.empty((grid.size, n))
    for i in range(0, n, _GEMM_COLUMNS):
        values[:, i : i + _GEMM_COLUMNS] = weights @ coeffs[:, i : i + _GEMM_COLUMNS]
    return values


def _bracket(coeffs: F64, first: NDArray[np.int8], grid: F64) -> tuple[F64, NDArray[np.intp]]:
    """Grid values and, per column with one sign change, the number ``j`` of grid points at which
    ``p`` has the sign of the first nonzero flow. With a single root, ``p`` has that sign below
    the root and the other sign above it, so the root lies in ``[grid[j-1], grid[j]]`` (below
    the grid for ``j = 0``, above it for ``j = G``) and cannot be missed."""
    values = _grid_values(coeffs, grid)
    # counted as booleans (no temporary array of floats as large as the grid values)
    above = np.add.reduce((values > 0).view(np.uint8), axis=0, dtype=np.uint8)
    below = np.add.reduce((values < 0).view(np.uint8), axis=0, dtype=np.uint8)
    return values, np.asarray(np.where(first > 0, above, below), dtype=np.intp)


SIMPLE_ROOT_LAST_STEP = 1e-7
"""The Newton step (relative) that ends the search for a stream with one sign change. Its NPV
polynomial has one positive root, a simple one, where Newton converges quadratically: the error
after a step of ``1e-7`` is of order ``1e-14`` (the last step, taken, not checked by another
round). Streams with several sign changes, whose roots can be close together, keep ``1e-11``."""


def _one_change_roots(coeffs: F64, first: NDArray[np.int8]) -> F64:
    """The positive root ``x`` of each column with one sign change (``nan`` where it lies below
    ``1 / (1 + R_MAX)``): bracketed on the main grid (or an outer one where it lies beyond) and
    refined by :func:`_refine`."""
    n = coeffs.shape[1]
    out = np.full(n, np.nan)
    if n == 0:
        return out
    values, j = _bracket(coeffs, first, _X_MAIN)
    inside = np.flatnonzero((j > 0) & (j < _X_MAIN.size))
    at = j[inside]
    cols = np.arange(n)
    lo, hi = _X_MAIN[at - 1], _X_MAIN[at]
    f_lo, f_hi = values[at - 1, inside], values[at, inside]
    for outer, beyond in ((_X_OUTER_LOW, j == 0), (_X_OUTER_HIGH, j == _X_MAIN.size)):
        rows = np.flatnonzero(beyond)
        if rows.size:
            v, k = _bracket(coeffs[:, rows], first[rows], outer)
            ok = (k > 0) & (k < outer.size)
            rows, k = rows[ok], k[ok]
            inside = np.concatenate([inside, rows])
            lo = np.concatenate([lo, outer[k - 1]])
            hi = np.concatenate([hi, outer[k]])
            f_lo = np.concatenate([f_lo, v[k - 1, np.flatnonzero(ok)]])
            f_hi = np.concatenate([f_hi, v[k, np.flatnonzero(ok)]])
    if inside.size:
        sel = coeffs if inside.size == n and np.array_equal(inside, cols) else coeffs[:, inside]
        out[inside] = _refine_sides(sel, lo, hi, f_lo, f_hi, last_step=SIMPLE_ROOT_LAST_STEP)
    return out


def _several_change_crossings(c: F64) -> list[tuple[F64, NDArray[np.bool_]]]:
    """Every crossing of each row with two or more sign changes: the rates (increasing) at which
    ``p`` changes sign and whether each is falling in ``r`` (``p`` rising in ``x``).

    The eigenvalues of the companion matrix (batched by degree) give every root. ``p`` is then
    evaluated between consecutive candidates (their geometric mean) and beyond them (half the
    smallest, twice the largest); a sign change between two such points is a crossing, refined
    inside that bracket from the eigenvalue in it (Newton then needs a step or two), while a
    root with the same sign on both sides (a tangent) is not."""
    n, n_years = c.shape
    empty: tuple[F64, NDArray[np.bool_]] = (np.empty(0), np.empty(0, bool))
    result = [empty] * n
    nonzero = c != 0
    first = np.argmax(nonzero, axis=1)
    degree = n_years - 1 - np.argmax(nonzero[:, ::-1], axis=1) - first
    rows_all: list[NDArray[np.intp]] = []
    lo_all: list[F64] = []
    hi_all: list[F64] = []
    root_all: list[F64] = []
    for d in np.unique(degree):
        rows = np.flatnonzero(degree == d)
        offsets = first[rows][:, None] + np.arange(d + 1)
        poly = np.take_along_axis(c[rows], offsets, axis=1)  # ascending, both ends nonzero
        companion = np.zeros((rows.size, d, d))
        companion[:, np.arange(1, d), np.arange(d - 1)] = 1.0
        companion[:, :, -1] = -poly[:, :-1] / poly[:, -1:]
        eig = np.linalg.eigvals(companion)
        ok = (eig.real > 0) & (np.abs(eig.imag) <= 1e-3 * np.abs(eig))
        cand = np.sort(np.where(ok, eig.real, np.inf), axis=1)
        # candidates within MERGE_SHARE of the previous one are one (a double root splits into
        # two close eigenvalues; between them the sign of p is rounding noise)
        with np.errstate(invalid="ignore"):
            close = (cand[:, 1:] - cand[:, :-1]) <= MERGE_SHARE * cand[:, 1:]
        cand[:, 1:][close] = np.inf
        cand = np.sort(cand, axis=1)
        count = np.count_nonzero(np.isfinite(cand), axis=1)
        top = np.take_along_axis(cand, np.maximum(count - 1, 0)[:, None], axis=1)
        with np.errstate(invalid="ignore", over="ignore"):
            mids = np.sqrt(cand[:, :-1] * cand[:, 1:])
        points = np.concatenate([cand[:, :1] / 2, mids, top * 2], axis=1)
        index = np.arange(d + 1)[None, :]
        points = np.where(index < count[:, None], points, top * 2)
        points[count == 0] = 1.0  # no candidate: nothing to bracket
        used = index <= count[:, None]
        coeffs = c[rows].T
        # every probe point of every row in one evaluation (row-major: row, then point)
        values = _value_at(np.repeat(coeffs, d + 1, axis=1), points.ravel()).reshape(points.shape)
        positive = values > 0
        change = (positive[:, 1:] != positive[:, :-1]) & used[:, 1:]
        r_idx, k_idx = np.nonzero(change)
        rows_all.append(rows[r_idx])
        lo_all.append(points[r_idx, k_idx])
        hi_all.append(points[r_idx, k_idx + 1])
        root_all.append(cand[r_idx, k_idx])  # the eigenvalue inside that bracket
    row = np.concatenate(rows_all)
    if row.size == 0:
        return result
    lo, hi, root = np.concatenate(lo_all), np.concatenate(hi_all), np.concatenate(root_all)
    coeffs = c[row].T
    rising = _value_at(coeffs, lo) <= 0  # p goes from <= 0 to > 0 as x grows
    # a bracket across x = 1 is narrowed to the side of the sign change (p(1) is the surplus,
    # evaluated by the same arithmetic as inside the bracket)
    at_one = _value_at(coeffs, np.ones(row.size))
    straddle = (lo < 1.0) & (hi > 1.0)
    exact = straddle & (at_one == 0)
    left = straddle & ~exact & ((at_one > 0) == rising)
    hi = np.where(left, 1.0, hi)
    lo = np.where(straddle & ~left & ~exact, 1.0, lo)
    x = np.ones(row.size)
    todo = ~exact
    if todo.any():
        c = coeffs[:, todo]
        a, b = lo[todo], hi[todo]
        x[todo] = _refine_sides(c, a, b, _value_at(c, a), _value_at(c, b), root[todo])
    keep = x >= _X_MIN
    row, x, rising = row[keep], x[keep], rising[keep]
    order = np.lexsort((-x, row))  # by row, then by increasing rate
    row, rate, rising = row[order], 1.0 / x[order] - 1.0, rising[order]
    bounds = np.searchsorted(row, np.arange(n + 1))
    for i in range(n):
        a, b = bounds[i], bounds[i + 1]
        if b > a:
            result[i] = (rate[a:b], rising[a:b])
    return result


def irr_rows(flows: ArrayLike, crossings: bool = False) -> IrrRows:
    """The portal's IRR rule for every row of ``flows`` (contract years on the last axis):
    :func:`irr_years_first` of the transposed array."""
    f = np.atleast_2d(np.asarray(flows, dtype=float))
    return irr_years_first(np.ascontiguousarray(f.T), crossings)


def irr_years_first(flows: F64, crossings: bool = False) -> IrrRows:
    """The portal's IRR rule for every column of ``flows`` (``(years, streams)``, years first).

    With ``x = 1 / (1 + r)`` the NPV is the polynomial ``p(x) = sum_t f_t x**(t-1)``. Every real
    root ``r*`` in ``(-1, R_MAX]`` is found; it is a *falling crossing* when the NPV is positive
    just below ``r*`` and negative just above it (the NPV falls through zero as the rate rises,
    as for an investment), a *rising crossing* for the opposite, and no crossing when the NPV
    only touches zero. With the undiscounted surplus ``S = sum_t f_t``, the IRR is ``r*`` when
    there is exactly one falling crossing and its sign agrees with ``S`` (``r* > 0`` when
    ``S > 0``, ``r* < 0`` when ``S < 0``; with a surplus of zero, ``r*`` within
    :data:`RATE_ZERO` of 0). Otherwise it is not defined, with the reason ``no_sign_change``,
    ``financing`` (only rising crossings), ``several_rates`` (two or more falling crossings, or
    one that contradicts ``S``) or ``no_rate`` (both signs, but no crossing in range; a tangent
    root is not a crossing). Flows
    below :data:`ZERO_SHARE` of a row's largest flow count as zero.

    Rows whose flows change sign once have exactly one root (Descartes' rule of signs): it is
    bracketed on a grid and refined by safeguarded Newton steps. Rows with more sign changes get
    every root from the eigenvalues of their companion matrices, so no root is missed. Each
    row's result depends on that row alone.
    """
    n = flows.shape[1]
    c = _clean_years_first(flows)
    changes, first = _sign_changes(c)
    rate = np.full(n, np.nan)
    code = np.full(n, NO_SIGN_CHANGE, dtype=np.int8)
    empty: tuple[F64, NDArray[np.bool_]] = (np.empty(0), np.empty(0, bool))
    detail = [empty] * n if crossings else None
    surplus = c.sum(axis=0)
    negligible = np.abs(surplus) <= SURPLUS_SHARE * np.abs(c).sum(axis=0)

    def agrees(r: F64, rows: NDArray[np.intp]) -> NDArray[np.bool_]:
        """The sign of the falling crossing ``r`` agrees with the surplus of ``rows``."""
        same_sign = ((r > 0) == (surplus[rows] > 0)) | (np.abs(r) <= 1e-9)
        return np.where(negligible[rows], np.abs(r) <= RATE_ZERO, same_sign)

    one = np.flatnonzero(changes == 1)
    if one.size:
        every = one.size == n  # usually every stream (no copy then)
        with np.errstate(divide="ignore", invalid="ignore"):
            r = 1.0 / _one_change_roots(c if every else c[:, one], first[one]) - 1.0
        found = np.isfinite(r)
        falling = first[one] < 0  # outlays first: p rises from negative to positive in x
        ok = found & falling & agrees(r, one)
        rate[one[ok]] = r[ok]
        code[one] = np.select(
            [ok, ~found, ~falling], [IRR_DEFINED, NO_RATE, FINANCING], SEVERAL_RATES
        )
        if detail is not None:
            for i in np.flatnonzero(found):
                detail[one[i]] = (r[i : i + 1], falling[i : i + 1])
    several = np.flatnonzero(changes >= 2)
    if several.size:
        for k, (rates_i, falling_i) in enumerate(_several_change_crossings(c[:, several].T)):
            row = int(several[k])
            if detail is not None:
                detail[row] = (rates_i, falling_i)
            n_fall = int(np.count_nonzero(falling_i))
            if n_fall == 1 and agrees(rates_i[falling_i], np.array([row]))[0]:
                rate[row] = float(rates_i[falling_i][0])
                code[row] = IRR_DEFINED
            elif n_fall >= 1:
                code[row] = SEVERAL_RATES
            else:
                code[row] = FINANCING if rates_i.size else NO_RATE
    return IrrRows(rate, code, detail)


@dataclass(frozen=True)
class IrrResult:
    """The IRR rule for one stream: the rate (``None`` where not defined), the reason (one of
    :data:`IRR_REASONS`) and every crossing with its direction."""

    rate: float | None
    reason: str
    crossings: tuple[float, ...]
    falling: tuple[bool, ...]


def irr_result(flows: ArrayLike) -> IrrResult:
    """:func:`irr_rows` for one stream, with its crossings (for notes and pages)."""
    arr = _as_flows(flows)
    rows = irr_rows(arr[None, :], crossings=True)
    assert rows.crossings is not None
    rates, falling = rows.crossings[0]
    value = float(rows.rate[0])
    return IrrResult(
        value if math.isfinite(value) else None,
        IRR_REASONS[int(rows.code[0])],
        tuple(float(r) for r in rates),
        tuple(bool(b) for b in falling),
    )


def irr_notes(rule: IrrResult, subject: str, npv: str, mirr: str, hurdle: str) -> list[str]:
    """Plain-language notes on an IRR by the rule: which crossing was chosen where a stream has
    several, or why there is no IRR and what to read instead (the NPV and the modified IRR at
    the ``hurdle``, already formatted). ``subject`` names the stream ("The investor's cash
    flow"). Nothing to say for a stream of one sign or with a single crossing."""
    shown = " and ".join(
        f"{r * 100:.1f} % ({'falling' if down else 'rising'})"
        for r, down in zip(rule.crossings, rule.falling, strict=True)
    )
    if rule.rate is not None:
        if len(rule.crossings) < 2:
            return []
        return [
            f"{subject} changes sign more than once; its NPV crosses zero at {shown}. The IRR "
            f"shown, {rule.rate * 100:.1f} %, is the only rate at which the NPV falls through "
            "zero, and it agrees with the sign of the nominal total."
        ]
    if rule.reason == "no_sign_change":
        return []
    where = f"; the NPV crosses zero at {shown}" if shown else ""
    return [
        f"No IRR: {IRR_REASON_TEXT[rule.reason]}{where}. Read instead the NPV at the hurdle rate "
        f"({hurdle}): {npv}, and the modified IRR at that rate: {mirr}."
    ]


def irr(flows: ArrayLike) -> float | None:
    """Internal rate of return by the portal's rule (:func:`irr_rows`), or ``None`` where it is
    not defined. Never NaN."""
    return irr_result(flows).rate


def irr_all(flows: ArrayLike) -> list[float]:
    """Every rate at which the NPV crosses zero (tangent roots excluded), in increasing order."""
    return list(irr_result(flows).crossings)


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
    c = _clean_years_first(f.T)
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
    arr = _as_flows(flows)
    value = float(mirr_rows(arr[None, :], discount_factors(arr.size, rate))[0])
    return value if math.isfinite(value) else None


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
