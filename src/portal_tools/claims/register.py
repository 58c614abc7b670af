"""The claims register file: its entries, how it is read and checked, and its table.

The register, ``portal_tools/data/report_claims.yaml``, holds one :class:`Entry` per citation
with the locator and a short Danish quote for each part of it; :func:`load_register` reads it
and checks its structure, :func:`register_table` shows it in the book.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from portal_tools.claims.report import parse_locator
from portal_tools.errors import InputError, Problem

REGISTER_FILE = "report_claims.yaml"
MIN_QUOTE_WORDS = 3
MAX_QUOTE_WORDS = 25
MIN_CLAIM_WORDS = 3

TEXT_KINDS: frozenset[str] = frozenset({"section", "summary", "box", "footnote"})


def _words(text: str) -> int:
    return len(text.split())


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
