from django import template

from parindex.audit.formatting import show
from parindex.audit.models import AuditEntry

register = template.Library()


@register.inclusion_tag("audit/_history.html")
def audit_history(obj, limit=50):
    """``{% audit_history obj %}``: the object's history, newest first, in words (audit.formatting)."""
    entries = AuditEntry.objects.for_object(obj).select_related("actor")[:limit]
    return {"entries": show(entries)}
