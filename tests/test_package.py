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
