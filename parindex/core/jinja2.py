"""The Jinja2 environment for the few templates that are rendered in bulk (docs/performance.md).

Pages are Django templates. A part that repeats a fragment for every item of a criteria set (the score
sheet's 46 to 100 items, each with its form, rubric and evidence links) is a Jinja2 template instead,
rendered by the view and inserted into the page: Django's engine spent most of the sheet's CPU on
per-item ``{% include %}``, variable look-ups and ``{% translate %}``; Jinja2 compiles a template to
Python code.

Conventions, so these templates read like the Django ones and ``make messages`` finds their texts:
``{{ _("…") }}`` for a text (Django's gettext at render time, in the request's language), and
``{{ _("… %(n)s …")|format(n=value) }}`` for a text with a value: the same message ids as Django's
``{% translate %}`` and ``{% blocktranslate %}``. Autoescaping is on; undefined names raise.
"""

from __future__ import annotations

from decimal import Decimal

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined

from parindex.rulebook.numbers import format_vi


def vn(value, places: int | None = None) -> str:
    """``{{ points|vn }}`` → "0,5" (as the Django filter of parindex/core/templatetags/vn.py)."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return format_vi(value, places)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def environment(**options) -> Environment:
    options["undefined"] = StrictUndefined
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 - autoescape set by Django
    env.install_gettext_callables(gettext, ngettext, newstyle=False)
    env.filters["vn"] = vn
    env.globals.update(url=url, static=static)
    return env
