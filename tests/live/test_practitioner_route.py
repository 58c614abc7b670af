"""The practitioner route, end to end: each calculator page opened in JupyterLab the way the site's
launch button opens it on Binder, run, edited and given a bad value.

JupyterLab runs from the Binder-like environment (repo2docker's base pins, then
binder/requirements.txt, then binder/postBuild); Chromium is driven by Playwright. The launch links
are read from the built site, so a wrong ``urlpath`` fails here.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.live.conftest import ROOT, Lab

SHOTS = ROOT / "build" / "live"


@dataclass(frozen=True)
class Case:
    """How to exercise one page's (first) form: a field to change and a value it rejects."""

    change: str  # label of the field to change
    change_to: str | None  # new value; None: twice the current integer
    bad: str  # label of the field that gets a bad value
    bad_value: str  # a value the form rejects inline (out of the field's range)


CASES = {
    "present-value": Case("Discount rate", "Flat rate below", "Flat rate", "7"),
    "payment": Case("Cohort size", None, "Cohort size", "0"),
    "effect-chain": Case("Cohort size", None, "Cohort size", "0"),
    "programme": Case("Cohort size", None, "Cohort size", "0"),
    "risk": Case("Seed", "12345", "Paths", "5"),
    "transaction-costs": Case("Participants", None, "Participants", "0"),
    "creaming": Case("Referred cohort", None, "Referred cohort", "0"),
}


def launch_urlpaths(site: Path) -> dict[str, str]:
    """Calculator page -> ``urlpath`` of its Binder launch button, from the built site."""
    found = {}
    for html in sorted((site / "tools").glob("*.html")):
        links = re.findall(r'href="(https://mybinder\.org/v2/[^"]+)"', html.read_text())
        if links:
            url = urllib.parse.urlsplit(links[0].replace("&amp;", "&"))
            found[html.stem] = urllib.parse.parse_qs(url.query)["urlpath"][0]
    return found


def test_every_calculator_page_has_a_launch_button_and_a_live_case(site: Path) -> None:
    paths = launch_urlpaths(site)
    pages = {p.stem for p in (ROOT / "book" / "tools").glob("*.md")}
    assert set(paths) == pages == set(CASES)
    for page, urlpath in paths.items():
        assert urlpath == f"lab/tree/book/tools/{page}.md"


APP = "window.jupyterapp"
PANEL = f"{APP}.shell.currentWidget"


def _code_cells(page: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = page.evaluate(
        f"""() => {PANEL}.content.widgets.filter(c => c.model.type === 'code').map(c => ({{
            count: c.model.executionCount,
            errors: c.model.outputs.toJSON().filter(o => o.output_type === 'error')
                .map(o => o.ename + ': ' + o.evalue),
            hidden: c.inputHidden,
        }}))"""
    )
    return result


# MyST source a reader should never see in rendered prose: a role (`{term}` then a backtick), a
# directive fence or a colon fence.
RAW_MYST = r"\{[a-z]+(:[a-z]+)?\}`|```\{|^:::"


def _raw_prose(page: Any) -> list[str]:
    """Markdown cells whose rendered text still shows MyST source, as ``index: text`` lines.

    JupyterLab renders a cell only when it is scrolled into view, and jupyterlab-myst renders
    asynchronously (into a ``.myst`` element beside the hidden editor), so each cell is brought
    into view and given a few seconds to render."""
    found: list[str] = page.evaluate(
        f"""async (pattern) => {{
            const nb = {PANEL}.content, raw = new RegExp(pattern, 'm'), bad = [];
            const RENDERED = '.jp-InputArea > .myst, .jp-MarkdownOutput';
            const pause = ms => new Promise(r => setTimeout(r, ms));
            for (const [i, cell] of nb.widgets.entries()) {{
                if (cell.model.type !== 'markdown') continue;
                await nb.scrollToItem(i, 'start');
                let text = '';
                for (let t = 0; t < 50; t++) {{
                    const out = cell.node.querySelector(RENDERED);
                    text = out ? out.innerText : '';
                    if (cell.rendered && text.trim() && !raw.test(text)) break;
                    await pause(100);
                }}
                if (!text.trim() || raw.test(text)) bad.push(i + ': ' + text.slice(0, 160));
            }}
            await nb.scrollToItem(0, 'start');
            return bad;
        }}""",
        RAW_MYST,
    )
    return found


def _run(page: Any, command: str) -> None:
    ok = page.evaluate(f"async () => await {APP}.commands.execute('{command}')")
    errors = [e for cell in _code_cells(page) for e in cell["errors"]]
    assert ok and not errors, f"{command}: {errors}"


def _result_state(page: Any) -> tuple[str, list[str]]:
    """The calculator's visible text (inputs excluded) and its chart images."""
    state: list[Any] = page.evaluate(
        """() => { const c = document.querySelector('.portal-calculator');
            return [c.innerText, [...c.querySelectorAll('img')].map(i => i.src)]; }"""
    )
    return state[0], state[1]


def _shutdown_kernels(lab: Lab) -> None:
    def call(method: str, path: str) -> Any:
        req = urllib.request.Request(f"{lab.url}{path}?token={lab.token}", method=method)
        with urllib.request.urlopen(req, timeout=10) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    for session in call("GET", "/api/sessions"):
        call("DELETE", f"/api/sessions/{session['id']}")


def test_lab_asks_no_news_question_and_checks_no_updates(lab: Lab, browser: Any) -> None:
    """JupyterLab's first-run prompt about Jupyter news (and its update check, which needs the
    network) is switched off by binder/overrides.json: the settings say so, and no toast about
    news appears when a practitioner opens the lab."""
    url = f"{lab.url}/lab/api/settings/@jupyterlab/apputils-extension:notification"
    with urllib.request.urlopen(f"{url}?token={lab.token}", timeout=10) as resp:
        # overrides.json replaces the schema's defaults; the user has set nothing
        schema = json.loads(resp.read())["schema"]["properties"]
    assert schema["fetchNews"]["default"] == "false", schema["fetchNews"]
    assert schema["checkForUpdates"]["default"] is False, schema["checkForUpdates"]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{lab.url}/lab?token={lab.token}&reset")
        page.wait_for_function(f"{APP} && {APP}.shell", timeout=60_000)
        page.wait_for_timeout(3_000)  # JupyterLab asks shortly after start when not told
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not [t for t in toasts if "news" in t.lower()], toasts
    finally:
        context.close()


@pytest.mark.parametrize("name", sorted(CASES))
def test_calculator_runs_live(name: str, site: Path, lab: Lab, browser: Any) -> None:
    case = CASES[name]
    SHOTS.mkdir(parents=True, exist_ok=True)
    urlpath = launch_urlpaths(site)[name]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    started = time.monotonic()
    try:
        page.goto(f"{lab.url}/{urlpath}?token={lab.token}&reset")
        # Opens as a notebook through jupytext, not as text in an editor.
        page.wait_for_function(
            f"{APP} && {PANEL} && {PANEL}.context && {PANEL}.context.path.endsWith('{name}.md')",
            timeout=60_000,
        )
        assert page.evaluate(f"!!{PANEL}.content.widgets"), "opened, but not as a notebook"
        assert page.locator(".jp-NotebookPanel").count() == 1
        assert page.locator(".jp-FileEditor").count() == 0
        broken = [m for m in console if "Failed to create module" in m or "Jupytext" in m]
        assert not broken, broken
        page.wait_for_function(
            f"{PANEL}.sessionContext.session?.kernel?.status === 'idle'", timeout=60_000
        )

        # An app, not source code: every code cell is collapsed; the form comes first; the
        # prose is rendered by jupyterlab-myst (roles, directives), not shown as MyST source.
        cells = _code_cells(page)
        assert cells and all(c["hidden"] for c in cells)
        raw = _raw_prose(page)
        assert not raw, "markdown cells show MyST source:\n" + "\n".join(raw)
        _run(page, "notebook:run-all-cells")
        assert all(c["count"] for c in _code_cells(page))
        form = page.locator(".portal-calculator").first
        form.wait_for(state="visible", timeout=30_000)
        top = page.evaluate(
            """() => { const el = document.querySelector('.portal-calculator');
                const nb = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')
                    || document.querySelector('.jp-NotebookPanel .jp-Notebook');
                return el.getBoundingClientRect().top - nb.getBoundingClientRect().top
                    + nb.scrollTop; }"""
        )
        print(f"{name}: form at {top:.0f} px")
        assert top < 1200, f"the form starts {top:.0f} px down the notebook"
        page.evaluate(
            f"async () => {{ {PANEL}.content.activeCellIndex = 0; "
            f"await {PANEL}.content.scrollToItem(0, 'start'); }}"
        )
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}-1-run.png"))

        # Change an input: the result and the chart change.
        before = _result_state(page)
        assert before[1], "the calculator shows no chart"
        field = form.get_by_label(case.change, exact=False).first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(case.change_to)
        else:
            new = case.change_to or str(2 * int(field.input_value().replace(" ", "")))
            field.fill(new)
            field.press("Tab")
        page.wait_for_function(
            """([text, imgs]) => { const c = document.querySelector('.portal-calculator');
                const now = [...c.querySelectorAll('img')].map(i => i.src);
                return c.innerText !== text && now.length > 0
                    && now.some((src, k) => src !== imgs[k]); }""",
            arg=list(before),
            timeout=30_000,
        )
        field.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}-2-changed.png"))

        # A bad value: an inline message naming the field, no traceback.
        field = form.get_by_label(case.bad, exact=False).first
        field.fill(case.bad_value)
        field.press("Tab")
        alert = form.get_by_role("alert").filter(has_text=case.bad)
        alert.wait_for(state="visible", timeout=30_000)
        assert case.bad_value in alert.inner_text()
        assert not [c for c in _code_cells(page) if c["errors"]]
        alert.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"{name}-3-bad-value.png"))

        # Running the later cells after the edit raises nothing (build checks are skipped).
        page.evaluate(
            f"""() => {{ const nb = {PANEL}.content;
                const first = nb.widgets.findIndex(c => c.model.type === 'code');
                nb.activeCellIndex = first + 1; }}"""
        )
        _run(page, "notebook:run-all-below")
    finally:
        print(f"{name}: {time.monotonic() - started:.1f} s")
        context.close()
        _shutdown_kernels(lab)


# Every box outside a table grid, and each grid's scrolling frame, as ``class: right edge``, that
# sticks out of the form's right edge (1 px of rounding allowed).
_STICKING_OUT = """() => { const form = document.querySelector('.portal-calculator');
    const edge = form.getBoundingClientRect().right;
    const boxes = [...form.querySelectorAll('.widget-inline-hbox, .widget-html, .portal-grid')]
        .filter(e => !e.parentElement.closest('.portal-grid'));
    return boxes.filter(e => e.getBoundingClientRect().right > edge + 1)
        .map(e => e.className.replace(/lm-Widget |jupyter-widgets /g, '') + ': '
            + Math.round(e.getBoundingClientRect().right) + ' > ' + Math.round(edge)); }"""


@pytest.mark.parametrize("name", ["payment", "risk", "transaction-costs"])
def test_form_fits_a_phone(name: str, site: Path, lab: Lab, browser: Any) -> None:
    """At 390 px, with the file browser closed as a phone reader would, no box of the form sticks
    out of it: full-size boxes shrink to the form's width and table grids scroll inside it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{lab.url}/{launch_urlpaths(site)[name]}?token={lab.token}&reset")
        page.wait_for_function(f"{APP} && {PANEL} && {PANEL}.context", timeout=60_000)
        page.wait_for_function(
            f"{PANEL}.sessionContext.session?.kernel?.status === 'idle'", timeout=60_000
        )
        page.evaluate(
            f"async () => {{ if (!{APP}.shell.leftCollapsed) "
            f"await {APP}.commands.execute('application:toggle-left-area'); }}"
        )
        _run(page, "notebook:run-all-cells")
        form = page.locator(".portal-calculator").first
        form.wait_for(state="visible", timeout=30_000)
        page.wait_for_function(
            "() => document.querySelector('.portal-calculator').querySelectorAll('img').length"
        )
        width = form.evaluate("e => e.getBoundingClientRect().width")
        assert width > 250, f"the form is {width:.0f} px wide at 390 px"
        assert not page.evaluate(_STICKING_OUT)
        page.evaluate(
            f"""async () => {{ const nb = {PANEL}.content;
                const i = nb.widgets.findIndex(c => c.node.querySelector('.portal-calculator'));
                await nb.scrollToItem(i, 'start'); }}"""
        )
        page.wait_for_timeout(300)
        page.screenshot(path=str(SHOTS / f"{name}-4-phone.png"))
    finally:
        context.close()
        _shutdown_kernels(lab)
