"""Check every quote of the claims register against the Danish report and record the result.

Run from the repository root where the report is available (``../shared/sources`` or the folder
in ``PORTAL_SOURCES``): ``.venv/bin/python scripts/record_claims.py``. It writes
``src/portal_tools/data/report_claims.verified`` only when every quote is in its cited part, so a
clone without the report (CI) can still tell whether the register changed since that check.
"""

from __future__ import annotations

import sys
from pathlib import Path

from portal_tools import claims

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Check, then write the record; exit status 1 with the problems when a quote fails."""
    path = claims.find_report(ROOT)
    if path is None:
        looked = ", ".join(str(c) for c in claims.sources_candidates(ROOT))
        print(f"error: the Danish report {claims.REPORT_NAME} is not in: {looked}", file=sys.stderr)
        return 1
    text = path.read_text(encoding="utf-8")
    register = claims.load_register()
    problems = claims.check_quotes(register, claims.Report.parse(text))
    if problems:
        print("\n".join(map(str, problems)), file=sys.stderr)
        return 1
    out = ROOT / "src" / "portal_tools" / "data" / claims.RECORD_FILE
    out.write_text(claims.record_text(text, register), encoding="utf-8")
    print(f"recorded {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
