from django import template

from parindex.audit.models import AuditEntry

register = template.Library()


@register.inclusion_tag("audit/_history.html")
def audit_history(obj, limit=50):
    """``{% audit_history obj %}``: the object's history, newest first."""
    entries = list(AuditEntry.objects.for_object(obj).select_related("actor")[:limit])
    return {"entries": entries}
