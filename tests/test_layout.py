"""The layout holds: aelib's packages import only those below them, aelib never imports the UI,
and `pages/` holds exactly the page scripts `lab.navigation` lists."""

import ast
import subprocess
import sys

import pytest

from tests.support import ROOT

# aelib's packages from the foundation up: a module may import from its own package and those
# of a lower rank only (`aelib` itself is the lazy front door, open to all).
RANKS = {"_lazy": 0, "_moved": 0, "params": 0, "images": 0, "memory": 0, "settings": 1,
         "architectures": 2, "model": 3, "data": 4, "training": 5, "explore": 6, "jobs": 7,
         "runs": 8, "sweeps": 9}


def imported_modules(path):
    """Every module a Python file imports, at any depth (lazy imports inside functions too)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def package_of(parts):
    return parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", sorted((ROOT / "aelib").rglob("*.py")),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_each_module_imports_only_packages_below_its_own(path):
    parts = path.relative_to(ROOT / "aelib").parts
    if parts == ("__init__.py",):
        return
    own = RANKS[package_of(parts)]
    for module in imported_modules(path):
        top = module.split(".")[0]
        assert top not in ("streamlit", "lab", "pages"), f"{path.name} imports {module}"
        if top == "aelib" and module != "aelib":
            assert RANKS[module.split(".")[1]] <= own, f"{path.name} imports {module}"


def test_every_module_of_aelib_lives_in_a_known_package():
    assert {package_of(path.relative_to(ROOT / "aelib").parts)
            for path in (ROOT / "aelib").rglob("*.py")} - {"__init__"} == set(RANKS)


def test_pages_holds_the_page_scripts_and_nothing_else():
    from lab import navigation

    scripts = {f"pages/{path.name}" for path in (ROOT / "pages").iterdir()
               if path.name != "__pycache__"}
    assert scripts == {page for page, _, _ in navigation.PAGES}


def test_importing_aelib_loads_no_keras():
    code = "import aelib, sys; print(sorted(m for m in sys.modules if m.startswith(('keras', " \
           "'tensorflow'))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr
