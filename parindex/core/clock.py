"""The one clock deadline logic reads. Tests freeze it (``freeze``); production reads the real time."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else timezone.now()


def freeze(at: datetime | None) -> None:
    """Freeze the clock at ``at`` (``None`` unfreezes). For tests and demos only."""
    global _frozen
    _frozen = at
