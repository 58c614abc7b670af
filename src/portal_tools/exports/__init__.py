"""A result as a spreadsheet a finance officer can read: an Excel workbook, or CSV files in a zip.

Both hold the same sheets, in this order:

- *Summary*: one row per value (``Measure``, ``Item``, ``Value``, ``Key``), labelled by the
  result's metrics; a mapping or a list gives one row per entry (the entry's code label, ``year
  N`` for a list whose key ends in ``_by_year``, else its position from 1), ``Key`` is the dotted
  summary key (``total_by_route.sib``, ``years[0]``).
- *Inputs*: one row per input value (``Input``, ``Entry``, ``Value``, ``Unit``, ``Assumption``
  yes/no, ``Note``, ``Path``); a list gives one row per item (``year N`` where the unit is per
  year), a code is written as its declared label, an empty value as its words (``none``).
- one sheet per table: headers made readable from the column names (a declared code, whole or as
  the last part of the name, becomes its label: ``share_sib`` -> ``Share: Social impact bond``),
  and a column of codes holds their labels.
- *Notes*: the calculator's name and title, ``computed by portal_tools <version>`` (never a
  date), the result's notes and the inputs that are illustrative assumptions.

Numbers are written unrounded; only the Excel number format rounds what is shown. A summary
value's format follows its metric's kind (:data:`KIND_FORMATS`); a table column's kind is its
summary metric's kind where a metric has the column's name, else decided by the words of its name
(:func:`~portal_tools.exports.labels.column_kind`). In the workbook the header row is bold and
frozen and columns are sized to their content; text is always text (``=SUM(A1)`` is never a
formula).

CSV dialect (Danish Excel opens the files by double-click, columns and numbers in place): one
file per sheet (``summary.csv``, ``inputs.csv``, one per table, ``notes.csv``) in a zip; UTF-8
with a byte-order mark; separator ``;``; decimal mark ``,``; no thousands separators; CRLF line
ends; labelled headers in the first row; fields quoted (``"``) only where they hold ``;``, a
quote or a line break. A number is Python's shortest round-trip form with ``.`` replaced by ``,``
(``0,3152``, ``1e-05``, shares as fractions), booleans ``yes``/``no``, empty values empty; text
that a spreadsheet would take for a formula is defused with a leading apostrophe
(:func:`~portal_tools.exports.writers.defused`). Both files are byte-for-byte deterministic.
"""

from portal_tools.exports.labels import KIND_FORMATS, CodeLabels, code_labels, header_text
from portal_tools.exports.sheets import Cell, Sheet, result_sheets
from portal_tools.exports.writers import (
    csv_text_value,
    csv_zip_bytes,
    defused,
    deterministic_zip,
    workbook_bytes,
)

__all__ = [
    "KIND_FORMATS",
    "Cell",
    "CodeLabels",
    "Sheet",
    "code_labels",
    "csv_text_value",
    "csv_zip_bytes",
    "defused",
    "deterministic_zip",
    "header_text",
    "result_sheets",
    "workbook_bytes",
]
