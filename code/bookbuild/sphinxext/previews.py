"""Hover previews: a reference to a theorem, an equation, a section or a citation shows its
target in a small pop-up (sphinx-tippy), with the math typeset, and without the network.

sphinx-tippy builds each page's previews while the site is written. Its two JavaScript
libraries (Popper and Tippy, pinned in package.json and installed by ``npm ci``) are
served from the site's ``_static/tippy``; it asks no outside service (its Wikipedia and
DOI look-ups are off). Without them (no npm) the site is built without previews and the
build says so in one line; nothing else changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.util import logging

LOGGER = logging.getLogger(__name__)

#: The libraries, from the project's node_modules, and where the site serves them.
LIBRARIES = {"@popperjs/core/dist/umd/popper.min.js": "tippy/popper.min.js",
             "tippy.js/dist/tippy-bundle.umd.min.js": "tippy/tippy-bundle.umd.min.js",
             "tippy.js/themes/light-border.css": "tippy/light-border.css"}


def node_modules(srcdir) -> Path:
    return Path(srcdir) / "node_modules"


def available(srcdir) -> bool:
    return all((node_modules(srcdir) / source).is_file() for source in LIBRARIES)


def _configure(app, config):
    config.tippy_js = tuple(target for target in LIBRARIES.values() if target.endswith(".js"))
    config.tippy_enable_wikitips = False
    config.tippy_enable_doitips = False
    config.tippy_enable_mathjax = True
    # previews of the book's own cross-references only: statements, equations, figures,
    # tables, sections and citations; not of links to other sites
    config.tippy_skip_urls = ("^https?://",)
    # what a preview shows: a statement box, a citation, a paragraph, an equation (handled by
    # sphinx-tippy itself) or a section's start; not figures and tables, whose previews would
    # copy whole SVG drawings into every page that refers to them
    config.tippy_tip_selector = "div.admonition, div.citation, aside, p"
    # a light box with a border (the default dark one hides the statement's title), coloured
    # by the theme in dark mode (bookbuild.css)
    config.tippy_props = {"placement": "auto-start", "maxWidth": 500, "interactive": False,
                          "delay": [200, 100], "theme": "light-border"}


def _copy(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    for source, target in LIBRARIES.items():
        destination = Path(app.outdir) / "_static" / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(node_modules(app.srcdir) / source, destination)


def _stable_names(app) -> None:
    """Name each page's preview data after the sources' commit instead of a random UUID, so
    that two builds of one commit write identical pages (the name still changes with every
    commit, which is what the random name is for: browsers must not keep old previews)."""
    import hashlib

    import sphinx_tippy
    from sphinx.errors import ExtensionError

    from .delivery import source_version

    if not callable(getattr(sphinx_tippy, "uuid4", None)):
        raise ExtensionError("sphinx_tippy no longer names its files with uuid4: check the "
                             "pinned version against bookbuild.sphinxext.previews")
    stamp = hashlib.sha256(" ".join(source_version(app.srcdir)).encode()).hexdigest()[:16]
    sphinx_tippy.uuid4 = lambda: stamp


def setup_previews(app) -> None:
    if not available(app.srcdir):
        LOGGER.info("[bookbuild] hover previews off: Popper and Tippy are not in node_modules "
                    "(npm ci installs them; make build runs it when npm is found)")
        return
    app.setup_extension("sphinx_tippy")
    _stable_names(app)
    app.add_css_file("tippy/light-border.css")
    app.connect("config-inited", _configure)
    app.connect("build-finished", _copy)
