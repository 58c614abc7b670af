"""Generic forms: one control per input field, built from the field metadata.

:func:`build_control` maps a field to a control by its type and widget hint:

========================  ===========================================================
field                     control
========================  ===========================================================
``float`` / ``int``       number box with label, unit, help text and the value read
``Literal[...]``          drop-down
``list[Literal[...]]``    multiple-choice list (choose one or more)
``bool``                  check box
``str``                   text box
``float | None``          number box; empty means none
``list[float]`` amounts   text box of amounts separated by ';' (or line breaks), year 1
                          first, with the amounts read
``list[Model]``           table of rows with *Add row* and *Remove* buttons, laid out
                          as one grid under its column headers
``dict[str, V]``          table of names and values (``V`` a model: one column per field)
``Model``                 sub-form of the model's fields (``Model | None``: with a check
                          box that switches it on)
anything else             YAML text area (read like a scenario file); no field of a
                          shipped calculator uses it

========================  ===========================================================

:class:`CalculatorApp` puts the controls, a *number format* setting (Danish by default, see
:mod:`portal_tools.ui.numbers`), an inline problem box, scenario save/load and the rendered result
together. Every control's ``read()`` returns the raw value and any parse problems; validation
itself is :func:`portal_tools.inputs.parse`. Typed numbers, uploaded files and YAML text areas are
read by the same rules and limits as scenario files.

The parts: :mod:`~portal_tools.ui.form.controls` (the control types),
:mod:`~portal_tools.ui.form.build` (:func:`build_control` and the per-field loop),
:mod:`~portal_tools.ui.form.nested` (tables and sub-forms) and
:mod:`~portal_tools.ui.form.app` (:class:`CalculatorApp`). Import from ``portal_tools.ui.form``.
"""

from __future__ import annotations

from portal_tools.ui.form.app import CalculatorApp
from portal_tools.ui.form.build import build_control
from portal_tools.ui.form.controls import LABEL_WIDTH as LABEL_WIDTH
from portal_tools.ui.form.controls import Control, NumberFormat
from portal_tools.ui.form.nested import DictControl as DictControl
from portal_tools.ui.form.nested import ListControl as ListControl
from portal_tools.ui.form.nested import ModelControl as ModelControl

__all__ = ["CalculatorApp", "Control", "NumberFormat", "build_control"]
