"""The checks of the register against the pages, the data files and the report, and the record
of the last full check.

:func:`check_matches` needs no report: every citation has exactly one entry and every entry its
citation. :func:`check_quotes` needs the report: every quote occurs in the part it is cited to.
The record file (:data:`RECORD_FILE`) holds fingerprints of the register's quotes and the report
from the last full check, for tests where the report is absent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from portal_tools.claims.citations import Citation
from portal_tools.claims.register import REGISTER_FILE, Entry, Register
from portal_tools.claims.report import Report, normalise, parse_locator
from portal_tools.errors import Problem

RECORD_FILE = "report_claims.verified"
"""Fingerprints of the last check of the register's quotes against the Danish report."""


def check_entry_quotes(entry: Entry, report: Report) -> list[Problem]:
    """One entry against the report: each quote in its cited part, each figure, table or
    footnote marker inside the cited sections."""
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


def match_citations(
    entries: Iterable[Entry], citations: Iterable[Citation], pages: bool
) -> list[Problem]:
    """Entries against citations: each citation needs exactly one entry (same place, locator
    and claim; ``pages`` compares the claim with the page text before the citation, otherwise
    with a data row's identifier), each entry one citation."""
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
    return match_citations(register.pages, page_cites, pages=True) + match_citations(
        register.data, data_cites, pages=False
    )


def check_quotes(register: Register, report: Report) -> list[Problem]:
    """Register against the report: a quote that is not in the cited part, a figure outside the
    cited sections."""
    problems: list[Problem] = []
    for entry in (*register.pages, *register.data):
        problems += check_entry_quotes(entry, report)
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
