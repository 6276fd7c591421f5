"""Decimal helpers: the one place where points are parsed, rounded and formatted.

Policy (docs/algorithms.md): points are ``Decimal`` from their source text, never ``float``;
sums are exact; only the index is rounded, half-up to 2 decimals.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

INDEX_QUANTUM = Decimal("0.01")
HUNDRED = Decimal(100)

# Plain decimals only (issue 12 §3): ASCII digits 0-9, one "." or "," and no sign. Other digit
# systems ("１", "١") and signs ("-0", "+1") are refused: a point is never negative, and a score
# typed with a sign or in another script is a mistake to show, not to guess.
_NUMBER = re.compile(r"^\s*([0-9]+)(?:[.,]([0-9]+))?\s*$", re.ASCII)

# The longest score text read at all: "12,3456" needs 7; 20 leaves room for spaces around it.
# Longer text is refused before parsing or caching (docs/security.md, "Memory").
MAX_SCORE_CHARS = 20


class NotANumber(ValueError):
    """The text is not a decimal number."""


class TooLong(NotANumber):
    """The text is longer than ``MAX_SCORE_CHARS``: refused without being parsed."""


def shorten(raw: str, limit: int = MAX_SCORE_CHARS) -> str:
    """The start of a (possibly huge) value for a message: "12345678901234567890…"."""
    return raw if len(raw) <= limit else raw[:limit] + "…"


def parse_decimal(raw: object) -> Decimal:
    """Read a number typed by a person or written in a file: "0,5", "0.5", 1, Decimal("2").

    Text must be a plain decimal: digits 0-9 with "." or "," and no sign ("-0", "+1", "１" and
    "١" are refused). Floats are refused: their binary value is not the number the person meant.
    Raises ``NotANumber`` for anything else.
    """
    if isinstance(raw, bool) or isinstance(raw, float):
        raise NotANumber(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NotANumber(str(raw))
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if not isinstance(raw, str):
        raise NotANumber(repr(raw))
    if len(raw) > MAX_SCORE_CHARS:
        raise TooLong(shorten(raw))
    match = _NUMBER.match(raw)
    if not match:
        raise NotANumber(raw)
    whole, frac = match.groups()
    try:
        return Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only digits
        raise NotANumber(raw) from exc


def decimal_places(value: Decimal) -> int:
    """Number of digits after the decimal point as written (``Decimal("0.50")`` → 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def round_index(value: Decimal) -> Decimal:
    """Round an index half-up to 2 decimals (83.245 → 83.25, 83.244 → 83.24)."""
    return value.quantize(INDEX_QUANTUM, rounding=ROUND_HALF_UP)


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation ("1.50" → "1.5", "10" → "10")."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def to_str(value: Decimal) -> str:
    """Machine form, dot separator, no exponent: used in JSON and YAML."""
    return format(normalize(value), "f")


def format_vi(value: Decimal, places: int | None = None) -> str:
    """Vietnamese display: comma as decimal separator, dot for thousands (1.234,5)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = format(value, f",.{places}f")
    else:
        text = format(normalize(value), ",f")
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
