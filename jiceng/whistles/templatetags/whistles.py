"""``{{ call|countdown }}``: the words of a call's report-in state for the board (the script keeps
them current; colour is never the only cue)."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def duration(minutes: int) -> str:
    hours, mins = divmod(max(int(minutes), 0), 60)
    if hours >= 24:
        return _("%(d)d天%(h)d小时") % {"d": hours // 24, "h": hours % 24}
    if hours:
        return _("%(h)d小时%(m)d分钟") % {"h": hours, "m": mins}
    return _("%(m)d分钟") % {"m": mins}


@register.filter
def minutes_text(minutes) -> str:
    return duration(minutes or 0)


@register.simple_tag
def whistle_words() -> dict:
    """The words the board's script uses to keep the countdowns current."""
    return {"left": _("距报到时限 %(t)s"), "overdue": _("超时未报到 %(t)s"), "days": _("%(d)d天%(h)d小时"),
            "hours": _("%(h)d小时%(m)d分钟"), "minutes": _("%(m)d分钟")}
