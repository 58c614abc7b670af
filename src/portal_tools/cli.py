"""Command line: ``portal-tools run SCENARIO [--format json|csv|xlsx] [--output PATH]``.

``--format csv`` writes a zip of CSV files for Danish Excel (one per sheet: summary, inputs, each
table, notes; ``;`` separated, decimal comma, UTF-8 with BOM, CRLF; see
:mod:`portal_tools.exports`), ``--format xlsx`` the Excel workbook with the same sheets; both are
binary, so on a terminal they need ``--output``.

Also ``portal-tools list`` (calculators and presets) and ``portal-tools schema NAME`` (the JSON
Schema of a scenario file for calculator NAME). Exit status 0 on success, 2 for invalid input
(one line on stderr per problem, at most :data:`~portal_tools.errors.MAX_SHOWN_PROBLEMS` lines and
a count of the rest, nothing written), 1 for an internal error (one line, no traceback).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from portal_tools.errors import InputError, escape_text
from portal_tools.registry import all_calculators, get
from portal_tools.scenario import list_presets, load_preset, load_scenario

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="portal-tools",
        description="Run the portal's calculators on scenario files (YAML or JSON).",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run a scenario file or a shipped preset")
    run.add_argument("scenario", help="path to a scenario file, or preset:NAME")
    run.add_argument(
        "--format",
        choices=["json", "csv", "xlsx"],
        default="json",
        help="json (default); csv: a zip of CSV files for Danish Excel; xlsx: an Excel workbook",
    )
    run.add_argument("--output", "-o", help="write here instead of standard output")
    sub.add_parser("list", help="list calculators and shipped presets")
    schema = sub.add_parser("schema", help="print the JSON Schema of a calculator's scenario file")
    schema.add_argument("calculator", help="calculator name (see 'list')")
    return parser


def _report(err: InputError) -> int:
    """Print the problems (one line each, capped with a count of the rest); exit status 2."""
    for line in err.lines():
        print(f"error: {line}", file=sys.stderr)
    return 2


def _run(args: argparse.Namespace) -> int:
    source: str = args.scenario
    if args.output is not None and not args.output.strip():
        print(
            f"error: --output: got {args.output!r}; allowed: a file path (leave --output out to "
            "write to standard output)",
            file=sys.stderr,
        )
        return 2
    try:
        if source.startswith("preset:"):
            scenario = load_preset(source.removeprefix("preset:"))
        else:
            scenario = load_scenario(source)
    except InputError as err:
        return _report(err)
    if args.format in ("xlsx", "csv") and not args.output and sys.stdout.isatty():
        print(
            f"error: --format {args.format} writes binary data (a workbook or a zip); give "
            "--output PATH",
            file=sys.stderr,
        )
        return 2
    try:
        result = scenario.calculator.compute_valid(scenario.inputs)
        payload: bytes
        if args.format == "json":
            payload = result.to_json().encode()
        elif args.format == "csv":
            payload = result.to_csv_zip()
        else:
            payload = result.to_xlsx()
    except InputError as err:
        return _report(err)
    except Exception as exc:  # a defect, not bad input: one line, never a traceback
        print(
            f"error: internal error in the calculator {scenario.calculator.name!r} "
            f"({exc.__class__.__name__}); the input was valid, so this is a bug: please report "
            "it with the scenario file",
            file=sys.stderr,
        )
        return 1
    if args.output:
        try:
            Path(args.output).write_bytes(payload)
        except OSError as exc:
            print(
                f"error: --output {escape_text(args.output)}: cannot write ({exc.strerror})",
                file=sys.stderr,
            )
            return 2
    else:
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        except BrokenPipeError:  # e.g. piped into `head`: the reader has gone
            return 0
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``portal-tools`` and ``python -m portal_tools``."""
    args = _parser().parse_args(argv)
    if args.command == "list":
        for name, calc in all_calculators().items():
            print(f"{name}\t{calc.summary}")
        for preset in list_presets():
            print(f"preset:{preset}")
        return 0
    if args.command == "schema":
        from portal_tools.schema import json_schema_text

        try:
            calculator = get(args.calculator)
        except InputError as err:
            return _report(err)
        sys.stdout.write(json_schema_text(calculator))
        return 0
    return _run(args)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
