"""Fixtures for the built site: its folder, a local HTTP server, one Chromium browser for the
session, and pages in it: shared loaded pages (``shown``, one load per url, colour mode and
width) for tests that only read, pages of their own (``fresh``) for tests that change them."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ..toc import toc_docnames

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
SITE = BOOK / "_build" / "html"
# axe-core, pinned in package.json and vendored by scripts/vendor_assets.py (make env).
AXE = BOOK / "_vendor" / "axe" / "axe.min.js"
__all__ = ["AXE", "BOOK", "ROOT", "SITE", "Shown", "View", "on", "toc_docnames"]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("book/_build/html is missing: build the book first (make book)")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(
            f"Chromium not found at {executable}: install it (apt-get install chromium) or set "
            "PORTAL_CHROMIUM to a Chromium executable. Browser tests are never skipped."
        )
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


# ---- Pages in the shared browser ------------------------------------------------------------
#
# A test that only reads a page takes the ``shown`` fixture, parametrized indirectly with the
# View it reads (``@on(View("tools/payment.html"))``). ``shown`` is session-scoped and keyed on
# the View's value, so pytest loads each (url, colour mode, width) once per run, hands the same
# loaded page to every test of that View (it orders the tests so that they run one after
# another, in any module) and replaces it in its tab when the next View is needed: one such
# page is in use at a time. A test that clicks, types, navigates or changes the media takes a
# page of its own from ``fresh`` instead.

SETTLED = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise)
    await MathJax.startup.promise;
  await document.fonts.ready;
  await Promise.all(document.getAnimations().map(a => a.finished));
}"""


@dataclass(frozen=True)
class View:
    """A page at one viewport and colour scheme: what a shared loaded page is keyed on."""

    path: str  # relative to the site root, query string included
    mode: str = "light"
    width: int = 1280
    height: int = 900

    def __str__(self) -> str:
        return f"{self.path}-{self.mode}-{self.width}"


@dataclass
class Shown:
    """One loaded page and what happened while it loaded and since: console errors, failed
    responses (status 400 or more) and requests to other hosts (refused)."""

    view: View
    page: Any
    url: str = ""
    status: int | None = None
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)


def on(*views: View) -> pytest.MarkDecorator:
    """Parametrize a test over shared loaded pages: it takes ``shown``, one per View."""
    return pytest.mark.parametrize("shown", views, indirect=True, ids=str)


class Browsing:
    """Opens pages in the session's browser, with axe injected (the tests run it; no page loads
    it) and every request to another host refused and recorded.

    Shared pages load in one tab per (mode, width, height), navigated from one View to the next
    (one shared page is in use at a time, see ``shown``); local and session storage are emptied
    first, so no page sees what the one before it kept (the search page keeps its words for the
    next page to highlight). A page of its own (``fresh``) gets a context of its own."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.tabs: dict[tuple[str, int, int], Any] = {}
        self.current: dict[Any, Shown] = {}  # what each open page is recording into
        self.shared: list[View] = []

    def _open(self, view: View) -> Any:
        context = self.browser.new_context(
            viewport={"width": view.width, "height": view.height}, color_scheme=view.mode
        )
        context.add_init_script(path=str(AXE))
        page = context.new_page()

        def route(r: Any) -> None:
            if r.request.url.startswith((self.base_url, "data:", "blob:")):
                r.continue_()
            else:
                self.current[page].external.append(r.request.url)
                r.abort()

        def console(m: Any) -> None:
            if m.type == "error":
                self.current[page].errors.append(m.text)

        def response(r: Any) -> None:
            if r.status >= 400:
                self.current[page].failed.append(r.url)

        page.route("**/*", route)
        page.on("console", console)
        page.on("pageerror", lambda e: self.current[page].errors.append(f"pageerror: {e}"))
        page.on("response", response)
        return page

    def load(self, view: View, own: bool = False) -> Shown:
        """Show ``view`` (in the shared tab for its mode and viewport unless ``own``) and wait
        until its widgets, MathJax and fonts are done."""
        key = (view.mode, view.width, view.height)
        if own:
            page = self._open(view)
        elif key in self.tabs:
            page = self.tabs[key]
            page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        else:
            page = self.tabs[key] = self._open(view)
        shown = self.current[page] = Shown(view, page)
        response = page.goto(f"{self.base_url}/{view.path}", wait_until="load")
        shown.status = None if response is None else response.status
        page.evaluate(SETTLED)
        shown.url = page.url
        return shown

    def close(self) -> None:
        for page in self.tabs.values():
            page.context.close()


@pytest.fixture(scope="session")
def browsing(browser: Any, base_url: str) -> Iterator[Browsing]:
    opened = Browsing(browser, base_url)
    yield opened
    opened.close()
    repeated = [v for v, n in Counter(opened.shared).items() if n > 1]
    assert not repeated, f"shared pages loaded more than once: {repeated}"


@pytest.fixture(scope="session")
def shown(request: pytest.FixtureRequest, browsing: Browsing) -> Shown:
    """The page of the View this test is parametrized with (see ``on``), loaded once; the next
    View shown in its tab replaces it."""
    view = getattr(request, "param", None)
    if not isinstance(view, View):
        pytest.fail("parametrize `shown` with a View: @on(View(path, mode, width))")
    browsing.shared.append(view)
    return browsing.load(view)


@pytest.fixture(autouse=True)
def _shared_page_left_as_found(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test that shares a loaded page finds it where it was loaded and leaves it there: a
    test that navigates must take ``fresh`` instead. Scrolling (to see a chart) is undone."""
    if "shown" not in request.fixturenames:
        yield
        return
    loaded: Shown = request.getfixturevalue("shown")
    browsing: Browsing = request.getfixturevalue("browsing")
    assert browsing.current[loaded.page] is loaded, f"{loaded.view} was replaced in its tab"
    assert loaded.page.url == loaded.url, f"shared page {loaded.view} was at {loaded.page.url}"
    yield
    assert loaded.page.url == loaded.url, (
        f"a test navigated the shared page {loaded.view} to {loaded.page.url}: use `fresh`"
    )
    loaded.page.evaluate("() => window.scrollTo(0, 0)")


@pytest.fixture
def fresh(browsing: Browsing) -> Iterator[Callable[[View], Shown]]:
    """A page of its own, in a context of its own, for a test that changes it; none of its
    requests may go to another host."""
    opened: list[Shown] = []

    def open_view(view: View) -> Shown:
        loaded = browsing.load(view, own=True)
        opened.append(loaded)
        return loaded

    yield open_view
    for loaded in opened:
        loaded.page.context.close()
    external = [url for loaded in opened for url in loaded.external]
    assert not external, external
