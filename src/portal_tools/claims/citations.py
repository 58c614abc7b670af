"""The report's citations in the book's pages and in the data files.

:func:`page_citations` finds ``{cite:p}`` roles of the report with their locators (and bare
locators such as ``(§4.4.2)``) in a page's MyST text; :func:`data_citations` finds the rows of
the data files whose ``source`` cites the report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from portal_tools.claims.report import REPORT_KEY
from portal_tools.errors import Problem


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
