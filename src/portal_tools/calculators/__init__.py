"""Every calculator of the portal; importing this package registers them all."""

from portal_tools.calculators import creaming, payment, present_value, risk

__all__ = ["creaming", "payment", "present_value", "risk"]
