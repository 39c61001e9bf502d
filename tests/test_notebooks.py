"""A page's notebook, downloaded from the website, runs on its own after installing the project.

Every executed page offers its notebook (with outputs) in its download menu. It must not
depend on the build: no path into the repository, nothing that only the build provides,
and every module its cells import must come with ``pip install ".[notebooks]"``.
"""

from __future__ import annotations

import ast
import re
import shutil
import sys
import tomllib

import pytest

from buildhelpers import ROOT

#: Modules of the standard library that pages import.
STDLIB = set(sys.stdlib_module_names)


def _requirement_name(spec: str) -> str:
    return re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def _with_dependencies(names: set[str]) -> set[str]:
    """``names`` and, recursively, the distributions they require (as installed here)."""
    from importlib.metadata import PackageNotFoundError, requires

    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            needs = requires(name) or []
        except PackageNotFoundError:
            continue
        todo += [_requirement_name(r) for r in needs if "extra ==" not in r]
    return seen


def test_every_module_a_page_imports_comes_with_the_project():
    from importlib.metadata import packages_distributions

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    offered = {_requirement_name(s) for s in project["dependencies"] + project["optional-dependencies"]["notebooks"]}
    distributions = packages_distributions()
    installed = _with_dependencies(offered)  # what pip brings along (cycler with matplotlib...)
    missing = {}
    sources = [(page.name, "\n".join(line for line in cell.splitlines() if not line.startswith(":")))
               for page in sorted((ROOT / "book").glob("*.md"))
               for cell in re.findall(r"```\{code-cell\}[^\n]*\n(.*?)```", page.read_text(encoding="utf-8"), re.S)]
    # and what gdflow itself imports, also inside functions (the explorers' Altair, PEPit)
    sources += [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in (ROOT / "code" / "gdflow").rglob("*.py")]
    for where, source in sources:
            for node in ast.walk(ast.parse(source)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
                for name in names:
                    top = name.split(".")[0]
                    if top in STDLIB or top == "gdflow":
                        continue
                    provided = {d.lower().replace("_", "-") for d in distributions.get(top, [])}
                    if not provided & installed:
                        missing.setdefault(top, []).append(where)
    assert not missing, f"imported by pages but not installed with the project: {missing}"


@pytest.mark.book
def test_a_downloaded_notebook_runs_outside_the_repository(site, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    source = site / "_sources" / "book" / "gradient-descent.ipynb"
    assert source.is_file(), "the page does not offer its notebook"
    assert f'href="../_sources/book/gradient-descent.ipynb"' in (site / "book" / "gradient-descent.html").read_text()
    notebook = nbformat.read(shutil.copy(source, tmp_path / "downloaded.ipynb"), as_version=4)
    assert any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), "shipped without outputs"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
