"""A synthetic book of many small executed pages, for the fault tests and the benchmark.

It exercises what a longer book would: hundreds of kernels started by one build,
hundreds of pages read, cached and written. Each page prints a number computed with
numpy, so its output shows that it ran in a working kernel.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["PAGE_HEADER", "write_synthetic_book", "synthetic_output"]

#: The front matter of an executable MyST page (jupytext, Python 3 kernel).
PAGE_HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def synthetic_output(k: int) -> str:
    """The line page ``k`` prints."""
    return f"synthetic page {k}: {k * (k + 1) // 2}"


def write_synthetic_book(root, pages: int) -> list[str]:
    """Replace the table of contents of the project copy at ``root`` by ``pages`` synthetic pages.

    The pages go to ``book/synthetic/`` and ``book/index.md`` becomes a short root page; returns
    the pages' document names. ``root`` must be a copy of the project (its
    ``_config.yml`` builds only the pages in the table of contents).
    """
    root = Path(root)
    if int(pages) != pages or pages < 1:
        raise ValueError(f"pages must be a positive integer; got {pages!r}")
    folder = root / "book" / "synthetic"
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for k in range(1, int(pages) + 1):
        name = f"p{k:04d}"
        (folder / f"{name}.md").write_text(
            PAGE_HEADER + f"\n# Synthetic page {k}\n\n```{{code-cell}} ipython3\nimport numpy as np\n\n"
            f"print(f\"synthetic page {k}: {{int(np.arange({k + 1}).sum())}}\")\n```\n", encoding="utf-8")
        names.append(f"book/synthetic/{name}")
    (root / "book" / "index.md").write_text(f"# A synthetic book\n\n{int(pages)} small executed pages.\n",
                                            encoding="utf-8")
    toc = ["format: jb-book", "root: book/index", "chapters:"]
    toc += [f"  - file: {name}" for name in names]
    (root / "_toc.yml").write_text("\n".join(toc) + "\n", encoding="utf-8")
    return names
