"""Local Sphinx extension of the portal.

1. Sphinx 7.x adds the inline scripts of sphinx-thebe and sphinx-togglebutton twice (its
   de-duplication compares ``None`` with ``''``), which throws a SyntaxError on every page.
   This handler runs late and drops exact duplicates from ``script_files``.
2. Citation entries carry ``role="doc-biblioentry"`` inside a ``role="list"`` container, a
   combination axe-core reports as critical (aria-required-children); they become list items.
3. It refuses to build when ``book/_static/`` exists: Jupyter Book 1 then injects every
   script in the static paths into every page.
4. Menus at every width. pydata-sphinx-theme >= 0.17 fills ``navbar_persistent`` with the
   search field whenever the user's theme options do not name it, overriding
   sphinx-book-theme's empty default; the top navbar is then rendered with hidden copies of
   the sidebar toggles, and both themes' scripts bind the first ``.primary-toggle`` /
   ``.secondary-toggle`` in the page, i.e. the hidden ones (executablebooks/sphinx-book-theme#917;
   fix proposed upstream in executablebooks/sphinx-book-theme#1000).
   Below 992 px the site menu could not be opened, below 1200 px "On this page" neither, and
   the search field showed two or three times. Setting the option to ``[]`` (unless the
   configuration names it) leaves the navbar empty, as sphinx-book-theme intends.
5. One search field per page: the search page drops the sidebar's search field (its own form
   is the one; the stylesheet hides the header's search icon there).
6. Mathematics as MathML, written at build time (``html_math_renderer: mathml``): each
   ``$...$`` and ``$$...$$`` is converted by latex2mathml and drawn by the browser itself, on
   screen and on paper, with no script. MathJax (1.2 MB on every page with a formula) is no
   longer loaded anywhere; should a configuration switch back to it, pages whose own doctree
   has no math node still load neither MathJax nor its configuration.
7. Weight that buys nothing on a guide (scripts/page_weight.py measures it):
   pydata-sphinx-theme loads Sphinx's search tools and the whole search index on every page
   for search-as-you-type, which this site does not use (its search dialog opens the search
   page); with ``search_as_you_type`` off, only the search page loads them now
   (``templates/layout.html``). Its Font Awesome script (1.5 MB, over half of every page) only
   turns icons into SVGs so that sites can add custom icons; the theme's stylesheet already
   draws every icon from the web font, so no page loads the script. The repository buttons'
   brand icon pulled in a 118 kB icon font for one glyph; they use a glyph of the solid font
   every page loads anyway.
8. Tables: numeric columns are marked at build time (``portal_html.mark_tables``) for the
   portal stylesheet ``static/portal/portal.css`` (cell padding, right-aligned numbers that do
   not wrap, sticky label column, dark mode, print), which this extension ships.
9. Dark mode: the logo's dark wordmark (contrast 1.02:1 on the dark sidebar) is replaced by
   ``images/logo-dark.svg``, the same logo with light text; the stylesheet gives cell outputs,
   widget snapshots and tables the page's dark colours.
10. The colour-mode button's icons carry no titles and are hidden from assistive technology
    (``templates/theme-switcher.html``): Font Awesome turned their titles into SVG titles that
    made the button's text differ from its name (axe: label-content-name-mismatch, serious).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError

sys.path.insert(0, str(Path(__file__).parent))
from portal_html import keep_numbers_together, mark_tables

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = "portal/portal.css"
# Sphinx's search scripts, which the theme adds to every page (item 7).
_SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:searchtools\.js|language_data\.js|searchindex\.js)"></script>'
)
REPOSITORY_ICON = "fa-solid fa-code-branch"
# The logo's wordmark is dark grey: in dark mode the theme shows this light-text copy (item 9).
DARK_LOGO = "images/logo-dark.svg"


def _dedupe_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
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


def _fix_citation_roles(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def _check_no_static(app: Sphinx, config: Any) -> None:
    if (Path(app.srcdir) / "_static").exists():
        raise ConfigError(
            "book/_static must not exist: Jupyter Book 1 injects every script in it into every "
            "page. Vendored assets go to book/_vendor (scripts/vendor_assets.py)."
        )
    if not (Path(app.srcdir) / "_vendor" / "mathjax" / "tex-mml-chtml.js").exists():
        raise ConfigError(
            "vendored browser assets are missing: run `make env` "
            "(npm ci, then scripts/vendor_assets.py)"
        )


def _theme_config(app: Sphinx, config: Any) -> None:
    """Empty persistent navbar unless configured (item 4), the dark-mode logo (item 9) and the
    portal's static folder and templates."""
    options = dict(config.html_theme_options or {})
    options.setdefault("navbar_persistent", [])
    logo = dict(options.get("logo") or {})
    logo.setdefault("image_dark", DARK_LOGO)
    options["logo"] = logo
    config.html_theme_options = options
    config.html_static_path = [*config.html_static_path, str(STATIC)]
    config.templates_path = [str(TEMPLATES), *config.templates_path]


def without_search_scripts(html: str) -> str:
    """``html`` without the script tags of Sphinx's search tools and index (item 7)."""
    return _SEARCH_SCRIPTS.sub("", html)


_FONTAWESOME_SCRIPT = re.compile(
    r'\s*<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'
)


def without_fontawesome_script(html: str) -> str:
    """``html`` without pydata-sphinx-theme's Font Awesome script (item 7): 1.5 MB that turns
    the icons into SVGs for custom icons this site does not have; the theme's stylesheet draws
    every icon from the solid web font on its own."""
    return _FONTAWESOME_SCRIPT.sub("", html)


def _template_filters(app: Sphinx) -> None:
    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "environment"):
        templates.environment.filters["portal_without_search_scripts"] = without_search_scripts
        templates.environment.filters["portal_without_fontawesome"] = without_fontawesome_script


def _solid_repository_icons(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    def solid(buttons: list[dict[str, Any]]) -> None:
        for button in buttons:
            if str(button.get("icon", "")).startswith("fab "):
                button["icon"] = REPOSITORY_ICON
            solid(button.get("buttons") or [])

    solid(context.get("header_buttons") or [])


def _one_search_field(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if pagename != "search":
        return
    sidebars = context.get("sidebars") or []
    context["sidebars"] = [s for s in sidebars if "search-" not in str(s)]


def _has_math(doctree: Any) -> bool:
    if doctree is None:
        return False
    return any(
        True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))
    )


def _mathjax_only_with_math(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    scripts = context.get("script_files")
    if not scripts or _has_math(doctree):
        return
    mathjax = str(app.config.mathjax_path)

    def is_mathjax(script: Any) -> bool:
        filename = str(getattr(script, "filename", script) or "")
        body = str((getattr(script, "attributes", {}) or {}).get("body", ""))
        return filename.split("?")[0].endswith(mathjax) or body.startswith("window.MathJax")

    context["script_files"] = [s for s in scripts if not is_mathjax(s)]


def mathml(latex: str, display: str) -> str:
    """``latex`` as MathML (``display`` "inline" or "block"); a block holding several
    equations separated by blank lines gives one ``<math>`` element per equation."""
    from latex2mathml.converter import convert

    if display == "inline":
        return str(convert(latex.strip(), display="inline"))
    parts = [p.strip() for p in re.split(r"\n\s*\n", latex) if p.strip()]
    return "".join(str(convert(p, display="block")) for p in parts)


def _visit_math(self: Any, node: nodes.math) -> None:
    self.body.append(f'<span class="math notranslate">{mathml(node.astext(), "inline")}</span>')
    raise nodes.SkipNode


def _visit_math_block(self: Any, node: nodes.math_block) -> None:
    if node.get("label"):
        self.body.append(self.starttag(node, "div", CLASS="math notranslate portal-math"))
    else:
        self.body.append('<div class="math notranslate portal-math">')
    self.body.append(mathml(node.astext(), "block") + "</div>\n")
    raise nodes.SkipNode


def _mark_tables(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if isinstance(body, str):
        context["body"] = keep_numbers_together(mark_tables(body))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_html_math_renderer(
        "mathml", inline_renderers=(_visit_math, None), block_renderers=(_visit_math_block, None)
    )
    app.connect("config-inited", _check_no_static)
    app.connect("config-inited", _theme_config)
    app.add_css_file(STYLESHEET)
    app.connect("builder-inited", _template_filters)
    app.connect("html-page-context", _solid_repository_icons, priority=910)
    app.connect("html-page-context", _dedupe_scripts, priority=900)
    app.connect("html-page-context", _mathjax_only_with_math, priority=910)
    app.connect("html-page-context", _one_search_field, priority=910)
    app.connect("html-page-context", _fix_citation_roles)
    app.connect("html-page-context", _mark_tables)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
