"""Scenario files and the command line: every output format, and exit status 2 with one stderr
line per problem (naming the field path) for bad values and malformed files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from portal_tools.cli import main
from portal_tools.scenario import list_presets, load_preset, preset_data

from .fuzzing import read_csv_zip

GOOD = {
    "calculator": "payment",
    "inputs": {
        "cohort_size": 100,
        "years": 2,
        "delivery_costs": [40_000],
        "outcomes": [{"name": "Job", "price": 1000, "rate": 0.5, "payment_year": 2}],
    },
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_json_output_to_stdout(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = yaml.safe_dump(GOOD) if suffix == "yaml" else json.dumps(GOOD)
    code, out, err = run_cli(["run", str(write(tmp_path, f"s.{suffix}", text))], capsys)
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert set(doc) >= {"calculator", "summary", "tables"}
    assert doc["calculator"] == "payment"
    s = doc["summary"]
    for key in (
        "total_outcome_payments",
        "total_outcome_payments_pv",
        "outcome_payments_by_outcome",
        "capped_amount",
        "investor_irr",
        "investor_moic",
        "peak_investor_exposure",
        "commissioner_net_value_pv",
    ):
        assert key in s
    # 100 * 0.5 * 1 000 = 50 000 paid in year 2 against 40 000 in year 1: IRR 25 %.
    assert s["total_outcome_payments"] == 50_000
    assert s["investor_irr"] == pytest.approx(0.25)
    assert s["commissioner_net_value_pv"] is None
    assert [row["year"] for row in doc["tables"]["yearly"]] == [1, 2]


def test_csv_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "s.yaml", yaml.safe_dump(GOOD))
    zipped = tmp_path / "s-csv.zip"
    code, out, _ = run_cli(["run", str(path), "--format", "csv", "-o", str(zipped)], capsys)
    assert code == 0 and out == ""
    files = read_csv_zip(zipped.read_bytes())
    assert files["summary"][0] == ["Measure", "Item", "Value", "Key"]
    values = {row[3]: row[2] for row in files["summary"][1:]}
    assert values["total_outcome_payments"] == "50000,0"
    assert values["outcome_payments_by_outcome.Job"] == "50000,0"
    assert files["yearly"][0][:3] == ["Year", "Delivery cost", "Outcome payments"]


def test_xlsx_output_to_file_is_stable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "s.yaml", yaml.safe_dump(GOOD))
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    for target in (first, second):
        code, out, _ = run_cli(["run", str(path), "--format", "xlsx", "-o", str(target)], capsys)
        assert code == 0 and out == ""
    assert first.read_bytes() == second.read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(first.read_bytes()))
    assert book.sheetnames == [
        "Summary",
        "Inputs",
        "Yearly",
        "Payments by outcome",
        "Outcomes",
        "Sensitivity",
        "Notes",
    ]
    assert book["Yearly"]["C1"].value == "Outcome payments"
    assert book["Yearly"]["C3"].value == 50_000


def test_json_output_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "s.yaml", yaml.safe_dump(GOOD))
    target = tmp_path / "out.json"
    code, out, _ = run_cli(["run", str(path), "--output", str(target)], capsys)
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["summary"]["total_outcome_payments"] == 50_000


def _bad(value_path: list[str | int], value: object) -> dict[str, object]:
    doc: dict[str, object] = json.loads(json.dumps(GOOD))
    node: Any = doc
    for part in value_path[:-1]:
        node = node[part]
    node[value_path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            json.dumps(_bad(["inputs", "outcomes", 0, "rate"], 1.5)),
            ["inputs.outcomes[0].rate (Expected rate): got 1.5; allowed: a number from 0 to 1"],
        ),
        (json.dumps(_bad(["inputs", "years"], 0)), ["inputs.years (Contract years): got 0"]),
        (json.dumps(_bad(["calculator"], "nope")), ["calculator: got 'nope'; allowed: one of"]),
        (json.dumps(_bad(["inputs", "cohort_sise"], 3)), ["inputs.cohort_sise: got 3"]),
        ("calculator: payment\ninputs: [1, 2\n", ["valid YAML or JSON; parse error at line 3"]),
        ('{"calculator": "payment", "inputs": {', ["valid YAML or JSON; parse error"]),
        ("- just\n- a list\n", ["(file): got ['just', 'a list']"]),
        ("calculator: payment\ninputs: 3\n", ["inputs: got 3; allowed: a mapping"]),
        (
            "calculator: payment\nfoo: 1\n",
            ["foo: got 1; allowed: no key of this name; known keys here: calculator"],
        ),
    ],
)
def test_bad_files_exit_2_with_one_line_per_problem(
    tmp_path: Path, text: str, expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    target = tmp_path / "out.json"
    code, out, err = run_cli(["run", str(path), "-o", str(target)], capsys)
    assert code == 2
    assert out == "" and not target.exists()
    lines = err.strip().splitlines()
    assert len(lines) == len(expected)
    for line, want in zip(lines, expected, strict=True):
        assert line.startswith("error: ") and want in line


def test_every_problem_gets_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _bad(["inputs", "years"], 99)
    doc["inputs"]["outcomes"].append({"name": "Job", "rate": -1})  # type: ignore[index]
    code, _, err = run_cli(["run", str(write(tmp_path, "b.json", json.dumps(doc)))], capsys)
    assert code == 2
    paths = sorted(line.split(" ")[1] for line in err.strip().splitlines())
    assert paths == ["inputs.outcomes[1].rate", "inputs.years"]


def test_missing_and_binary_files_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(["run", str(tmp_path / "none.yaml")], capsys)
    assert code == 2 and "a readable UTF-8 text file" in err
    binary = tmp_path / "b.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    code, _, err = run_cli(["run", str(binary)], capsys)
    assert code == 2 and err.count("\n") == 1


def test_unwritable_output_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "s.yaml", yaml.safe_dump(GOOD))
    code, _, err = run_cli(["run", str(path), "-o", str(tmp_path / "no" / "dir.json")], capsys)
    assert code == 2 and err.startswith("error: --output")


def test_presets_run_and_label_their_assumptions(capsys: pytest.CaptureFixture[str]) -> None:
    payment_presets = [p for p in list_presets() if p.startswith("payment_")]
    assert payment_presets == [
        "payment_aalborg_employment",
        "payment_danish_foundation_protection",
        "payment_fair_chance_staircase",
        "payment_peterborough_reoffending",
    ]
    for name in payment_presets:
        code, out, _ = run_cli(["run", f"preset:{name}"], capsys)
        assert code == 0
        assert json.loads(out)["calculator"] == "payment"
        data = preset_data(name)
        assert data["assumptions"] and all(isinstance(v, str) for v in data["assumptions"].values())
        assert "Assumption" in " ".join(data["assumptions"].values())
    aalborg = load_preset("payment_aalborg_employment").inputs
    assert aalborg.cohort_size == 120  # type: ignore[attr-defined]
    code, _, err = run_cli(["run", "preset:nope"], capsys)
    assert code == 2 and "preset: got 'nope'" in err


def test_schema_and_list_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["schema", "payment"], capsys)
    assert code == 0 and json.loads(out)["properties"]["calculator"] == {"const": "payment"}
    code, _, err = run_cli(["schema", "nope"], capsys)
    assert code == 2 and err.startswith("error: calculator")
    code, out, _ = run_cli(["list"], capsys)
    assert "payment\t" in out and "preset:payment_aalborg_employment" in out


def test_module_and_console_script_entry_points(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", json.dumps(_bad(["inputs", "cohort_size"], 0)))
    proc = subprocess.run(
        [sys.executable, "-m", "portal_tools", "run", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: inputs.cohort_size")
    script = Path(sys.executable).with_name("portal-tools")
    if script.exists():
        proc = subprocess.run(
            [str(script), "run", "preset:payment_aalborg_employment"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0
        assert json.loads(proc.stdout)["summary"]["investor_moic"] == pytest.approx(5.88 / 5.4)


def test_v2_contract_terms_run_from_a_file_and_bad_ones_are_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A quarterly contract with a lag and a capital block runs from a scenario file; the
    per-period table has a period and a year column; a bad value inside the capital block and a
    period count that is not allowed are named by their paths."""
    doc = json.loads(json.dumps(GOOD))
    doc["inputs"].update(
        periods_per_year=4,
        payment_lag_months=3,
        capital={"management_fee_rate": 0.05, "capital_protection": 0.6},
    )
    code, out, _ = run_cli(["run", str(write(tmp_path, "q.yaml", yaml.safe_dump(doc)))], capsys)
    assert code == 0
    result = json.loads(out)
    rows = result["tables"]["yearly"]
    # 2 years x 4 quarters + 1 quarter of lag; year 3 holds only the lagged payment
    assert [r["period"] for r in rows] == list(range(1, 10))
    assert [r["year"] for r in rows] == [1] * 4 + [2] * 4 + [3]
    # 50 000 paid against 40 000 x 1.05 = 42 000: 60 % protection (25 200) does not bind
    assert result["summary"]["management_fees"] == pytest.approx(2_000)
    assert result["summary"]["guarantor_payment"] == 0
    doc["inputs"]["capital"]["capital_protection"] = 1.5
    doc["inputs"]["periods_per_year"] = 6
    code, _, err = run_cli(["run", str(write(tmp_path, "b.yaml", yaml.safe_dump(doc)))], capsys)
    assert code == 2
    paths = sorted(line.split(" ")[1] for line in err.strip().splitlines())
    assert paths == ["inputs.capital.capital_protection", "inputs.periods_per_year"]
