"""The claims register: every citation of the 2020 report tied to a short Danish quote.

Every place where the portal cites the Danish baseline report (bibtex key ``oxfordresearch2020``)
carries a locator, such as ``(§4.1.3)`` or ``(Box 1.2, §4.1.2)``. The register,
``portal_tools/data/report_claims.yaml``, holds one entry per citation with the locator and, for
each part of it, a short Danish quote of the passage the claim rests on. This package

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

The parts: :mod:`~portal_tools.claims.report` (locators, normalisation and the report's text),
:mod:`~portal_tools.claims.register` (the register file), :mod:`~portal_tools.claims.citations`
(citations in pages and data files) and :mod:`~portal_tools.claims.checks` (the checks and the
record of the last full check). Import from ``portal_tools.claims``.
"""

from __future__ import annotations

from portal_tools.claims.checks import RECORD_FILE as RECORD_FILE
from portal_tools.claims.checks import check, check_entry_quotes, match_citations
from portal_tools.claims.checks import check_matches as check_matches
from portal_tools.claims.checks import check_quotes as check_quotes
from portal_tools.claims.checks import quotes_fingerprint as quotes_fingerprint
from portal_tools.claims.checks import read_record as read_record
from portal_tools.claims.checks import record_path as record_path
from portal_tools.claims.checks import record_text as record_text
from portal_tools.claims.checks import report_fingerprint as report_fingerprint
from portal_tools.claims.citations import Citation, data_citations, page_citations
from portal_tools.claims.register import MAX_QUOTE_WORDS as MAX_QUOTE_WORDS
from portal_tools.claims.register import MIN_CLAIM_WORDS as MIN_CLAIM_WORDS
from portal_tools.claims.register import MIN_QUOTE_WORDS as MIN_QUOTE_WORDS
from portal_tools.claims.register import REGISTER_FILE as REGISTER_FILE
from portal_tools.claims.register import TEXT_KINDS as TEXT_KINDS
from portal_tools.claims.register import (
    Entry,
    Register,
    load_register,
    register_path,
    register_table,
)
from portal_tools.claims.report import REPORT_KEY, Part, Report, normalise, parse_locator
from portal_tools.claims.report import REPORT_NAME as REPORT_NAME
from portal_tools.claims.report import PartKind as PartKind
from portal_tools.claims.report import find_report as find_report
from portal_tools.claims.report import sources_candidates as sources_candidates

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

# The names these two helpers had before the module became a package (the tests use them).
_check_quotes = check_entry_quotes
_match = match_citations
