from django import template

from jiceng.core import registry

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    """The words for an audit action code (``grant.create`` → 授权)."""
    return registry.audit_action_label(code)
