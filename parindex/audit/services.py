"""The one helper that writes the audit log."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from .models import AuditEntry, object_type


def client_ip(request) -> str | None:
    if request is None:
        return None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):  # behind our own reverse proxy
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def record(action: str, obj: models.Model, *, actor=None, request=None, before=None, after=None,
           reason: str = "") -> AuditEntry:
    """Append one entry. Call it inside the service's transaction, after the change is saved."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "",
        ip=client_ip(request),
        action=action,
        object_type=object_type(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
    )
