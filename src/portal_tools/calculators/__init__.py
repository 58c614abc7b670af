"""Every calculator of the portal; importing this package registers them all."""

from portal_tools.calculators import (
    budget,
    effect_chain,
    payment,
    present_value,
    programme,
    transaction_costs,
)

__all__ = ["budget", "effect_chain", "payment", "present_value", "programme", "transaction_costs"]
