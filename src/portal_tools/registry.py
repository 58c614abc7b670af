"""The catalogue: every calculator of the portal, in the order the book presents them.

The CLI, scenario files, forms, the schema page and the tests read it. A calculator module
builds its :class:`~portal_tools.calculator.Calculator` (``CALCULATOR``) and imports nothing from
here; adding a calculator adds one line to :data:`CATALOGUE`.
"""

from __future__ import annotations

from portal_tools.calculator import AnyCalculator
from portal_tools.calculators import (
    budget,
    creaming,
    effect_chain,
    payment,
    present_value,
    programme,
    risk,
    transaction_costs,
)
from portal_tools.errors import InputError

__all__ = ["CATALOGUE", "all_calculators", "get"]

CATALOGUE: tuple[AnyCalculator, ...] = (
    present_value.CALCULATOR,
    payment.CALCULATOR,
    effect_chain.CALCULATOR,
    programme.CALCULATOR,
    budget.CALCULATOR,  # the Budget Act view, shown on the programme page
    transaction_costs.CALCULATOR,
    risk.CALCULATOR,
    creaming.CALCULATOR,
)
"""Every calculator, in reading order (the order of their pages in ``book/_toc.yml``)."""


def all_calculators() -> dict[str, AnyCalculator]:
    """Every calculator by name, in reading order; names are unique."""
    calculators = {calc.name: calc for calc in CATALOGUE}
    if len(calculators) != len(CATALOGUE):
        raise ValueError("two calculators of the catalogue share a name")
    return calculators


def get(name: str) -> AnyCalculator:
    """The calculator called ``name``; an :class:`InputError` names the known ones otherwise."""
    calculators = all_calculators()
    if name not in calculators:
        raise InputError.single("calculator", name, "one of " + ", ".join(map(repr, calculators)))
    return calculators[name]
