"""Calculator results and their export formats (JSON, CSV, Excel).

A :class:`Result` holds a ``summary`` (JSON scalars, lists and mappings), named ``tables``
(pandas DataFrames, usually one row per year) and display metadata. Export is deterministic:
no timestamps, fixed zip dates in Excel files, and NaN or infinity are refused.

The spreadsheet exports (an Excel workbook and a zip of CSV files for Danish Excel, with
labelled sheets for the summary, the inputs, each table and notes) are built by
:mod:`portal_tools.exports`; its docstring states their layout and the CSV dialect. Every export
reads back to the result's values: JSON exactly, CSV exactly (numbers as Python's shortest
round-trip form with a decimal comma), Excel to 16 significant digits (what its cells hold).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel

from portal_tools import formatting
from portal_tools.inputs.listing import InputRow, input_rows

__all__ = ["Metric", "Result", "format_value", "ratio"]

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

    def to_xlsx(self) -> bytes:
        """The Excel workbook (:func:`portal_tools.exports.workbook_bytes`): Summary, Inputs,
        one sheet per table and Notes, byte-for-byte stable."""
        from portal_tools.exports import workbook_bytes

        return workbook_bytes(self)

    def to_csv_zip(self) -> bytes:
        """The CSV files for Danish Excel in a zip (:func:`portal_tools.exports.csv_zip_bytes`):
        one per sheet of the workbook, byte-for-byte stable."""
        from portal_tools.exports import csv_zip_bytes

        return csv_zip_bytes(self)


def ratio(numerator: float, denominator: float, minimum: float = 0.0) -> float | None:
    """``numerator / denominator`` for a summary ratio, or ``None`` (shown as n/a) when it is
    undefined: the denominator is not positive, is below ``minimum`` (e.g. payments under one
    øre), or the quotient is not finite (a vanishing denominator overflows)."""
    if not denominator > 0 or denominator < minimum:
        return None
    quotient = numerator / denominator
    return quotient if math.isfinite(quotient) else None
