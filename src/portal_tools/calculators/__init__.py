"""Every calculator of the portal; importing this package registers them all."""

from portal_tools.calculators import present_value, transaction_costs

__all__ = ["present_value", "transaction_costs"]
