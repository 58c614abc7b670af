"""matplotlib is imported only when a chart is drawn: the CLI, the catalogue and every
calculator's default run leave it unloaded (it costs about a quarter of the import time)."""

from __future__ import annotations

import json
import subprocess
import sys

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
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    last = (out.stderr.strip().splitlines() or [""])[-1]
    assert out.returncode == 0, f"running the calculators failed: {last}"
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert not found["before"], (
        "importing the CLI or the catalogue, or running a calculator, imported matplotlib: "
        "import it inside the chart functions (and under TYPE_CHECKING for annotations)"
    )
    assert found["charts"] > 0, "the first calculator of the catalogue drew no chart"
    assert found["after"], "drawing a chart did not import matplotlib (the test checks nothing)"
