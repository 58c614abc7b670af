"""The generic calculator interface: forms built from input models, inline errors, results.

Widgets are a thin layer: all maths lives in the calculators, all field knowledge in
:mod:`portal_tools.inputs`.
"""

from portal_tools.ui.form import CalculatorApp, build_control
from portal_tools.ui.render import result_html

__all__ = ["CalculatorApp", "build_control", "result_html"]
