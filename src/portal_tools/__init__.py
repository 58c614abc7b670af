"""Calculators and data for the social investment programmes portal."""
