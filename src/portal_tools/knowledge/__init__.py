"""Data behind the knowledge-base chapters: survey figures, Danish cases, funds and market counts.

The numbers live as CSV files in ``portal_tools/data`` (one row per fact, each with a ``source``
column naming a bibtex key and the section, figure or table it comes from). Every file has a
schema (:data:`DATA_FILES`); :func:`load` reads a file, checks every cell against its schema and
raises :class:`~portal_tools.errors.InputError` listing every bad cell as ``FILE row N, column C``
(row numbers count the header as row 1, as a spreadsheet shows them). Charts and page text are
drawn from the validated tables only, so a page cannot state a number the data does not hold.

The parts: :mod:`~portal_tools.knowledge.schema` (the files' columns),
:mod:`~portal_tools.knowledge.loading` (reading and checking the files) and
:mod:`~portal_tools.knowledge.text` (numbers and dates in page text). Import from
``portal_tools.knowledge``.
"""

from __future__ import annotations

from portal_tools.knowledge.loading import KEY_RE as KEY_RE
from portal_tools.knowledge.loading import ROW_CHECKS as ROW_CHECKS
from portal_tools.knowledge.loading import RowCheck as RowCheck
from portal_tools.knowledge.loading import data_dir, load, load_all, parse_source, survey_fact
from portal_tools.knowledge.schema import DATA_FILES, DESCRIPTIONS, Column, schema_table
from portal_tools.knowledge.schema import DATE_RE as DATE_RE
from portal_tools.knowledge.schema import UNIQUE as UNIQUE
from portal_tools.knowledge.schema import Kind as Kind
from portal_tools.knowledge.text import fmt_date, fmt_number

__all__ = [
    "DATA_FILES",
    "DESCRIPTIONS",
    "Column",
    "data_dir",
    "fmt_date",
    "fmt_number",
    "load",
    "load_all",
    "parse_source",
    "schema_table",
    "survey_fact",
]
