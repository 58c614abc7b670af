"""Copy the browser assets pinned in package-lock.json into book/_vendor (git-ignored).

Pages with mathematics then load MathJax from the site itself, with no CDN. No page loads the
Jupyter widget manager: static calculators are plain HTML (``portal_tools.ui.static``).
axe-core (``axe/axe.min.js``) is vendored for the browser tests (tests/site), which inject it
into each page; no page loads it. Run after ``npm ci`` (``make env`` does both).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
DEST = ROOT / "book" / "_vendor"


def copy(src: Path, dst: Path) -> None:
    if not src.exists():
        sys.exit(f"vendor_assets: {src} is missing; run `npm ci` first")
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dst)


def main() -> None:
    if (ROOT / "book" / "_static").exists():
        sys.exit(
            "vendor_assets: book/_static must not exist (Jupyter Book 1 would inject every script)"
        )
    if DEST.exists():
        shutil.rmtree(DEST)
    mathjax = NODE / "mathjax" / "es5"
    copy(mathjax / "tex-mml-chtml.js", DEST / "mathjax" / "tex-mml-chtml.js")
    copy(mathjax / "output" / "chtml" / "fonts", DEST / "mathjax" / "output" / "chtml" / "fonts")
    copy(
        mathjax / "input" / "tex" / "extensions", DEST / "mathjax" / "input" / "tex" / "extensions"
    )
    copy(NODE / "axe-core" / "axe.min.js", DEST / "axe" / "axe.min.js")
    copy(NODE / "axe-core" / "LICENSE", DEST / "axe" / "LICENSE")
    total = sum(p.stat().st_size for p in DEST.rglob("*") if p.is_file())
    print(f"vendor_assets: {total / 1e6:.1f} MB copied into {DEST.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
