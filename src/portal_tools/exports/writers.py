"""Writers of the spreadsheet exports (see :mod:`portal_tools.exports`): the Excel workbook, and
the CSV files in the Danish-Excel dialect in a zip; both byte-for-byte deterministic."""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from portal_tools.exports.labels import INPUT_SHARE_FORMAT
from portal_tools.exports.sheets import Cell, Sheet, plain_value, result_sheets

if TYPE_CHECKING:
    from portal_tools.results import Result

__all__ = [
    "FIXED_DATE",
    "csv_field",
    "csv_text",
    "csv_text_value",
    "csv_zip_bytes",
    "defused",
    "deterministic_zip",
    "workbook_bytes",
]

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
"""The date of every zip member and of the workbook's properties (no timestamps)."""


def _width(cell: Cell) -> int:
    """Characters a cell needs, roughly: its text, or a number as its format shows it."""
    value = cell.value
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    if cell.number_format in ("0.0%", INPUT_SHARE_FORMAT):
        return 8
    return len(f"{value:,.0f}") + (5 if "." in (cell.number_format or "") else 1)


def _write_sheet(book: Any, sheet: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    ws = book.create_sheet(sheet.title)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for col, header in enumerate(sheet.headers, start=1):
        cell = ws.cell(row=1, column=col, value=header)
        cell.data_type = "s"
        cell.font, cell.alignment = bold, wrap
    for r, row in enumerate(sheet.rows, start=2):
        for col, item in enumerate(row, start=1):
            cell = ws.cell(row=r, column=col, value=item.value)
            if isinstance(item.value, str):
                cell.data_type = "s"  # text that starts with '=' is data, never a formula
            elif item.number_format is not None:
                cell.number_format = item.number_format
    for col, header in enumerate(sheet.headers, start=1):
        needed = max([_width(row[col - 1]) for row in sheet.rows] + [min(len(header), 24)])
        ws.column_dimensions[get_column_letter(col)].width = min(max(needed + 2, 8), 60)
    ws.freeze_panes = "A2"


def workbook_bytes(result: Result) -> bytes:
    """The Excel workbook of ``result`` (see the module docstring), byte-for-byte stable."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for sheet in result_sheets(result):
        _write_sheet(book, sheet)
    fixed = datetime.datetime(*FIXED_DATE)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.properties.creator = "portal_tools"
    book.properties.lastModifiedBy = "portal_tools"
    buffer = io.BytesIO()
    book.save(buffer)
    return _fixed_zip(buffer.getvalue())


def deterministic_zip(members: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip of ``(name, payload)`` members, each dated :data:`FIXED_DATE` with mode
    0644, so identical content gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for name, payload in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, payload)
    return out.getvalue()


def _fixed_zip(data: bytes) -> bytes:
    """A workbook re-zipped with fixed dates, its core properties dated :data:`FIXED_DATE`."""
    src = zipfile.ZipFile(io.BytesIO(data))

    def members() -> Iterator[tuple[str, bytes]]:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    rb"\g<1>2020-01-01T00:00:00Z\g<3>",
                    payload,
                )
            yield info.filename, payload

    return deterministic_zip(members())


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def defused(text: str) -> str:
    """A CSV text cell that no spreadsheet reads as a formula: text starting with ``=``, ``+``,
    ``-``, ``@``, a tab, a carriage return or an apostrophe gets one leading apostrophe (the
    spreadsheet convention for "this is text"), so reading back drops exactly one
    (:func:`csv_text_value`)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text_value(cell: str) -> str:
    """The text a CSV text cell stands for (one leading apostrophe removed, see :func:`defused`)."""
    return cell[1:] if cell.startswith("'") else cell


def csv_field(value: Any) -> str:
    """One field in the CSV dialect of the module docstring (before quoting)."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value!r} to CSV; results must be finite")
        return repr(value).replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return defused(str(value))


def csv_text(sheet: Sheet) -> str:
    """A sheet as CSV text in the module's dialect (without the byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", quotechar='"', lineterminator="\r\n")
    writer.writerow([csv_field(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow([csv_field(c.value) for c in row])
    return out.getvalue()


def csv_zip_bytes(result: Result) -> bytes:
    """One CSV file per sheet of ``result`` in a zip (UTF-8 with BOM), byte-for-byte stable."""
    return deterministic_zip(
        (f"{sheet.stem}.csv", ("\ufeff" + csv_text(sheet)).encode("utf-8"))
        for sheet in result_sheets(result)
    )
