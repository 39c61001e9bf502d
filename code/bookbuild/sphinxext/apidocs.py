"""The API reference: types named in docstrings link to the package's classes, or stay text;
each entry lists the chapters that use it.

The reference (``book/api-reference.md``) is autodoc over numpydoc docstrings. Their
parameter and attribute types ("array, shape (n, d)", "Quadratic") become cross-references
that Sphinx cannot resolve in nitpicky mode: a class of the package named without its
module ("Quadratic") is linked to the one documented object of that name, and any other
type from a docstring is shown as the text it is. Every other missing reference still warns.

In docstrings ``|x|`` is an absolute value, not an rST substitution: it is escaped.

Chapters name the package's functions with ``{py:obj}`gdflow...```; the reference adds a
"Used in" line with links to those chapters under each entry.
"""

from __future__ import annotations

from docutils.utils import get_source_line
from sphinx.util.nodes import make_refnode

from .summaries import summary_page


def _docstring_type(app, env, node, contnode):
    if node.get("refdomain") != "py" or node.get("reftype") != "class":
        return None
    source, _ = get_source_line(node)  # the nearest node that knows where it came from
    if "docstring of gdflow." not in str(source or ""):
        return None
    target = node.get("reftarget", "")
    objects = env.get_domain("py").objects
    matches = [name for name in objects if name.startswith("gdflow.") and name.endswith("." + target)]
    if len(matches) == 1:
        entry = objects[matches[0]]
        return make_refnode(app.builder, node.get("refdoc", env.docname), entry.docname, entry.node_id,
                            contnode, matches[0])
    return contnode




# --- From the reference back to the chapters -------------------------------------------------

#: The page of the reference (the docname whose entries get "Used in" lines).
REFERENCE_PAGE = "book/api-reference"


def _collect_uses(app, doctree):
    """Record which pages refer to which object of the package (``{py:obj}`gdflow...```)."""
    env = app.env
    uses = env.__dict__.setdefault("bookbuild_api_uses", {})  # emptied of a page by _purge_uses
    if env.docname == REFERENCE_PAGE:
        return
    from sphinx import addnodes

    for node in doctree.findall(addnodes.pending_xref):
        target = node.get("reftarget", "")
        if node.get("refdomain") == "py" and target.startswith("gdflow."):
            uses.setdefault(target, set()).add(env.docname)


def _purge_uses(app, env, docname):
    for targets in getattr(env, "bookbuild_api_uses", {}).values():
        targets.discard(docname)


def _merge_uses(app, env, docnames, other):
    uses = env.__dict__.setdefault("bookbuild_api_uses", {})
    for target, pages in getattr(other, "bookbuild_api_uses", {}).items():
        uses.setdefault(target, set()).update(pages)


def _add_used_in(app, doctree, docname):
    """After each entry of the reference, list the chapters that use it, with links."""
    if docname != REFERENCE_PAGE:
        return
    from docutils import nodes
    from sphinx import addnodes

    uses = getattr(app.env, "bookbuild_api_uses", {})
    for desc in list(doctree.findall(addnodes.desc)):
        signature = next(iter(desc.findall(addnodes.desc_signature)), None)
        if signature is None or not signature.get("fullname"):
            continue
        fullname = f"{signature.get('module')}.{signature['fullname']}"
        pages = sorted(uses.get(fullname, ()))
        if not pages:
            continue
        line = nodes.paragraph(classes=["bookbuild-used-in"])
        line += nodes.strong(text="Used in: ")
        for i, page in enumerate(pages):
            if i:
                line += nodes.Text(", ")
            title = app.env.titles[page].astext() if page in app.env.titles else page
            uri = app.builder.get_relative_uri(docname, page)
            line += nodes.reference("", title, refuri=uri, internal=True)
        content = next(iter(desc.findall(addnodes.desc_content)), None)
        (content if content is not None else desc).append(line)


def escape_bars(lines: list[str]) -> list[str]:
    """Escape ``|`` in docstring prose, where it means an absolute value or a norm (|x|, ||g||),
    not an rST substitution; literals (````...````) and doctest blocks keep theirs."""
    out, in_doctest = [], False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(">>>"):
            in_doctest = True
        elif not stripped:
            in_doctest = False
        if in_doctest or "|" not in line:
            out.append(line)
            continue
        parts = line.split("``")
        out.append("``".join(part if i % 2 else part.replace("|", "\\|") for i, part in enumerate(parts)))
    return out


def _escape_docstring(app, what, name, obj, options, lines):
    if name.startswith("gdflow"):
        lines[:] = escape_bars(lines)


def setup_apidocs(app) -> None:
    app.setup_extension("sphinx.ext.autodoc")  # its events, whatever the order of extensions
    app.connect("autodoc-process-docstring", _escape_docstring)
    app.connect("missing-reference", _docstring_type)
    app.connect("doctree-read", _collect_uses)
    app.connect("env-purge-doc", _purge_uses)
    app.connect("env-merge-info", _merge_uses)
    app.connect("doctree-resolved", _add_used_in)
    summary_page(app, REFERENCE_PAGE)
