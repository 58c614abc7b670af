"""Locators and the Danish report: the parts a citation can name and the report's text.

- :class:`Part` and :func:`parse_locator` read a locator such as ``(Box 1.2, §4.1.2)``;
- :func:`normalise` reduces quotes and report text for comparison;
- :class:`Report` splits the report's markdown into sections, boxes, figures, tables and
  footnotes; and
- :func:`find_report` looks for the report's file in the shared sources folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

REPORT_KEY = "oxfordresearch2020"

PartKind = Literal["section", "summary", "box", "figure", "table", "footnote"]


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
