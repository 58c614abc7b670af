"""A changed input through the form, at the defaults (measured, not asserted): the time from a
number box's new value to the new summary on screen (target: under 100 ms), to the new chart
on screen (target: under 300 ms; the form shows one chart at a time, chosen in its *Chart*
list, and draws that one first) and to every chart redrawn (the rest come in the background).
The debounce wait while typing (0.25 s) is left out: the clock starts when the recompute does,
as after Enter.

Each round types one of two cohort sizes, so every round changes the result and redraws."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from portal_tools.notebook import SERVER_SESSION_VARIABLE
from portal_tools.registry import get
from portal_tools.ui.form import CalculatorApp


@pytest.fixture(autouse=True)
def _in_a_live_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in JupyterLab (a kernel started by a Jupyter server): full-colour, quickly
    compressed charts, not the static site's palette images."""
    monkeypatch.setenv(SERVER_SESSION_VARIABLE, "benchmark")


class Later:
    """A scheduler that keeps delayed calls until the benchmark runs them (as a kernel's loop
    would, after the summary has been sent)."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], None]] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> Callable[[], None]:
        self.calls.append(callback)
        return lambda: self.calls.remove(callback) if callback in self.calls else None


def _typing(name: str) -> tuple[CalculatorApp, Later, Callable[[], None]]:
    """The calculator ``name``'s form and a function that types a new cohort size and presses
    Enter (the summary is then shown; the charts wait in the scheduler)."""
    later = Later()
    app = CalculatorApp(get(name), scheduler=later)
    box = app.controls["cohort_size"].widget
    sizes = iter(range(10**6))

    def type_one() -> None:
        box.value = str(101 - next(sizes) % 2)  # neither default (120, 100) twice running
        later.calls.clear()  # the debounce wait: Enter recomputes now instead
        box._handle_custom_msg({"event": "submit"}, [])

    return app, later, type_one


def _shown(app: CalculatorApp, part: str) -> str:
    """The summary, the chart on screen or every chart drawn, as HTML."""
    if part == "summary":
        return str(app.output.summary.value)
    return app.output.charts if part == "chart_on_screen" else "\n".join(app.output.drawn)


@pytest.mark.parametrize("part", ["summary", "chart_on_screen", "every_chart"])
@pytest.mark.parametrize("name", ["payment", "transaction_costs"])
def test_form_change_to_new(benchmark: Any, name: str, part: str) -> None:
    """From a new cohort size to the new summary, to the chart on screen, or to all its charts
    (each drawn in a step of its own after the summary)."""
    app, later, type_one = _typing(name)
    # Step 1 makes the figures and draws the chart on screen; each later step one more chart.
    steps = {"summary": 0, "chart_on_screen": 1, "every_chart": 10**6}[part]

    def change() -> str:
        before = _shown(app, part)
        type_one()
        for _ in range(steps):
            if not later.calls:
                break
            later.calls.pop(0)()
        later.calls.clear()  # the steps the measure leaves out
        assert _shown(app, part) != before
        return _shown(app, part)

    benchmark(change)
