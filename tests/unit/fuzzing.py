"""A schema-driven fuzzer of scenario files (issue 16), shared by ``test_fuzz.py``.

Documents are generated from each calculator's published JSON Schema
(:func:`portal_tools.schema.json_schema`): mostly values the schema allows (with its edges: the
bounds, zero, the smallest and largest floats in range), and at every node, now and then, a value
it does not allow (wrong types, booleans for numbers, NaN and infinity, huge integers, unknown
keys, control characters, formula-like names). Each document is written as JSON or YAML text and
sent through the scenario loader; a valid one is computed and exported.

:func:`check_document` asserts the contract of issue 16: the only exception is the input error,
each of its problems names a field path that exists in the document (or a missing field of a
mapping that does), no case runs longer than :data:`CASE_SECONDS`, no result or export holds NaN or
infinity, and every export parses back (JSON with :mod:`json`, CSV with :mod:`csv`, Excel with
:mod:`openpyxl`) to the values of the result, with every text cell stored as text.

The export readers and the path walk are written here and share no code with the package.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import signal
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import openpyxl
import yaml
from hypothesis import strategies as st
from pydantic import BaseModel

from portal_tools.calculator import AnyCalculator
from portal_tools.errors import InputError
from portal_tools.inputs import field_meta
from portal_tools.results import Result
from portal_tools.scenario import parse_scenario_text
from portal_tools.schema import json_schema

CASE_SECONDS = 60
"""Longest time one case may take (load, compute and three exports) before it counts as a hang."""
EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "50"))
"""Random cases per calculator and generator: 50 in ``make test``; ``make fuzz`` runs 2 000."""
LONG_RUN = EXAMPLES > 100
MAX_ITEMS = 8
"""Longest generated list or mapping (the schema allows up to 70 years; 8 keep cases fast)."""

NAMES = ["Job", "Outcome", "year", "=SUM(A1:A9)", "+45 1234", "-x", "@cmd", "a,b", 'q"t', "æøå"]
"""Names that collide (so that references between fields hit), look like formulas or need CSV
quoting."""


class Hang(Exception):
    """A case ran longer than :data:`CASE_SECONDS`."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` if the block runs longer than ``seconds`` (SIGALRM, main thread)."""

    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"a case ran longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ------------------------------------------------------------------ documents from the schema

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from([math.nan, math.inf, -math.inf, 5e-324, 1e-310, 1e308, -0.0]),
    st.integers(-(10**30), 10**30),
    st.floats(),
    st.text(max_size=5),
    st.sampled_from(["1,5", "1.500", "1e3", "yes", "0x10", "\x07", "a\r\nb", "\u202e"]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.sampled_from(["x", "5", ""]), st.integers(), max_size=2),
)


def _resolve(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        return {**defs[ref.rsplit("/", 1)[-1]], **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _number(schema: Mapping[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if integer:
        lo = int(low) if low is not None else -(10**6)
        hi = int(high) if high is not None else 10**6
        if not LONG_RUN and schema.get("title") == "Paths":
            hi = min(hi, 2_000)  # the risk simulation's size; the long run covers the full range
        edges = sorted({lo, hi, min(max(0, lo), hi), min(lo + 1, hi)})
        return st.sampled_from(edges) | st.integers(lo, hi)
    lo_f = float(low) if low is not None else -1e12
    hi_f = float(high) if high is not None else 1e12
    ex_lo, ex_hi = "exclusiveMinimum" in schema, "exclusiveMaximum" in schema
    edges_f = [x for x in (lo_f, hi_f, 0.0, 1e-6, 0.01, 1.0, 0.5, *TINY) if lo_f <= x <= hi_f]
    edges_f = [x for x in edges_f if not ((ex_lo and x == lo_f) or (ex_hi and x == hi_f))]
    plain = st.floats(lo_f, hi_f, exclude_min=ex_lo, exclude_max=ex_hi, allow_nan=False)
    rounded = plain.map(lambda x: round(x, 2)).filter(lambda x: lo_f <= x <= hi_f)
    return st.sampled_from(edges_f or [lo_f]) | plain | rounded


def _text(schema: Mapping[str, Any]) -> st.SearchStrategy[str]:
    lo, hi = schema.get("minLength", 0), min(schema.get("maxLength", 12), 70)
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    free = st.text(
        st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=lo, max_size=hi
    )
    return st.sampled_from(NAMES) | free


def strategy(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values for ``schema``: allowed ones, and now and then (1 in 25 nodes) a junk value."""
    return st.integers(0, 24).flatmap(lambda k: JUNK if k == 0 else _allowed(schema, defs))


def _allowed(schema: Mapping[str, Any], defs: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    schema = _resolve(schema, defs)
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of(*(strategy(s, defs) for s in schema[key]))
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind in ("number", "integer"):
        return _number(schema, kind == "integer")
    if kind == "string":
        return _text(schema)
    if kind == "array":
        items = schema.get("items", {})
        lo = schema.get("minItems", 0)
        hi = max(lo, min(schema.get("maxItems", MAX_ITEMS), MAX_ITEMS))
        return st.lists(strategy(items, defs), min_size=lo, max_size=hi)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties")
        if props:
            required = set(schema.get("required", ()))
            fixed = {k: strategy(v, defs) for k, v in props.items() if k in required}
            optional = {k: strategy(v, defs) for k, v in props.items() if k not in required}
            base = st.fixed_dictionaries(fixed, optional=optional)
            unknown = st.dictionaries(st.sampled_from(["extra", "5", "a.b", "x\ny"]), JUNK)
            return st.integers(0, 19).flatmap(
                lambda k: base if k else st.tuples(base, unknown).map(lambda p: {**p[1], **p[0]})
            )
        values = schema.get("additionalProperties")
        if isinstance(values, Mapping):
            return st.dictionaries(_text({}), strategy(values, defs), max_size=4)
        return st.dictionaries(st.text(max_size=4), JUNK, max_size=2)
    return JUNK


def documents(calculator: AnyCalculator) -> st.SearchStrategy[tuple[Any, str, str]]:
    """(document, text, format) of scenario files for ``calculator``, generated from its JSON
    Schema."""
    schema = json_schema(calculator)
    defs = schema.get("$defs", {})
    inputs = strategy(schema["properties"]["inputs"], defs)
    doc = st.fixed_dictionaries({"calculator": st.just(calculator.name), "inputs": inputs})
    return st.tuples(doc, st.sampled_from(["json", "yaml"])).map(_written)


def _leaves(node: Any, parts: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths of the scalar values (and empty lists and mappings) in ``node``."""
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from _leaves(value, (*parts, key))
    elif isinstance(node, list) and node:
        for i, value in enumerate(node):
            yield from _leaves(value, (*parts, i))
    else:
        yield parts


def _sub_schema(
    schema: Mapping[str, Any], defs: Mapping[str, Any], parts: tuple[Any, ...]
) -> Mapping[str, Any]:
    """The schema of the value at ``parts`` (the non-null branch of an optional field)."""
    node = _resolve(schema, defs)
    for part in parts:
        for key in ("anyOf", "oneOf"):
            if key in node:
                node = _resolve(next(s for s in node[key] if s.get("type") != "null"), defs)
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        else:
            node = node.get("additionalProperties", {})
        node = _resolve(node, defs)
    return node


def single_edits(calculator: AnyCalculator) -> st.SearchStrategy[tuple[Any, str, str]]:
    """Scenario files that hold the calculator's defaults with one value changed: the value
    comes from the schema of that field (its edges, the tiny values below every smallest
    meaningful value, any value in range, or now and then junk), so that most cases reach the
    model with one unusual value."""
    schema = json_schema(calculator)
    defs = schema.get("$defs", {})
    inputs_schema = schema["properties"]["inputs"]
    defaults = calculator.parse(None).model_dump(mode="json")
    leaves = list(_leaves(defaults))

    def edit(parts: tuple[Any, ...]) -> st.SearchStrategy[dict[str, Any]]:
        def put(value: Any) -> dict[str, Any]:
            data = json.loads(json.dumps(defaults))
            node = data
            for part in parts[:-1]:
                node = node[part]
            if parts:
                node[parts[-1]] = value
            return {"calculator": calculator.name, "inputs": data}

        return strategy(_sub_schema(inputs_schema, defs, parts), defs).map(put)

    docs = st.sampled_from(leaves).flatmap(edit)
    return st.tuples(docs, st.sampled_from(["json", "yaml"])).map(_written)


TINY = (5e-324, 1e-310, 1e-300, 1e-200, 1e-12, 1e-7)
"""Tiny non-zero values, below every smallest meaningful value of a field."""


def edge_values(schema: Mapping[str, Any]) -> list[Any]:
    """The values at the edges of a number field's range: its bounds, 0, 1, the tiny values
    (and their negatives) in range, and just outside each bound."""
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    lo = float(low) if low is not None else -1e12
    hi = float(high) if high is not None else 1e12
    near = [lo, hi, 0.0, 1.0, *TINY, *(-t for t in TINY), lo - 1e-9 * max(1, abs(lo))]
    near.append(hi + 1e-9 * max(1, abs(hi)))
    if schema.get("type") == "integer":
        return sorted({int(x) for x in (lo, hi, 0, 1, lo - 1, hi + 1)})
    return sorted(set(near))


def edge_sweep(
    calculator: AnyCalculator, base: Mapping[str, Any]
) -> Iterator[tuple[Any, str, str]]:
    """Every number of ``base`` (a valid input mapping) set to every edge value of its field
    in turn, one at a time, and every list of numbers with all its entries set to each edge
    value, as JSON scenario files."""
    schema = json_schema(calculator)
    defs = schema.get("$defs", {})
    inputs_schema = schema["properties"]["inputs"]

    def number(node: Any) -> bool:
        return isinstance(node, int | float) and not isinstance(node, bool)

    def at(data: Any, parts: tuple[Any, ...]) -> Any:
        for part in parts:
            data = data[part]
        return data

    def put(parts: tuple[Any, ...], value: Any) -> tuple[Any, str, str]:
        data = json.loads(json.dumps(base))
        at(data, parts[:-1])[parts[-1]] = value
        doc = {"calculator": calculator.name, "inputs": data}
        return doc, json.dumps(doc), "json"

    leaves = list(_leaves(dict(base)))
    for parts in leaves:
        if number(at(base, parts)):
            for value in edge_values(_sub_schema(inputs_schema, defs, parts)):
                yield put(parts, value)
    lists = {p[:-1] for p in leaves if p and isinstance(p[-1], int)}
    for parts in sorted(lists, key=str):
        entries = at(base, parts)
        if all(number(x) for x in entries):
            for value in edge_values(_sub_schema(inputs_schema, defs, (*parts, 0))):
                yield put(parts, [value] * len(entries))


def _written(pair: tuple[dict[str, Any], str]) -> tuple[Any, str, str]:
    doc, fmt = pair
    if fmt == "json":
        return doc, json.dumps(doc), "json"  # NaN and Infinity appear as JSON does not allow
    return doc, yaml.safe_dump(doc, allow_unicode=True), "yaml"


# ------------------------------------------------------------------ checks


def _walk(doc: Any, path: str) -> bool:
    """Whether ``path`` (e.g. ``inputs.outcomes[1]["a.b"]``) names a value of ``doc``, or a
    missing key of a mapping that ``doc`` holds. Written independently of
    :func:`portal_tools.errors.split_path`."""
    node, rest = doc, path
    parts: list[Any] = []
    while rest:
        if rest.startswith("["):
            end = rest.index("]") if not rest.startswith('["') else _quoted_end(rest)
            token = rest[1:end]
            parts.append(json.loads(token) if token.startswith('"') else int(token))
            rest = rest[end + 1 :]
        else:
            rest = rest.removeprefix(".")
            cut = min((i for i in (rest.find("."), rest.find("[")) if i >= 0), default=len(rest))
            parts.append(rest[:cut])
            rest = rest[cut:]
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, dict):
            matches = [k for k in node if k == part or str(k) == str(part)]
            if not matches:
                return last  # a missing field, named in its mapping
            node = node[matches[0]]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False
    return True


def _quoted_end(text: str) -> int:
    i = 2
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def _finite(obj: Any) -> bool:
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, Mapping):
        return all(_finite(v) for v in obj.values())
    if isinstance(obj, list | tuple):
        return all(_finite(v) for v in obj)
    return True


def read_csv_zip(data: bytes) -> dict[str, list[list[str]]]:
    """The files of a CSV zip export by stem, each parsed with :mod:`csv` in the Danish-Excel
    dialect (UTF-8 with a byte-order mark, ``;``, CRLF line ends)."""
    files: dict[str, list[list[str]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            raw = archive.read(name)
            assert raw.startswith(b"\xef\xbb\xbf"), f"{name} has no byte-order mark"
            text = raw.decode("utf-8")[1:]
            unquoted = re.sub(r'"(?:[^"]|"")*"', "", text)  # line breaks inside a text are data
            assert text.endswith("\r\n") and "\n" not in unquoted.replace("\r\n", ""), name
            assert name.endswith(".csv")
            files[name.removesuffix(".csv")] = list(
                csv.reader(io.StringIO(text, newline=""), delimiter=";")
            )
    return files


def danish_number(value: Any) -> str:
    """How the CSV export writes a number: Python's shortest form, decimal comma."""
    return repr(float(value)).replace(".", ",") if isinstance(value, float) else str(value)


def flat_summary(summary: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Each scalar of a summary by its key (``a.b`` for mappings, ``a[0]`` for lists)."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        _flat_into(flat, f"{prefix}{key}", value)
    return flat


def _flat_into(flat: dict[str, Any], key: str, value: Any) -> None:
    if isinstance(value, Mapping):
        for sub, inner in value.items():
            _flat_into(flat, f"{key}.{sub}", inner)
    elif isinstance(value, list | tuple):
        for i, inner in enumerate(value):
            _flat_into(flat, f"{key}[{i}]", inner)
    else:
        flat[key] = value


def declared_labels(model: BaseModel | None) -> dict[str, str]:
    """Every code -> label declared by the fields of ``model``'s inputs (a test-side walk)."""
    labels: dict[str, str] = {}

    def visit(node: Any) -> None:
        if isinstance(node, BaseModel):
            for name in type(node).model_fields:
                labels.update(field_meta(type(node), name).choices or {})
                visit(getattr(node, name))
        elif isinstance(node, list | tuple):
            for item in node:
                visit(item)
        elif isinstance(node, Mapping):
            for item in node.values():
                visit(item)

    visit(model)
    return labels


def _text_matches(read: str, value: str, labels: Mapping[str, str]) -> bool:
    """A text cell holds the value, or the declared label of a code (of each code of a list)."""
    codes = value.split(", ")
    return read in (value, labels.get(value)) or read == "; ".join(labels.get(c, c) for c in codes)


def _same_csv(read: str, value: Any, labels: Mapping[str, str]) -> bool:
    """A CSV field equals the result's value: numbers exactly in their written form."""
    if value is None:
        return read == ""
    if isinstance(value, bool):
        return read == ("yes" if value else "no")
    if isinstance(value, int | float):
        return read == danish_number(value)
    text = read[1:] if read.startswith("'") else read
    if str(value).startswith(("=", "+", "-", "@", "\t", "\r", "'")):
        assert read.startswith("'"), f"formula-like text not defused: {read!r}"
    return _text_matches(text, str(value), labels)


def _check_cell(read: Any, value: Any, labels: Mapping[str, str]) -> None:
    if value is None or value == "":
        assert read is None or read == "", (read, value)
    elif isinstance(value, bool):
        assert read is value or read == value
    elif isinstance(value, float):
        # Excel files hold 16 significant digits (openpyxl writes '%.16g'; Excel shows 15).
        assert read == float(f"{value:.16g}"), (read, value)
    elif isinstance(value, int):
        assert read == value, (read, value)
    else:
        assert isinstance(read, str) and _text_matches(read, str(value), labels), (read, value)


def _input_values(result: Result) -> list[tuple[str | None, Any]]:
    """``(path, value)`` of every input value, a list or mapping item by item (a mapping
    item's path is not checked: ``None``)."""
    out: list[tuple[str | None, Any]] = []
    for row in result.input_rows():
        if isinstance(row.value, list | tuple) and row.value:
            out += [(f"{row.path}[{i}]", v) for i, v in enumerate(row.value)]
        elif isinstance(row.value, Mapping) and row.value:
            out += [(None, v) for v in row.value.values()]  # a key's path: see the package
        else:
            out.append((row.path, row.value))
    return out


def check_exports(result: Result, excel: bool = True) -> None:
    """Every export is finite and parses back to the result's values; text stays text
    (``excel=False`` skips the slowest, the Excel workbook). The spreadsheets hold a Summary
    (measure, item, value, key), an Inputs sheet (one row per input value), each table and
    Notes."""
    as_dict = result.to_dict()
    assert _finite(as_dict)
    assert json.loads(result.to_json(), parse_constant=_no_constant) == json.loads(
        json.dumps(as_dict)
    )
    summary = flat_summary(result.summary)
    labels = declared_labels(result.source)
    inputs = _input_values(result)
    files = read_csv_zip(result.to_csv_zip())
    assert list(files)[:2] == ["summary", "inputs"] and list(files)[-1] == "notes"
    assert len(files) == 3 + len(result.tables)
    header, *rows = files["summary"]
    assert header == ["Measure", "Item", "Value", "Key"] and len(rows) == len(summary)
    for (_, _, cell, key), (name, value) in zip(rows, summary.items(), strict=True):
        assert key.removeprefix("'") == name and _same_csv(cell, value, labels), (cell, value)
    header, *rows = files["inputs"]
    assert header[:3] == ["Input", "Entry", "Value"] and len(rows) == len(inputs)
    for row, (path, value) in zip(rows, inputs, strict=True):
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert row[2] == danish_number(value), (path, row, value)
    for (name, table), stem in zip(result.tables.items(), list(files)[2:-1], strict=True):
        header, *rows = files[stem]
        assert len(header) == len(table.columns) and len(rows) == len(table)
        for row, record in zip(rows, table.itertuples(index=False), strict=True):
            for cell, value in zip(row, record, strict=True):
                assert _same_csv(cell, _plain(value), labels), (name, cell, value)
    if not excel:
        return
    book = openpyxl.load_workbook(io.BytesIO(result.to_xlsx()))
    assert book.sheetnames[:2] == ["Summary", "Inputs"] and book.sheetnames[-1] == "Notes"
    assert len(book.sheetnames) == 3 + len(result.tables)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"a formula in {sheet.title}: {cell.value!r}"
    cells = list(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert len(cells) == len(summary)
    for (_, _, read, key), (name, value) in zip(cells, summary.items(), strict=True):
        assert key == name
        _check_cell(read, value, labels)
    cells = list(book["Inputs"].iter_rows(min_row=2, values_only=True))
    assert len(cells) == len(inputs)
    for read_row, (path, value) in zip(cells, inputs, strict=True):
        assert path is None or read_row[6] == path, (read_row, path)
        if isinstance(value, int | float) and not isinstance(value, bool):
            _check_cell(read_row[2], value, labels)
    for sheet, table in zip(book.worksheets[2:-1], result.tables.values(), strict=True):
        rows_read = list(sheet.iter_rows(values_only=True))
        assert len(rows_read[0]) == len(table.columns) and len(rows_read) == len(table) + 1
        for read_row, record in zip(rows_read[1:], table.itertuples(index=False), strict=True):
            for read, value in zip(read_row, record, strict=True):
                _check_cell(read, _plain(value), labels)


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        raise AssertionError("NaN in a table")
    return value


def _no_constant(name: str) -> None:
    raise AssertionError(f"{name} in a JSON export")


def check_document(doc: Any, text: str, fmt: str, excel: bool = True) -> Result | None:
    """Load, compute and export one scenario document under the issue-16 contract; returns the
    result, or ``None`` when the document was refused with a clear input error."""
    with time_limit(CASE_SECONDS):
        try:
            scenario = parse_scenario_text(text, "fuzz", fmt)  # type: ignore[arg-type]
        except InputError as err:
            for problem in err.problems:
                assert problem.allowed and "\n" not in str(problem)
                if problem.path == "(file)":
                    continue
                default = "(this is the default value: the file does not set "
                if default in problem.allowed:  # a rule between a set field and a default one
                    unset = problem.allowed.rsplit(default, 1)[1].removesuffix(")")
                    assert not _walk(doc, unset + ".x"), f"{unset} is set in {doc!r}"
                else:
                    assert _walk(doc, problem.path), f"no such path {problem.path!r} in {doc!r}"
            return None
        result = scenario.calculator.compute_valid(scenario.inputs)
        check_exports(result, excel)
        return result
