"""Package-wide hygiene: what a merge of two chapters' additions could silently break."""

import ast
import collections
from pathlib import Path

import gdflow

PACKAGE = Path(gdflow.__file__).parent


def test_no_module_defines_a_name_twice():
    # A second definition silently replaces the first; a chapter's check calling the
    # first would then measure something else.
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = collections.Counter(
            node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)))
        twice = sorted(name for name, n in names.items() if n > 1)
        assert not twice, f"{path.relative_to(PACKAGE)} defines {twice} more than once"


def test_all_lists_only_existing_unique_names():
    import importlib
    for path in PACKAGE.rglob("*.py"):
        module_name = "gdflow." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        module_name = module_name.removesuffix(".__init__")
        module = importlib.import_module(module_name)
        exported = getattr(module, "__all__", [])
        assert len(exported) == len(set(exported)), f"{module_name}.__all__ repeats a name"
        for name in exported:
            assert hasattr(module, name), f"{module_name}.__all__ lists {name}, which is missing"


def test_code_is_not_a_package():
    assert not (PACKAGE.parent / "__init__.py").exists()


def test_importing_the_package_or_the_sphinx_extension_loads_no_numerics():
    import subprocess
    import sys

    # The Sphinx process imports bookbuild.sphinxext; numpy and scipy belong in the kernels.
    script = ("import sys, gdflow, bookbuild.sphinxext, bookbuild.builds\n"
              "heavy = sorted(m for m in ('numpy', 'scipy', 'matplotlib') if m in sys.modules)\n"
              "assert not heavy, heavy\n"
              "from gdflow import Quadratic, gradient_descent\n"
              "assert 'numpy' in sys.modules and gdflow.Quadratic is Quadratic\n")
    subprocess.run([sys.executable, "-c", script], check=True)


def test_gdflow_never_imports_the_build_tooling():
    """gdflow is the mathematics; bookbuild builds the book with it. An import the other
    way would make the fingerprint that re-executes the pages miss the tooling's code
    (or cover it, re-executing every page when only the build changed)."""
    import importlib
    import subprocess
    import sys

    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            bad = [n for n in names if n.split(".")[0] == "bookbuild"]
            assert not bad, f"{path.relative_to(PACKAGE)} imports {bad}"
    # ... nor by name: import every module and look
    modules = sorted("gdflow." + ".".join(p.relative_to(PACKAGE).with_suffix("").parts)
                     for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")
    script = (f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
              "from gdflow import claims, ledger\nclaims.registry()\n"
              "assert not [m for m in sys.modules if m.split('.')[0] == 'bookbuild'], 'bookbuild imported'\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "GDFLOW_CLAIM_STORE"}
    subprocess.run([sys.executable, "-c", script], check=True, env=env)
    assert importlib.util.find_spec("bookbuild") is not None


def test_package_names_are_found_on_first_use():
    import pytest

    assert set(gdflow.__all__) <= set(dir(gdflow))
    for name in gdflow.__all__:
        assert getattr(gdflow, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'gradient_descnet'"):
        gdflow.gradient_descnet  # noqa: B018
