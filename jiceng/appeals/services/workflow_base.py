"""What every workflow service shares: the row lock, the state check, the permission gates, the event on
the timeline and the audit record.

Each service runs in ``transaction.atomic``, locks the appeal's row (``select_for_update``; SQLite runs
IMMEDIATE transactions), re-reads it, checks the actor, then the state machine
(``appeals.workflow_rules``), and only then writes: a double press acts once, the second press is told
what happened meanwhile.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import workflow_rules as wr
from jiceng.appeals.models import Appeal, AppealEvent, Order, OrderRole, OrderStatus
from jiceng.appeals.selectors import appeals as sel
from jiceng.core import audit, crypto, notify, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Area

VIEW = "appeals.view_appeal"
HANDLE = "appeals.handle_appeal"
DISPATCH = "appeals.dispatch_appeal"
CALLBACK = "appeals.callback_appeal"
LEAD_ROLES = (OrderRole.LEAD, OrderRole.TRANSFER)


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def lock(appeal: Appeal | int) -> Appeal:
    """The appeal's row, locked until the transaction ends, read afresh."""
    pk = appeal.pk if isinstance(appeal, Appeal) else int(appeal)
    try:
        return Appeal.objects.select_for_update().get(pk=pk)
    except Appeal.DoesNotExist as exc:
        raise Http404 from exc


def require(actor, perm: str, appeal: Appeal) -> None:
    """Raise unless ``actor`` may act with ``perm`` on ``appeal``: 404 when it cannot even see it."""
    if sel.can(actor, perm, appeal):
        return
    if perm != VIEW and sel.can(actor, VIEW, appeal):
        raise PermissionDenied(_("您没有执行此操作的权限。"))
    raise Http404


def check(action: str, appeal: Appeal) -> None:
    """Refuse ``action`` (409) unless the state machine allows it from the appeal's status."""
    if not wr.allowed(action, appeal.status):
        raise Conflict({"status": [wr.refusal(action, appeal.status)]})


def actor_name(actor) -> str:
    user = audit.user_of(actor)
    if user is None:
        return "" if actor is None else str(getattr(actor, "username", ""))
    return user.display_name or user.username


def actor_unit(actor) -> str:
    """The name of the unit the actor works for: their department, else the area of their widest grant."""
    department = sel.department_of(actor)
    if department is not None:
        return department.name
    r = scope.reach(actor, VIEW)
    if r.areas:
        return Area.objects.filter(path=r.areas[0]).values_list("name", flat=True).first() or ""
    return ""


def acts_for(actor, order: Order) -> bool:
    """Whether ``actor`` works for the unit of ``order``: its department's staff for a department order;
    area staff (no department) whose ``handle_appeal`` reaches the order's area for an area order."""
    if getattr(actor, "is_system", False):
        return True
    department = sel.department_of(actor)
    if order.department_id is not None:
        return department is not None and department.pk == order.department_id
    return department is None and scope.reach(actor, HANDLE).covers(area_path=order.area.path)


def is_dispatcher(actor, appeal: Appeal) -> bool:
    return sel.can(actor, DISPATCH, appeal)


def lead_order(appeal: Appeal, statuses=(OrderStatus.PENDING, OrderStatus.ACCEPTED)) -> Order | None:
    return (Order.objects.filter(appeal=appeal, role__in=LEAD_ROLES, status__in=statuses)
            .select_related("department", "area").order_by("-dispatched_at", "-pk").first())


def is_owner(actor, appeal: Appeal) -> bool:
    """首接负责制: whether ``actor`` works for the unit that owns the appeal now."""
    if getattr(actor, "is_system", False):
        return True
    department = sel.department_of(actor)
    if appeal.owner_department_id is not None:
        return department is not None and department.pk == appeal.owner_department_id
    if department is not None:
        return False
    if appeal.owner_area_id is None:
        return appeal.created_by_id is not None and appeal.created_by_id == getattr(actor, "pk", None)
    path = Area.objects.filter(pk=appeal.owner_area_id).values_list("path", flat=True).first() or ""
    return scope.reach(actor, HANDLE).covers(area_path=path) or scope.reach(actor, DISPATCH).covers(area_path=path)


def require_handler(actor, appeal: Appeal) -> Order | None:
    """The handling unit (the accepted lead order's) or a dispatcher of the appeal may report progress,
    resolve, park or ask for more time; anyone else who sees the appeal gets 403. Returns the lead order."""
    require(actor, HANDLE if sel.department_of(actor) else VIEW, appeal)
    order = lead_order(appeal, statuses=(OrderStatus.ACCEPTED,))
    if order is not None and acts_for(actor, order):
        return order
    if is_dispatcher(actor, appeal):
        return order
    if order is None and is_owner(actor, appeal) and sel.can(actor, HANDLE, appeal):
        return None
    raise PermissionDenied(_("只有承办单位或派单人员可以办理此诉求"))


def event(appeal: Appeal, action: str, actor, *, from_status: str, note: str = "", public: bool = False,
          unit_name: str | None = None, at: datetime) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal, action=action, from_status=from_status,
        to_status=appeal.status if appeal.status != from_status else "", actor=audit.user_of(actor),
        actor_name=actor_name(actor)[:60], unit_name=(actor_unit(actor) if unit_name is None else unit_name)[:120],
        note=note, public=public, at=at)


def record(actor, action: str, appeal: Appeal, **summary) -> None:
    audit.record(actor, f"appeal.{action}", appeal, node_path=appeal.area_path, summary=summary)


def text(value, field: str, *, required: bool, limit: int, message: str) -> str:
    """A stripped text of at most ``limit`` characters, or a field error."""
    from django.core.exceptions import ValidationError

    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        raise ValidationError({field: [message]})
    if len(value) > limit:
        raise ValidationError({field: [_("不超过%(n)d个字") % {"n": limit}]})
    return value


def tell_filer(appeal: Appeal, message: str, *, kind: str) -> None:
    """A text message to the filer after the transaction commits (the notifier of ``core.notify``)."""
    if appeal.phone_cipher:
        try:
            phone = crypto.decrypt(appeal.phone_cipher)
        except Exception:  # a key rotated away: the timeline still tells the filer
            return
        notify.send_on_commit(phone, message, kind=kind)
