"""How the form recomputes: at once for a choice or Enter, after a pause while typing (a
deterministic scheduler stands in for the kernel's event loop), the summary before the charts,
the charts only when the result changed, the downloads only when asked for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from portal_tools.calculators import present_value
from portal_tools.charts import Chart
from portal_tools.registry import get
from portal_tools.results import Result
from portal_tools.ui.form import CalculatorApp
from portal_tools.ui.form.app import DEBOUNCE, loop_scheduler
from portal_tools.ui.render import download_links


@dataclasses.dataclass
class Pending:
    """One delayed call."""

    delay: float
    callback: Callable[[], None]
    cancelled: bool = False


class FakeScheduler:
    """Keeps delayed calls until :meth:`run` runs them (in the order they were asked for)."""

    def __init__(self) -> None:
        self.pending: list[Pending] = []

    def __call__(self, delay: float, callback: Callable[[], None]) -> Callable[[], None]:
        call = Pending(delay, callback)
        self.pending.append(call)

        def cancel() -> None:
            call.cancelled = True

        return cancel

    def waiting(self) -> list[float]:
        """The delays of the calls not yet run or cancelled."""
        return [p.delay for p in self.pending if not p.cancelled]

    def step(self) -> None:
        """Run the first call due (not those it schedules)."""
        while self.pending:
            call = self.pending.pop(0)
            if not call.cancelled:
                call.callback()
                return

    def run(self) -> None:
        """Run every call due, including those they schedule."""
        while self.pending:
            call = self.pending.pop(0)
            if not call.cancelled:
                call.callback()


class CountingCharts:
    """The calculator's charts, counting how often they are drawn."""

    def __init__(self, charts: Callable[[Result], Sequence[Chart]]) -> None:
        self.charts = charts
        self.calls = 0

    def __call__(self, result: Result) -> Sequence[Chart]:
        self.calls += 1
        return self.charts(result)


def app_with(scheduler: FakeScheduler, **kwargs: Any) -> tuple[CalculatorApp, CountingCharts]:
    """The present-value calculator's form with ``scheduler`` and counted charts."""
    calc = present_value.CALCULATOR
    charts = CountingCharts(calc.charts)
    return CalculatorApp(calc, charts=charts, scheduler=scheduler, **kwargs), charts


def total_costs(app: CalculatorApp) -> float:
    assert app.result is not None
    return float(app.result.summary["total_costs"])


def test_the_first_result_is_complete_at_once() -> None:
    scheduler = FakeScheduler()
    app, charts = app_with(scheduler)
    assert not scheduler.waiting() and charts.calls == 1
    assert "<img" in app.output.charts and "Net present value" in app.output.summary.value
    # The page is saved with its first result: its downloads are there without a kernel.
    assert app.result is not None
    assert app.output.downloads.value == download_links(app.result, app.stem)
    assert app.output.prepare.layout.display == "none"


def test_typing_recomputes_after_a_pause_and_enter_at_once() -> None:
    scheduler = FakeScheduler()
    app, _charts = app_with(scheduler)
    app.controls["savings"].widget.value = "0"
    scheduler.run()
    costs = app.controls["costs"].widget
    assert costs.continuous_update  # every keystroke reaches the kernel
    before = total_costs(app)
    costs.value = "1"
    costs.value = "10"
    assert scheduler.waiting() == [DEBOUNCE] and total_costs(app) == before  # one wait, restarted
    scheduler.run()
    assert total_costs(app) == 10
    costs.value = "20"
    costs._handle_custom_msg({"event": "submit"}, [])  # Enter
    assert total_costs(app) == 20 and DEBOUNCE not in scheduler.waiting()


def test_a_choice_recomputes_the_summary_at_once_and_the_charts_after() -> None:
    scheduler = FakeScheduler()
    app, charts = app_with(scheduler)
    summary = app.output.summary.value
    app.controls["rate_basis"].widget.value = "flat"
    app.controls["flat_rate"].widget._handle_custom_msg({"event": "submit"}, [])
    assert app.output.summary.value != summary and charts.calls == 1
    assert scheduler.waiting() == [0.0]  # the charts come next
    old = app.output.charts
    scheduler.run()
    assert charts.calls == 2 and app.output.charts != old


def test_the_charts_are_not_drawn_again_for_the_same_result() -> None:
    scheduler = FakeScheduler()
    app, charts = app_with(scheduler, initial={"flat_rate": 0.05, "rate_basis": "flat"})
    app.controls["flat_rate"].widget.value = "5 %"  # the same number, typed otherwise
    scheduler.run()
    app.update()
    scheduler.run()
    assert charts.calls == 1
    app.controls["flat_rate"].widget.value = "6 %"
    scheduler.run()
    assert charts.calls == 2


def test_each_chart_is_shown_when_drawn_and_a_new_change_stops_the_rest() -> None:
    scheduler = FakeScheduler()
    app = CalculatorApp(get("payment"), scheduler=scheduler)
    out = app.output
    old = list(out.drawn)
    assert len(old) == 5 and all("<img" in v for v in old) and out.charts == old[0]
    assert [text for text, _ in out.chart_choice.options][1].startswith("2 of 5: Investor")
    out.chart_choice.value = 2  # the third chart on screen: it is drawn first
    assert out.charts == old[2]
    app.controls["per_person_cap_basis"].widget.value = "each_person"
    app.controls["cohort_size"].widget.value = "150"
    app.controls["cohort_size"].widget._handle_custom_msg({"event": "submit"}, [])
    scheduler.step()  # the chart on screen
    assert out.drawn[2] != old[2] and out.charts == out.drawn[2]
    assert [out.drawn[i] for i in (0, 1, 3, 4)] == [old[i] for i in (0, 1, 3, 4)]
    scheduler.step()  # then the first not drawn
    assert out.drawn[0] != old[0] and out.drawn[1] == old[1]
    app.controls["cohort_size"].widget.value = "151"  # typing again: the rest is not drawn
    assert scheduler.waiting() == [DEBOUNCE]
    scheduler.run()
    assert all(new != before for new, before in zip(out.drawn, old, strict=True))
    # Back to the cohort last drawn after an interrupted drawing: every chart is drawn again.
    drawn = list(out.drawn)
    app.controls["cohort_size"].widget.value = "150"
    app.controls["cohort_size"].widget._handle_custom_msg({"event": "submit"}, [])
    scheduler.step()
    assert out.drawn[2] != drawn[2]
    app.controls["cohort_size"].widget.value = "151"
    scheduler.run()
    assert out.drawn == drawn and out.charts == drawn[2]


def test_a_chart_chosen_while_drawing_is_drawn_at_once() -> None:
    scheduler = FakeScheduler()
    app = CalculatorApp(get("payment"), scheduler=scheduler)
    out = app.output
    old = list(out.drawn)
    app.controls["cohort_size"].widget.value = "150"
    app.controls["cohort_size"].widget._handle_custom_msg({"event": "submit"}, [])
    scheduler.step()  # chart 1, on screen
    out.chart_choice.value = 4  # not drawn yet for this result: drawn now, not after 2, 3
    assert out.drawn[4] != old[4] and out.charts == out.drawn[4]
    assert out.drawn[1:4] == old[1:4]
    scheduler.run()
    assert all(new != before for new, before in zip(out.drawn, old, strict=True))
    assert not scheduler.waiting()


def test_a_result_with_fewer_charts_drops_the_others() -> None:
    payment = get("payment")

    def fewer(result: Result) -> Sequence[Chart]:
        """Every chart for the default contract, only the first two for another."""
        figures = payment.charts(result)
        return figures if result.summary["total_outcome_payments"] == 5_880_000 else figures[:2]

    app = CalculatorApp(payment, charts=fewer)
    out = app.output
    assert len(out.drawn) == 5 and len(out.chart_choice.options) == 5
    out.chart_choice.value = 4
    app.controls["cohort_size"].widget.value = "100"
    assert app.problems.value == "" and len(out.drawn) == 2
    assert [v for _, v in out.chart_choice.options] == [0, 1] and out.selected == 1
    assert out.charts == out.drawn[1] and out.chart_choice.layout.display is None


def test_a_single_chart_has_no_chart_list() -> None:
    app = CalculatorApp(get("present_value"))
    out = app.output
    assert len(out.drawn) == 1 and "<img" in out.charts
    assert out.chart_choice.layout.display == "none"


def test_the_downloads_are_built_when_asked_for() -> None:
    app = CalculatorApp(get("present_value"))
    app.controls["costs"].widget.value = "100; 0"
    app.controls["savings"].widget.value = "0; 110"
    assert app.output.downloads.value == "" and app.output.prepare.layout.display is None
    app.output.prepare.click()
    assert app.result is not None and app.result.summary["total_costs"] == 100
    assert app.output.downloads.value == download_links(app.result, app.stem)
    assert "Download results as Excel" in app.output.value
    assert app.output.prepare.layout.display == "none"


def test_a_bad_value_hides_the_download_button_and_recovery_redraws_the_charts() -> None:
    app = CalculatorApp(get("present_value"))
    app.controls["flat_rate"].widget.value = "5"
    assert app.stale and app.output.charts == ""  # folded into the out-of-date block
    assert "Out of date" in app.output.summary.value and "<img" in app.output.summary.value
    assert app.output.prepare.layout.display == "none"
    app.output.prepare.click()
    assert "Download results" in app.output.value  # the old result's, inside the dimmed block
    app.controls["flat_rate"].widget.value = "0,05"
    assert not app.stale and "<img" in app.output.charts
    assert "Out of date" not in app.output.value


def test_without_an_event_loop_a_delayed_call_runs_at_once() -> None:
    calls: list[int] = []
    cancel = loop_scheduler(10.0, lambda: calls.append(1))
    cancel()
    assert calls == [1]
