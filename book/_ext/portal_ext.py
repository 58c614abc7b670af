"""Local Sphinx extension of the portal.

1. Sphinx 7.x adds the inline scripts of sphinx-thebe and sphinx-togglebutton twice (its
   de-duplication compares ``None`` with ``''``), which throws a SyntaxError on every page.
   This handler runs late and drops exact duplicates from ``script_files``.
2. Citation entries carry ``role="doc-biblioentry"`` inside a ``role="list"`` container, a
   combination axe-core reports as critical (aria-required-children); they become list items.
3. It refuses to build when ``book/_static/`` exists: Jupyter Book 1 then injects every
   script in the static paths into every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ConfigError


def _dedupe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                    doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    unique = []
    for script in scripts:
        filename = str(getattr(script, "filename", script) or "")
        attributes = getattr(script, "attributes", {}) or {}
        body = str(attributes.get("body", ""))
        attrs = tuple(sorted((k, str(v)) for k, v in attributes.items() if k != "body"))
        key = (filename, body, attrs)
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _fix_citation_roles(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                        doctree: Any) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _check_no_static(app: Sphinx, config: Any) -> None:
    if (Path(app.srcdir) / "_static").exists():
        raise ConfigError("book/_static must not exist: Jupyter Book 1 injects every script in it "
                          "into every page. Vendored assets go to book/_vendor (scripts/vendor_assets.py).")
    if not (Path(app.srcdir) / "_vendor" / "widgets" / "embed-amd.js").exists():
        raise ConfigError("vendored browser assets are missing: run `make env` "
                          "(npm ci, then scripts/vendor_assets.py)")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _check_no_static)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _fix_citation_roles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
