"""The portal's IRR rule: sign changes, the rule for every row of an array of flows, the result
and notes for one stream, and the scalar :func:`irr` and :func:`irr_all`.

Part of :mod:`portal_tools.cashflow`; the roots come from :mod:`portal_tools.cashflow.roots`.
Import from ``portal_tools.cashflow``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from portal_tools.cashflow.rates import as_flows
from portal_tools.cashflow.roots import (
    F64,
    SCALAR_COLUMNS,
    clean_years_first,
    one_change_roots,
    several_change_crossings,
)
from portal_tools.formatting import percent

SURPLUS_SHARE = 1e-12
"""A surplus smaller than this share of the stream's total size counts as zero."""
RATE_ZERO = 1e-6
"""With a surplus of zero, a rate within this distance of 0 is taken as 0 (rounding)."""

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
    if n <= SCALAR_COLUMNS:  # a page's few streams: the same steps in plain integers
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
    return _sign_changes(clean_years_first(flows))


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
    c = clean_years_first(flows)
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
            r = 1.0 / one_change_roots(c if every else c[:, one], first[one]) - 1.0
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
        for k, (rates_i, falling_i) in enumerate(several_change_crossings(c[:, several].T)):
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
    arr = as_flows(flows)
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
        f"{percent(r, minus_zero=True)} ({'falling' if down else 'rising'})"
        for r, down in zip(rule.crossings, rule.falling, strict=True)
    )
    if rule.rate is not None:
        if len(rule.crossings) < 2:
            return []
        rate_text = percent(rule.rate, minus_zero=True)
        return [
            f"{subject} changes sign more than once; its NPV crosses zero at {shown}. The IRR "
            f"shown, {rate_text}, is the only rate at which the NPV falls through "
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
