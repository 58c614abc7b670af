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
(:func:`column_kind`). In the workbook the header row is bold and frozen and columns are sized to
their content; text is always text (``=SUM(A1)`` is never a formula).

CSV dialect (Danish Excel opens the files by double-click, columns and numbers in place): one
file per sheet (``summary.csv``, ``inputs.csv``, one per table, ``notes.csv``) in a zip; UTF-8
with a byte-order mark; separator ``;``; decimal mark ``,``; no thousands separators; CRLF line
ends; labelled headers in the first row; fields quoted (``"``) only where they hold ``;``, a
quote or a line break. A number is Python's shortest round-trip form with ``.`` replaced by ``,``
(``0,3152``, ``1e-05``, shares as fractions), booleans ``yes``/``no``, empty values empty; text
that a spreadsheet would take for a formula is defused with a leading apostrophe
(:func:`defused`). Both files are byte-for-byte deterministic.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any, get_args, get_origin

import numpy as np
from pydantic import BaseModel

from portal_tools.errors import format_path, split_path
from portal_tools.inputs.model import field_meta, item_type, model_of, strip_optional

if TYPE_CHECKING:
    import pandas as pd

    from portal_tools.results import Result

__all__ = [
    "KIND_FORMATS",
    "Cell",
    "CodeLabels",
    "Sheet",
    "code_labels",
    "column_kind",
    "csv_field",
    "csv_text",
    "csv_text_value",
    "csv_zip_bytes",
    "defused",
    "deterministic_zip",
    "header_text",
    "kind_format",
    "result_sheets",
    "workbook_bytes",
]

KIND_FORMATS: dict[str, str] = {
    "money": "#,##0",
    "rate": "0.0%",
    "share": "0.0%",
    "ratio": '0.00"x"',
    "year": '"year "0',
    "count": "#,##0.0",
    "text": "0",
}
"""Excel number format of a summary value by its metric's kind (``text``: an identifier such as
a seed, no separator). A whole-number ``count`` shows no decimal (``#,##0``); a ``number`` is
shown by its size (:func:`plain_format`)."""

INPUT_SHARE_FORMAT = "0.0##%"
"""An input share or rate: as typed, up to three decimals of a percent (``3.25 %``)."""

FIXED_DATE = (2020, 1, 1, 0, 0, 0)
"""The date of every zip member and of the workbook's properties (no timestamps)."""

_SHARE_WORDS = {"share", "rate", "irr", "mirr", "prob", "probability", "spread"}
_RATIO_WORDS = {"moic", "multiple", "ratio"}
_COUNT_WORDS = {
    "participants",
    "achievements",
    "successes",
    "served",
    "referred",
    "outcomes",
    "effect",
    "cohort",
    "paths",
}
_CAPITALS = {"pv": "PV", "irr": "IRR", "mirr": "MIRR", "moic": "MOIC", "npv": "NPV"}


@dataclass(frozen=True)
class Cell:
    """One cell: a value (text, number, boolean or ``None``) and the Excel number format that
    shows it (``None``: General)."""

    value: Any
    number_format: str | None = None


@dataclass(frozen=True)
class Sheet:
    """One sheet of the workbook and one file of the CSV zip."""

    title: str
    """The Excel sheet name (at most 31 characters)."""
    stem: str
    """The CSV file name without ``.csv``."""
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


# ------------------------------------------------------------------ labels


def _sub_models(annotation: Any) -> list[type[BaseModel]]:
    """The input models inside a field's annotation (a model, a list or mapping of models)."""
    bare, _ = strip_optional(annotation)
    direct = model_of(bare)
    if direct is not None:
        return [direct]
    origin = get_origin(bare)
    if origin is list:
        found = model_of(item_type(bare))
        return [found] if found is not None else []
    if origin is dict and len(get_args(bare)) == 2:
        found = model_of(get_args(bare)[1])
        return [found] if found is not None else []
    return []


@dataclass(frozen=True)
class CodeLabels:
    """The declared labels of the inputs' codes: by field name, and all codes together (a code
    declared with two different labels is left out of ``codes``)."""

    by_field: Mapping[str, Mapping[str, str]]
    codes: Mapping[str, str]

    def field_choices(self, column: str) -> Mapping[str, str] | None:
        """The choices of the field called ``column`` or its plural (``route``: ``routes``)."""
        return self.by_field.get(column) or self.by_field.get(f"{column}s")

    def code(self, text: str) -> str | None:
        """The label of a code that is not a number (``sib``; ``12`` stays ``12``)."""
        if text.isdigit():
            return None
        return self.codes.get(text)


def code_labels(source: BaseModel | None) -> CodeLabels:
    """Every ``choices`` mapping declared by the fields of ``source``'s model and its sub-models."""
    by_field: dict[str, dict[str, str]] = {}
    codes: dict[str, str] = {}
    clashes: set[str] = set()
    seen: set[type[BaseModel]] = set()
    todo = [type(source)] if source is not None else []
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name in model.model_fields:
            meta = field_meta(model, name)
            todo += _sub_models(meta.annotation)
            for code, label in (meta.choices or {}).items():
                by_field.setdefault(name, {})[code] = label
                if codes.get(code, label) != label:
                    clashes.add(code)
                codes[code] = label
    return CodeLabels(by_field, {k: v for k, v in codes.items() if k not in clashes})


def _words(name: str) -> str:
    """A name with underscores as spaces, first letter capital, known abbreviations in capitals."""
    parts = [_CAPITALS.get(p.lower(), p) for p in name.replace("_", " ").split(" ")]
    text = " ".join(parts)
    return text[:1].upper() + text[1:]


def header_text(column: str, labels: CodeLabels) -> str:
    """A readable header: a declared code as its label; a name ending in ``_CODE`` as ``Words:
    Label`` (the longest such code); otherwise the words of the name (:func:`_words`)."""
    whole = labels.code(column)
    if whole is not None:
        return whole
    ends = [c for c in labels.codes if column.endswith(f"_{c}") and len(column) > len(c) + 1]
    if ends:
        code = max(ends, key=len)
        return f"{_words(column[: -len(code) - 1])}: {labels.codes[code]}"
    return _words(column)


def _labelled_codes(values: Sequence[Any], choices: Mapping[str, str] | None) -> list[Any] | None:
    """The values of a column of codes as their labels (a text list ``a, b`` item by item, joined
    by ``; ``), or ``None`` when some value is not a declared code."""
    if not choices:
        return None
    out: list[Any] = []
    for value in values:
        if value is None:
            out.append(None)
            continue
        if not isinstance(value, str):
            return None
        parts = value.split(", ")
        if not all(p in choices for p in parts):
            return None
        out.append("; ".join(choices[p] for p in parts))
    return out


# ------------------------------------------------------------------ number formats


def plain_format(value: float) -> str:
    """Format of a number without a kind: whole units with thousands from 10 on, else 4
    decimals (the rule of the on-screen tables; a table column takes the format of its largest
    number)."""
    return "#,##0" if abs(value) >= 10 else "0.0000"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def kind_format(kind: str, value: Any) -> str | None:
    """The number format of ``value`` shown as ``kind`` (:data:`KIND_FORMATS`); ``None`` for
    anything that is not a number."""
    if not _is_number(value):
        return None
    if kind == "count" and isinstance(value, int):
        return "#,##0"
    if kind in KIND_FORMATS:
        return KIND_FORMATS[kind]
    return plain_format(float(value))


def column_kind(name: str, values: Sequence[Any], metrics: Mapping[str, Any]) -> str:
    """The kind of a table column of numbers: its metric's kind where a summary metric has the
    column's name; ``year`` for ``year``; ``share`` when a word of the name is a share word
    (share, rate, irr, probability, spread; ``expected_rates`` is not); ``ratio`` for moic,
    multiple, ratio; ``count`` for participants, achievements, successes, served and similar
    words, or for a column of whole numbers; otherwise ``number`` (shown by its size)."""
    if name in metrics:
        return str(metrics[name].kind)
    words = set(re.split(r"[^a-z0-9]+", name.lower()))
    if name == "year":
        return "year_column"
    if words & _SHARE_WORDS:
        return "share"
    if words & _RATIO_WORDS:
        return "ratio"
    numbers = [v for v in values if v is not None]
    if words & _COUNT_WORDS or all(isinstance(v, int) for v in numbers):
        return "count"
    return "number"


def _column_format(kind: str, value: Any) -> str | None:
    if kind == "year_column":
        return "0" if isinstance(value, int) and not isinstance(value, bool) else None
    return kind_format(kind, value)


# ------------------------------------------------------------------ sheets


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value it holds."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _summary_entries(
    value: Any, key: str, item: str, labels: CodeLabels
) -> Iterator[tuple[str, str, Any]]:
    """``(item, key, value)`` for each scalar inside a summary value (see the module docstring)."""
    if isinstance(value, Mapping):
        for sub, inner in value.items():
            name = labels.code(str(sub)) or str(sub)
            yield from _summary_entries(inner, f"{key}.{sub}", f"{item}{name}: ", labels)
    elif isinstance(value, list | tuple):
        yearly = key.rsplit(".", 1)[-1].endswith("_by_year")
        for i, inner in enumerate(value):
            name = f"year {i + 1}" if yearly else str(i + 1)
            yield from _summary_entries(inner, f"{key}[{i}]", f"{item}{name}: ", labels)
    else:
        yield item.removesuffix(": "), key, value


def summary_sheet(result: Result, labels: CodeLabels) -> Sheet:
    """The *Summary* sheet (see the module docstring)."""
    rows: list[tuple[Cell, ...]] = []
    for key, value in result.summary.items():
        metric = result.metrics.get(key)
        label = metric.label if metric is not None else _words(key)
        kind = metric.kind if metric is not None else "number"
        for item, where, scalar in _summary_entries(value, key, "", labels):
            shown = labels.code(scalar) if isinstance(scalar, str) else None
            cell = Cell(shown or scalar, kind_format(kind, scalar))
            rows.append((Cell(label), Cell(item or None), cell, Cell(where)))
    return Sheet("Summary", "summary", ("Measure", "Item", "Value", "Key"), tuple(rows))


def _input_value(value: Any, choices: Mapping[str, str] | None, share: bool) -> Cell:
    """One input value as a cell: a number with its format, a code as its label, a switch as
    yes/no."""
    value = _plain(value)
    if isinstance(value, bool):
        return Cell("yes" if value else "no")
    if isinstance(value, str):
        return Cell((choices or {}).get(value, value))
    if isinstance(value, int | float):
        if share:
            return Cell(value, INPUT_SHARE_FORMAT)
        whole = isinstance(value, int) or float(value).is_integer()
        return Cell(value, "#,##0" if whole else "#,##0.00##")
    return Cell(None if value is None else str(value))


def inputs_sheet(result: Result, labels: CodeLabels) -> Sheet:
    """The *Inputs* sheet: one row per input value (see the module docstring)."""
    rows: list[tuple[Cell, ...]] = []
    identifiers = _identifier_fields(result.source)
    for row in result.input_rows():
        parts = split_path(row.path)
        name = str(parts[-1])
        choices = labels.by_field.get(name)
        entries: list[tuple[str | None, str, Cell]]
        if isinstance(row.value, list | tuple) and row.value:
            yearly = "per year" in row.unit
            entries = [
                (f"year {i + 1}" if yearly else str(i + 1), format_path([*parts, i]), cell)
                for i, cell in enumerate(_input_value(v, choices, row.share) for v in row.value)
            ]
        elif isinstance(row.value, Mapping) and row.value:
            entries = [
                (str(k), format_path([*parts, k]), _input_value(v, choices, row.share))
                for k, v in row.value.items()
            ]
        elif row.value is None or isinstance(row.value, list | tuple | Mapping):
            entries = [(None, row.path, Cell(row.text))]
        elif name in identifiers:
            entries = [(None, row.path, Cell(_plain(row.value), "0"))]
        else:
            entries = [(None, row.path, _input_value(row.value, choices, row.share))]
        for entry, path, cell in entries:
            rows.append(
                (
                    Cell(row.label),
                    Cell(entry),
                    cell,
                    Cell(row.unit or None),
                    Cell("yes" if row.assumption else "no"),
                    Cell(row.note or None),
                    Cell(path),
                )
            )
    headers = ("Input", "Entry", "Value", "Unit", "Assumption", "Note", "Path")
    return Sheet("Inputs", "inputs", headers, tuple(rows))


def _identifier_fields(source: BaseModel | None) -> set[str]:
    """Names of the fields shown as identifiers (a seed): numbers without a separator."""
    if source is None:
        return set()
    cls = type(source)
    found = {n for n in cls.model_fields if field_meta(cls, n).widget == "identifier"}
    for name in cls.model_fields:
        inner = getattr(source, name)
        if isinstance(inner, BaseModel):
            found |= _identifier_fields(inner)
    return found


def table_sheet(
    name: str, table: pd.DataFrame, result: Result, labels: CodeLabels, title: str
) -> Sheet:
    """A table's sheet: readable headers, codes as labels, numbers formatted by column kind."""
    columns: list[list[Cell]] = []
    for column in table.columns:
        values = [_plain(v) for v in table[column].tolist()]
        coded = _labelled_codes(values, labels.field_choices(str(column)))
        if coded is not None:
            columns.append([Cell(v) for v in coded])
            continue
        kind = column_kind(str(column), values, result.metrics)
        if kind == "number":  # one format for the column, by its largest number
            numbers = [abs(float(v)) for v in values if _is_number(v)]
            shown = plain_format(max(numbers, default=0.0))
            columns.append([Cell(v, shown if _is_number(v) else None) for v in values])
        else:
            columns.append([Cell(v, _column_format(kind, v)) for v in values])
    headers = tuple(header_text(str(c), labels) for c in table.columns)
    rows = tuple(zip(*columns, strict=True)) if columns else ()
    return Sheet(title, name, headers, rows)


def _version() -> str:
    try:
        return metadata.version("portal-tools")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"


def notes_sheet(result: Result) -> Sheet:
    """The *Notes* sheet: what computed the result, its notes and the assumptions among the
    inputs (no date: the file is the same whenever it is made)."""
    from portal_tools.registry import all_calculators

    calculator = all_calculators().get(result.calculator)
    rows: list[tuple[str, str]] = [
        ("Calculator", result.calculator),
        ("Title", calculator.title if calculator is not None else ""),
        ("Computed by", f"portal_tools {_version()}"),
        ("Numbers", "stored unrounded; the number formats only round what is shown"),
    ]
    rows += [("Note", note) for note in result.notes]
    for row in result.input_rows():
        if row.assumption:
            text = f"{row.label}: {row.text}" + (f" ({row.note})" if row.note else "")
            rows.append(("Assumption", text))
    cells = tuple((Cell(a), Cell(b)) for a, b in rows)
    return Sheet("Notes", "notes", ("Item", "Text"), cells)


def _unique(names: Iterable[str], taken: set[str], limit: int) -> list[str]:
    """``names`` cut to ``limit`` characters and made unique (case-insensitively) against
    ``taken`` and each other by a number suffix."""
    out: list[str] = []
    for name in names:
        base, candidate, n = name[:limit], name[:limit], 2
        while candidate.lower() in taken:
            suffix = f" {n}"
            candidate, n = base[: limit - len(suffix)] + suffix, n + 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def result_sheets(result: Result) -> list[Sheet]:
    """Every sheet of ``result``: Summary, Inputs, one per table, Notes."""
    labels = code_labels(result.source)
    names = list(result.tables)
    titles = _unique(
        (re.sub(r"[\[\]:*?/\\]", " ", _words(n)) for n in names),
        {"summary", "inputs", "notes"},
        31,
    )
    stems = _unique(names, {"summary", "inputs", "notes"}, 100)
    tables = [
        table_sheet(stem, result.tables[name], result, labels, title)
        for name, title, stem in zip(names, titles, stems, strict=True)
    ]
    return [
        summary_sheet(result, labels),
        inputs_sheet(result, labels),
        *tables,
        notes_sheet(result),
    ]


# ------------------------------------------------------------------ Excel


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


# ------------------------------------------------------------------ CSV

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
    value = _plain(value)
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
