"""Calculator pages as apps: build-time cells run in the build and not in a reader's notebook, and
every code cell is collapsed in JupyterLab (portal_tools.notebook, book/tools/*.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from IPython.core.interactiveshell import InteractiveShell
from myst_nb.core.read import read_myst_markdown_notebook

from portal_tools import notebook

TOOLS = Path(__file__).resolve().parents[2] / "book" / "tools"
PAGES = sorted(TOOLS.glob("*.md"))


@pytest.fixture
def shell() -> InteractiveShell:
    sh = InteractiveShell.instance()
    sh.run_cell("%load_ext portal_tools.notebook", store_history=False)
    sh.user_ns.pop("checked", None)
    return sh


def test_building_is_false_only_under_a_jupyter_server(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert notebook.building()
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/jovyan/book/tools/payment.md")
    assert not notebook.building()


def test_build_only_cell_runs_in_the_user_namespace_when_building(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shell.user_ns["x"] = 41
    result = shell.run_cell("%%build_only\ndef f():\n    return x + 1\nchecked = f()\n")
    assert result.success and shell.user_ns["checked"] == 42


def test_failing_check_fails_the_cell_when_building(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    result = shell.run_cell("%%build_only\nassert 1 == 2, 'check failed'\n")
    assert isinstance(result.error_in_exec, AssertionError)


def test_build_only_cell_is_skipped_in_a_readers_notebook(
    shell: InteractiveShell, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JPY_SESSION_NAME", "book/tools/payment.md")
    result = shell.run_cell("%%build_only\nchecked = 1\nassert False\n")
    assert result.success and "checked" not in shell.user_ns


@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_page_is_an_app(page: Path) -> None:
    """Every code cell is collapsed in JupyterLab; the first loads the extension; every cell
    removed from the site (glue and checks of the default result) runs only in the build."""
    nb = read_myst_markdown_notebook(page.read_text())
    cells = [c for c in nb.cells if c.cell_type == "code"]
    assert cells
    for cell in cells:
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, cell.source[:60]
        build_only = cell.source.startswith("%%build_only\n")
        assert build_only == ("remove-cell" in cell.metadata.get("tags", [])), cell.source[:60]
    assert cells[0].source.startswith("%load_ext portal_tools.notebook\n")
