"""The built site: every page is in the TOC and built, links resolve, assets are local."""

from __future__ import annotations

import html
import re
from pathlib import Path

from .conftest import BOOK, toc_docnames
from .linkcheck import check_site

SKIP = {"_build", "_vendor", "_ext"}


def test_every_page_is_in_the_toc() -> None:
    pages = {
        str(p.relative_to(BOOK).with_suffix(""))
        for p in BOOK.rglob("*")
        if p.suffix in (".md", ".ipynb") and not SKIP & set(p.relative_to(BOOK).parts)
    }
    assert pages == set(toc_docnames())


def test_every_toc_page_is_built(site: Path) -> None:
    for name in toc_docnames():
        assert (site / f"{name}.html").exists(), name


def test_no_static_folder_in_the_source() -> None:
    assert not (BOOK / "_static").exists()


def test_internal_links_resolve(site: Path) -> None:
    checked, broken = check_site(site)
    assert checked > 100
    assert not broken, "\n".join(map(str, broken))


def test_link_checker_finds_broken_links(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text(
        "<a href='b.html#here'>ok</a><a href='b.html#gone'>x</a><a href='c.html'>y</a>"
        "<img src='img/x.png'><a href='https://example.org/'>external</a><p id='top'></p>"
        "<a href='#top'>self</a><a href='#nowhere'>self</a>"
    )
    (tmp_path / "b.html").write_text("<h1 id='here'>B</h1>")
    checked, broken = check_site(tmp_path)
    assert checked == 6
    assert sorted(b.link for b in broken) == ["#nowhere", "b.html#gone", "c.html", "img/x.png"]


def test_pages_use_no_cdn_and_no_timestamps(site: Path) -> None:
    for name in toc_docnames():
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        scripts = re.findall(r"<script[^>]+src=\"([^\"]+)\"", text)
        assert all(not s.startswith(("http:", "https:", "//")) for s in scripts), (name, scripts)
        assert "Last updated" not in text, name
        assert not re.search(r" at 0x[0-9a-f]{6,}", text), name


def test_no_page_loads_widget_state_or_the_widget_bundle(site: Path) -> None:
    """Static calculators are plain HTML: no page carries saved widget state or loads the
    widget JavaScript, and the default result is in the HTML itself."""
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget-state+json" not in text, page
        assert "_static/widgets/" not in text, page
    text = (site / "tools" / "present-value.html").read_text(encoding="utf-8")
    assert '<span class="portal-n">1 194 695 DKK</span>' in text


def test_launch_repository_and_issue_buttons(site: Path) -> None:
    import yaml

    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    tools = [n for n in toc_docnames() if n.startswith("tools/")]
    assert tools
    for name in tools:
        text = (site / f"{name}.html").read_text(encoding="utf-8")
        assert f"https://mybinder.org/v2/gh/{repo}/main?urlpath=lab/tree/book/{name}" in text, name
    intro = (site / "intro.html").read_text(encoding="utf-8")
    assert f"https://github.com/{repo}" in intro
    assert f"https://github.com/{repo}/issues/new" in intro


# A year (1990-2100) printed with a thousands separator: "2 018", "2\u00a0018", "2,018". A digit,
# point or comma just before, or another group just after, means a larger number, not a year.
_SPLIT_YEAR = re.compile(
    r"(?<![\d.,])([12])[ \u00a0\u202f\u2009,](\d{3})(?!\d|[ \u00a0\u202f,]\d{3})"
)


def split_years(page_html: str) -> list[str]:
    """Every year in the visible text of a page that is printed with a thousands separator."""
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page_html, flags=re.S)
    text = re.sub(r"data:[\w/+.-]+;base64,[^'\"]*", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return [
        m.group(0)
        for m in _SPLIT_YEAR.finditer(text)
        if 1990 <= int(m.group(1) + m.group(2)) <= 2100
    ]


def test_split_years_finds_years_with_separators_only() -> None:
    found = split_years("<td>2 018</td><p>in 2&nbsp;017 and 2,015</p>")
    assert found == ["2 018", "2\u00a0017", "2,015"]
    assert split_years("<p>2018, 12 018, 1 234 567, 2 500, 3 000, 0.2 018</p>") == []
    assert split_years("<script>var x = '2 018';</script><p>2018</p>") == []


def test_no_page_prints_a_year_with_a_thousands_separator(site: Path) -> None:
    for name in toc_docnames():
        found = split_years((site / f"{name}.html").read_text(encoding="utf-8"))
        assert not found, f"{name}: {found}"


# A number in scientific notation as Python writes it: 1.234e-05, 2e+16, -2.22e-16, 1E6.
_SCIENTIFIC = re.compile(r"(?<![\w.])-?\d+(?:[.,]\d+)?[eE][-+]?\d+\b")


def scientific_numbers(page_html: str) -> list[str]:
    """Numbers in scientific notation in the text a reader sees (not in scripts, styles,
    markup, data URIs or code)."""
    text = re.sub(r"<(script|style|pre|code)\b.*?</\1>", " ", page_html, flags=re.S | re.I)
    text = re.sub(r"data:[\w/+.-]+;base64,[^'\"]*", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return _SCIENTIFIC.findall(text)


def test_scientific_numbers_are_found_in_text_only() -> None:
    found = scientific_numbers("<td>-2.22e-16</td><p>1E6 and 4e+07 kr.</p>")
    assert found == ["-2.22e-16", "1E6", "4e+07"]
    assert scientific_numbers("<p>e5 ABC1e5 1.5 x 10</p><code>1e-9</code>") == []
    assert scientific_numbers("<script>x = 1e5</script><img src='data:image/png;base64,1e5'>") == []


def test_no_page_prints_a_number_in_scientific_notation(site: Path) -> None:
    for name in toc_docnames():
        found = scientific_numbers((site / f"{name}.html").read_text(encoding="utf-8"))
        assert not found, f"{name}: {found}"
