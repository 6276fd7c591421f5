from django import template

register = template.Library()


@register.filter
def view_of(views, code):
    """``{{ views|view_of:item.code }}``: the ItemView of a self item (None for survey items)."""
    return views.get(code)


@register.filter
def as_input(value):
    """A Decimal as a person types it: 0,5."""
    if value is None:
        return ""
    from parindex.rulebook.numbers import format_vi
    return format_vi(value)


@register.filter
def same_points(choice_points, current):
    return current is not None and choice_points == current
