"""Exact arithmetic on input numbers as they were written.

Input numbers arrive as binary floats parsed from decimal text (``0.07`` in a scenario file or a
form). Sums and products of such floats round: ``0.01 + 0.06`` comes out one unit in the last
place below ``0.07``, and ``40 * 0.06 * 0.7 - 40 * 0.042`` is ``-4.4e-16`` instead of 0. Where a
result hinges on a difference or a comparison of such sums (a cost share that meets a threshold
exactly, a chain whose success rate equals the baseline), the models redo that arithmetic here:

- each float is read back as the shortest decimal that rounds to it (:func:`dec`, via ``repr``),
  which is the number as typed whenever it was typed with at most 15 significant digits;
- sums, differences and products of those decimals are exact (:data:`EXACT`: a decimal context
  whose precision covers every product of a few floats, with the ``Inexact`` trap set, so a result
  that would need rounding raises instead of passing silently);
- only the final result is rounded, once, to a float (:func:`to_float`), or divided in an
  ordinary 34-digit context (:data:`QUOTIENT`).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Context, Decimal, Inexact, InvalidOperation, Overflow, Rounded

__all__ = ["EXACT", "QUOTIENT", "dec", "exact_product", "exact_sum", "to_float"]

EXACT = Context(
    prec=20_000, Emin=-999_999, Emax=999_999, traps=[Inexact, Rounded, InvalidOperation, Overflow]
)
"""Exact context: 20 000 digits hold any sum of products of up to a dozen floats (a float spans
at most 17 significant digits over exponents -324 to 308), and any rounding raises."""

QUOTIENT = Context(prec=34, Emin=-999_999, Emax=999_999, traps=[InvalidOperation, Overflow])
"""Context for the one division of an exact numerator by an exact denominator."""


def dec(x: float) -> Decimal:
    """The shortest decimal that rounds to ``x`` (``dec(0.1) == Decimal("0.1")``)."""
    return Decimal(repr(float(x)))


def exact_sum(values: Iterable[Decimal]) -> Decimal:
    """Exact sum of decimals (0 for none)."""
    total = Decimal(0)
    for v in values:
        total = EXACT.add(total, v)
    return total


def exact_product(values: Iterable[Decimal]) -> Decimal:
    """Exact product of decimals (1 for none)."""
    total = Decimal(1)
    for v in values:
        total = EXACT.multiply(total, v)
    return total


def to_float(x: Decimal) -> float:
    """``x`` rounded once to the nearest float."""
    return float(x)
