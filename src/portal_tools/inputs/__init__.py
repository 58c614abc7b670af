"""Validated calculator inputs.

Every calculator declares its inputs as a subclass of :class:`Inputs`, with each field made by
:func:`field`. The field metadata (label, unit, bounds, help text, widget hint) is the single
source for three things: the error messages of :func:`parse`, the generated widgets in
:mod:`portal_tools.ui.form` and the published scenario schema.

Validation lives in one place: the field constraints plus the model's ``cross_checks`` method for
rules that involve several fields. :func:`parse` runs both and raises
:class:`~portal_tools.errors.InputError` listing every problem.

The parts: :mod:`~portal_tools.inputs.rules` (safe text, smallest sizes, reserved names),
:mod:`~portal_tools.inputs.model` (:class:`Inputs`, :func:`field`, the field metadata),
:mod:`~portal_tools.inputs.words` (what a field allows, in words) and
:mod:`~portal_tools.inputs.parsing` (:func:`parse` and its error messages). Import from
``portal_tools.inputs``.
"""

from __future__ import annotations

from portal_tools.inputs.model import (
    FieldMeta,
    Inputs,
    field,
    field_bounds,
    field_meta,
    item_type,
    model_of,
    strip_optional,
)
from portal_tools.inputs.parsing import parse
from portal_tools.inputs.rules import (
    MIN_AMOUNT,
    MIN_SHARE,
    NotIn,
    Smallest,
    text_problem,
    unsafe_characters,
)
from portal_tools.inputs.words import allowed_text

__all__ = [
    "MIN_AMOUNT",
    "MIN_SHARE",
    "FieldMeta",
    "Inputs",
    "NotIn",
    "Smallest",
    "allowed_text",
    "field",
    "field_bounds",
    "field_meta",
    "item_type",
    "model_of",
    "parse",
    "strip_optional",
    "text_problem",
    "unsafe_characters",
]
