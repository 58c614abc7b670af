"""Per-page invalidation of the book's execution cache (issue 11).

jupyter-cache (through myst-nb) keys an executed page on its code cells only, so a change to the
``portal_tools`` code or data a page runs would leave its cached outputs stale. This script keys
each page on what it uses: the lock and pyproject.toml, every ``portal_tools`` module its code
cells import, transitively (static analysis of the imports with ``ast``), and every data file of
the package (presets, data, UI assets: read through ``importlib.resources``, so all of them are
included rather than guessed). It removes the cache records of the pages whose key changed, and
leaves the others to be reused.

    python scripts/exec_cache.py [book]

Not covered (as before): files a page reads from outside ``src/`` (they are the page's own).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = "portal_tools"
KEYS_FILE = "_build/.exec-keys.json"
CACHE_DIR = "_build/.jupyter_cache"
CODE_CELL = re.compile(r"^(`{3,}|~{3,})\{code-cell\}[^\n]*\n(.*?)^\1", re.M | re.S)


def module_file(module: str, src: Path = SRC) -> Path | None:
    """The source file of ``module`` under ``src`` (a package's ``__init__.py``), if any."""
    base = src.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _with_parents(module: str) -> list[str]:
    """``a.b.c`` -> ``a``, ``a.b``, ``a.b.c``: importing a module runs its packages too."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def imported_modules(
    tree: ast.AST, current: str | None = None, is_package: bool = False
) -> set[str]:
    """Every ``portal_tools`` module an AST imports; ``current`` resolves relative imports."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if current is None:
                    continue
                parts = current.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            # ``from a import b``: b may be a module of package a.
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                found.update(_with_parents(name))
    return found


def closure(modules: Iterable[str], src: Path = SRC) -> dict[str, Path]:
    """The modules (and their files) that importing ``modules`` runs, transitively."""
    done: dict[str, Path] = {}
    todo = list(modules)
    while todo:
        module = todo.pop()
        if module in done:
            continue
        path = module_file(module, src)
        if path is None:  # an attribute imported with ``from``, not a module
            continue
        done[module] = path
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        todo.extend(imported_modules(tree, module, path.name == "__init__.py") - done.keys())
    return done


def page_modules(page: Path, src: Path = SRC) -> dict[str, Path]:
    """The ``portal_tools`` modules a page's code cells import, transitively. A cell that does
    not parse (a magic, say) counts as importing the whole package."""
    text = page.read_text(encoding="utf-8")
    if page.suffix == ".ipynb":
        cells = [
            "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in json.loads(text)["cells"]
            if c.get("cell_type") == "code"
        ]
    else:
        cells = [m.group(2) for m in CODE_CELL.finditer(text)]
    wanted: set[str] = set()
    for cell in cells:
        code = "\n".join(
            "" if line.lstrip().startswith(("%", "!", ":")) else line for line in cell.splitlines()
        )
        try:
            wanted |= imported_modules(ast.parse(code))
        except SyntaxError:
            wanted |= {
                p.relative_to(src).with_suffix("").as_posix().replace("/", ".")
                for p in (src / PACKAGE).rglob("*.py")
                if p.name != "__init__.py"
            }
            wanted.add(PACKAGE)
    return closure(wanted, src)


def data_files(src: Path = SRC) -> list[Path]:
    """Every file of the package that is not Python source or bytecode."""
    return sorted(
        p
        for p in (src / PACKAGE).rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    )


def page_key(page: Path, src: Path = SRC, root: Path = ROOT) -> str:
    """A digest of everything a page's execution depends on beyond its own code cells."""
    digest = hashlib.sha256()
    inputs = [root / "requirements.lock", root / "pyproject.toml"]
    inputs += sorted(page_modules(page, src).values()) + data_files(src)
    for path in inputs:
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()[:24]


def pages(book: Path) -> list[Path]:
    """The book's executable pages: MyST notebooks and notebooks."""
    found = [
        p
        for p in sorted(book.rglob("*.md"))
        if "_build" not in p.parts and CODE_CELL.search(p.read_text(encoding="utf-8"))
    ]
    return found + [p for p in sorted(book.rglob("*.ipynb")) if "_build" not in p.parts]


def invalidate(book: Path) -> list[Path]:
    """Remove the cached executions of the pages whose key changed; return those pages."""
    from jupyter_cache import get_cache  # type: ignore[import-untyped]

    keys_path = book / KEYS_FILE
    old: dict[str, str] = json.loads(keys_path.read_text()) if keys_path.exists() else {}
    new = {str(p.resolve()): page_key(p) for p in pages(book)}
    changed = [Path(uri) for uri, key in new.items() if old.get(uri) != key]
    cache_path = book / CACHE_DIR
    if changed and cache_path.exists():
        cache = get_cache(cache_path)
        stale = {str(p) for p in changed}
        for record in cache.list_cache_records():
            if record.uri in stale:
                cache.remove_cache(record.pk)
    keys_path.parent.mkdir(parents=True, exist_ok=True)
    keys_path.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")
    return changed


def main(argv: list[str]) -> int:
    book = Path(argv[1]) if len(argv) > 1 else ROOT / "book"
    changed = invalidate(book)
    for page in changed:
        print(
            f"Execution cache dropped for {page.relative_to(book.resolve())} (its inputs changed)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
