"""Serve MathJax 3 from the site itself, so math renders offline.

MathJax comes from the pinned ``django-static-mathjax`` wheel (a plain copy of
MathJax 3.2.2's files with no Django dependency at run time). Its ``es5``
folder is copied into ``_static/mathjax`` of the HTML output and
``mathjax_path`` points there, so no page asks an outside host for anything.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

MATHJAX_SCRIPT = "mathjax/tex-chtml.js"


def mathjax_source() -> Path:
    """The folder holding MathJax's ``es5`` build inside the installed wheel."""
    root = Path(str(resources.files("mathjax"))) / "static" / "mathjax" / "es5"
    if not (root / "tex-chtml.js").is_file():
        raise FileNotFoundError(
            f"MathJax was not found at {root}; install the pinned requirements "
            "(django-static-mathjax provides it)"
        )
    return root


def _set_path(app, config):
    config.mathjax_path = MATHJAX_SCRIPT


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "mathjax"
    if not (target / "tex-chtml.js").is_file():
        shutil.copytree(mathjax_source(), target, dirs_exist_ok=True)
