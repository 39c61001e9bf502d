"""Build bookkeeping: a fingerprint of gdflow, page weights, execution times.

The book's pages run ``gdflow`` while it builds, and their outputs are cached
by jupyter-cache, which keys a page on its code cells only. Three small tools
keep that cache honest and the site light:

- :func:`package_fingerprint` hashes the files of ``gdflow`` (not of this build
  package: editing the build tooling changes no page), so a build can tell that
  the code behind the cached outputs changed (see :mod:`bookbuild.sphinxext`,
  which re-executes the pages that import it);
- :func:`page_weights` measures each HTML page together with the images it
  shows, for the page-weight budget;
- :func:`cached_execution_times` reads how long each cached page took to run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .sphinxext.figures import NARROW_CLASS, WIDE_CLASS

__all__ = ["PACKAGE_NAME", "package_dir", "package_fingerprint", "execution_key", "RUNTIME_PACKAGES",
           "mentions_package",
           "PageWeight", "page_weights", "cached_execution_times"]

#: The import name the staleness check looks for in a page's code cells.
PACKAGE_NAME = "gdflow"

_SKIP_PARTS = {"__pycache__"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


def package_dir(name: str = PACKAGE_NAME) -> Path:
    """The folder of the package ``import gdflow`` finds here (without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"package {name!r} is not importable here; install the project "
                         "(pip install -e .) or put code/ on the path")
    return Path(next(iter(spec.submodule_search_locations))).resolve()


def package_fingerprint(root=None) -> str:
    """SHA-256 over the relative path and bytes of every file of a package folder.

    Compiled caches (``__pycache__``, ``*.pyc``) are left out, so importing the
    package does not change its fingerprint; any edit to a source file does.

    Parameters
    ----------
    root : path-like, optional
        The package folder; by default the installed ``gdflow`` (:func:`package_dir`).

    Returns
    -------
    str
        64 hexadecimal digits.

    Examples
    --------
    >>> len(package_fingerprint())
    64
    >>> package_fingerprint() == package_fingerprint()
    True
    """
    root = package_dir() if root is None else Path(root)
    if not root.is_dir():
        raise ValueError(f"package folder {str(root)!r} does not exist or is not a folder")
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if not path.is_file() or _SKIP_PARTS.intersection(rel.parts) or path.suffix in _SKIP_SUFFIXES:
            continue
        data = path.read_bytes()
        digest.update(rel.as_posix().encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


#: Distributions whose version changes what the pages compute or draw.
RUNTIME_PACKAGES = ("numpy", "scipy", "matplotlib")


def execution_key(root=None) -> str:
    """What cached outputs depend on besides the pages' code: the package's files
    (:func:`package_fingerprint`), the Python version and the versions of
    :data:`RUNTIME_PACKAGES`, hashed together.

    Examples
    --------
    >>> execution_key() == execution_key() != package_fingerprint()
    True
    """
    import platform
    from importlib import metadata

    parts = [package_fingerprint(root), f"python {platform.python_version()} {platform.python_implementation()}"]
    for name in RUNTIME_PACKAGES:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} absent")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def mentions_package(notebook, name: str = PACKAGE_NAME) -> bool:
    """Whether any code cell of a notebook (an nbformat node or a dict) names the package.

    A word match: ``import gdflow`` and ``from gdflow.problems import ...`` count,
    ``gdflowers`` does not.

    Examples
    --------
    >>> nb = {"cells": [{"cell_type": "code", "source": "from gdflow import plotting"}]}
    >>> mentions_package(nb)
    True
    >>> mentions_package({"cells": [{"cell_type": "markdown", "source": "gdflow"}]})
    False
    """
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        if isinstance(source, list):
            source = "".join(source)
        if pattern.search(source):
            return True
    return False


@dataclass
class PageWeight:
    """One HTML page, the local images it shows and the data only it loads, in bytes."""

    page: str
    html_bytes: int
    images: dict = field(default_factory=dict)
    #: Scripts of this page alone (its hover previews), by path.
    data: dict = field(default_factory=dict)
    #: Of ``images``, those shown only on narrow screens, and only on wide ones (a figure's
    #: two drawings, bookbuild.sphinxext.figures): a reader's browser fetches one set.
    narrow_only: frozenset = frozenset()
    wide_only: frozenset = frozenset()

    @property
    def total_bytes(self) -> int:
        """HTML, its own data and the images of the heavier of the two screens."""
        shared = sum(size for name, size in self.images.items()
                     if name not in self.narrow_only and name not in self.wide_only)
        either = max(sum(self.images[name] for name in self.narrow_only),
                     sum(self.images[name] for name in self.wide_only))
        return self.html_bytes + shared + either + sum(self.data.values())


#: Scripts of the site; those of one page alone (sphinx-tippy's preview data, written as
#: ``_static/tippy/<page>.<stamp>.js``) count towards its weight, shared ones do not.
_SCRIPT = re.compile(r"""<script\b[^>]*?\bsrc=["']([^"']+)["']""", re.IGNORECASE)

_REF = re.compile(r"""<(?:img|object|embed|source|image)\b[^>]*?\b(?:src|data|href|srcset)=["']([^"']+)["']""",
                  re.IGNORECASE)


def _drawings(text: str) -> dict[str, set[str]]:
    """The file names of the images of ``text`` by the drawing class they carry
    (:data:`NARROW_CLASS` or :data:`WIDE_CLASS`), in one pass over its ``<img>`` tags."""
    found = {NARROW_CLASS: set(), WIDE_CLASS: set()}
    for tag in re.findall(r"<img\b[^>]*>", text, re.IGNORECASE):
        kind = re.search(rf'class="[^"]*\b({NARROW_CLASS}|{WIDE_CLASS})\b', tag)
        src = re.search(r'src="([^"]+)"', tag)
        if kind and src:
            found[kind[1]].add(unquote(urlsplit(src[1]).path).rsplit("/", 1)[-1])
    return found


def page_weights(site) -> list[PageWeight]:
    """Weigh every ``*.html`` page of a built site with the images it references.

    Images are the files an ``<img>``, ``<object>``, ``<embed>``, ``<source>``
    or SVG ``<image>`` tag points to inside the site; shared theme files
    (stylesheets, scripts, fonts) are not counted, since a reader's browser
    fetches them once for the whole site.

    Parameters
    ----------
    site : path-like
        The HTML output folder (``_build/html``).

    Returns
    -------
    list of PageWeight
        Heaviest first.
    """
    site = Path(site)
    if not site.is_dir():
        raise ValueError(f"site folder {str(site)!r} does not exist")
    weights = []
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        images, data = {}, {}
        own_data = "_static/tippy/" + page.relative_to(site).with_suffix("").as_posix() + "."
        for found, pattern in ((images, _REF), (data, _SCRIPT)):
            for ref in pattern.findall(text):
                url = urlsplit(ref.split()[0])
                if url.scheme or url.netloc or not url.path:
                    continue
                target = (page.parent / unquote(url.path)).resolve()
                if target.is_file() and site.resolve() in target.parents:
                    name = target.relative_to(site.resolve()).as_posix()
                    if found is images or name.startswith(own_data):
                        found[name] = target.stat().st_size
        drawings = _drawings(text)
        narrow, wide = (frozenset(name for name in images if name.rsplit("/", 1)[-1] in drawings[kind])
                        for kind in (NARROW_CLASS, WIDE_CLASS))
        weights.append(PageWeight(page.relative_to(site).as_posix(), page.stat().st_size, images, data,
                                  narrow, wide))
    weights.sort(key=lambda w: (-w.total_bytes, w.page))
    return weights


def cached_execution_times(cache_path) -> dict[str, float]:
    """Execution time in seconds of every notebook in a jupyter-cache folder, by source path.

    Parameters
    ----------
    cache_path : path-like
        The cache folder (``_build/.jupyter_cache``).

    Returns
    -------
    dict
        ``{source path: seconds}``, slowest first; empty when there is no cache.
    """
    cache_path = Path(cache_path)
    if not (cache_path / "global.db").is_file():
        return {}
    from jupyter_cache import get_cache

    cache = get_cache(str(cache_path))
    times = {}
    for record in cache.list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            times[record.uri] = float(seconds)
    return dict(sorted(times.items(), key=lambda kv: -kv[1]))
