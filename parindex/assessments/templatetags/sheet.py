from django import template

register = template.Library()


@register.filter
def same_points(choice_points, current):
    return current is not None and choice_points == current
