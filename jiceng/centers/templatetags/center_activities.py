"""``{% upcoming_sessions center as sessions %}``: the next sessions of a center, for its public page."""

from django import template

from jiceng.centers.selectors.activities import upcoming_sessions as select_upcoming

register = template.Library()


@register.simple_tag
def upcoming_sessions(center, limit: int = 6):
    return list(select_upcoming(center=center, days=14)[:limit])
