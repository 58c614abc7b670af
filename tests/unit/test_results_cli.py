"""Exports and the command line: formats, determinism and exit status 2 on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from portal_tools.cli import main
from portal_tools.registry import get
from portal_tools.results import Result, format_value
from portal_tools.scenario import dump_scenario, list_presets, load_preset


def test_exports_are_deterministic() -> None:
    a, b = get("present_value").run(), get("present_value").run()
    assert a.to_xlsx() == b.to_xlsx()
    assert a.to_csv_zip() == b.to_csv_zip()
    book = openpyxl.load_workbook(io.BytesIO(a.to_xlsx()))
    assert book.sheetnames == ["Summary", "Inputs", "Yearly", "Notes"]
    assert book["Yearly"].max_row == 11


def test_result_refuses_nan() -> None:
    with pytest.raises(ValueError, match="finite"):
        Result("x", {"a": float("nan")})


def test_format_value() -> None:
    assert format_value(1234567.4, "money") == "1 234 567 DKK"
    assert format_value(0.035, "rate") == "3.5 %"
    assert format_value(None, "rate") == "none"
    assert format_value(4, "year") == "year 4"


def test_cli_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "preset:present_value_housing"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["calculator"] == "present_value"
    assert data["summary"]["npv"] == pytest.approx(1_194_695.36, abs=0.01)
    assert len(data["tables"]["yearly"]) == 10


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_cli_formats_to_file(tmp_path: Path, fmt: str) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text(dump_scenario("present_value", {"costs": [10, 0], "savings": [0, 12]}))
    out = tmp_path / f"out.{fmt}"
    assert main(["run", str(scenario), "--format", fmt, "--output", str(out)]) == 0
    payload = out.read_bytes()
    if fmt == "json":
        assert json.loads(payload)["summary"]["total_costs"] == 10
    elif fmt == "csv":  # a zip of CSV files for Danish Excel
        archive = zipfile.ZipFile(io.BytesIO(payload))
        assert archive.namelist() == ["summary.csv", "inputs.csv", "yearly.csv", "notes.csv"]
        summary = archive.read("summary.csv").decode("utf-8")
        assert summary.startswith("\ufeffMeasure;Item;Value;Key\r\nNet present value;;")
    else:
        assert openpyxl.load_workbook(io.BytesIO(payload))["Summary"]["A2"].value == (
            "Net present value"
        )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_binary_formats_need_an_output_on_a_terminal(
    fmt: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["run", "preset:present_value_housing", "--format", fmt]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: --format {fmt} writes binary data")


def test_cli_bad_input_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(
        "calculator: present_value\ninputs:\n  costs: [1, -5]\n  savings: [1]\n  flat_rate: 7\n"
    )
    out = tmp_path / "out.json"
    assert main(["run", str(scenario), "--output", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert not out.exists()
    assert "error: inputs.costs[1] (Costs per year): got -5; allowed: a number from 0 to" in err[0]
    assert any(line.startswith("error: inputs.flat_rate") for line in err)
    assert len(err) == 2


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("calculator: [unclosed\n", "(file)"),
        ("- just a list\n", "(file)"),
        ("calculator: nope\ninputs: {}\n", "calculator"),
        ("calculator: present_value\ninputs: 5\n", "inputs"),
        ("calculator: present_value\nextra: 1\n", "extra"),
    ],
)
def test_cli_malformed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, path: str
) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(text)
    assert main(["run", str(scenario)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"error: {path}")


def test_cli_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "/nonexistent/scenario.yaml"]) == 2
    assert "a readable UTF-8 text file" in capsys.readouterr().err


def test_console_entry_points() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "portal_tools", "list"], capture_output=True, text=True, check=True
    )
    assert "present_value" in done.stdout
    assert "preset:present_value_housing" in done.stdout


def test_every_preset_loads_and_runs() -> None:
    assert list_presets()
    for name in list_presets():
        scenario = load_preset(name)
        result = scenario.calculator.compute_valid(scenario.inputs)
        json.loads(result.to_json())
