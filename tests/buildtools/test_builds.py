"""Tests of bookbuild.builds: package fingerprint, page weights, cached execution times."""

from __future__ import annotations

import pytest

from bookbuild import builds


def test_fingerprint_of_installed_package_is_stable():
    assert builds.package_fingerprint() == builds.package_fingerprint()
    assert builds.package_dir().name == "gdflow"


def test_fingerprint_changes_with_any_source_edit_but_not_bytecode(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("X = 1\n")
    first = builds.package_fingerprint(pkg)
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0compiled")
    assert builds.package_fingerprint(pkg) == first
    (pkg / "a.py").write_text("X = 1\n# a comment\n")
    second = builds.package_fingerprint(pkg)
    assert second != first
    (pkg / "a.py").write_text("X = 1\n")
    (pkg / "b.py").write_text("")
    assert builds.package_fingerprint(pkg) not in (first, second)  # a new, empty file counts


def test_fingerprint_distinguishes_moved_content(tmp_path):
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "a.py").write_text("X = 1\n")
    first = builds.package_fingerprint(pkg)
    (pkg / "a.py").rename(pkg / "c.py")
    assert builds.package_fingerprint(pkg) != first


def test_fingerprint_rejects_missing_folder(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        builds.package_fingerprint(tmp_path / "nowhere")


def test_mentions_package_reads_code_cells_only():
    nb = {"cells": [{"cell_type": "markdown", "source": "uses gdflow"},
                    {"cell_type": "code", "source": ["import numpy as np\n", "import gdflow.problems\n"]}]}
    assert builds.mentions_package(nb)
    assert not builds.mentions_package({"cells": [{"cell_type": "code", "source": "gdflower = 1"}]})
    assert not builds.mentions_package({"cells": [{"cell_type": "markdown", "source": "gdflow"}]})


def test_page_weights_counts_each_local_image_once(tmp_path):
    site = tmp_path / "html"
    (site / "_images").mkdir(parents=True)
    (site / "book").mkdir()
    (site / "_images" / "a.svg").write_bytes(b"x" * 1000)
    (site / "_images" / "b.png").write_bytes(b"y" * 500)
    (site / "_static").mkdir()
    (site / "_static" / "theme.css").write_bytes(b"z" * 10_000)
    page = site / "book" / "chapter.html"
    page.write_text('<link href="../_static/theme.css"><img src="../_images/a.svg" alt="">'
                    '<img alt="" src="../_images/a.svg"><object data="../_images/b.png"></object>'
                    '<img src="https://example.org/remote.png"><img src="../_images/missing.svg">')
    (site / "index.html").write_text("<p>no images</p>")
    weights = builds.page_weights(site)
    assert [w.page for w in weights] == ["book/chapter.html", "index.html"]
    heavy = weights[0]
    assert heavy.images == {"_images/a.svg": 1000, "_images/b.png": 500}
    assert heavy.total_bytes == page.stat().st_size + 1500


def test_page_weights_count_one_drawing_of_each_figure_the_heavier_screen(tmp_path):
    """A figure's two drawings (designed, and for narrow screens): a browser fetches one set."""
    site = tmp_path / "html"
    (site / "_images").mkdir(parents=True)
    for name, size in (("w1.svg", 300), ("n1.svg", 100), ("w2.svg", 300), ("n2.svg", 600), ("plain.png", 50)):
        (site / "_images" / name).write_bytes(b"x" * size)
    page = site / "chapter.html"
    page.write_text('<img loading="lazy" alt="" class="bookbuild-figure-wide" src="_images/w1.svg" />'
                    '<img loading="lazy" alt="" class="bookbuild-figure-narrow" src="_images/n1.svg" />'
                    '<img loading="lazy" alt="" class="align-center bookbuild-figure-wide" src="_images/w2.svg" />'
                    '<img loading="lazy" alt="" class="bookbuild-figure-narrow" src="_images/n2.svg" />'
                    '<img alt="" src="_images/plain.png" />')
    [weight] = builds.page_weights(site)
    assert weight.narrow_only == {"_images/n1.svg", "_images/n2.svg"}
    assert weight.wide_only == {"_images/w1.svg", "_images/w2.svg"}
    assert weight.total_bytes == page.stat().st_size + 50 + max(300 + 300, 100 + 600)


def test_page_weights_count_a_pages_own_preview_data_but_not_shared_scripts(tmp_path):
    site = tmp_path / "html"
    (site / "_static" / "tippy" / "book").mkdir(parents=True)
    (site / "_static" / "tippy" / "tippy-bundle.umd.min.js").write_bytes(b"t" * 9000)  # shared
    (site / "_static" / "tippy" / "book" / "chapter.0123.js").write_bytes(b"d" * 700)   # this page's
    (site / "book").mkdir()
    page = site / "book" / "chapter.html"
    page.write_text('<script defer="defer" src="../_static/tippy/tippy-bundle.umd.min.js"></script>'
                    '<script defer="defer" src="../_static/tippy/book/chapter.0123.js"></script>')
    [weight] = builds.page_weights(site)
    assert weight.data == {"_static/tippy/book/chapter.0123.js": 700}
    assert weight.total_bytes == page.stat().st_size + 700


def test_page_weights_rejects_missing_site(tmp_path):
    with pytest.raises(ValueError, match="site folder"):
        builds.page_weights(tmp_path / "nothing")


def test_cached_execution_times_without_cache_is_empty(tmp_path):
    assert builds.cached_execution_times(tmp_path) == {}


def test_execution_key_covers_the_runtime_versions(monkeypatch):
    from importlib import metadata

    key = builds.execution_key()
    real = metadata.version
    monkeypatch.setattr(metadata, "version", lambda name: "0.0.1" if name == "numpy" else real(name))
    assert builds.execution_key() != key  # another numpy: cached outputs are not reused
    monkeypatch.setattr("platform.python_version", lambda: "3.99.0")
    assert builds.execution_key() != key
