"""Calculator results and their export formats (JSON, CSV, Excel).

A :class:`Result` holds a ``summary`` (JSON scalars, lists and mappings), named ``tables``
(pandas DataFrames, usually one row per year) and display metadata. Export is deterministic:
no timestamps, fixed zip dates in Excel files, and NaN or infinity are refused.

Names are data, never formulas: an Excel cell always stores text as text (a name such as
``=HYPERLINK(...)`` is not a formula), and a CSV text cell that a spreadsheet would take for a
formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written with
a leading apostrophe, the spreadsheet convention for "this is text"; a text that itself starts
with an apostrophe gets one more, so reading back drops exactly one leading apostrophe from any
text cell that has one (:func:`csv_text_value`). Lists of plain numbers such as
``-5.0, 3.0`` are numbers, not formulas, and are written unchanged.

Every export reads back to the result's values: JSON exactly, CSV exactly (numbers as Python's
shortest round-trip form), Excel to 16 significant digits (what its cells hold).
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel

from portal_tools import formatting
from portal_tools.inputs.listing import InputRow, input_rows

__all__ = ["Metric", "Result", "csv_text_value", "flatten_summary", "format_value", "ratio"]

Kind = Literal["money", "rate", "ratio", "year", "count", "share", "text", "number"]


@dataclass(frozen=True)
class Metric:
    """How to show one summary value: a label and a kind that decides the number format."""

    label: str
    kind: Kind = "number"
    help: str = ""
    hide_zero: bool = False
    """Leave the row out of the on-screen summary when the value is 0 (a term the contract does
    not use, such as a guarantor's payment without capital protection); exports keep it."""


def format_value(value: Any, kind: Kind = "number", currency: str = "DKK") -> str:
    """Human formatting: ``money`` as '1 234 567 DKK', ``rate`` and ``share`` as '3.5 %',
    ``ratio`` as '1.25x', ``year`` as 'year 4'; ``None`` as 'none'."""
    if value is None:
        return "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_value(v, kind, currency)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "; ".join(format_value(v, kind, currency) for v in value) or "none"
    if isinstance(value, str):
        return value
    if kind == "text":
        return str(value)  # an identifier such as a seed: no thousands separator
    if kind == "money":
        return formatting.money(value, currency)
    if kind in ("rate", "share"):
        return formatting.percent(value)
    if kind == "ratio":
        return formatting.multiple(value)
    if kind == "year":
        return f"year {int(value)}"
    if kind == "count":
        return formatting.count(value)
    return formatting.significant(value)


def flatten_summary(summary: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings to dotted keys and lists to comma-joined text (for CSV/Excel)."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_summary(value, f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = ", ".join("" if v is None else str(v) for v in value)
        else:
            flat[name] = value
    return flat


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_NUMBER_LIST = re.compile(rf"{_NUMBER}(?:, {_NUMBER})*")


def _defused(text: str) -> str:
    """A CSV text cell that no spreadsheet reads as a formula (see the module docstring)."""
    if text.startswith(_FORMULA_START) and not _NUMBER_LIST.fullmatch(text):
        return "'" + text
    return text


def csv_text_value(cell: str) -> str:
    """The text a CSV text cell written by :meth:`Result.to_csv` stands for (one leading
    apostrophe removed)."""
    return cell[1:] if cell.startswith("'") else cell


def _csv_cell(value: Any) -> str:
    """One CSV field: numbers as Python writes them (``50000.0``, ``1e-05``), booleans as
    ``True``/``False``, none as empty, text defused and quoted where it holds a comma, a quote
    or a line break (carriage returns included)."""
    if value is None:
        return ""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, int | np.integer):
        return str(int(value))
    text = _defused(str(value))
    if any(c in text for c in ',"\r\n') or text == "":
        return '"' + text.replace('"', '""') + '"' if text else ""
    return text


def _csv_frame(frame: pd.DataFrame) -> str:
    rows = [",".join(_csv_cell(str(c)) for c in frame.columns)]
    columns = [frame[c].tolist() for c in frame.columns] if len(frame.columns) else []
    for i in range(len(frame)):
        rows.append(",".join(_csv_cell(col[i]) for col in columns))
    return "\n".join(rows) + "\n"


def _check_finite(obj: Any, where: str) -> None:
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ValueError(f"result value {where} is {obj!r}; results must be finite")
    if isinstance(obj, Mapping):
        for k, v in obj.items():
            _check_finite(v, f"{where}.{k}")
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            _check_finite(v, f"{where}[{i}]")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


def _check_table(name: str, table: pd.DataFrame) -> None:
    """Refuse NaN or infinity in a table. Number columns are checked as one array (a table of
    numbers only, such as a yearly table, in one step without selecting columns); mixed columns
    (numbers and None) have the plain object dtype and are checked value by value; text columns
    have pandas' string dtype and booleans hold no NaN, so they are not scanned."""
    dtypes = table.dtypes.tolist()
    if all(isinstance(d, np.dtype) and d.kind in "iuf" for d in dtypes):
        if not bool(np.isfinite(table.to_numpy(dtype=float)).all()):
            raise ValueError(f"table {name!r} holds NaN or infinity")
        return
    numeric = table.select_dtypes("number")
    if not numeric.empty and not bool(np.isfinite(numeric.to_numpy(dtype=float)).all()):
        raise ValueError(f"table {name!r} holds NaN or infinity")
    for column, dtype in zip(table.columns, dtypes, strict=True):
        if not (isinstance(dtype, np.dtype) and dtype.kind == "O"):
            continue
        for value in table[column].tolist():
            if isinstance(value, float | np.floating) and not math.isfinite(value):
                raise ValueError(f"table {name!r} holds {value!r} in column {column!r}")


@dataclass
class Result:
    """The outcome of one calculator run."""

    calculator: str
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    currency: str = "DKK"
    source: BaseModel | None = field(default=None, repr=False, compare=False)
    """The validated inputs the result was computed from (set by :meth:`Calculator.compute_valid
    <portal_tools.calculator.Calculator.compute_valid>`)."""

    def __post_init__(self) -> None:
        self.summary = _jsonable(self.summary)
        _check_finite(self.summary, "summary")
        for name, table in self.tables.items():
            _check_table(name, table)

    def input_rows(self) -> list[InputRow]:
        """The inputs as labelled rows (:func:`~portal_tools.inputs.listing.input_rows`), for the
        exports' inputs sheet; empty when the result does not know its inputs."""
        return [] if self.source is None else input_rows(self.source)

    def to_dict(self) -> dict[str, Any]:
        """``{"calculator", "summary", "tables": {name: [row, ...]}, "notes"}``."""
        return {
            "calculator": self.calculator,
            "summary": self.summary,
            "tables": {
                name: [_jsonable(r) for r in table.to_dict(orient="records")]
                for name, table in self.tables.items()
            },
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        """Indented JSON with sorted-free, stable key order; NaN is refused."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a two-column table (key, value), nested keys dotted."""
        flat = flatten_summary(self.summary)
        values = pd.Series([flat[k] for k in flat], dtype=object)  # None stays None, not NaN
        return pd.DataFrame({"key": list(flat), "value": values})

    def to_csv(self) -> str:
        """The summary, then each table, as CSV sections headed ``# name`` and separated by a
        blank line (a blank line inside a quoted text is part of the text)."""
        parts = ["# summary\n" + _csv_frame(self.summary_frame())]
        for name, table in self.tables.items():
            parts.append(f"# {name}\n" + _csv_frame(table))
        return "\n".join(parts)

    def to_xlsx(self) -> bytes:
        """An Excel workbook: a ``summary`` sheet and one sheet per table, byte-for-byte stable."""
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            self.summary_frame().to_excel(writer, sheet_name="summary", index=False)
            for name, table in self.tables.items():
                table.to_excel(writer, sheet_name=name[:31], index=False)
            book = writer.book
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        if cell.data_type == "f":  # text that starts with '=': data, not a formula
                            cell.data_type = "s"
            fixed = pd.Timestamp("2020-01-01").to_pydatetime()
            book.properties.created = fixed
            book.properties.modified = fixed
            book.properties.creator = "portal_tools"
            book.properties.lastModifiedBy = "portal_tools"
        return _fix_zip_dates(buffer.getvalue())


def _fix_zip_dates(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed member dates so identical content gives identical bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _strip_core_dates(payload)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, payload)
    return out.getvalue()


def _strip_core_dates(xml: bytes) -> bytes:
    import re

    return re.sub(
        rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
        rb"\g<1>2020-01-01T00:00:00Z\g<3>",
        xml,
    )


def ratio(numerator: float, denominator: float, minimum: float = 0.0) -> float | None:
    """``numerator / denominator`` for a summary ratio, or ``None`` (shown as n/a) when it is
    undefined: the denominator is not positive, is below ``minimum`` (e.g. payments under one
    øre), or the quotient is not finite (a vanishing denominator overflows)."""
    if not denominator > 0 or denominator < minimum:
        return None
    quotient = numerator / denominator
    return quotient if math.isfinite(quotient) else None
