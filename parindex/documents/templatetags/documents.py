"""``{% document_css %}``: the shared print CSS, inlined into a PDF (WeasyPrint fetches no file)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

CSS = Path(__file__).resolve().parent.parent / "static" / "documents" / "document.css"


@cache
def _css() -> str:
    return CSS.read_text(encoding="utf-8")


@register.simple_tag
def document_css():
    return mark_safe(_css())  # noqa: S308 - our own static file, no user input
