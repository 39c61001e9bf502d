"""Animation players for the website: matplotlib's JavaScript player made offline and
reproducible, with a still image for outputs that cannot show it.

These run in the page's kernel and shape what the page outputs (also offered as
``gdflow.plotting.AnimationWithFallback`` and so on, which is how the pages call them).
"""

from __future__ import annotations

import re

from ._validation import count, positive_number

__all__ = ["offline_player", "stable_player_ids", "AnimationWithFallback"]


#: Text labels for the buttons of matplotlib's JavaScript player, replacing its
#: icon-font glyphs (which it would load from an outside server).
_PLAYER_BUTTONS = {
    "fa fa-minus": "&minus;", "fa fa-fast-backward": "&laquo;", "fa fa-step-backward": "&lsaquo;",
    "fa fa-play fa-flip-horizontal": "&#9664;", "fa fa-pause": "||", "fa fa-play": "&#9654;",
    "fa fa-step-forward": "&rsaquo;", "fa fa-fast-forward": "&raquo;", "fa fa-plus": "+",
}


def offline_player(html: str) -> str:
    """matplotlib's ``to_jshtml`` player without its link to an outside icon font.

    The stylesheet link is dropped and each button's icon becomes a short text
    label, so the page makes no outside request and the buttons stay readable.
    The buttons keep their ``aria-label`` for screen readers, and the frame slider gets
    one. The player's random
    id becomes one derived from its content (:func:`stable_player_ids`).
    """
    import re

    html = re.sub(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">\s*', "", html)

    def label(match):
        key = match.group(1)
        if key not in _PLAYER_BUTTONS:
            raise ValueError(f"unknown player button icon {key!r}")
        return f'<span class="gdflow-player-button">{_PLAYER_BUTTONS[key]}</span>'

    html = re.sub(r'<i class="(fa [^"]*)"></i>', label, html)
    # The frame slider gets a name (matplotlib's has none, so screen readers announce
    # an unnamed slider).
    html = re.sub(r'(<input id="_anim_slider[0-9a-f]+" type="range")', r'\1 aria-label="Animation frame"', html)
    return stable_player_ids(html)


#: A frame embedded in matplotlib's JavaScript player: the data URL's prefix and its base64.
_FRAME = re.compile(r'(data:image/png;base64,)([A-Za-z0-9+/=\\\n]+)')  # lines end in a backslash


def _palette_png(encoded: str, colors: int) -> str:
    """A base64 PNG re-encoded with at most ``colors`` colours (deterministic: median cut)."""
    import base64
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(encoded.replace("\\\n", "")))).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")


class AnimationWithFallback:
    """An HTML animation player that also carries a still PNG.

    Jupyter asks an object for every representation it has; the website picks
    the HTML (a JavaScript player that needs no running kernel), while a PDF or
    any other output without HTML picks the PNG. Build it with :meth:`from_animation`.

    Parameters
    ----------
    html : str
        The player, e.g. from ``FuncAnimation.to_jshtml()``.
    png : bytes
        The still image, a PNG file's bytes.
    text : str
        Plain-text description (shown where neither can be).
    """

    def __init__(self, html: str, png: bytes, text: str = "animation"):
        if not isinstance(html, str) or not html.strip():
            raise ValueError("html must be a non-empty string")
        if not isinstance(png, (bytes, bytearray)) or not bytes(png).startswith(b"\x89PNG"):
            raise ValueError("png must be the bytes of a PNG file")
        self.html, self.png, self.text = html, bytes(png), str(text)

    @classmethod
    def from_animation(cls, animation, still_figure, *, dpi: float = 60, fps: float = 4,
                       text: str = "animation", alt: str | None = None, colors: int | None = 64):
        """Render ``animation`` to a JavaScript player and ``still_figure`` to a PNG.

        Frames are PNG images at ``dpi`` dots per inch, reduced to a palette of ``colors``
        colours (None: full colour): a line drawing needs few, and the frames shrink about
        threefold. The still is saved at the book's ``savefig.dpi``. ``alt`` (default:
        ``text``) becomes the alternative text of the player's image.
        """
        import html as html_lib
        import io

        import matplotlib as mpl

        dpi = positive_number(dpi, "dpi")
        fps = positive_number(fps, "fps")
        # savefig hands a figure without a layout engine back the rcParams default one
        # afterwards; switching that default off keeps every frame's fixed margins.
        no_layout = {"figure.constrained_layout.use": False, "figure.autolayout": False}
        with mpl.rc_context({"savefig.dpi": dpi, "animation.frame_format": "png", **no_layout}):
            html = animation.to_jshtml(fps=fps, embed_frames=True, default_mode="once")
        if colors is not None:
            html = _FRAME.sub(lambda m: m.group(1) + _palette_png(m.group(2), count(colors, "colors", minimum=2)),
                              html)
        alt_attr = html_lib.escape(text if alt is None else alt, quote=True)
        html = offline_player(html).replace("<img id=", f'<img alt="{alt_attr}" id=', 1)
        buf = io.BytesIO()
        with mpl.rc_context(no_layout):
            still_figure.savefig(buf, format="png")
        return cls(html, buf.getvalue(), text)

    def _repr_html_(self):
        return self.html

    def _repr_png_(self):
        return self.png

    def __repr__(self):
        return self.text


def stable_player_ids(html: str) -> str:
    """Replace the random id of matplotlib's JavaScript player by one derived from its content.

    ``to_jshtml`` names the player's elements and functions after a fresh
    ``uuid4``, so two builds of the same page would differ. The id becomes the
    first 32 hexadecimal digits of the SHA-256 of the player with the id
    removed: the same frames give the same page. Text without a player is
    returned unchanged.

    Examples
    --------
    >>> a = '<img id="_anim_img0123456789abcdef0123456789abcdef"> anim0123456789abcdef0123456789abcdef'
    >>> b = a.replace("0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210")
    >>> stable_player_ids(a) == stable_player_ids(b)
    True
    >>> "0123456789abcdef" in stable_player_ids(a)
    False
    """
    import hashlib
    import re

    found = re.search(r"_anim_img([0-9a-f]{32})", html)
    if found is None:
        return html
    old = found.group(1)
    new = hashlib.sha256(html.replace(old, "").encode("utf-8")).hexdigest()[:32]
    return html.replace(old, new)
