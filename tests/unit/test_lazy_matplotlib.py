"""matplotlib is imported only when a chart is drawn: the CLI, the catalogue and every
calculator's default run leave it unloaded (it costs about a quarter of the import time)."""

from __future__ import annotations

from .helpers import run_python_json

CODE = """
import json, sys
import portal_tools.cli
from portal_tools.registry import CATALOGUE
results = {calc.name: calc.run() for calc in CATALOGUE}
before = "matplotlib" in sys.modules
first = CATALOGUE[0]
charts = first.charts(results[first.name])
print(json.dumps({"before": before, "after": "matplotlib" in sys.modules, "charts": len(charts)}))
"""


def test_matplotlib_is_imported_only_when_a_chart_is_drawn() -> None:
    found = run_python_json(CODE, "running the calculators")
    assert not found["before"], (
        "importing the CLI or the catalogue, or running a calculator, imported matplotlib: "
        "import it inside the chart functions (and under TYPE_CHECKING for annotations)"
    )
    assert found["charts"] > 0, "the first calculator of the catalogue drew no chart"
    assert found["after"], "drawing a chart did not import matplotlib (the test checks nothing)"
