"""The controls of a form: the :class:`Control` interface, the number format a form's number
boxes share (:class:`NumberFormat`), a control backed by one widget value
(:class:`ValueControl`) and the number text box (:class:`TextNumberControl`)."""

from __future__ import annotations

import html
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import ipywidgets as W

from portal_tools.errors import InputError, Problem
from portal_tools.inputs import FieldMeta
from portal_tools.inputs.listing import is_share
from portal_tools.ui.numbers import (
    Convention,
    echo_amounts,
    echo_number,
    format_amounts,
    format_number,
    parse_amounts,
    parse_number,
)

LABEL_WIDTH = "min(15em, 40%)"
"""Width of a label beside its box: 15em, but never more than 40 % of a narrow form."""
WIDE = "min(100% - 4px, 30em)"
"""Width of a full-size box: 30em, or the form's width less the widget margins (2px each
side) on a phone, so that no box sticks out of the form."""
WIDER = "min(100% - 4px, 60em)"
"""Width of a box for lists of amounts and long texts."""
FULL = "calc(100% - 4px)"
"""Width of a widget that fills the form (a chart): the form's width less the widget margins."""

Callback = Callable[[], None]
"""What a control calls when the reader changes its value."""


@dataclass
class NumberFormat:
    """The number format every number box of one form reads and writes (``"da"`` or
    ``"en"``), shared by the form's controls so that one setting changes them all."""

    convention: Convention = "da"
    listeners: list[Callable[[Convention, Convention], None]] = field(default_factory=list)

    def change(self, convention: Convention) -> None:
        """Switch format; every number box rewrites the value it holds in the new format."""
        old, self.convention = self.convention, convention
        if old != convention:
            for listener in list(self.listeners):
                listener(old, convention)


class Control(ABC):
    """A form control for one field: ``widget`` to lay out, ``read`` and ``set`` the value.

    ``path`` is the field's path in the inputs (e.g. ``outcomes[1].rate``); a table renumbers
    its rows' paths when a row is removed, so problems always name the row as shown.
    """

    widget: W.Widget
    """The widget that holds the value (for a number box: its text box)."""
    path: str = ""

    @property
    def view(self) -> W.Widget:
        """What the form lays out: the widget, or the widget with what belongs beside it."""
        return self.widget

    @abstractmethod
    def read(self) -> tuple[Any, list[Problem]]:
        """The raw value and any problems found while parsing it."""

    @abstractmethod
    def set(self, value: Any) -> None:
        """Show ``value`` in the control."""

    @abstractmethod
    def observe(self, callback: Callback, typing: Callback | None = None) -> None:
        """Call ``callback`` whenever the reader changes the value; while the reader is still
        typing in a text box, call ``typing`` instead (``callback`` when not given), and
        ``callback`` again when they press Enter."""

    def set_path(self, path: str) -> None:
        """Move the control to ``path`` (after rows above it were removed)."""
        self.path = path


def label_style(meta: FieldMeta, compact: bool) -> dict[str, Any]:
    """Label width and tooltip: the form's label column, or zero in table rows, whose column
    headers show the labels (the zero-width label still names the control for screen
    readers). The tooltip is the whole label, so that a label cut short on a narrow screen
    can still be read."""
    return {
        "style": {"description_width": "0px" if compact else LABEL_WIDTH},
        "tooltip": label_text(meta),
    }


def observe_value(widget: W.ValueWidget, callback: Callback, typing: Callback | None) -> None:
    """Call ``callback`` when ``widget``'s value changes; for a text box that sends every
    keystroke (``continuous_update``), call ``typing`` on each change and ``callback`` on
    Enter (the box's ``submit`` message), so that Enter recomputes at once."""
    continuous = isinstance(widget, W.Text) and widget.continuous_update
    on_change = (typing or callback) if continuous else callback
    widget.observe(lambda _change: on_change(), names="value")
    if continuous:

        def on_message(_widget: Any, content: Any, _buffers: Any) -> None:
            if isinstance(content, dict) and content.get("event") == "submit":
                callback()

        widget.on_msg(on_message)


class ValueControl(Control):
    """A control backed by one ipywidget with a ``value`` trait."""

    def __init__(
        self,
        widget: W.ValueWidget,
        to_value: Callable[[Any], tuple[Any, list[Problem]]],
        from_value: Callable[[Any], Any],
        path: str = "",
    ) -> None:
        self.widget = widget
        self._input = widget
        self._to = to_value
        self._from = from_value
        self.path = path

    def read(self) -> tuple[Any, list[Problem]]:
        return self._to(self._input.value)

    def set(self, value: Any) -> None:
        self._input.value = self._from(value)

    def observe(self, callback: Callback, typing: Callback | None = None) -> None:
        observe_value(self._input, callback, typing)


def label_text(meta: FieldMeta) -> str:
    """A control's label: the field's label, with its unit in brackets when it has one."""
    return f"{meta.label} ({meta.unit})" if meta.unit else meta.label


def allows_percent(meta: FieldMeta, annotation: Any = None) -> bool:
    """A share or rate (:func:`~portal_tools.inputs.listing.is_share`: its whole range lies
    within -1 to 1) may be typed as '60 %'."""
    return is_share(meta, annotation)


class TextNumberControl(Control):
    """A text box read by :mod:`portal_tools.ui.numbers`, with the value read shown beside
    it (or below it in a table row), in the form's number format."""

    def __init__(
        self,
        meta: FieldMeta,
        value: Any,
        path: str,
        compact: bool,
        numbers: NumberFormat,
        kind: Literal["number", "integer", "optional", "amounts"],
        percent: bool,
    ) -> None:
        self.meta, self.path, self.kind, self.numbers, self.percent = (
            meta,
            path,
            kind,
            numbers,
            percent,
        )
        placeholder = {
            "optional": "none",
            "amounts": "e.g. 1 000 000; 500 000; 0",
        }.get(kind, "")
        width = (
            ("12em" if kind == "amounts" else "9em")
            if compact
            else (WIDER if kind == "amounts" else WIDE)
        )
        self._input = W.Text(
            value=self._show(value),
            description=label_text(meta),
            placeholder=placeholder,
            continuous_update=True,
            layout=W.Layout(width=width),
            **label_style(meta, compact),
        )
        self._input.add_class("portal-input")
        self._echo = W.HTML("", layout=W.Layout(margin="0 0 0 0.5em"))
        self._echo.add_class("portal-echo")
        box = W.VBox if compact else W.HBox
        self.widget = self._input
        self._view = box(
            [self._input, self._echo],
            layout=W.Layout(align_items="baseline", flex_flow="column" if compact else "row wrap"),
        )
        self._input.observe(lambda _change: self._update_echo(), names="value")
        numbers.listeners.append(self._reformat)
        self._update_echo()

    @property
    def view(self) -> W.Widget:
        return self._view

    def _show(self, value: Any) -> str:
        convention = self.numbers.convention
        if value is None or (isinstance(value, str) and not value):
            return ""
        if isinstance(value, str):
            return value
        if self.kind == "amounts":
            return format_amounts([float(v) for v in value], convention)
        return format_number(float(value), convention)

    def _parse(self, text: str, convention: Convention) -> Any:
        label = self.meta.label
        if self.kind == "amounts":
            return parse_amounts(
                text, convention, path=self.path, label=label, percent=self.percent
            )
        if self.kind == "optional" and (not text.strip() or text.strip().lower() == "none"):
            return None
        number = parse_number(text, convention, path=self.path, label=label, percent=self.percent)
        if self.kind == "integer":
            if not number.is_integer():
                raise InputError.single(
                    self.path, text, f"a whole number (this text reads as {number!r})", label
                )
            return int(number)
        return number

    def read(self) -> tuple[Any, list[Problem]]:
        text = self._input.value
        try:
            return self._parse(text, self.numbers.convention), []
        except InputError as err:
            return text, err.problems

    def set(self, value: Any) -> None:
        self._input.value = self._show(value)
        self._update_echo()

    def observe(self, callback: Callback, typing: Callback | None = None) -> None:
        observe_value(self._input, callback, typing)

    def _update_echo(self) -> None:
        value, problems = self.read()
        convention = self.numbers.convention
        if problems:
            text = "not read: see the message below"
        elif self.kind == "amounts":
            text = "read as " + echo_amounts(value, convention)
        else:
            text = "read as " + echo_number(value, convention).removeprefix("= ")
        self._echo.value = (
            f"<span class='portal-echo-text' style='font-size:0.85em'>{html.escape(text)}</span>"
        )

    def _reformat(self, old: Convention, new: Convention) -> None:
        """Keep the value when the number format changes: text that was read in the old format
        is rewritten in the new one; text that could not be read stays as typed."""
        try:
            value = self._parse(self._input.value, old)
        except InputError:
            self._update_echo()
            return
        self._input.value = self._show(value) if value is not None else self._input.value
        self._update_echo()
