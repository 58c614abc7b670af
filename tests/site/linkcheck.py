"""Offline check of internal links in a built HTML site.

Every ``href`` and ``src`` that is not external (http, https, mailto, data, javascript) must
point to an existing file, and a ``#fragment`` must match an ``id`` (or ``name``) in the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

EXTERNAL = ("http:", "https:", "mailto:", "data:", "javascript:", "tel:", "//")


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value is None:
                continue
            if key in ("id", "name") and (key == "id" or tag == "a"):
                self.ids.add(value)
            if key in ("href", "src") and not (tag == "link" and ("rel", "canonical") in attrs):
                self.links.append((tag, value))


@dataclass(frozen=True)
class BrokenLink:
    page: str
    link: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.link} ({self.reason})"


def _parse(path: Path, cache: dict[Path, _Collector]) -> _Collector:
    if path not in cache:
        collector = _Collector()
        collector.feed(path.read_text(encoding="utf-8", errors="replace"))
        cache[path] = collector
    return cache[path]


def check_site(root: Path) -> tuple[int, list[BrokenLink]]:
    """Return (number of links checked, broken links) for every HTML file below ``root``."""
    root = root.resolve()
    cache: dict[Path, _Collector] = {}
    broken: list[BrokenLink] = []
    checked = 0
    for page in sorted(root.rglob("*.html")):
        if "_static" in page.relative_to(root).parts:
            continue  # theme templates (Jinja macros) copied as static files, not pages
        rel_page = str(page.relative_to(root))
        for _tag, link in _parse(page, cache).links:
            if not link or link.startswith(EXTERNAL):
                continue
            checked += 1
            parts = urlsplit(link)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(BrokenLink(rel_page, link, "no such file"))
                continue
            if root not in target.parents and target != root:
                broken.append(BrokenLink(rel_page, link, "points outside the site"))
                continue
            if (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in _parse(target, cache).ids
            ):
                broken.append(BrokenLink(rel_page, link, "no such anchor"))
    return checked, broken
