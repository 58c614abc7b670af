"""The command line with transaction-cost scenarios: every output format, and exit status 2
with one field-path message per problem for bad files."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from portal_tools.cli import main
from portal_tools.scenario import preset_data

from .fuzzing import read_csv_zip

PRESET = "preset:transaction_costs_first_programme"


def scenario_file(tmp_path: Path, inputs: dict[str, object], suffix: str = ".yaml") -> Path:
    """Write a transaction-cost scenario with ``inputs`` as YAML or JSON."""
    doc = {"calculator": "transaction_costs", "inputs": inputs}
    path = tmp_path / f"scenario{suffix}"
    text = json.dumps(doc) if suffix == ".json" else yaml.safe_dump(doc)
    path.write_text(text, encoding="utf-8")
    return path


def small_inputs() -> dict[str, object]:
    return {
        "cohort_size": 20,
        "delivery_cost": 2_000_000,
        "years": 2,
        "threshold_share": 0.1,
        "routes": ["pbr", "fee_for_service"],
        "cost_items": [
            {
                "name": "Legal",
                "phase": "contract_setup",
                "side": "commissioner",
                "basis": "fixed",
                "amount": 100_000,
                "routes": ["pbr"],
            },
            {
                "name": "Staff",
                "phase": "operations",
                "side": "commissioner",
                "basis": "per_year",
                "hours": 40,
                "hourly_rate": 500,
                "routes": ["pbr", "fee_for_service"],
            },
        ],
    }


def test_json_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", PRESET]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["calculator"] == "transaction_costs"
    assert doc["summary"]["total_by_route"]["sib"] == pytest.approx(3_152_000)
    assert len(doc["tables"]["items"]) == len(
        preset_data("transaction_costs_first_programme")["inputs"]["cost_items"]
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_scenario_file_each_format(tmp_path: Path, suffix: str) -> None:
    path = scenario_file(tmp_path, small_inputs(), suffix)
    out = tmp_path / "result.json"
    assert main(["run", str(path), "--output", str(out)]) == 0
    s = json.loads(out.read_text(encoding="utf-8"))["summary"]
    # PbR: 100 000 + 40 h x 500 x 2 years = 140 000; fee for service: 40 000.
    assert s["total_by_route"] == pytest.approx({"pbr": 140_000, "fee_for_service": 40_000})
    # Size at the threshold for PbR: 140 000 / 0.10 = 1 400 000 (already below at 2 000 000).
    assert s["delivery_cost_at_threshold_by_route"]["pbr"] == pytest.approx(1_400_000)


def test_csv_output(tmp_path: Path) -> None:
    out = tmp_path / "result-csv.zip"
    assert (
        main(
            ["run", str(scenario_file(tmp_path, small_inputs())), "--format", "csv", "-o", str(out)]
        )
        == 0
    )
    files = read_csv_zip(out.read_bytes())
    assert list(files) == ["summary", "inputs", "routes", "items", "scaling", "notes"]
    values = {row[3]: row[2] for row in files["summary"][1:]}
    assert values["total_by_route.pbr"] == "140000,0"
    assert values["delivery_cost_at_threshold_by_route.pbr"] == "1400000,0"


def test_xlsx_output(tmp_path: Path) -> None:
    out = tmp_path / "result.xlsx"
    assert main(["run", PRESET, "--format", "xlsx", "--output", str(out)]) == 0
    book = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames == ["Summary", "Inputs", "Routes", "Items", "Scaling", "Notes"]
    routes = book["Routes"]
    header = [c.value for c in routes[1]]
    sib = [c.value for c in routes[2]]
    assert sib[header.index("Route")] == "Social impact bond"
    assert sib[header.index("Total")] == pytest.approx(3_152_000)


def test_bad_file_exits_2_with_one_line_per_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = small_inputs()
    items = inputs["cost_items"]
    assert isinstance(items, list)
    items[0] = {**items[0], "basis": "share_of_delivery", "amount": 1.5}
    items[1] = {**items[1], "routes": ["pbr", "bank"]}
    inputs["delivery_cost"] = -1
    out = tmp_path / "never.json"
    code = main(["run", str(scenario_file(tmp_path, inputs)), "-o", str(out)])
    assert code == 2
    assert not out.exists()
    lines = capsys.readouterr().err.strip().splitlines()
    assert all(line.startswith("error: ") for line in lines)
    paths = sorted(line.split()[1] for line in lines)
    assert paths == ["inputs.cost_items[1].routes[1]", "inputs.delivery_cost"]
    # The cross-field rule runs once the fields themselves are valid.
    inputs["delivery_cost"] = 2_000_000
    items[1] = {**items[1], "routes": ["pbr"]}
    assert main(["run", str(scenario_file(tmp_path, inputs, ".json"))]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "error: inputs.cost_items[0].amount (Amount): got 1.5; allowed: a fraction from 0 to 1"
    )


def test_malformed_and_wrong_documents_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("calculator: transaction_costs\ninputs: [unclosed\n", encoding="utf-8")
    assert main(["run", str(broken)]) == 2
    assert "valid YAML or JSON" in capsys.readouterr().err
    extra = scenario_file(tmp_path, {**small_inputs(), "discount": 0.03})
    assert main(["run", str(extra)]) == 2
    assert "inputs.discount" in capsys.readouterr().err


def test_module_entry_point_exit_status(tmp_path: Path) -> None:
    bad = scenario_file(tmp_path, {"years": 0})
    done = subprocess.run(
        [sys.executable, "-m", "portal_tools", "run", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("error: inputs.years (Contract years): got 0")
