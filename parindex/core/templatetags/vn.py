"""Vietnamese number display: 62,62 — the one formatting helper of the rulebook, in templates."""

from decimal import Decimal

from django import template

from parindex.rulebook.numbers import format_vi

register = template.Library()


@register.filter
def vn(value, places=None):
    """``{{ points|vn }}`` → "0,5"; ``{{ index|vn:2 }}`` → "83,25"."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return format_vi(value, int(places) if places is not None else None)


@register.filter
def get_item(mapping, key):
    """``{{ cset.agencies|get_item:item.agency }}``."""
    return mapping.get(key, key)
