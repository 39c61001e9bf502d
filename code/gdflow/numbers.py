"""How the book prints a number: one formatter for every number glued into the prose.

A number in the text is typeset as math, so that a minus is a true minus and a power
of ten reads ``3.9 × 10⁻⁶`` on the website and in the PDF, and never breaks across
lines. The page chooses how many digits a number deserves; this module makes every
choice look the same and never shows the noise of binary floating point
(``0.999999999999999``, ``1.1000000000``).

The format specification is a subset of Python's, read with the book's meaning:

============  ==============================================================
``""``        integers in full; other numbers as ``".4g"``
``".Ng"``     ``N`` significant digits, trailing zeros dropped; a power of ten
              when the exponent is below -3 or at least ``N``
``".Ne"``     always a power of ten, ``N`` decimals in the mantissa (kept)
``".Nf"``     ``N`` decimals (kept: the page says they are significant)
``"d"``       an integer (the value must be one, up to rounding)
``"%"``       a percentage, as ``".Ng"`` of 100 times the value (``".N%"``)
============  ==============================================================

Integers of five digits or more are grouped in thousands with a thin space.

This module imports nothing beyond the standard library, so the book's Sphinx
extension can use it without loading numpy.

Examples
--------
>>> format_number(-0.00389, ".2e")
'-3.89 \\\\times 10^{-3}'
>>> format_number(0.999999999999999, ".4g")
'1'
>>> format_number(1e-6, ".1g")
'10^{-6}'
>>> format_number(123456)
'123\\\\,456'
"""

from __future__ import annotations

import math
import re

__all__ = ["format_number", "format_text", "NumberFormatError"]

_SPEC = re.compile(r"^(?:\.(?P<digits>\d+))?(?P<kind>[gefd%]?)$")

#: The default: enough digits to identify a measured value, none of its noise.
DEFAULT_SIGNIFICANT = 4


class NumberFormatError(ValueError):
    """A number cannot be printed as asked (not finite, or a bad specification)."""


def _parse(spec: str) -> tuple[str, int | None]:
    match = _SPEC.match(spec.strip())
    if match is None:
        raise NumberFormatError(
            f"unknown number format {spec!r}: use '', '.Ng', '.Ne', '.Nf', 'd' or '.N%'")
    digits = match.group("digits")
    return match.group("kind"), (int(digits) if digits is not None else None)


def _group(integer_digits: str) -> str:
    if len(integer_digits) < 5:
        return integer_digits
    head = len(integer_digits) % 3 or 3
    groups = [integer_digits[:head]] + [integer_digits[i:i + 3]
                                        for i in range(head, len(integer_digits), 3)]
    return r"\,".join(groups)


def _plain(text: str) -> str:
    """Group the integer part of a positional number written by Python."""
    integer, dot, fraction = text.partition(".")
    return _group(integer) + dot + fraction


def _power(mantissa: str, exponent: int) -> str:
    if exponent == 0:
        return mantissa
    if mantissa == "1":
        return f"10^{{{exponent}}}"
    return f"{mantissa} \\times 10^{{{exponent}}}"


def _significant(value: float, digits: int, *, keep_zeros: bool = False) -> str:
    """``value`` to ``digits`` significant digits, positional or with a power of ten."""
    digits = max(digits, 1)
    if value == 0:
        return "0"
    mantissa, _, exponent = f"{value:.{digits - 1}e}".partition("e")
    exponent = int(exponent)
    if -4 <= exponent < digits:
        decimals = max(digits - 1 - exponent, 0)
        text = f"{value:.{decimals}f}"
        if not keep_zeros and "." in text:
            text = text.rstrip("0").rstrip(".")
        return _plain(text)
    if not keep_zeros and "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    return _power(mantissa, exponent)


def format_number(value, spec: str = "") -> str:
    """The LaTeX (math mode, without delimiters) of ``value`` printed as ``spec`` asks.

    Parameters
    ----------
    value : int or float
        The number. Strings holding a Python number (a glued ``text/plain``) are read.
    spec : str
        See the module's table: ``""``, ``".Ng"``, ``".Ne"``, ``".Nf"``, ``"d"``,
        ``".N%"``.

    Returns
    -------
    str
        Math-mode LaTeX, for example ``"3.9 \\times 10^{-6}"``; a negative number starts
        with ``-``, which math typesets as a true minus.

    Raises
    ------
    NumberFormatError
        If the value is not a finite number, ``"d"`` is asked of a non-integer, or the
        specification is not one of the above.

    Examples
    --------
    >>> format_number(0.12345, ".3g")
    '0.123'
    >>> format_number(2.0, ".3f")
    '2.000'
    >>> format_number(0.25, ".0%")
    '25\\\\%'
    """
    number = _as_number(value)
    kind, digits = _parse(spec)
    if isinstance(number, float) and not math.isfinite(number):
        if math.isinf(number) and kind != "d":
            return r"-\infty" if number < 0 else r"\infty"
        raise NumberFormatError(f"cannot print {value!r}: not a finite number")
    sign = "-" if number < 0 else ""
    magnitude = abs(number)
    if kind == "d" or (kind == "" and isinstance(number, int)):
        rounded = round(magnitude)
        if abs(magnitude - rounded) > 1e-9 * max(1.0, magnitude):
            raise NumberFormatError(f"cannot print {value!r} as an integer ('d')")
        return sign + _group(str(rounded)) if rounded else "0"
    if kind == "%":
        text = _significant(100 * magnitude, digits or 3)
        return (sign + text if text != "0" else "0") + r"\%"
    if kind == "f":
        text = f"{magnitude:.{6 if digits is None else digits}f}"
        if float(text) == 0:
            return text
        return sign + _plain(text)
    if kind == "e":
        mantissa, _, exponent = f"{magnitude:.{1 if digits is None else digits}e}".partition("e")
        if float(mantissa) == 0:
            return "0"
        return sign + _power(mantissa, int(exponent))
    text = _significant(float(magnitude), DEFAULT_SIGNIFICANT if digits is None else digits)
    return sign + text if text != "0" else "0"


def format_text(value, spec: str = "") -> str:
    """``value`` as plain Unicode text (true minus, ``×10⁻⁶``), for figure labels and tables.

    Examples
    --------
    >>> format_text(-3.2e-7, ".2g")
    '−3.2×10⁻⁷'
    >>> format_text(123456) == "123\u2009456"   # a thin space between the groups
    True
    """
    latex = format_number(value, spec)
    text = latex.replace(r"\,", "\u2009").replace(r"\%", "%").replace(r"\infty", "\u221e")
    text = text.replace(r" \times ", "\u00d7").replace("-", "\u2212")

    def superscript(match):
        return match.group(1).translate(str.maketrans("0123456789\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))

    return re.sub(r"\^\{([^}]*)\}", superscript, text)


def _as_number(value):
    if isinstance(value, bool):
        raise NumberFormatError(f"cannot print {value!r} as a number (a bool)")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        text = value.strip().strip("'\"")
        # numpy scalars glued by mistake print as np.float64(0.5)
        inner = re.fullmatch(r"np\.\w+\((.*)\)", text)
        if inner:
            text = inner.group(1)
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return float(text)
        except ValueError:
            raise NumberFormatError(f"cannot print {value!r}: not a number") from None
    # numpy scalars and other numbers with __float__ / __index__
    if hasattr(value, "__index__"):
        return int(value.__index__())
    if hasattr(value, "__float__"):
        return float(value)
    raise NumberFormatError(f"cannot print {value!r}: not a number")
