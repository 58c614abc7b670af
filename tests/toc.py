"""The book's table of contents, read once for the unit and the site tests."""

from __future__ import annotations

from pathlib import Path

import yaml

BOOK = Path(__file__).resolve().parents[1] / "book"


def toc_docnames(book: Path = BOOK) -> list[str]:
    """Every document named in ``book/_toc.yml``, root first, without the ``.md`` suffix."""
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(entries: list[dict[str, object]]) -> None:
        for entry in entries:
            if "file" in entry:
                names.append(str(entry["file"]))
            for key in ("chapters", "sections", "parts"):
                if key in entry:
                    walk(entry[key])  # type: ignore[arg-type]

    walk(toc.get("parts", []) + toc.get("chapters", []))
    return names
