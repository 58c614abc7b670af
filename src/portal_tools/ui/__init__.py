"""The generic calculator interface: forms built from input models, inline errors, results.

Widgets are a thin layer: all maths lives in the calculators, all field knowledge in
:mod:`portal_tools.inputs`.
"""

from portal_tools.ui.form import CalculatorApp, build_control
from portal_tools.ui.render import result_html
from portal_tools.ui.static import StaticCalculator, calculator_view

__all__ = ["CalculatorApp", "StaticCalculator", "build_control", "calculator_view", "result_html"]
