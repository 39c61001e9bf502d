"""The ``{num}`` role: a glued number, typeset as math by the package's one formatter.

A page glues a number as usual (``glue("gap", float(x), display=False)``) and writes
``{num}`gap:.3g``` in the prose; the role reads the glued value and prints it with
:func:`gdflow.numbers.format_number` as inline math (true minus, powers of ten, no
float noise, no line break inside). The rendered node carries the class
``glued-number``, so tests can find every glued number on a page.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxRole

from gdflow.numbers import NumberFormatError, format_number


class GluedNumberRole(SphinxRole):
    """``{num}`key``` or ``{num}`key:spec```: the glued number ``key``, formatted."""

    def run(self):
        from myst_nb.core.variables import RetrievalError
        from myst_nb.ext.glue.utils import retrieve_glue_data

        key, _, spec = self.text.partition(":")
        key = key.strip()
        try:
            result = retrieve_glue_data(self.inliner.document, key)
        except RetrievalError as exc:
            return self._problem(f"{exc}")
        plain = result.data.get("text/plain")
        if plain is None:
            return self._problem(f"glued value {key!r} has no text/plain form")
        try:
            latex = format_number(plain, spec)
        except NumberFormatError as exc:
            return self._problem(f"glued value {key!r}: {exc}")
        node = nodes.math(latex, latex, classes=["glued-number"])
        self.set_source_info(node)
        return [node], []

    def _problem(self, message):
        msg = self.inliner.reporter.warning(
            f"{{num}} role: {message}", line=self.lineno)
        problem = self.inliner.problematic(self.rawtext, self.rawtext, msg)
        return [problem], [msg]


def setup_numbers(app):
    app.add_role("num", GluedNumberRole())
