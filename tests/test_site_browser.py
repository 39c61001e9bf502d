"""The built website in a real browser (Debian's chromium driven by Playwright).

Every HTML page of the site is loaded from a local HTTP server and checked: no console
error, no request to any other host, every formula typeset, statement and proof boxes
visible, every image loaded, every internal link and anchor resolving, and no
accessibility violation that axe-core (installed from npm by ``make setup``, injected
into the page, never fetched by it) rates critical or serious, in the light and the dark
theme. The search page is checked too. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PDF_NAME = "book.pdf"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core findings that fail a page: every critical or serious one, and two lesser rules
#: the book keeps at zero too (content outside landmarks; table headers without text).
AXE_IMPACTS = {"critical", "serious"}
AXE_ALSO = {"region", "empty-table-header"}


# --- serving the site ---------------------------------------------------------------------

class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def server(site):
    """Base URL of the built site, served over HTTP on 127.0.0.1 from a thread."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser(system_tool):
    system_tool("chromium", "for the browser tests (Debian package chromium)", path=CHROMIUM)
    try:
        from playwright import sync_api
    except ImportError:
        message = "playwright (pinned in requirements.txt) is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so this must not be skipped: {message}")
        pytest.skip(message)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_source():
    """The text of axe-core's script (pinned in package.json, installed by ``npm ci``)."""
    if not AXE.is_file():
        message = f"axe-core is not installed ({AXE.relative_to(ROOT)} missing: run `make setup`)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so this must not be skipped: {message}")
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


AXE_JS = r"""async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                      first: v.nodes[0].target.join(' ')}));
}"""


def axe_failures(page, source: str) -> list[dict]:
    """axe-core's findings on the loaded ``page`` that fail it (see :data:`AXE_IMPACTS`)."""
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(content=source)
    return [v for v in page.evaluate(AXE_JS) if v["impact"] in AXE_IMPACTS or v["id"] in AXE_ALSO]


class Visit:
    """One page load with everything the browser complained about or tried to fetch."""

    def __init__(self, browser, base: str, *, dark: bool = False):
        self.base = base
        self.host = urlsplit(base).netloc
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900},
                                           color_scheme="dark" if dark else "light")
        if dark:
            self.context.add_init_script("localStorage.setItem('theme', 'dark');"
                                         "localStorage.setItem('mode', 'dark');")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == self.host:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def open(self, path: str, redirect: str | None = None):
        """Load ``path``; ``redirect`` is where its ``<meta http-equiv=refresh>`` leads."""
        url = urljoin(self.base, path)
        self.page.goto(url, wait_until="load")
        if redirect:
            self.page.wait_for_url(urljoin(url, redirect), wait_until="load")
        wait_for_mathjax(self.page)
        return self.page

    def close(self):
        self.context.close()


def wait_for_mathjax(page):
    """Wait until MathJax (on pages that load it) has typeset everything."""
    if page.evaluate("() => !!document.querySelector('script[src*=\"mathjax\"]')"):
        page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                               timeout=30_000)
        page.evaluate("() => MathJax.startup.promise")


# --- the pages and what they link to ---------------------------------------------------------

def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as paths relative to its root (no hand-kept list)."""
    skip = {"_static", "_sources", "_images", "_sphinx_design_static"}
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not skip & set(p.relative_to(site).parts))


class Anchors(HTMLParser):
    """Collects element ids and link targets of one HTML file."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@functools.lru_cache(maxsize=None)
def parse(path: Path) -> Anchors:
    parser = Anchors()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def broken_links(site: Path, page: str) -> list[str]:
    """Internal links of ``page`` whose file or anchor does not exist in the built site."""
    broken = []
    source = site / page
    for href in parse(source).links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
            continue
        target = (source.parent / unquote(parts.path)).resolve() if parts.path else source
        if target.is_dir():
            target = target / "index.html"
        if target.name == PDF_NAME and not target.exists():
            continue  # made by `make pdf`; tests/test_pdf.py checks the link with the PDF built
        if not target.exists():
            broken.append(href)
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in parse(target).ids:
            broken.append(href)
    return broken


def meta_refresh(path: Path) -> str | None:
    """The target of a page that only redirects (``<meta http-equiv="Refresh" ...url=...>``)."""
    match = re.search(r'<meta http-equiv="refresh" content="\d+;\s*url=([^"]+)"',
                      path.read_text(encoding="utf-8"), re.I)
    return match[1] if match else None


RAW_MATH_JS = r"""() => {
  const root = document.querySelector('main') || document.body;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const skip = 'SCRIPT,STYLE,PRE,CODE,TEXTAREA,MJX-CONTAINER,MJX-ASSISTIVE-MML,KBD,SAMP';
  const bad = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest(skip)) continue;
    const t = n.textContent;
    if (/\\\(|\\\)|\\\[|\\\]|\$\$/.test(t)) bad.push(t.trim().slice(0, 80));
  }
  // An undefined macro (a typo such as \lnq) is not an error for MathJax: it prints the
  // macro's name in red. Read the name back from the glyph classes (mjx-c5C is '\\').
  const undefinedMacros = [...document.querySelectorAll('mjx-mtext')]
    .filter(e => (e.getAttribute('style') || '').includes('red') && e.querySelector('mjx-c.mjx-c5C'))
    .map(e => [...e.querySelectorAll('mjx-c')]
      .map(c => String.fromCodePoint(parseInt((c.className.match(/mjx-c([0-9A-F]+)/) || [0, '3F'])[1], 16)))
      .join(''));
  return {bad, errors: document.querySelectorAll('mjx-merror').length + undefinedMacros.length,
          undefined: undefinedMacros, typeset: document.querySelectorAll('mjx-container').length};
}"""

BOXES_JS = r"""() => {
  const visible = e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const boxes = [...document.querySelectorAll('div.proof.admonition')];
  const proofs = boxes.filter(e => e.classList.length === 2);
  const statements = boxes.filter(e => e.classList.length > 2);
  return {statements: statements.length, proofs: proofs.length,
          hidden: boxes.filter(e => !visible(e)).map(e => e.id),
          untitled: statements.filter(e => !((e.querySelector('.admonition-title') || {}).textContent || '').trim())
                              .map(e => e.id)};
}"""

IMAGES_JS = r"""async () => {
  const imgs = [...document.querySelectorAll('img')];
  for (const img of imgs) { img.loading = 'eager'; }
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.getAttribute('src'));
}"""

# For each content image: is what the reader sees behind the figure opaque and light?
# Samples the image's own pixels (corners and edges, where a plot's background is)
# and falls back to the element's computed background colour for transparent pixels.
DARK_IMAGES_JS = r"""async () => {
  const out = [];
  const imgs = [...document.querySelectorAll('main img')].filter(i => i.getAttribute('src').includes('_images/'));
  for (const img of imgs) {
    img.loading = 'eager';
    await img.decode().catch(() => null);
    const w = img.naturalWidth, h = img.naturalHeight;
    const c = document.createElement('canvas'); c.width = w; c.height = h;
    const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0, w, h);
    const pts = [[1,1],[w-2,1],[1,h-2],[w-2,h-2],[Math.floor(w/2),1],[1,Math.floor(h/2)]];
    const px = pts.map(([x,y]) => [...ctx.getImageData(x, y, 1, 1).data]);
    const bg = getComputedStyle(img).backgroundColor;
    out.push({src: img.getAttribute('src'), px, bg, filter: getComputedStyle(img).filter});
  }
  return out;
}"""


def parse_rgba(css: str) -> tuple[float, float, float, float]:
    nums = [float(x) for x in re.findall(r"[\d.]+", css)]
    return (*nums[:3], nums[3] if len(nums) > 3 else 1.0) if len(nums) >= 3 else (0, 0, 0, 0)


def luminance(r: float, g: float, b: float) -> float:
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


# --- tests ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def report(site, server, browser, axe_source):
    """Visit every page once in the light theme and collect what each check needs."""
    results = {}
    visit = Visit(browser, server)
    try:
        for path in site_pages(site):
            page = visit.open(path, redirect=meta_refresh(site / path))
            results[path] = {
                "errors": list(visit.errors), "foreign": list(visit.foreign),
                "math": page.evaluate(RAW_MATH_JS), "boxes": page.evaluate(BOXES_JS),
                "images": page.evaluate(IMAGES_JS), "axe": axe_failures(page, axe_source),
                "weight": page.evaluate("() => document.querySelectorAll("
                                        "'mjx-container, div.admonition, main img').length"),
            }
            visit.errors.clear()
            visit.foreign.clear()
    finally:
        visit.close()
    return results


def test_every_page_was_visited(site, report):
    pages = site_pages(site)
    assert len(report) == len(pages) >= 3
    assert any(p.startswith("book/") for p in pages)


def test_no_console_errors(report):
    failing = {p: r["errors"] for p, r in report.items() if r["errors"]}
    assert not failing, failing


def test_no_request_leaves_the_local_server(report):
    failing = {p: r["foreign"] for p, r in report.items() if r["foreign"]}
    assert not failing, failing


def test_no_accessibility_violation_in_the_light_theme(report):
    failing = {p: r["axe"] for p, r in report.items() if r["axe"]}
    assert not failing, failing


def test_no_accessibility_violation_in_the_dark_theme(site, browser, server, axe_source):
    visit = Visit(browser, server, dark=True)
    failing = {}
    try:
        for path in site_pages(site):
            page = visit.open(path, redirect=meta_refresh(site / path))
            assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
            found = axe_failures(page, axe_source)
            if found:
                failing[path] = found
    finally:
        visit.close()
    assert not failing, failing


def test_the_accessibility_check_fails_on_known_violations(browser, axe_source):
    # An unnamed slider (critical), grey text on white (serious), text outside any landmark
    # (region) and an empty table header: each must be reported.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_content('<html lang="en"><head><title>t</title></head><body><main><h1>t</h1>'
                         '<input type="range"><p style="color:#bbb">faint</p>'
                         '<table><tr><th></th><th>a</th></tr><tr><td>1</td><td>2</td></tr></table>'
                         '</main><p>outside</p></body></html>')
        found = {v["id"] for v in axe_failures(page, axe_source)}
    finally:
        context.close()
    assert {"label", "color-contrast", "region", "empty-table-header"} <= found, found


EQUATIONS_JS = r"""() => {
  const found = [];
  for (const div of document.querySelectorAll('div.math')) {
    const math = div.querySelector('mjx-container');
    if (!math) continue;
    const box = math.getBoundingClientRect(), number = div.querySelector('.eqno');
    const n = number && number.getBoundingClientRect();
    found.push({tex: div.textContent.replace(/\s+/g, ' ').trim().slice(0, 60),
                overflows: math.scrollWidth > math.clientWidth + 1,
                scrolls: ['auto', 'scroll'].includes(getComputedStyle(math).overflowX),
                hitsNumber: !!n && box.right > n.left + 1 && box.left < n.right - 1
                            && box.top < n.bottom && box.bottom > n.top});
  }
  return found;
}"""


def evaluate_on_pages(browser, server, site, width, script, *, marker, style=None) -> dict:
    """Per page whose HTML holds ``marker``, what ``script`` returns at ``width`` px (after
    the extra CSS ``style``, if any); pages where it returns nothing empty are left out."""
    visit = Visit(browser, server)
    visit.page.set_viewport_size({"width": width, "height": 900})
    found = {}
    try:
        for path in site_pages(site):
            if marker not in (site / path).read_text(encoding="utf-8"):
                continue
            page = visit.open(path, redirect=meta_refresh(site / path))
            if style:
                page.add_style_tag(content=style)
            result = page.evaluate(script)
            if result:
                found[path] = result
    finally:
        visit.close()
    return found


def equation_layout(browser, server, site, width, *, style=None) -> dict:
    """Per page, the display equations that overflow or overlap their number at ``width`` px."""
    return evaluate_on_pages(browser, server, site, width, EQUATIONS_JS,
                             marker='class="math notranslate nohighlight"', style=style)


@pytest.mark.parametrize("width", [1400, 1024])
def test_display_equations_fit_on_wide_screens(browser, server, site, width):
    layout = equation_layout(browser, server, site, width)
    assert sum(map(len, layout.values())) > 100, "the book's display equations were not found"
    failing = {p: [e for e in eqs if e["overflows"] or e["hitsNumber"]] for p, eqs in layout.items()}
    failing = {p: eqs for p, eqs in failing.items() if eqs}
    assert not failing, failing


def test_display_equations_on_a_phone_scroll_and_never_cover_their_number(browser, server, site):
    layout = equation_layout(browser, server, site, 390)
    failing = {p: [e for e in eqs if e["hitsNumber"] or (e["overflows"] and not e["scrolls"])]
               for p, eqs in layout.items()}
    failing = {p: eqs for p, eqs in failing.items() if eqs}
    assert not failing, failing


def test_the_equation_check_sees_an_equation_that_does_not_fit(browser, server, site):
    # Squeezing the column makes equations overflow; the check must report them.
    layout = equation_layout(browser, server, site, 1400,
                             style="div.math { width: 120px !important; }")
    assert sum(e["overflows"] for eqs in layout.values() for e in eqs) > 50


TABLES_JS = r"""() => [...document.querySelectorAll('main table')].flatMap(table => {
  const frame = (table.closest('.pst-scrollable-table-container') || table.parentElement).getBoundingClientRect();
  const row = table.rows[0];
  if (!row) return [];
  return [...row.cells].filter(c => c.getBoundingClientRect().right > frame.right + 1)
                       .map(c => c.textContent.trim().slice(0, 40));
})"""


def hidden_table_columns(browser, server, site, width, *, style=None) -> dict:
    """Per page, the table columns that lie beyond the visible width at ``width`` px."""
    return evaluate_on_pages(browser, server, site, width, TABLES_JS, marker="<table", style=style)


def test_every_table_column_is_visible_at_1024_px(browser, server, site):
    hidden = hidden_table_columns(browser, server, site, 1024)
    assert not hidden, hidden


def test_the_table_check_sees_a_column_out_of_view(browser, server, site):
    hidden = hidden_table_columns(browser, server, site, 1024, style="main table { min-width: 3000px; }")
    assert "book/claims-ledger.html" in hidden


# Every figure's two drawings (bookbuild.sphinxext.figures): which one shows, at what scale
# of its own size, and whether it stays inside the window.
FIGURES_JS = r"""async () => {
  const imgs = [...document.querySelectorAll('main img.bookbuild-figure-wide, main img.bookbuild-figure-narrow')];
  for (const img of imgs) { img.loading = 'eager'; }
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => {
    const box = img.getBoundingClientRect();
    return {src: img.getAttribute('src'), narrow: img.classList.contains('bookbuild-figure-narrow'),
            shown: getComputedStyle(img).display !== 'none' && box.width > 0,
            scale: box.width / img.naturalWidth, right: box.right, window: window.innerWidth};
  });
}"""


def figure_drawings(browser, server, site, width, *, style=None) -> dict:
    """Per page with figures, the state of every drawing at ``width`` px (:data:`FIGURES_JS`)."""
    return evaluate_on_pages(browser, server, site, width, FIGURES_JS, marker="bookbuild-figure-wide", style=style)


def illegible_figures(drawings: dict, *, narrow: bool) -> dict:
    """Drawings shown that should not be, hidden that should be, too small or too wide.

    The narrow drawing's text is at least 9 pt (12 px at its own size); shown at 0.75 of its
    size or more, no text is below 9 px.
    """
    failing = {}
    for path, images in drawings.items():
        bad = [i for i in images if i["shown"] != (i["narrow"] == narrow)]
        bad += [i for i in images if i["shown"] and narrow and (i["scale"] < 0.75 or i["right"] > i["window"])]
        if bad:
            failing[path] = bad
    return failing


def test_figures_are_legible_on_a_phone_and_as_designed_on_wide_screens(browser, server, site):
    for width, narrow in ((390, True), (1400, False)):
        drawings = figure_drawings(browser, server, site, width)
        assert sum(map(len, drawings.values())) >= 60, "the figures' two drawings were not found"
        assert not illegible_figures(drawings, narrow=narrow), (width, illegible_figures(drawings, narrow=narrow))


def test_the_figure_check_sees_a_designed_figure_squeezed_onto_a_phone(browser, server, site):
    drawings = figure_drawings(browser, server, site, 390, style=(
        "img.bookbuild-figure-narrow { display: none !important; } "
        "img.bookbuild-figure-wide { display: block !important; }"))
    failing = illegible_figures(drawings, narrow=True)
    assert len(failing) == len(drawings)
    assert all(i["scale"] < 0.75 for images in failing.values() for i in images if i["shown"])


EXPLORER_LINE_JS = r"""(start) => [...document.querySelectorAll('.bookbuild-explorer svg text')]
  .map(t => t.textContent).filter(t => t.startsWith(start))"""


class Explorer:
    """An interactive figure on a loaded page, driven as a reader would."""

    def __init__(self, page, line_start: str, slider_names):
        self.page, self.line_start = page, line_start
        page.wait_for_selector(f".bookbuild-explorer input[name={slider_names[-1]}]")
        self.sliders = {n: page.locator(f".bookbuild-explorer input[name={n}]") for n in slider_names}

    def line(self) -> list[str]:
        """The figure's line of numbers (the one starting with ``line_start``)."""
        return self.page.evaluate(EXPLORER_LINE_JS, self.line_start)

    def svg(self) -> str:
        return self.page.inner_html(".bookbuild-explorer svg")

    def label(self, name: str) -> str:
        return self.sliders[name].locator("xpath=..").inner_text()

    def press(self, name: str, key: str, times: int = 1):
        self.sliders[name].focus()
        for _ in range(times):
            self.page.keyboard.press(key)
        self.page.wait_for_timeout(200)

    def click_end(self, name: str, far: bool = True):
        box = self.sliders[name].bounding_box()
        x = box["x"] + box["width"] - 2 if far else box["x"] + 2
        self.page.mouse.click(x, box["y"] + box["height"] / 2)
        self.page.wait_for_timeout(200)


def test_the_step_size_explorer_follows_its_slider(browser, server, site):
    """Keyboard and mouse move the slider; the line on screen is the package's for that step."""
    from gdflow import explorers

    grid = explorers.bowl_step_size_grid()
    visit = Visit(browser, server)
    try:
        page = visit.open("book/bridge.html")
        figure = Explorer(page, "ηL = ", ["etaL"])
        assert "step size" in figure.label("etaL")  # the slider has its label
        assert figure.line() == [grid.summary(1.0)]
        paths = page.locator(".bookbuild-explorer svg path").count()
        before = figure.svg()
        figure.press("etaL", "ArrowRight")
        assert figure.line() == [grid.summary(1.1)]
        assert figure.svg() != before  # the plot changed
        figure.click_end("etaL")
        assert figure.line() == [grid.summary(2.2)]
        assert page.locator(".bookbuild-explorer svg path").count() >= paths
        assert not visit.errors and not visit.foreign
        assert figure.line() != [grid.summary(2.1)]  # the comparison can fail
    finally:
        visit.close()
    bundle = site / "_static" / "vega-bundle.js"
    assert bundle.is_file()
    pages = [p for p in site_pages(site) if "vega-bundle.js" in (site / p).read_text(encoding="utf-8")]
    # only pages with an explorer load it
    assert pages == ["book/bridge.html", "book/momentum.html", "book/nesterov.html",
                     "book/stochastic-gradient.html"], pages


def test_the_heavy_ball_explorer_follows_both_sliders(browser, server):
    from gdflow import explorers

    grid = explorers.bowl_heavy_ball_grid()
    visit = Visit(browser, server)
    try:
        figure = Explorer(visit.open("book/momentum.html"), "αL = ", ["alphaL", "beta"])
        assert "momentum" in figure.label("beta")
        assert figure.line() == [grid.summary(2.0, 0.3)]
        before = figure.svg()
        figure.press("beta", "ArrowLeft")  # beta 0.3 -> 0.2
        assert figure.line() == [grid.summary(2.0, 0.2)]
        assert figure.svg() != before
        figure.click_end("alphaL")  # alpha L to 3.75
        assert figure.line() == [grid.summary(3.75, 0.2)]
        assert grid.summary(3.75, 0.2).endswith("does not converge")
        assert not visit.errors and not visit.foreign
    finally:
        visit.close()


def test_the_sgd_explorer_follows_its_slider(browser, server):
    from gdflow import explorers

    grid = explorers.book_noise_grid()
    visit = Visit(browser, server)
    try:
        figure = Explorer(visit.open("book/stochastic-gradient.html"), "ηλ = ", ["etaLambda"])
        assert figure.line() == [grid.summary(1.0)]
        before = figure.svg()
        figure.press("etaLambda", "ArrowRight", times=3)
        assert figure.line() == [grid.summary(1.3)]
        assert figure.svg() != before
        figure.click_end("etaLambda", far=False)  # the near end
        assert figure.line() == [grid.summary(0.1)]
        assert not visit.errors and not visit.foreign
    finally:
        visit.close()


def test_the_nesterov_explorer_follows_its_slider(browser, server):
    from gdflow import explorers

    grid = explorers.nesterov_ode_grid()
    visit = Visit(browser, server)
    try:
        figure = Explorer(visit.open("book/nesterov.html"), "s = ", ["halvings"])
        assert figure.line() == [grid.summary(0)]
        figure.press("halvings", "ArrowRight")
        assert figure.line() == [grid.summary(1)]
        figure.click_end("halvings")
        assert figure.line() == [grid.summary(6)]
        assert not visit.errors and not visit.foreign
    finally:
        visit.close()


EXPLORER_PAGES = {"step-size": "book/bridge.html", "heavy-ball": "book/momentum.html",
                  "nesterov-ode": "book/nesterov.html", "sgd-noise": "book/stochastic-gradient.html"}


def explorer_views(visit, widths):
    """(width, name, page) for every explorer page at each width, its figure drawn."""
    for width in widths:
        visit.page.set_viewport_size({"width": width, "height": 900})
        for name, path in EXPLORER_PAGES.items():
            page = visit.open(path)
            page.wait_for_selector(".bookbuild-explorer svg")
            yield width, name, page


def test_explorers_fit_a_phone_and_keep_their_layout_on_a_wide_screen(browser, server):
    """At 390 px the panels stack and narrow, the line of numbers and titles wrap, legends go
    below: nothing needs sideways scrolling (a few pixels of axis padding aside). At 1400 px the
    layout is the one the book designed (panels side by side)."""
    visit = Visit(browser, server)
    try:
        for width, name, page in explorer_views(visit, (390, 1400)):
            box = page.locator(".bookbuild-explorer").first
            scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
            if width == 390:
                assert scroll <= client + 10, (name, scroll, client)
            else:
                assert scroll == client, (name, scroll, client)
                if name in ("step-size", "heavy-ball"):
                    assert client > 600, (name, client)  # two panels side by side
        assert not visit.errors and not visit.foreign
    finally:
        visit.close()


def test_explorers_work_from_the_file_system(browser, site):
    """Opened as a file (_build/html/... in a browser, as the README says), with no server:
    browsers refuse module scripts there, so the Vega bundle must be a classic script."""
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        for path in EXPLORER_PAGES.values():
            page.goto((site / path).as_uri())
            page.wait_for_selector(".bookbuild-explorer svg", timeout=15000)
        assert not errors, errors
    finally:
        page.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_explorer_screenshots(browser, server, dark):
    """Each interactive figure at 1400 px and on a 390 px phone, light and dark, into the
    test artifacts (for a reader's eye; the assertions are in the explorer tests above)."""
    ARTIFACTS.mkdir(exist_ok=True)
    visit = Visit(browser, server, dark=dark)
    try:
        for width, name, page in explorer_views(visit, (1400, 390)):
            figure = page.locator(".bookbuild-explorer")
            figure.scroll_into_view_if_needed()
            target = ARTIFACTS / f"explorer-{name}-{width}px-{'dark' if dark else 'light'}.png"
            figure.screenshot(path=str(target))
            assert target.stat().st_size > 5_000
        assert not visit.errors and not visit.foreign
    finally:
        visit.close()


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_hover_previews_show_statements_equations_and_citations(browser, server, site, dark):
    """Hovering a reference shows its target: the statement with its title, an equation
    typeset, a citation's entry; the library and the previews come from the site itself."""
    from bookbuild.sphinxext.previews import available

    if not available(ROOT):
        message = "Popper and Tippy are not installed (npm ci): the site has no hover previews"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so this must not be skipped: {message}")
        pytest.skip(message)
    visit = Visit(browser, server, dark=dark)
    try:
        page = visit.open("book/stochastic-gradient.html")
        page.wait_for_function("typeof tippy === 'function'")
        for selector, expected in (('a.reference[href="#prop-sgd-stationary"]', "The stationary law on a quadratic"),
                                   ('a.reference[href="#equation-eq-sgd-stationary"]', None),
                                   ('a.reference[href^="references.html#"]', "")):
            link = page.locator(selector).first
            link.scroll_into_view_if_needed()
            page.mouse.move(0, 0)  # and wait for the previous preview to go
            page.wait_for_function("document.querySelectorAll(\".tippy-box[data-state='visible']\").length === 0")
            link.hover()
            box = page.locator(".tippy-box[data-state='visible']").last
            box.wait_for(state="visible", timeout=5000)
            text = box.inner_text()
            if expected is not None:  # "" : a citation, whose entry holds the link's text (its year)
                assert (expected or link.inner_text().strip()) in text, (selector, text)
            if "equation" in selector:
                assert box.locator("mjx-container").count() >= 1, "the equation in the preview is not typeset"
            colours = box.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
            assert colours[0] != colours[1]
        assert not visit.errors and not visit.foreign
    finally:
        visit.close()


def test_every_formula_is_typeset(site, report):
    failing = {p: r["math"] for p, r in report.items() if r["math"]["bad"] or r["math"]["errors"]}
    assert not failing, failing
    # Pages whose source has math show typeset math.
    for path, r in report.items():
        source = (site / path).read_text(encoding="utf-8")
        if 'class="math' in source:
            assert r["math"]["typeset"] > 0, f"{path}: math not typeset"


def test_statement_and_proof_boxes_are_visible(site, report):
    for path, r in report.items():
        source = (site / path).read_text(encoding="utf-8")
        expected_proofs = source.count('<div class="proof admonition"')
        expected_statements = len(re.findall(r'<div class="proof [a-z]+ admonition"', source))
        boxes = r["boxes"]
        assert boxes["proofs"] == expected_proofs, (path, boxes)
        assert boxes["statements"] == expected_statements, (path, boxes)
        assert not boxes["hidden"], (path, boxes)
        assert not boxes["untitled"], (path, boxes)
    assert sum(r["boxes"]["statements"] for r in report.values()) > 0, "no statement boxes anywhere"


def test_every_image_loads(report):
    failing = {p: r["images"] for p, r in report.items() if r["images"]}
    assert not failing, failing


def test_internal_links_and_anchors_resolve(site):
    failing = {p: b for p in site_pages(site) if (b := broken_links(site, p))}
    assert not failing, failing


def test_header_offers_the_pdf_when_the_site_has_it_and_the_page_source(site):
    has_pdf = (site / PDF_NAME).is_file()  # the PDF tests, when they ran first, built it
    for path in site_pages(site):
        if not path.startswith("book/"):
            continue
        source = (site / path).read_text(encoding="utf-8")
        assert ("book-pdf-button" in source) == has_pdf, path
        sources = re.findall(r'href="([^"]*_sources/[^"]+\.(?:md|ipynb))"', source)
        assert sources, f"{path}: the download button offers no page source"
        for href in sources:
            assert ((site / path).parent / href).resolve().is_file(), (path, href)


def search(browser, server, word: str) -> int:
    visit = Visit(browser, server)
    try:
        page = visit.open(f"search.html?q={word}")
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary, p.search-summary');"
            " return s && s.textContent.trim().length > 0; }", timeout=30_000)
        assert not visit.errors and not visit.foreign, (visit.errors, visit.foreign)
        return page.locator("#search-results ul.search li").count()
    finally:
        visit.close()


@pytest.mark.parametrize("width", [1400, 390])
def test_one_search_entry_and_no_empty_header_bar(browser, server, width):
    """No bar above the page that holds only a second search box; one way to search stays in view."""
    visit = Visit(browser, server)
    try:
        visit.page.set_viewport_size({"width": width, "height": 900})
        page = visit.open("book/gradient-descent.html")
        assert not page.locator("#pst-header").is_visible()
        entries = [e for e in page.locator(".search-button-field, .search-button").all() if e.is_visible()]
        assert len(entries) == 1, f"{len(entries)} visible search entries at {width} px"
    finally:
        visit.close()


def test_search_finds_words_of_the_book(browser, server):
    assert search(browser, server, "smoothness") > 0
    assert search(browser, server, "zqxjkvw") == 0


def test_search_finds_lyapunov(browser, server):
    if not any("Lyapunov" in p.read_text(encoding="utf-8") for p in (ROOT / "book").glob("*.md")):
        pytest.skip("no page of the book mentions Lyapunov yet")
    assert search(browser, server, "Lyapunov") > 0


def test_figures_stay_readable_in_dark_mode(site, browser, server):
    visit = Visit(browser, server, dark=True)
    checked = 0
    try:
        for path in site_pages(site):
            if "_images/" not in (site / path).read_text(encoding="utf-8"):
                continue
            page = visit.open(path)
            assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
            for img in page.evaluate(DARK_IMAGES_JS):
                bg = parse_rgba(img["bg"])
                for r, g, b, a in img["px"]:
                    if a < 255:  # transparent pixel: the element's background shows through
                        assert bg[3] == 1 and luminance(*bg[:3]) > 0.8, (path, img)
                    else:
                        assert luminance(r, g, b) > 0.8, (path, img)
                checked += 1
    finally:
        visit.close()
    if not checked:
        pytest.skip("the site has no figures yet")


def test_screenshots(site, browser, server, report):
    ARTIFACTS.mkdir(exist_ok=True)
    densest = max((p for p in report if p.startswith("book/") and not p.endswith("index.html")),
                  key=lambda p: report[p]["weight"])
    visit = Visit(browser, server)
    try:
        for path, name in (("book/index.html", "landing"), (densest, "densest-" + Path(densest).stem)):
            visit.open(path).screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    finally:
        visit.close()
    dark = Visit(browser, server, dark=True)
    try:
        page = dark.open(densest)
        figures = page.locator("main img[src*='_images/']")
        if figures.count():
            figures.first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"densest-{Path(densest).stem}-dark.png"))
    finally:
        dark.close()
