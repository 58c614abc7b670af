"""The root finders behind the IRR rule: the NPV as a polynomial in ``x = 1 / (1 + r)``, its
values (Horner's rule, grids), the safeguarded Newton search inside a bracket, the single root of a
stream with one sign change and every crossing of a stream with several (companion-matrix
eigenvalues).

Part of :mod:`portal_tools.cashflow`; the rule itself is :mod:`portal_tools.cashflow.irr`. Import
from ``portal_tools.cashflow``.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray

SCALAR_COLUMNS = 4
"""Up to this many columns, :func:`_horner` loops in plain floats (faster than numpy calls)."""

R_MAX = 1e6
"""Largest rate searched (100 000 000 % a year); a root above it counts as no rate."""
ZERO_SHARE = 1e-12
"""Flows smaller than this share of a stream's largest flow count as zero (rounding noise)."""
MERGE_SHARE = 1e-6
"""Roots of the NPV polynomial closer than this (relative) count as one root: a double root
(the NPV touches zero) splits into two such roots in floating point."""

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


def clean_years_first(flows: F64) -> F64:
    """Each column (one stream, years first) divided by its largest absolute flow, with flows
    below :data:`ZERO_SHARE` of it set to zero (an all-zero column stays zero)."""
    scale = np.max(np.abs(flows), axis=0)
    c = flows / np.where(scale > 0, scale, 1.0)
    c[np.abs(c) <= ZERO_SHARE] = 0.0
    return c


def _horner(coeffs: F64, x: F64) -> tuple[F64, F64]:
    """``p(x) = sum_t c_t x**t`` and ``p'(x)`` per column (``coeffs`` years first, ``(T, n)``;
    ``x`` of shape ``(n,)``), by Horner's rule from the last year. Few columns (one stream, a
    page's calculation) are evaluated column by column in plain floats, which is the same
    arithmetic in the same order as the vectorised loop, so a column's result does not depend on
    how many columns are evaluated with it."""
    last = coeffs.shape[0] - 1
    if x.size <= SCALAR_COLUMNS:
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


def one_change_roots(coeffs: F64, first: NDArray[np.int8]) -> F64:
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


def several_change_crossings(c: F64) -> list[tuple[F64, NDArray[np.bool_]]]:
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
