"""The list of results: every definition, theorem, lemma, proposition, corollary and
observation of the book, chapter by chapter, with its number, title and a link.

A page holds the directive ``{list-of-results}``; the list is filled in once every page
has been read (at ``doctree-resolved``), from sphinx-proof's record of the statements
(``env.proof_list``) and the numbers Sphinx gave them.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from .summaries import summary_page

#: The kinds of statement listed, as sphinx-proof names them, with their printed names.
KINDS = {"definition": "Definition", "theorem": "Theorem", "lemma": "Lemma", "proposition": "Proposition",
         "corollary": "Corollary", "observation": "Observation"}


class results_placeholder(nodes.General, nodes.Element):
    """Where the list goes; replaced when the page is resolved."""


class ListOfResults(SphinxDirective):
    def run(self):
        return [results_placeholder()]


def _reading_order(env, root: str) -> list[str]:
    """Documents in the order of the table of contents."""
    order, todo = [], [root]
    while todo:
        doc = todo.pop(0)
        if doc in order:
            continue
        order.append(doc)
        todo[0:0] = env.toctree_includes.get(doc, [])
    return order


def _statements(env, chapter: str):
    """(kind, label, number, title nodes) of the chapter's numbered statements, in page order."""
    known = getattr(env, "proof_list", {})
    numbers = env.toc_fignumbers.get(chapter, {})
    for node in env.get_doctree(chapter).findall(nodes.Element):
        kind, label = node.get("realtype"), node.get("label")
        if kind not in KINDS or label not in known or known[label].get("nonumber"):
            continue
        number = numbers.get(kind, {}).get(label)
        if number is None:
            continue
        title = node.children[0] if node.children and isinstance(node.children[0], nodes.title) else None
        yield kind, label, number, [] if title is None else [c.deepcopy() for c in title.children]


def _fill(app, doctree, docname):
    placeholders = list(doctree.findall(results_placeholder))
    if not placeholders:
        return
    env = app.env
    content = []
    for chapter in _reading_order(env, app.config.root_doc):
        items = nodes.bullet_list(classes=["bookbuild-results"])
        for kind, label, number, title in _statements(env, chapter):
            para = nodes.paragraph()
            para += nodes.reference("", f"{KINDS[kind]} {'.'.join(map(str, number))}", internal=True,
                                    refuri=app.builder.get_relative_uri(docname, chapter) + "#" + label)
            para += title
            items += nodes.list_item("", para)
        if len(items):
            content += [nodes.rubric(text=env.titles[chapter].astext()), items]
    for placeholder in placeholders:
        placeholder.replace_self(content or [nodes.paragraph(text="No numbered results.")])


def setup_results(app) -> None:
    app.add_node(results_placeholder)
    app.add_directive("list-of-results", ListOfResults)
    app.connect("doctree-resolved", _fill)
    summary_page(app, "book/list-of-results")
