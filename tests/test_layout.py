"""The layout holds: aelib's packages import only those below them, aelib never imports the UI,
`pages/` holds exactly the page scripts `lab.navigation` lists, and aelib's public functions are
typed."""

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
    """Every module a Python file imports, at any depth (lazy imports inside functions too), and
    whether only for annotations (under `if TYPE_CHECKING:`, never imported at run time)."""
    tree = ast.parse(path.read_text())
    type_only = {id(node) for block in ast.walk(tree)
                 if isinstance(block, ast.If) and isinstance(block.test, ast.Name)
                 and block.test.id == "TYPE_CHECKING"
                 for statement in block.body for node in ast.walk(statement)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, id(node) in type_only) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, id(node) in type_only


def package_of(parts):
    return parts[0].removesuffix(".py")


@pytest.mark.parametrize("path", sorted((ROOT / "aelib").rglob("*.py")),
                         ids=lambda path: str(path.relative_to(ROOT)))
def test_each_module_imports_only_packages_below_its_own(path):
    parts = path.relative_to(ROOT / "aelib").parts
    if parts == ("__init__.py",):
        return
    own = RANKS[package_of(parts)]
    for module, type_only in imported_modules(path):
        top = module.split(".")[0]
        assert top not in ("streamlit", "lab", "pages"), f"{path.name} imports {module}"
        # A type named in a signature (a job's `store: RunStore`) is no import at run time: it
        # may come from any package.
        if top == "aelib" and module != "aelib" and not type_only:
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


def untyped_parts(function, method):
    """The parameters of a function (but `self` or `cls`) without an annotation, and "return"
    when its return has none."""
    arguments = function.args
    parameters = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if method and parameters and parameters[0].arg in ("self", "cls"):
        parameters = parameters[1:]
    parameters += [parameter for parameter in (arguments.vararg, arguments.kwarg) if parameter]
    missing = [parameter.arg for parameter in parameters if parameter.annotation is None]
    return missing + ["return"] * (function.returns is None)


def public_functions(body, prefix="", method=False):
    """(qualified name, node, whether a method) of every function or method of a module whose
    name has no leading underscore (a Keras hook in a private class counts too)."""
    for node in body:
        if isinstance(node, ast.ClassDef):
            yield from public_functions(node.body, f"{prefix}{node.name}.", method=True)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                and not node.name.startswith("_"):
            yield f"{prefix}{node.name}", node, method


def test_every_public_function_of_aelib_is_typed():
    untyped = []
    for path in sorted((ROOT / "aelib").rglob("*.py")):
        name = str(path.relative_to(ROOT / "aelib"))
        for qualified, function, method in public_functions(ast.parse(path.read_text()).body):
            if missing := untyped_parts(function, method):
                untyped.append(f"aelib/{name}:{function.lineno} {qualified}: {', '.join(missing)}")
    assert not untyped, "annotate these:\n" + "\n".join(untyped)


def test_the_typing_check_finds_what_lacks_a_type():
    tree = ast.parse("def typed(x: int, *, y: str = '') -> None: ...\n"
                     "def _private(x): ...\n"
                     "class Hook:\n"
                     "    def on_epoch_end(self, epoch: int, logs=None): ...\n"
                     "    def call(self, *inputs, **options: float) -> int: ...\n")
    assert {name: untyped_parts(node, method) for name, node, method in public_functions(
        tree.body)} == {"typed": [], "Hook.on_epoch_end": ["logs", "return"],
                        "Hook.call": ["inputs"]}


def test_every_module_of_aelib_and_lab_has_a_test_file_of_its_name():
    tests = {path.name for path in (ROOT / "tests").rglob("test_*.py")}
    modules = [path for folder in ("aelib", "lab") for path in (ROOT / folder).rglob("*.py")
               if path.name not in ("__init__.py", "__main__.py") and "bundled" not in path.parts]
    missing = [str(path.relative_to(ROOT)) for path in modules
               if f"test_{path.stem.lstrip('_')}.py" not in tests]
    assert missing == []
