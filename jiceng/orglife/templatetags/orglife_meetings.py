"""``{% member_orglife member %}``: a member's organizational life on their record page — the branch
where a leading cadre takes part (双重组织生活) and their latest meetings with attendance."""

from django import template

from jiceng.orglife.selectors.meetings import dual_life_of, member_meetings

register = template.Library()


@register.inclusion_tag("orglife/meeting/_member_panel.html")
def member_orglife(member):
    return {"member": member, "dual": dual_life_of(member), "rows": list(member_meetings(member, 12))}
