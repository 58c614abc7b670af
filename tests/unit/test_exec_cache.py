"""scripts/exec_cache.py: a page's execution-cache key changes with every module it imports
(transitively), every data file of the package and the lock, and with nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import exec_cache
from exec_cache import ROOT, page_key, page_modules

PAGE = """# A page

```{code-cell} ipython3
:tags: [remove-input]
%matplotlib inline
from portal_tools.calc import run
```

Text with `import portal_tools.unused` in prose, not in a cell.
"""

FILES = {
    "requirements.lock": "numpy==2.0\n",
    "pyproject.toml": "[project]\nname = 'x'\n",
    "src/portal_tools/__init__.py": "",
    "src/portal_tools/calc.py": "from .helpers import twice\nfrom portal_tools import maths\n",
    "src/portal_tools/helpers.py": "from . import sub\n\ndef twice(x):\n    return 2 * x\n",
    "src/portal_tools/maths.py": "PI = 3\n",
    "src/portal_tools/sub/__init__.py": "from .deep import VALUE\n",
    "src/portal_tools/sub/deep.py": "VALUE = 1\n",
    "src/portal_tools/unused.py": "X = 1\n",
    "src/portal_tools/presets/a.yaml": "cohort: 120\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "page.md").write_text(PAGE)
    return tmp_path


def _key(tree: Path) -> str:
    return page_key(tree / "book" / "page.md", tree / "src", tree)


def test_the_modules_a_page_imports_transitively(tree: Path) -> None:
    modules = page_modules(tree / "book" / "page.md", tree / "src")
    assert set(modules) == {
        "portal_tools",
        "portal_tools.calc",
        "portal_tools.helpers",
        "portal_tools.maths",
        "portal_tools.sub",
        "portal_tools.sub.deep",
    }


@pytest.mark.parametrize(
    "changed",
    [
        "src/portal_tools/calc.py",  # imported by the page
        "src/portal_tools/helpers.py",  # relative import of calc
        "src/portal_tools/maths.py",  # `from portal_tools import maths`
        "src/portal_tools/sub/deep.py",  # two levels down, through a package
        "src/portal_tools/__init__.py",  # runs with every import
        "src/portal_tools/presets/a.yaml",  # data: every data file counts
        "requirements.lock",
    ],
)
def test_a_change_to_what_the_page_uses_changes_its_key(tree: Path, changed: str) -> None:
    before = _key(tree)
    path = tree / changed
    path.write_text(path.read_text() + "# changed\n")
    assert _key(tree) != before


def test_a_module_the_page_does_not_import_leaves_its_key(tree: Path) -> None:
    before = _key(tree)
    (tree / "src/portal_tools/unused.py").write_text("X = 2\n")
    assert _key(tree) == before


def test_every_module_a_calculator_page_uses_changes_its_key(tmp_path: Path) -> None:
    """On the real package: each module the payment page imports, changed, changes its key."""
    import shutil

    shutil.copytree(ROOT / "src" / "portal_tools", tmp_path / "src" / "portal_tools")
    for name in ("requirements.lock", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    page = ROOT / "book" / "tools" / "payment.md"
    modules = page_modules(page, tmp_path / "src")
    assert {"portal_tools.registry", "portal_tools.calculators.payment"} <= set(modules)
    before = page_key(page, tmp_path / "src", tmp_path)
    for path in modules.values():
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert page_key(page, tmp_path / "src", tmp_path) != before, path
        path.write_bytes(original)
    assert page_key(page, tmp_path / "src", tmp_path) == before
    assert exec_cache.pages(ROOT / "book")
