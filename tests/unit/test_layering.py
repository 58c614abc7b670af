"""Layering goes one way: data and maths never import the user interface, and no module uses
another module's private helpers (issue 11)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "portal_tools"
# The UI layer (widgets and their HTML) and the IPython extension pages load may import anything.
UI_LAYER = ("ui/", "notebook.py")


def imports(path: Path) -> list[tuple[str, str]]:
    """``(module, name)`` for every ``from portal_tools... import name`` and ``import
    portal_tools...`` (name empty) in the file, including imports inside functions."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("portal_tools"):
            found += [(node.module or "", alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, "") for a in node.names if a.name.startswith("portal_tools")]
    return found


def modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(PACKAGE).as_posix(), p) for p in sorted(PACKAGE.rglob("*.py"))]


def test_only_the_ui_layer_imports_the_ui() -> None:
    leaks = [
        f"{rel} imports {module}"
        for rel, path in modules()
        if not rel.startswith(UI_LAYER)
        for module, name in imports(path)
        if (module == "portal_tools.ui" and name in ("", "ui"))
        or module.startswith("portal_tools.ui.")
        or (module == "portal_tools" and name == "ui")
    ]
    assert not leaks, "data and maths must not import the UI:\n" + "\n".join(leaks)


def test_no_module_imports_another_modules_private_helpers() -> None:
    private = [
        f"{rel} imports {name} from {module}"
        for rel, path in modules()
        for module, name in imports(path)
        if name.startswith("_") and not name.startswith("__")
    ]
    assert not private, "use (or make) a public helper instead:\n" + "\n".join(private)


def test_the_checks_see_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text(
        "def f():\n    from portal_tools.ui.render import x\n    from portal_tools.a import _y\n"
    )
    assert imports(sample) == [("portal_tools.ui.render", "x"), ("portal_tools.a", "_y")]
