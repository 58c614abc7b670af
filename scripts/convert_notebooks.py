"""Convert the book's MyST-markdown notebooks to .ipynb for nbval.

Usage: python scripts/convert_notebooks.py OUT_DIR

Every page under book/ whose front matter has a ``kernelspec`` is converted with jupytext into
OUT_DIR, keeping its relative path. The folder is emptied first so removed pages do not linger.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import jupytext

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
SKIP = {"_build", "_vendor", "_ext"}


def notebook_pages() -> list[Path]:
    pages = []
    for path in sorted(BOOK.rglob("*.md")):
        if SKIP & set(path.relative_to(BOOK).parts):
            continue
        head = path.read_text(encoding="utf-8").split("\n---", 1)[0]
        if path.read_text(encoding="utf-8").startswith("---") and "kernelspec:" in head:
            pages.append(path)
    return pages


def main(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    pages = notebook_pages()
    if not pages:
        sys.exit("convert_notebooks: no MyST notebooks found under book/")
    for page in pages:
        target = out / page.relative_to(BOOK).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = jupytext.read(page)
        jupytext.write(notebook, target)
    print(f"convert_notebooks: {len(pages)} notebooks written to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "build" / "notebooks")
