"""Text longer than its column: one message for forms, services and models (docs/security.md).

PostgreSQL refuses a value longer than a ``varchar(n)`` (a 500 if nobody checks); SQLite stores
it silently. So every user-editable ``CharField`` is checked before saving, on both databases,
with the same message: what, the value (shortened), its length and the limit.
"""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

SHOWN = 40  # characters of the refused value quoted in the message


def shorten(value: str, limit: int = SHOWN) -> str:
    return value if len(value) <= limit else value[:limit] + "…"


def too_long(label: str, value: str, limit: int) -> str | None:
    """The message if ``value`` is longer than ``limit`` characters, else None."""
    if value is None or len(value) <= limit:
        return None
    return _("%(label)s «%(value)s» dài %(length)d ký tự, tối đa %(limit)d ký tự") % {
        "label": label, "value": shorten(value), "length": len(value), "limit": limit}


def limit_of(model, field_name: str) -> int:
    """The column's length, read from the model so the check follows a migration."""
    return model._meta.get_field(field_name).max_length


def require_lengths(checks) -> None:
    """``checks``: (label, value, limit) triples; raise one DomainError listing every value too long."""
    errors = [m for m in (too_long(label, value or "", limit) for label, value, limit in checks) if m]
    if errors:
        raise DomainError(errors[0] if len(errors) == 1 else _("Có %(n)d nội dung dài quá cột") % {"n": len(errors)},
                          errors=errors)


def char_field(label, max_length: int, **kwargs) -> forms.CharField:
    """A form field whose too-long message names the field, the length and the limit."""
    message = format_lazy(gettext_lazy("{label} dài %(show_value)d ký tự, tối đa %(limit_value)d ký tự"), label=label)
    errors = {"max_length": message, **kwargs.pop("error_messages", {})}
    return forms.CharField(label=label, max_length=max_length, error_messages=errors, **kwargs)


class LengthChecked:
    """Model mixin (no fields, no migration): ``save()`` refuses any CharField value longer than its
    column with a DomainError, whichever service or view forgot to check first. ``length_labels``
    names fields in messages (default: the field's verbose name)."""

    length_labels: dict = {}

    def save(self, *args, **kwargs):
        checks = []
        for f in self._meta.concrete_fields:
            if f.get_internal_type() == "CharField" and f.max_length:
                value = getattr(self, f.attname)
                if isinstance(value, str):
                    label = self.length_labels.get(f.name) or str(f.verbose_name).capitalize()
                    checks.append((str(label), value, f.max_length))
        require_lengths(checks)
        return super().save(*args, **kwargs)
