"""未诉先办: turning a hot spot into a proactive task for a street, and marking it done (issue 6)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals.models import Category, HotSpotStatus, HotSpotTask
from jiceng.appeals.selectors import rates as sel
from jiceng.core import audit, scope
from jiceng.core.models import Area

CREATE = "appeals.dispatch_appeal"  # who sends work to a street: the district and the street's dispatchers


@transaction.atomic
def hotspot_task_create(actor, *, street: Area, category: Category | None, period: str, title: str,
                        description: str = "", evidence: dict | None = None) -> HotSpotTask:
    """A proactive task (未诉先办) for ``street`` from a hot spot of ``period``."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("请填写任务名称")]
    elif len(title) > 120:
        errors["title"] = [_("任务名称不超过 120 个字")]
    if street is None or street.level != "street":
        errors["street"] = [_("请选择一个街道")]
    try:
        period = sel.parse_period(period)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if evidence is not None and not isinstance(evidence, dict):
        errors["evidence"] = [_("热点数据格式有误")]
    if errors:
        raise ValidationError(errors)
    scope.require(actor, CREATE, street)
    task = HotSpotTask.objects.create(
        street=street, category=category, period=period, title=title, description=(description or "").strip(),
        evidence=evidence or {}, created_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor, "hotspot_task.create", task, node_path=street.path,
                 summary={"period": period, "category": category.code if category else ""})
    return task


@transaction.atomic
def hotspot_task_done(actor, *, task: HotSpotTask, outcome: str) -> HotSpotTask:
    """Mark a task done with what was done; a task already done is refused."""
    scope.require(actor, CREATE, task.street)
    task = HotSpotTask.objects.select_for_update().get(pk=task.pk)
    if task.status == HotSpotStatus.DONE:
        raise ValidationError({"status": [_("该任务已完成")]})
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": [_("请填写办理情况")]})
    task.status, task.outcome, task.done_at = HotSpotStatus.DONE, outcome, timezone.now()
    task.save(update_fields=["status", "outcome", "done_at"])
    audit.record(actor, "hotspot_task.done", task, node_path=task.street.path)
    return task
