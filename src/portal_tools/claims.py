"""The claims register: every citation of the 2020 report tied to a short Danish quote.

Every place where the portal cites the Danish baseline report (bibtex key ``oxfordresearch2020``)
carries a locator, such as ``(§4.1.3)`` or ``(Box 1.2, §4.1.2)``. The register,
``portal_tools/data/report_claims.yaml``, holds one entry per citation with the locator and, for
each part of it, a short Danish quote of the passage the claim rests on. This module

- parses locators (:func:`parse_locator`) and the register (:func:`load_register`);
- finds the report's citations in the book's pages (:func:`page_citations`) and data files
  (:func:`data_citations`);
- reads the Danish report into sections, boxes, figures, tables and footnotes
  (:class:`Report`); and
- checks that every citation has exactly one entry and every quote occurs in the part it is cited
  to (:func:`check`), so a wrong section number is an error with a message naming the page, the
  claim and where the quote really is.

Quotes and report text are compared after normalisation (:func:`normalise`): markdown emphasis,
footnote markers and line breaks removed, typographic quotes and dashes made plain, whitespace
collapsed and case folded. A section's text includes its subsections; a quote that occurs only in a
subsection must cite that subsection. Footnote texts belong to their footnote, not to the section
they happen to be printed in.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from portal_tools.errors import InputError, Problem

__all__ = [
    "REPORT_KEY",
    "Citation",
    "Entry",
    "Part",
    "Register",
    "Report",
    "check",
    "data_citations",
    "load_register",
    "normalise",
    "page_citations",
    "parse_locator",
    "register_path",
    "register_table",
]

REPORT_KEY = "oxfordresearch2020"
REGISTER_FILE = "report_claims.yaml"
RECORD_FILE = "report_claims.verified"
"""Fingerprints of the last check of the register's quotes against the Danish report."""
MIN_QUOTE_WORDS = 3
MAX_QUOTE_WORDS = 25
MIN_CLAIM_WORDS = 3

PartKind = Literal["section", "summary", "box", "figure", "table", "footnote"]
TEXT_KINDS: frozenset[str] = frozenset({"section", "summary", "box", "footnote"})


@dataclass(frozen=True)
class Part:
    """One part of a locator: ``kind`` and its number (``""`` for the executive summary)."""

    kind: PartKind
    ref: str = ""

    @property
    def label(self) -> str:
        """The canonical form used as a key in the register, e.g. ``§4.1.3`` or ``Figure 3.4``."""
        return {
            "section": f"§{self.ref}",
            "summary": "Executive summary",
            "box": f"Box {self.ref}",
            "figure": f"Figure {self.ref}",
            "table": f"Table {self.ref}",
            "footnote": f"footnote {self.ref}",
        }[self.kind]


_NUM = r"\d+\.\d+"
_PART_RE = re.compile(
    r"§(?P<section>\d+(?:\.\d+)*)"
    r"|(?P<summary>Executive summary)"
    rf"|Box(?:es)? (?P<box>{_NUM}(?:(?:, | and ){_NUM})*)"
    rf"|Figures? (?P<figure>{_NUM}(?:(?:, | and ){_NUM})*)"
    rf"|Tables? (?P<table>{_NUM}(?:(?:, | and ){_NUM})*)"
    r"|footnotes? (?P<footnote>\d+(?:(?:, | and )\d+)*)"
)
_SEPARATORS_RE = re.compile(r"^[\s,;]*(?:and[\s,;]*)*$")


def parse_locator(text: str) -> list[Part]:
    """The parts of a locator such as ``Executive summary, §3.1, Figures 3.1 and 3.2``.

    Parts are sections (``§4.1.3``), ``Executive summary``, boxes, figures and tables
    (``Box 1.2``, ``Figures 4.4 and 4.5``, ``Table 6.1``) and footnotes (``footnote 16``),
    separated by commas, semicolons, spaces or "and". Raises ``ValueError`` naming anything else,
    so a typo such as ``§ 4.1`` or ``p. 12`` cannot slip through.
    """
    parts: list[Part] = []
    pieces: list[str] = []
    position = 0
    for match in _PART_RE.finditer(text):
        kind = match.lastgroup
        assert kind is not None
        value = match.group(kind)
        refs = [""] if kind == "summary" else re.split(r", | and ", value)
        for ref in refs:
            part = Part(kind, ref)  # type: ignore[arg-type]
            if part not in parts:
                parts.append(part)
        pieces.append(text[position : match.start()])
        position = match.end()
    pieces.append(text[position:])
    rest = " ".join(pieces)
    if not parts or not _SEPARATORS_RE.match(rest):
        leftover = " ".join(rest.split()) or text
        raise ValueError(
            f"cannot read {leftover!r} in the locator {text!r}: write sections as §4.1.3, and "
            "'Executive summary', 'Box 1.2', 'Figure 3.4', 'Table 6.1' or 'footnote 16', "
            "separated by commas"
        )
    return parts


# ---- normalisation -------------------------------------------------------------------------

_PLAIN = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)


def normalise(text: str) -> str:
    """Text reduced for comparison: emphasis stars, footnote markers and markdown links removed,
    typographic quotes and dashes made plain, whitespace (line breaks too) collapsed, case folded.

    >>> normalise("Få aktører ser det som *deres*\\nansvar<sup>3</sup> \u2013 \u201dnu\u201d")
    'få aktører ser det som deres ansvar - "nu"'
    """
    text = re.sub(r"<sup>\d+</sup>", "", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = text.replace("*", "").translate(_PLAIN)
    return " ".join(text.split()).casefold()


def _words(text: str) -> int:
    return len(text.split())


# ---- the Danish report ---------------------------------------------------------------------

_HEADING_RE = re.compile(r"^#{1,6}\s+(.*)$")
_NUMBERED_RE = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+\S")
_FOOTNOTE_TEXT_RE = re.compile(r"^<sup>(\d+)</sup>\s*(.*)$")
_MARKER_RE = re.compile(r"<sup>(\d+)</sup>")
_FIGURE_RE = re.compile(rf"^(?:\*\*)?Figur\s+({_NUM})(?:\s+og\s+({_NUM}))?")
_TABLE_RE = re.compile(rf"^(?:\*\*)?Tabel\s+({_NUM})")
_BOX_RE = re.compile(rf"^Boks\s+({_NUM})")


def _clean_heading(line: str) -> str | None:
    match = _HEADING_RE.match(line)
    return match.group(1).replace("*", "").strip() if match else None


@dataclass
class Report:
    """The Danish report split into the parts a locator can name.

    Built by :meth:`parse` from the markdown text: numbered headings (``## 4.1 ...``,
    ``# 1. Indledning``) start sections, and unnumbered headings after them belong to the
    section before; the executive summary runs from its heading to chapter 1; a box runs from its
    heading (``Boks 1.1``) to the next heading; figures and tables belong to the section their
    caption is in; a footnote is its text line (``<sup>16</sup> ...``), and its marker belongs to
    the section it stands in.
    """

    lines: list[str]
    sections: dict[str, tuple[int, int]] = field(default_factory=dict)
    summary: tuple[int, int] = (0, 0)
    boxes: dict[str, tuple[int, int]] = field(default_factory=dict)
    figures: dict[str, int] = field(default_factory=dict)
    tables: dict[str, int] = field(default_factory=dict)
    footnotes: dict[str, str] = field(default_factory=dict)
    markers: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Report:
        """Read the report's markdown; raise ``ValueError`` if it has no executive summary or no
        numbered sections (so a wrong or truncated file fails loudly)."""
        lines = text.splitlines()
        report = cls(lines)
        headings = [(i, h) for i, line in enumerate(lines) if (h := _clean_heading(line))]
        start = next((i for i, h in headings if h.casefold() == "executive summary"), None)
        if start is None:
            raise ValueError("the report has no 'Executive summary' heading")
        numbered = [
            (i, m.group(1)) for i, h in headings if i > start and (m := _NUMBERED_RE.match(h))
        ]
        if not numbered:
            raise ValueError("the report has no numbered section headings")
        report.summary = (start, numbered[0][0])
        for k, (line_no, label) in enumerate(numbered):
            end = len(lines)
            for later_line, later in numbered[k + 1 :]:
                if not later.startswith(label + "."):
                    end = later_line
                    break
            report.sections.setdefault(label, (line_no, end))
        heading_lines = [i for i, _ in headings]
        for i, h in headings:
            if i > start and (m := _BOX_RE.match(h)):
                end = next((j for j in heading_lines if j > i), len(lines))
                report.boxes[m.group(1)] = (i, end)
        for i, line in enumerate(lines):
            if i <= start:
                continue
            stripped = line.strip()
            if m := _FOOTNOTE_TEXT_RE.match(stripped):
                report.footnotes[m.group(1)] = m.group(2)
                continue
            for number in _MARKER_RE.findall(line):
                report.markers.setdefault(number, []).append(i)
            if m := _FIGURE_RE.match(stripped):
                for number in m.groups():
                    if number:
                        report.figures[number] = i
            if m := _TABLE_RE.match(stripped):
                report.tables[m.group(1)] = i
        return report

    def _text(self, start: int, end: int, skip: Iterable[tuple[int, int]] = ()) -> str:
        ranges = list(skip)
        kept = [
            re.sub(r"^#{1,6}\s+", "", line)
            for i, line in enumerate(self.lines[start:end], start=start)
            if not _FOOTNOTE_TEXT_RE.match(line.strip()) and not any(a <= i < b for a, b in ranges)
        ]
        return normalise("\n".join(kept))

    def section_text(self, label: str) -> str:
        """Normalised text of section ``label`` (e.g. ``4.1``) with its subsections."""
        return self._text(*self.sections[label])

    def own_text(self, label: str) -> str:
        """Normalised text of section ``label`` without its subsections."""
        children = [r for k, r in self.sections.items() if k.startswith(label + ".")]
        return self._text(*self.sections[label], skip=children)

    def section_of(self, line: int) -> str | None:
        """The innermost section that contains ``line``."""
        inside = [k for k, (a, b) in self.sections.items() if a <= line < b]
        return max(inside, key=lambda k: k.count("."), default=None)

    def part_text(self, part: Part) -> str | None:
        """Normalised text a quote for ``part`` must occur in, or None if the part is not in the
        report. Figures and tables give the text of the section holding their caption."""
        if part.kind == "section":
            return self.section_text(part.ref) if part.ref in self.sections else None
        if part.kind == "summary":
            return self._text(*self.summary)
        if part.kind == "box":
            return self._text(*self.boxes[part.ref]) if part.ref in self.boxes else None
        if part.kind == "footnote":
            note = self.footnotes.get(part.ref)
            return normalise(note) if note is not None else None
        where = (self.figures if part.kind == "figure" else self.tables).get(part.ref)
        if where is None:
            return None
        section = self.section_of(where)
        return self.section_text(section) if section else None

    def part_lines(self, part: Part) -> list[int]:
        """Lines where a figure, table or footnote marker stands (for containment checks)."""
        if part.kind == "figure" and part.ref in self.figures:
            return [self.figures[part.ref]]
        if part.kind == "table" and part.ref in self.tables:
            return [self.tables[part.ref]]
        if part.kind == "footnote":
            return self.markers.get(part.ref, [])
        return []

    def where_found(self, quote: str) -> list[str]:
        """Labels of the most specific parts whose text contains ``quote`` (for messages)."""
        needle = normalise(quote)
        found = [f"§{k}" for k in self.sections if needle in self.own_text(k)]
        if needle in self._text(*self.summary):
            found.insert(0, "Executive summary")
        found += [f"footnote {k}" for k, v in self.footnotes.items() if needle in normalise(v)]
        return found


# ---- the register --------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One register entry: where the citation is, what it supports and the Danish quotes.

    ``where`` is a page path relative to ``book/`` (``chapters/basics.md``) or a data file name
    (``danish_cases.csv``); ``claim`` is words copied from the page text just before the citation
    (for a data file: the row's identifier); ``cites`` is the locator exactly as written;
    ``quotes`` maps each part's label to one or more quotes.
    """

    where: str
    claim: str
    cites: str
    quotes: Mapping[str, tuple[str, ...]]
    number: int = 0

    @property
    def name(self) -> str:
        """How messages name the entry."""
        return f"{REGISTER_FILE}: {self.where}, entry {self.number} (claim {self.claim!r})"


@dataclass(frozen=True)
class Register:
    """All entries, for pages and for data files."""

    pages: tuple[Entry, ...]
    data: tuple[Entry, ...]


def register_path() -> Path:
    """The packaged register file."""
    return Path(str(resources.files("portal_tools") / "data" / REGISTER_FILE))


def _quotes(raw: Any, where: str, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, Mapping) or not raw:
        problems.append(Problem(f"{where}.quotes", raw, "a mapping from locator part to quote"))
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for label, value in raw.items():
        texts = [value] if isinstance(value, str) else value
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts) or not texts:
            problems.append(Problem(f"{where}.quotes[{label}]", value, "a quote or a list"))
            continue
        for text in texts:
            if not MIN_QUOTE_WORDS <= _words(text) <= MAX_QUOTE_WORDS:
                problems.append(
                    Problem(
                        f"{where}.quotes[{label}]",
                        text,
                        f"a short quote of {MIN_QUOTE_WORDS} to {MAX_QUOTE_WORDS} words",
                    )
                )
        out[str(label)] = tuple(texts)
    return out


def _entry(where: str, number: int, claim: Any, raw: Any, problems: list[Problem]) -> Entry | None:
    path = f"{REGISTER_FILE} {where} entry {number}"
    if not isinstance(raw, Mapping):
        problems.append(Problem(path, raw, "a mapping with cites and quotes"))
        return None
    cites = raw.get("cites")
    if not isinstance(cites, str):
        problems.append(Problem(f"{path}.cites", cites, "the locator as written, e.g. '§4.1.3'"))
        return None
    if not isinstance(claim, str) or _words(claim) < 1:
        problems.append(Problem(f"{path}.claim", claim, "words copied from the page"))
        return None
    try:
        parts = parse_locator(cites)
    except ValueError as exc:
        problems.append(Problem(f"{path}.cites", cites, str(exc)))
        return None
    quotes = _quotes(raw.get("quotes"), path, problems)
    labels = {p.label for p in parts}
    for label in quotes:
        if label not in labels:
            problems.append(
                Problem(f"{path}.quotes", label, "a part of cites: " + ", ".join(sorted(labels)))
            )
    has_text = any(p.kind in TEXT_KINDS for p in parts)
    for part in parts:
        needs = part.kind in TEXT_KINDS or not has_text
        if needs and part.label not in quotes:
            problems.append(
                Problem(f"{path}.quotes", sorted(quotes), f"a quote for {part.label} as well")
            )
    extra = set(raw) - {"claim", "cites", "quotes"}
    if extra:
        problems.append(Problem(path, sorted(extra), "only the keys claim, cites and quotes"))
    return Entry(where, claim, cites, quotes, number)


def load_register(path: Path | None = None) -> Register:
    """Read and check the register's structure; raise :class:`InputError` listing every problem
    (entry, field, value and what is allowed). Quotes are checked against the report by
    :func:`check`, which needs the report's text."""
    path = path or register_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InputError.single(REGISTER_FILE, str(exc).splitlines()[0], "valid YAML") from exc
    if not isinstance(data, Mapping) or set(data) != {"pages", "data"}:
        keys = sorted(data) if isinstance(data, Mapping) else data
        raise InputError.single(REGISTER_FILE, keys, "the two top-level keys pages and data")
    problems: list[Problem] = []
    pages: list[Entry] = []
    for page, entries in (data["pages"] or {}).items():
        if not isinstance(entries, list):
            problems.append(Problem(f"{REGISTER_FILE} {page}", entries, "a list of entries"))
            continue
        for number, raw in enumerate(entries, start=1):
            claim = raw.get("claim") if isinstance(raw, Mapping) else None
            if isinstance(claim, str) and _words(claim) < MIN_CLAIM_WORDS:
                problems.append(
                    Problem(
                        f"{REGISTER_FILE} {page} entry {number}.claim",
                        claim,
                        f"at least {MIN_CLAIM_WORDS} words copied from the page",
                    )
                )
            entry = _entry(str(page), number, claim, raw, problems)
            if entry:
                pages.append(entry)
    rows: list[Entry] = []
    for name, table in (data["data"] or {}).items():
        if not isinstance(table, Mapping):
            problems.append(Problem(f"{REGISTER_FILE} {name}", table, "a mapping of row keys"))
            continue
        for number, (key, raw) in enumerate(table.items(), start=1):
            entry = _entry(str(name), number, str(key), raw, problems)
            if entry:
                rows.append(entry)
    if problems:
        raise InputError(problems)
    return Register(tuple(pages), tuple(rows))


# ---- citations in pages and data files -----------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """One citation of the report: where, the locator as written and the text it supports."""

    where: str
    line: int
    locator: str
    span: str

    @property
    def name(self) -> str:
        """How messages name the citation."""
        return f"{self.where} line {self.line} ({self.locator})"


_CITE_RE = re.compile(r"\{cite:[pt]\}`([^`]*)`")
_AFTER_RE = re.compile(r"\s*\(((?:[^()]|\([^()]*\))*)\)")
_BARE_START = r"§\d|Executive summary|Box \d|Figures? \d|Tables? \d|footnotes? \d"
_BARE_RE = re.compile(rf"\(((?:{_BARE_START})(?:[^()]|\([^()]*\))*)\)")
_STRAY_RE = re.compile(r"§\d")
_FENCE_RE = re.compile(r"^(`{3,}|~{3,})\s*(\{[\w:-]+\}|[\w+-]*)")
_PROSE_DIRECTIVES = {"{figure}", "{glossary}", "{note}", "{tip}", "{important}", "{admonition}"}


def _prose(text: str) -> str:
    """The page with front matter, code and comments blanked out (line numbers kept)."""
    lines = text.splitlines()
    out = list(lines)
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
        for i in range(end + 1):
            out[i] = ""
    fence: str | None = None
    keep = False
    for i, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence) and line.strip().strip(fence[0]) == "":
                fence = None
                out[i] = ""
            elif not keep:
                out[i] = ""
            continue
        match = _FENCE_RE.match(line.strip())
        if match:
            fence = match.group(1)
            keep = match.group(2) in _PROSE_DIRECTIVES
            out[i] = ""
            continue
        if line.lstrip().startswith("%"):
            out[i] = ""
    return "\n".join(out)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def page_citations(where: str, text: str) -> tuple[list[Citation], list[Problem]]:
    """The report citations in one page's MyST text, and problems found on the way.

    A citation is a ``{cite:p}`` or ``{cite:t}`` role whose keys include the report, with the
    locator in the parentheses that follow it, or a bare locator in parentheses such as
    ``(§4.4.2)`` that refers back to an earlier citation. A report citation without a locator,
    and any ``§`` section number outside a citation, are problems. Code cells are not scanned:
    captions computed in code should take their sources from the data files.
    """
    prose = _prose(text)
    citations: list[Citation] = []
    problems: list[Problem] = []
    used: list[tuple[int, int]] = []
    found: list[tuple[int, int, str]] = []  # start, end, locator
    for match in _CITE_RE.finditer(prose):
        keys = [k.strip() for k in match.group(1).split(",")]
        if REPORT_KEY not in keys:
            continue
        after = _AFTER_RE.match(prose, match.end())
        if not after:
            problems.append(
                Problem(
                    f"{where} line {_line_of(prose, match.start())}",
                    match.group(0),
                    "a locator after the citation, such as (§4.1.3)",
                )
            )
            continue
        found.append((match.start(), after.end(), after.group(1)))
        used.append((after.start(), after.end()))
    for match in _BARE_RE.finditer(prose):
        if any(a <= match.start() < b for a, b in used):
            continue
        found.append((match.start(), match.end(), match.group(1)))
        used.append((match.start(), match.end()))
    for match in _STRAY_RE.finditer(prose):
        if not any(a <= match.start() < b for a, b in used):
            line = _line_of(prose, match.start())
            problems.append(
                Problem(
                    f"{where} line {line}",
                    prose[max(0, match.start() - 30) : match.end() + 10].replace("\n", " "),
                    "a report section only in a locator: {cite:p}`oxfordresearch2020` (§4.1.3) "
                    "or (§4.1.3) after such a citation",
                )
            )
    found.sort()
    blocks = [m.start() for m in re.finditer(r"\n[ \t]*\n", prose)]
    previous_end = 0
    for start, end, locator in found:
        block_start = max([b for b in blocks if b < start], default=0)
        span_start = max(block_start, previous_end)
        span = " ".join(_CITE_RE.sub(" ", prose[span_start:start]).split())
        citations.append(Citation(where, _line_of(prose, start), " ".join(locator.split()), span))
        previous_end = end
    return citations, problems


def data_citations(
    tables: Mapping[str, pd.DataFrame], keys: Mapping[str, str]
) -> tuple[list[Citation], list[Problem]]:
    """The report citations in the data files: one per row whose ``source`` cites the report.

    ``keys`` names each file's identifier column; the citation's ``span`` is the row's
    identifier and its locator the row's report locators joined by ``; ``.
    """
    from portal_tools.knowledge import parse_source

    citations: list[Citation] = []
    problems: list[Problem] = []
    for name, table in tables.items():
        if "source" not in table.columns:
            continue
        for number, (_, row) in enumerate(table.iterrows(), start=2):
            locators = [loc for key, loc in parse_source(str(row["source"])) if key == REPORT_KEY]
            if not locators:
                continue
            column = keys.get(name)
            if column is None:
                problems.append(
                    Problem(f"{name} row {number}", row["source"], "a file with an id column")
                )
                continue
            citations.append(Citation(name, number, "; ".join(locators), str(row[column])))
    return citations, problems


# ---- the check -----------------------------------------------------------------------------


def _check_quotes(entry: Entry, report: Report) -> list[Problem]:
    problems: list[Problem] = []
    parts = parse_locator(entry.cites)
    sections = [p for p in parts if p.kind == "section"]
    for part in parts:
        if part.kind in ("figure", "table", "footnote"):
            if part.kind == "footnote" and part.ref not in report.footnotes:
                problems.append(Problem(entry.name, part.label, "a footnote the report has"))
                continue
            lines = report.part_lines(part)
            if part.kind != "footnote" and not lines:
                problems.append(Problem(entry.name, part.label, f"a {part.kind} the report has"))
                continue
            homes = {report.section_of(i) for i in lines}
            inside = any(
                home and (home == s.ref or home.startswith(s.ref + "."))
                for home in homes
                for s in sections
            )
            if sections and lines and not inside:
                got = ", ".join(sorted(f"§{h}" for h in homes if h))
                problems.append(
                    Problem(
                        entry.name,
                        f"{part.label} (in {got})",
                        "a figure, table or footnote marker inside a cited section: "
                        + ", ".join(s.label for s in sections),
                    )
                )
        for quote in entry.quotes.get(part.label, ()):
            text = report.part_text(part)
            if text is None:
                problems.append(Problem(entry.name, part.label, "a part the report has"))
                continue
            needle = normalise(quote)
            if needle not in text:
                found = report.where_found(quote)
                hint = f"; the quote is in {', '.join(found)}" if found else ""
                problems.append(
                    Problem(entry.name, quote, f"a quote that occurs in {part.label}{hint}")
                )
            elif part.kind == "section" and needle not in report.own_text(part.ref):
                found = [f for f in report.where_found(quote) if f.startswith(part.label + ".")]
                problems.append(
                    Problem(
                        entry.name,
                        quote,
                        f"the most specific section: the quote is in {', '.join(found)}, "
                        f"a subsection of {part.label}; cite that",
                    )
                )
    return problems


def _match(entries: Iterable[Entry], citations: Iterable[Citation], pages: bool) -> list[Problem]:
    problems: list[Problem] = []
    entries = list(entries)
    claimed: dict[int, list[Citation]] = {id(e): [] for e in entries}
    for citation in citations:
        candidates = [
            e
            for e in entries
            if e.where == citation.where
            and " ".join(e.cites.split()) == citation.locator
            and (
                " ".join(e.claim.split()).casefold() in citation.span.casefold()
                if pages
                else e.claim == citation.span
            )
        ]
        if len(candidates) == 1:
            claimed[id(candidates[0])].append(citation)
            continue
        if not candidates:
            hint = citation.span[-80:] if pages else citation.span
            allowed = (
                f"an entry under {citation.where} with cites {citation.locator!r}, a claim copied "
                f"from the text before the citation (...{hint!r}) and a Danish quote for each part"
            )
            problems.append(Problem(f"{REGISTER_FILE}: {citation.name}", "no entry", allowed))
        else:
            names = "; ".join(e.name for e in candidates)
            problems.append(
                Problem(citation.name, names, "exactly one entry: make the claims more specific")
            )
    for entry in entries:
        got = claimed[id(entry)]
        if not got:
            problems.append(
                Problem(
                    entry.name,
                    entry.cites,
                    "a citation with this locator after the claim's words on the page (the page "
                    "changed: update or remove the entry)",
                )
            )
        elif len(got) > 1:
            problems.append(
                Problem(
                    entry.name,
                    ", ".join(c.name for c in got),
                    "one citation only: make the claim specific to one of them",
                )
            )
    return problems


def check_matches(
    register: Register, page_cites: Iterable[Citation], data_cites: Iterable[Citation]
) -> list[Problem]:
    """Register against pages and data files (needs no report): a citation without exactly one
    entry, an entry without its citation."""
    return _match(register.pages, page_cites, pages=True) + _match(
        register.data, data_cites, pages=False
    )


def check_quotes(register: Register, report: Report) -> list[Problem]:
    """Register against the report: a quote that is not in the cited part, a figure outside the
    cited sections."""
    problems: list[Problem] = []
    for entry in (*register.pages, *register.data):
        problems += _check_quotes(entry, report)
    return problems


def check(
    register: Register,
    report: Report,
    page_cites: Iterable[Citation],
    data_cites: Iterable[Citation],
) -> list[Problem]:
    """Every problem with the register: :func:`check_matches` and :func:`check_quotes`."""
    return check_matches(register, page_cites, data_cites) + check_quotes(register, report)


def quotes_fingerprint(register: Register) -> str:
    """SHA-256 of what the report check depends on: every entry's locator with each part's
    quotes (normalised), one line ``cites<TAB>part<TAB>quote`` each, sorted."""
    lines = sorted(
        f"{' '.join(e.cites.split())}\t{label}\t{normalise(q)}"
        for e in (*register.pages, *register.data)
        for label, quotes in e.quotes.items()
        for q in quotes
    )
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def report_fingerprint(report_text: str) -> str:
    """SHA-256 of the report's text as read (UTF-8)."""
    return hashlib.sha256(report_text.encode("utf-8")).hexdigest()


def record_path() -> Path:
    """The packaged record of the last full check (see :data:`RECORD_FILE`)."""
    return Path(str(resources.files("portal_tools") / "data" / RECORD_FILE))


def read_record(path: Path | None = None) -> dict[str, str]:
    """The record's ``key: value`` lines (``report``, ``quotes``) as a dict."""
    text = (path or record_path()).read_text(encoding="utf-8")
    pairs = (line.split(":", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return {k.strip(): v.strip() for k, v in pairs}


def record_text(report_text: str, register: Register) -> str:
    """The record file for a register that has just passed :func:`check_quotes` on the report."""
    return (
        "# Written by scripts/record_claims.py after every quote of report_claims.yaml was found\n"
        "# in its cited part of the Danish report. Tests compare it where the report is absent.\n"
        f"report: {report_fingerprint(report_text)}\n"
        f"quotes: {quotes_fingerprint(register)}\n"
    )


def register_table(register: Register | None = None) -> pd.DataFrame:
    """The register as a table for the book: page or file, claim, locator and Danish quotes."""
    register = register or load_register()
    rows = [
        {
            "Where": e.where,
            "Claim": e.claim,
            "Cited to": e.cites,
            "Danish passage": " / ".join(
                f"{label}: \N{LEFT-POINTING DOUBLE ANGLE QUOTATION MARK}{q}"
                "\N{RIGHT-POINTING DOUBLE ANGLE QUOTATION MARK}"
                for label, quotes in e.quotes.items()
                for q in quotes
            ),
        }
        for e in (*register.pages, *register.data)
    ]
    return pd.DataFrame(rows)


REPORT_NAME = "oxford-research-2020-danish-social-investment-ecosystem.da.md"
"""The Danish report's file name in the shared sources folder."""


def sources_candidates(root: Path) -> list[Path]:
    """Where the shared sources may be, for a repository checked out at ``root``: the folder
    named by the environment variable ``PORTAL_SOURCES``, ``../shared/sources`` beside the
    repository and, when the repository is a git worktree (``.git`` is a file), beside its main
    working tree."""
    candidates = [Path(os.environ["PORTAL_SOURCES"])] if os.environ.get("PORTAL_SOURCES") else []
    candidates.append(root.parent / "shared" / "sources")
    git = root / ".git"
    if git.is_file():
        text = git.read_text(encoding="utf-8").strip()
        if text.startswith("gitdir:"):
            gitdir = (root / text.removeprefix("gitdir:").strip()).resolve()
            common = gitdir
            if (gitdir / "commondir").is_file():
                relative = (gitdir / "commondir").read_text(encoding="utf-8").strip()
                common = (gitdir / relative).resolve()
            candidates.append(common.parent.parent / "shared" / "sources")
    return candidates


def find_report(root: Path) -> Path | None:
    """The Danish report's path for the repository at ``root``, or ``None`` when absent."""
    for folder in sources_candidates(root):
        if (folder / REPORT_NAME).is_file():
            return folder / REPORT_NAME
    return None
