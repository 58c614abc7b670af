"""What every calculator of the catalogue must have, each failure saying what is missing.

A calculator is its module (``CALCULATOR = Calculator(...)``), one line of the catalogue
(:data:`portal_tools.registry.CATALOGUE`, in reading order), its page in ``book/_toc.yml``
with its form, at least one preset ``<calculator>_<slug>.yaml`` that labels its assumptions,
a metric for every summary key, alternative text on every chart, its schema on the
scenario-files page and a ``headline`` whose default value the browser test checks
(tests/site/test_browser.py reads the same catalogue).
"""

from __future__ import annotations

import functools
import re
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from matplotlib import pyplot as plt

from portal_tools.calculator import AnyCalculator
from portal_tools.registry import CATALOGUE, all_calculators
from portal_tools.results import Result
from portal_tools.scenario import list_presets, load_preset, preset_data
from portal_tools.ui import CalculatorApp, result_html

from ..toc import BOOK, toc_docnames
from .helpers import run_python_json

NAMES = [calc.name for calc in CATALOGUE]
PRESETS = resources.files("portal_tools") / "presets"
SCENARIO_PAGE = "chapters/scenario-files"


@functools.cache
def default_result(name: str) -> Result:
    return all_calculators()[name].run()


def page_source(calc: AnyCalculator) -> str:
    return (BOOK / f"{calc.page}.md").read_text(encoding="utf-8")


def code_cells(text: str) -> list[str]:
    """The code of a MyST page's ``{code-cell}`` blocks, cell options dropped."""
    cells = re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", text, flags=re.M | re.S)
    return ["\n".join(ln for ln in c.splitlines() if not ln.startswith(":")) for c in cells]


@functools.cache
def scenario_page_schemas() -> str:
    """The HTML the scenario-files page shows for the schemas, by running its own code cell."""
    text = (BOOK / f"{SCENARIO_PAGE}.md").read_text(encoding="utf-8")
    cells = [c for c in code_cells(text) if "schema_html(" in c]
    assert cells, f"book/{SCENARIO_PAGE}.md has no code cell that calls schema_html()"
    namespace: dict[str, Any] = {}
    exec(cells[0], namespace)  # the page's own code, as the build runs it
    return "\n".join(namespace["sections"])


def test_catalogue_is_in_reading_order() -> None:
    toc = toc_docnames()
    missing = [f"{c.name} ({c.page or 'no page'})" for c in CATALOGUE if c.page not in toc]
    assert not missing, f"calculators whose page= is not in book/_toc.yml: {missing}"
    order = [toc.index(c.page) for c in CATALOGUE]
    assert order == sorted(order), (
        "CATALOGUE in portal_tools/registry.py is not in the order book/_toc.yml lists the "
        f"pages: {[c.name for c in CATALOGUE]} vs pages {[c.page for c in CATALOGUE]}"
    )
    assert list(all_calculators()) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_page_is_in_the_toc_and_shows_the_form(name: str) -> None:
    calc = all_calculators()[name]
    assert calc.page, f"{name}: Calculator(page=...) is empty; give the docname of its page"
    assert calc.page in toc_docnames(), f"{name}: its page {calc.page!r} is not in book/_toc.yml"
    text = page_source(calc)
    assert f'get("{name}")' in text, (
        f'{name}: book/{calc.page}.md never calls get("{name}") from portal_tools.registry'
    )
    assert "calculator_view(" in text, (
        f"{name}: book/{calc.page}.md shows no calculator_view (static result, live form)"
    )


@pytest.mark.parametrize("name", NAMES)
def test_every_summary_key_has_a_metric_and_the_headline_is_one(name: str) -> None:
    result = default_result(name)
    assert result.calculator == name, (
        f"{name}: its Result says calculator={result.calculator!r}; pass the calculator's name"
    )
    missing = [key for key in result.summary if key not in result.metrics]
    assert not missing, f"{name}: summary keys without a Metric (label and kind): {missing}"
    calc = all_calculators()[name]
    assert calc.headline in result.summary, (
        f"{name}: Calculator(headline={calc.headline!r}) is not a key of its default summary"
    )


@pytest.mark.parametrize("name", NAMES)
def test_default_runs_renders_and_the_form_builds(name: str) -> None:
    calc = all_calculators()[name]
    app = CalculatorApp(calc)
    assert app.result is not None and not app.stale, f"{name}: the form shows no default result"
    assert app.problems.value == "", f"{name}: the default form shows problems"
    assert app.result.to_dict() == default_result(name).to_dict(), (
        f"{name}: the form's default result differs from Calculator.run()"
    )
    charts = calc.charts(app.result)
    try:
        html = result_html(app.result, charts, stem=name)
        no_alt = [i for i, chart in enumerate(charts) if not chart.alt.strip()]
        assert not no_alt, f"{name}: charts without alternative text (by position): {no_alt}"
    finally:
        for chart in charts:
            plt.close(chart.figure)
    assert "portal-summary" in html


def test_every_preset_is_named_by_the_rule() -> None:
    files = sorted(p.name for p in PRESETS.iterdir() if not p.name.startswith("__"))
    wrong_suffix = [f for f in files if not f.endswith(".yaml")]
    assert not wrong_suffix, f"preset files must end in .yaml: {wrong_suffix}"
    for preset in list_presets():
        scenario = load_preset(preset)
        calc = scenario.calculator.name
        assert re.fullmatch(rf"{calc}_[a-z0-9]+(_[a-z0-9]+)*", preset), (
            f"preset {preset}.yaml is for the calculator {calc!r}: name it {calc}_<slug>.yaml"
        )


@pytest.mark.parametrize("name", NAMES)
def test_has_a_preset_that_labels_its_assumptions(name: str) -> None:
    mine = [p for p in list_presets() if load_preset(p).calculator.name == name]
    assert mine, f"{name}: no preset; add src/portal_tools/presets/{name}_<slug>.yaml"
    for preset in mine:
        data = preset_data(preset)
        assert str(data.get("title", "")).strip(), f"preset {preset}: no title"
        notes = data.get("assumptions")
        assert isinstance(notes, dict) and notes, (
            f"preset {preset}: no assumptions (a mapping of input paths to notes saying what "
            "is sourced and what is assumed)"
        )
        empty = [key for key, note in notes.items() if not note]
        assert not empty, f"preset {preset}: assumptions without a note: {empty}"


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_on_the_scenario_files_page(name: str) -> None:
    assert SCENARIO_PAGE in toc_docnames()
    assert f"id='schema-{name}'" in scenario_page_schemas(), (
        f"{name}: book/{SCENARIO_PAGE}.md shows no schema section for it"
    )


def test_browser_test_checks_every_headline() -> None:
    """The browser test is data-driven over the catalogue (it cannot be run here)."""
    text = (Path(__file__).parents[1] / "site" / "test_browser.py").read_text(encoding="utf-8")
    assert re.search(
        r"@on\(\*dict\.fromkeys\(View\(f\"\{c\.page\}\.html\"\) for c in CATALOGUE\)\)", text
    ), "tests/site/test_browser.py no longer checks each catalogue calculator's headline"
    assert "calc.headline" in text


def test_calculator_modules_import_no_catalogue_and_read_no_file() -> None:
    """No import cycle (a calculator never imports the catalogue) and nothing read from the
    package's data or preset files while importing."""
    modules = sorted({calc.inputs.__module__ for calc in CATALOGUE})
    code = f"""
import json, sys
from pathlib import Path
opened = []
package = str(Path({str(Path(sys.modules["portal_tools"].__file__ or "").parent)!r}))
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].startswith(package):
        if not args[0].endswith((".py", ".pyc")) and "__pycache__" not in args[0]:
            opened.append(args[0][len(package) + 1:])
sys.addaudithook(hook)
import importlib
for name in {modules!r}:
    importlib.import_module(name)
before = "portal_tools.registry" in sys.modules
import portal_tools.registry
print(json.dumps({{"registry": before, "opened": sorted(set(opened))}}))
"""
    found = run_python_json(code, "importing the calculator modules (import cycle?)")
    assert not found["registry"], (
        "a calculator module imports portal_tools.registry (an import cycle): import "
        "Calculator from portal_tools.calculator instead"
    )
    assert not found["opened"], f"files read while importing the calculators: {found['opened']}"
