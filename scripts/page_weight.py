"""Measure what each page of the built site downloads, against the bare theme's search page.

A measurement, not a test: it prints (and with ``--json`` writes) the bytes every page of
``book/_build/html`` transfers in headless Chromium with an empty cache, raw and gzipped, and
the same for the search page of a bare one-page Jupyter Book built in a temporary folder with
the same installed versions, in the same run and by the same method:

- one fresh browser context per page (no cache), served from 127.0.0.1, every other host
  refused (a refused request is listed, not counted);
- the page is loaded, then the script waits until the network has been idle and 1.5 s more,
  so lazily loaded fonts, MathJax components and widget modules are counted;
- each distinct URL counts once with the length of its body ("raw") and the length of that
  body gzip-compressed at level 6 ("gzip", what a static host that compresses would send);
  data: URIs are part of the page that holds them.

The targets of issue 13 are shown beside the ratios: calculator pages (``tools/``) <= 1.3 x
the bare search page, guide pages without mathematics <= 1.05 x (a guide that loads MathJax
is reported as ``maths`` and has no target); a page meets its target when both its raw and
its gzip ratio do. Each page's raw bytes are also split by what the browser fetched them as
(the HTML document with its inline data: images, images, scripts, styles, fonts, other),
so the report shows whether the excess is theme, widget code or the page's own content.
Run ``make weight`` (or ``.venv/bin/python scripts/page_weight.py``) after ``make book``.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.site.conftest import CHROMIUM_ARGS, toc_docnames  # noqa: E402  (one browser setup)

SITE = ROOT / "book" / "_build" / "html"
TARGETS = {"calculator": 1.3, "guide": 1.05}
SETTLE_MS = 1500
# Playwright's resource types, grouped for the report.
CATEGORIES = {
    "document": "html",
    "image": "images",
    "script": "scripts",
    "stylesheet": "styles",
    "font": "fonts",
}
CATEGORY_ORDER = ("html", "images", "scripts", "styles", "fonts", "other")
MATHJAX = "/mathjax/"


@dataclass
class Weight:
    """What one page downloaded."""

    page: str
    requests: int = 0
    raw: int = 0
    gzip: int = 0
    refused: list[str] = field(default_factory=list)
    by_category: dict[str, int] = field(default_factory=dict)
    maths: bool = False


def category(resource_type: str) -> str:
    """The report's group for one of Playwright's resource types."""
    return CATEGORIES.get(resource_type, "other")


def add_up(weight: Weight, bodies: dict[str, tuple[str, bytes]]) -> Weight:
    """``weight`` filled in from distinct URLs mapped to (resource type, body)."""
    weight.requests = len(bodies)
    weight.raw = sum(len(b) for _, b in bodies.values())
    weight.gzip = sum(gzip_size(b) for _, b in bodies.values())
    totals = dict.fromkeys(CATEGORY_ORDER, 0)
    for resource_type, body in bodies.values():
        totals[category(resource_type)] += len(body)
    weight.by_category = totals
    weight.maths = any(MATHJAX in url for url in bodies)
    return weight


def gzip_size(body: bytes) -> int:
    """Length of ``body`` gzip-compressed at level 6 (mtime fixed, so the count is stable)."""
    return len(gzip.compress(body, compresslevel=6, mtime=0))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free port of 127.0.0.1; yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def measure_page(browser: Any, base_url: str, path: str) -> Weight:
    """Load ``base_url/path`` in a fresh context and add up every distinct response body."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    weight = Weight(path)
    bodies: dict[str, tuple[str, bytes]] = {}

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith((base_url, "data:", "blob:")):
            r.continue_()
        else:
            weight.refused.append(url)
            r.abort()

    def on_response(response: Any) -> None:
        url = response.url
        if url.startswith(base_url) and url not in bodies:
            with contextlib.suppress(Exception):  # a body the page dropped (redirect, abort)
                bodies[url] = (response.request.resource_type, response.body())

    try:
        page = context.new_page()
        page.route("**/*", route)
        page.on("response", on_response)
        page.goto(f"{base_url}/{path}", wait_until="load")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(SETTLE_MS)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return add_up(weight, bodies)


def measure_in(browser: Any, folder: Path, paths: Sequence[str]) -> list[Weight]:
    """Serve ``folder`` and measure each of ``paths`` in ``browser``."""
    with serve(folder) as base:
        return [measure_page(browser, base, path) for path in paths]


def measure(folder: Path, paths: Sequence[str], executable: str) -> list[Weight]:
    """:func:`measure_in` with a Chromium launched for the purpose."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            return measure_in(browser, folder, paths)
        finally:
            browser.close()


def build_bare_book(folder: Path) -> Path:
    """A one-page Jupyter Book with default settings, built with this environment's
    jupyter-book; returns its HTML folder."""
    (folder / "_config.yml").write_text(
        'title: "Bare book"\nexecute:\n  execute_notebooks: "off"\n', encoding="utf-8"
    )
    (folder / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (folder / "index.md").write_text("# Bare book\n\nOne page of text.\n", encoding="utf-8")
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    subprocess.run(
        [str(jupyter_book), "build", str(folder), "--quiet"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return folder / "_build" / "html"


def site_pages(site: Path) -> list[str]:
    """Every page of the portal named in book/_toc.yml, plus its search page."""
    return [f"{name}.html" for name in toc_docnames()] + ["search.html"]


def kind(path: str, maths: bool = False) -> str:
    """calculator (tools/), search, maths (a guide that loads MathJax) or guide."""
    if path.startswith("tools/"):
        return "calculator"
    if path == "search.html":
        return "search"
    return "maths" if maths else "guide"


def report(weights: Sequence[Weight], bare: Weight) -> list[dict[str, Any]]:
    """Rows with the ratios to the bare search page and whether each page meets its target."""
    rows = []
    for w in weights:
        page_kind = kind(w.page, w.maths)
        target = TARGETS.get(page_kind)
        ratio_raw, ratio_gzip = w.raw / bare.raw, w.gzip / bare.gzip
        rows.append(
            {
                **asdict(w),
                "kind": page_kind,
                "ratio_raw": round(ratio_raw, 3),
                "ratio_gzip": round(ratio_gzip, 3),
                "target": target,
                "meets": None if target is None else max(ratio_raw, ratio_gzip) <= target,
            }
        )
    return rows


def _by_category(totals: dict[str, int]) -> str:
    return ", ".join(f"{name} {totals.get(name, 0) / 1000:,.0f}" for name in CATEGORY_ORDER)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=SITE)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").exists():
        parser.error(f"{args.site} has no built site: run `make book` first")
    with tempfile.TemporaryDirectory(prefix="bare-book-") as tmp:
        bare_site = build_bare_book(Path(tmp))
        (bare,) = measure(bare_site, ["search.html"], args.chromium)
    weights = measure(args.site, site_pages(args.site), args.chromium)
    rows = report(weights, bare)
    print(
        f"bare theme search page: {bare.requests} requests, {bare.raw:,} B raw, "
        f"{bare.gzip:,} B gzip"
    )
    print("  raw kB by type: " + _by_category(bare.by_category))
    print(
        f"{'page':42} {'kind':10} {'req':>4} {'raw B':>11} {'gzip B':>10} "
        f"{'x raw':>6} {'x gz':>6} target"
    )
    for r in rows:
        verdict = (
            ""
            if r["target"] is None
            else f"<= {r['target']}: " + ("met" if r["meets"] else "not met")
        )
        print(
            f"{r['page']:42} {r['kind']:10} {r['requests']:>4} {r['raw']:>11,} "
            f"{r['gzip']:>10,} {r['ratio_raw']:>6.2f} {r['ratio_gzip']:>6.2f} {verdict}"
        )
        print("  raw kB by type: " + _by_category(r["by_category"]))
        if r["refused"]:
            print(f"  refused (not counted): {r['refused']}")
    if args.json:
        payload = {"bare_search": asdict(bare), "pages": rows}
        args.json.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
