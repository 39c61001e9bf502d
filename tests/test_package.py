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


def test_importing_the_package_or_its_sphinx_extension_loads_no_numerics():
    import subprocess
    import sys

    # The Sphinx process imports gdflow.sphinxext; numpy and scipy belong in the kernels.
    script = ("import sys, gdflow, gdflow.sphinxext, gdflow.builds\n"
              "heavy = sorted(m for m in ('numpy', 'scipy', 'matplotlib') if m in sys.modules)\n"
              "assert not heavy, heavy\n"
              "from gdflow import Quadratic, gradient_descent\n"
              "assert 'numpy' in sys.modules and gdflow.Quadratic is Quadratic\n")
    subprocess.run([sys.executable, "-c", script], check=True)


def test_package_names_are_found_on_first_use():
    import pytest

    assert set(gdflow.__all__) <= set(dir(gdflow))
    for name in gdflow.__all__:
        assert getattr(gdflow, name).__name__ == name
    with pytest.raises(AttributeError, match="no attribute 'gradient_descnet'"):
        gdflow.gradient_descnet  # noqa: B018
