"""Benchmarks of the knowledge data: validating every data file and drawing a survey chart."""

from __future__ import annotations

from typing import Any

from portal_tools.knowledge import load, load_all
from portal_tools.knowledge_charts import figure_html, survey_chart


def test_load_all_data_files(benchmark: Any) -> None:
    tables = benchmark(load_all)
    assert len(tables) == 8


def test_survey_chart_with_table(benchmark: Any) -> None:
    figures = load("survey_figures.csv")
    ids = [
        "action_sought_information",
        "action_discussed_management",
        "action_dialogue_partners",
        "action_none",
        "action_implementing",
    ]

    def draw() -> str:
        chart, table = survey_chart(figures, ids, "Action")
        return figure_html(chart, table, "Action")

    out = benchmark(draw)
    assert out.count("<img") == 1
