"""Every calculator of the portal; importing this package registers them all."""

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

__all__ = [
    "budget",
    "creaming",
    "effect_chain",
    "payment",
    "present_value",
    "programme",
    "risk",
    "transaction_costs",
]
