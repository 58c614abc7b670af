"""Every calculator of the portal; importing this package registers them all."""

from portal_tools.calculators import payment, present_value, transaction_costs

__all__ = ["payment", "present_value", "transaction_costs"]
