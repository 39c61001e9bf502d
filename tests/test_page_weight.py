"""Page weight budget: no page of the website is heavier than 1 MB with the images it shows."""

from __future__ import annotations

import pytest

from bookbuild.builds import page_weights

pytestmark = pytest.mark.book

#: A reader on a slow connection should get any page, figures included, in a few seconds.
BUDGET_BYTES = 1_000_000


def test_no_page_is_heavier_than_the_budget(site):
    weights = page_weights(site)
    assert weights, "the site has no pages"
    too_heavy = [(w.page, w.total_bytes, sorted(w.images.items(), key=lambda kv: -kv[1])[:3])
                 for w in weights if w.total_bytes > BUDGET_BYTES]
    assert not too_heavy, f"pages over {BUDGET_BYTES} bytes (with their largest images): {too_heavy}"


def test_weights_count_the_figures(site):
    """The measure sees the figures: every image file of the site is shown by some page."""
    shown = {name for w in page_weights(site) for name in w.images}
    images = {p.relative_to(site).as_posix() for p in (site / "_images").glob("*")} if (site / "_images").is_dir() else set()
    assert images <= shown
