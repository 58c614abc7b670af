"""Small helpers shared by the unit tests."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from typing import Any


def all_finite(obj: Any) -> bool:
    """True when every float in a nested structure of dicts and lists is finite."""
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(all_finite(v) for v in obj.values())
    if isinstance(obj, list):
        return all(all_finite(v) for v in obj)
    return True


def _refuse(constant: str) -> float:
    raise ValueError(f"export holds {constant}")


def exports_parse_back(result: Any) -> None:
    """Every export of ``result`` parses back: strict JSON (no NaN or infinity) with the same
    summary, a CSV zip whose files each parse as a table (``;`` separated, UTF-8 with a BOM),
    and an Excel workbook with Summary, Inputs, a sheet per table and Notes. Raises
    AssertionError (or the parser's error) otherwise."""
    import csv
    import io
    import json
    import zipfile

    import openpyxl

    doc = json.loads(result.to_json(), parse_constant=_refuse)
    assert doc["summary"] == json.loads(json.dumps(result.summary))
    assert all_finite(doc)
    with zipfile.ZipFile(io.BytesIO(result.to_csv_zip())) as archive:
        names = archive.namelist()
        assert len(names) == 3 + len(result.tables)
        for name in names:
            text = archive.read(name).decode("utf-8-sig")
            rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
            assert rows and all(len(r) == len(rows[0]) for r in rows)
    book = openpyxl.load_workbook(io.BytesIO(result.to_xlsx()))
    assert len(book.sheetnames) == 3 + len(result.tables)
    assert book.sheetnames[:2] == ["Summary", "Inputs"] and book.sheetnames[-1] == "Notes"


def loop_npv(flows: list[float], rate: float) -> float:
    """NPV by a plain loop (no code shared with the model): the first flow undiscounted, then one
    more year of discounting at ``rate`` for each later flow."""
    total, factor = 0.0, 1.0
    for f in flows:
        total += f * factor
        factor /= 1.0 + rate
    return total


def run_python_json(code: str, what: str) -> Any:
    """Run ``code`` in a fresh interpreter (nothing imported yet) and return the JSON of the last
    line it prints; a failing run raises an AssertionError naming ``what`` and its last error
    line."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    last = (out.stderr.strip().splitlines() or [""])[-1]
    assert out.returncode == 0, f"{what} failed: {last}"
    return json.loads(out.stdout.strip().splitlines()[-1])
