"""The payment calculator in the generic form, and its charts: what the page relies on."""

from __future__ import annotations

from portal_tools.calculators.payment import CALCULATOR, charts
from portal_tools.calculators.payment.charts import tornado_rows
from portal_tools.scenario import load_preset
from portal_tools.ui.form import CalculatorApp, ListControl


def test_form_edits_the_rate_card_and_shows_problems_inline() -> None:
    app = CalculatorApp(CALCULATOR, initial=load_preset("payment_aalborg_employment").inputs)
    assert app.result is not None
    assert "5 880 000 DKK" in app.output.value and "Investor IRR" in app.output.value
    card = app.controls["outcomes"]
    assert isinstance(card, ListControl)
    # Every input of a rate-card row keeps a label for screen readers.
    for row in card._rows:
        for control in row.values():
            assert control.widget.description
    # A bad rate in row 2 is reported inline with its path; the last result stays, marked as
    # out of date. Number boxes read Danish by default ("1,5" is one and a half).
    before = app.output.value
    card._rows[1]["rate"].widget.value = "1,5"
    assert "outcomes[1].rate" in app.problems.value and "got 1.5" in app.problems.value
    assert app.stale and before in app.output.value and "Out of date" in app.output.value
    card._rows[1]["rate"].widget.value = "0,25"
    assert app.problems.value == ""
    # row 2 builds on row 1, so 0.25 is a share of the 72 starters: 18 last;
    # 72 x 15 000 + 18 x 80 000 = 1 080 000 + 1 440 000 = 2 520 000
    assert app.result.summary["total_outcome_payments"] == 2_520_000
    # Adding a row adds an outcome (default name "Outcome", rate 0.5, price 10 000, year 1).
    card._add.click()
    assert app.result.summary["outcome_payments_by_outcome"]["Outcome"] == 120 * 0.5 * 10_000


def test_charts_and_their_alternative_text() -> None:
    result = CALCULATOR.run({})
    figures = charts(result)
    assert len(figures) == 5
    assert "5 880 000 DKK in total" in figures[0].alt
    assert "lowest at -1 698 000 DKK in year 2" in figures[1].alt
    assert "ending at 480 000 DKK" in figures[1].alt
    assert "value reaches" in figures[2].alt
    assert all(f.figure.axes for f in figures)
    # Without values there is no commissioner chart.
    plain = CALCULATOR.run(
        {"outcomes": [{"name": "A", "price": 1, "rate": 1}], "years": 1, "delivery_costs": [1]}
    )
    assert len(charts(plain)) == 2


def test_tornado_charts_read_the_sensitivity_table() -> None:
    """The tornado's top input and its two values match settling the contract again with that
    input changed through the inputs (not through the sensitivity table)."""
    result = CALCULATOR.run({})
    irr, npv = charts(result)[3:]
    assert "it moves most with delivery costs" in irr.alt
    cheaper = CALCULATOR.run({"delivery_costs": [1_350_000.0] * 3}).summary["investor_irr"]
    dearer = CALCULATOR.run({"delivery_costs": [2_250_000.0] * 3}).summary["investor_irr"]
    assert f"{cheaper * 100:.1f} % at -25 %" in irr.alt
    assert f"{dearer * 100:.1f} % at +25 %" in irr.alt
    assert "net present value" in npv.alt and "price: Lasting job or education" in npv.alt
    rows = tornado_rows(result, "investor_irr")
    assert rows.iloc[0]["label"] == "delivery costs"
    spread = (rows["high"] - rows["low"]).abs().tolist()
    assert spread == sorted(spread, reverse=True)
