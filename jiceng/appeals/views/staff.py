"""Staff pages of appeals: the dispatch board (派单台), the department inbox (待签收), one appeal with the
actions the user may take now, and the staff entry of a 12345 call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals import workflow_rules as wr
from jiceng.appeals.models import (
    AppealPhoto,
    Channel,
    Extension,
    ExtensionStatus,
    Order,
    OrderStatus,
    Status,
    UnitKind,
)
from jiceng.appeals.selectors import appeals as sel
from jiceng.appeals.services import intake
from jiceng.appeals.services import workflow_base as b
from jiceng.appeals.views import staff_forms as f
from jiceng.core import scope
from jiceng.core.models import Area, Department
from jiceng.core.models.territory import AreaLevel
from jiceng.core.pages import paginate, run_service

FILTERS = ("status", "category", "area", "period", "channel", "q")


def _need(user, perm: str) -> None:
    if not scope.holds(user, perm):
        raise PermissionDenied(_("您没有查看接诉即办的权限。"))


@login_required
def board(request):
    """派单台: queues by state, the overdue first and then by the nearest deadline; filters in the URL."""
    _need(request.user, sel.VIEW)
    now = timezone.now()
    queue = request.GET.get("queue", "")
    qs = sel.board(request.user, queue=queue, now=now)
    values = {k: request.GET.get(k, "").strip() for k in FILTERS}
    try:
        qs = sel.filtered(qs, **values, now=now)
    except ValueError as exc:
        messages.error(request, _("筛选条件“%(f)s”无效，已忽略全部筛选") % {"f": exc})
        values = dict.fromkeys(FILTERS, "")
    page = paginate(request, qs, 30)
    context = {"page": page, "counts": sel.queue_counts(request.user, now=now), "queue": queue,
               "queues": [(k, label) for k, label, _q in sel.QUEUES], "values": values, "now": now,
               "statuses": Status.choices, "channels": Channel.choices,
               "categories": [c for c in sel_categories()], "can_add": scope.holds(request.user, "appeals.add_appeal")}
    template = "appeals/staff/_board_list.html" if request.headers.get("HX-Request") else "appeals/staff/board.html"
    return render(request, template, context)


def sel_categories():
    from jiceng.appeals.selectors import catalogue

    return list(catalogue.active_categories())


@login_required
def inbox(request):
    """待签收: the orders sent to the user's department (or to the areas they handle)."""
    _need(request.user, "appeals.handle_appeal")
    orders = list(sel.inbox(request.user)[:300])
    now = timezone.now()
    for order in orders:
        order.overdue = wr.is_overdue(order.appeal.status, now, responded_at=order.appeal.responded_at,
                                      response_due_at=order.appeal.response_due_at,
                                      complete_due_at=order.appeal.complete_due_at)
    pending = [o for o in orders if o.status == OrderStatus.PENDING]
    handling = [o for o in orders if o.status == OrderStatus.ACCEPTED]
    return render(request, "appeals/staff/inbox.html", {
        "pending": pending, "handling": handling, "department": sel.department_of(request.user)})


def _units(appeal) -> list[tuple[str, str]]:
    """Choices of units for dispatch: the catalogue's suggestion first, then the departments of the
    appeal's district and above, then its street and the street's communities."""
    suggested = sel.suggested_units(appeal)
    rows, seen = [], set()

    def add(unit, mark=""):
        key = f"d{unit.pk}" if isinstance(unit, Department) else f"a{unit.code}"
        if key not in seen:
            seen.add(key)
            rows.append((key, f"{mark}{unit.name}"))

    for unit in suggested:
        add(unit, _("【建议】"))
    paths = sel.ancestor_paths(appeal.area_path) if appeal.area_path else []
    departments = Department.objects.filter(area__path__in=paths) if paths else Department.objects.all()
    for department in departments.order_by("name")[:100]:
        add(department)
    if appeal.street_id:
        add(appeal.street)
        for community in Area.objects.filter(parent=appeal.street, level=AreaLevel.COMMUNITY).order_by("code"):
            add(community)
    return rows


def unit_from_key(key: str):
    if key.startswith("d") and key[1:].isdigit():
        return Department.objects.select_related("area").filter(pk=int(key[1:])).first()
    if key.startswith("a") and key[1:].isdigit():
        return Area.objects.filter(code=key[1:]).first()
    return None


def _map_features(appeal) -> dict | None:
    features = []
    if appeal.grid_id and appeal.grid.geometry:
        features.append({"type": "Feature", "geometry": appeal.grid.geometry, "properties": {"name": appeal.grid.name}})
    elif appeal.community_id and appeal.community.geometry:
        features.append({"type": "Feature", "geometry": appeal.community.geometry,
                         "properties": {"name": appeal.community.name}})
    if appeal.latitude is not None and appeal.longitude is not None:
        features.append({"type": "Feature", "properties": {"name": appeal.address or _("诉求位置")},
                         "geometry": {"type": "Point", "coordinates": [appeal.longitude, appeal.latitude]}})
    return {"type": "FeatureCollection", "features": features} if features else None


def available_actions(user, appeal) -> dict:
    """What the user may do now: each key present only when both the state and the user allow it."""
    status = appeal.status
    dispatcher = sel.can(user, b.DISPATCH, appeal)
    orders = list(Order.objects.filter(appeal=appeal).select_related("department", "area"))
    mine = [o for o in orders if b.acts_for(user, o)]
    actions = {}
    if dispatcher:
        for action in ("categorize", "dispatch", "merge"):
            if wr.allowed(action, status):
                actions[action] = True
        if wr.allowed("place", status) and not appeal.area_path:
            actions["place"] = True
        if Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).exists() and \
                wr.allowed("extension_decide", status):
            actions["decide"] = True
    if sel.can(user, b.HANDLE, appeal):
        if any(o.status == OrderStatus.PENDING for o in mine) and (
                wr.allowed("accept", status) or wr.allowed("accept_assist", status)):
            actions["accept"] = True
        if any(o.status in (OrderStatus.PENDING, OrderStatus.ACCEPTED) for o in mine) and (
                wr.allowed("return", status) or wr.allowed("return_assist", status)):
            actions["return"] = True
    lead = next((o for o in orders if o.role in b.LEAD_ROLES and o.status == OrderStatus.ACCEPTED), None)
    handler = dispatcher or (lead is not None and b.acts_for(user, lead))
    assisting = any(o.status == OrderStatus.ACCEPTED for o in mine)
    if (handler or assisting) and (wr.allowed("progress", status) or wr.allowed("progress_parked", status)):
        actions["progress"] = True
    if handler:
        for action in ("resolve", "park", "unpark"):
            if wr.allowed(action, status):
                actions[action] = True
    if status == Status.RECEIVED and wr.may_answer_directly(appeal.type) and b.is_owner(user, appeal):
        actions["resolve"] = True
    lead_live = next((o for o in orders if o.role in b.LEAD_ROLES and o.status in (
        OrderStatus.PENDING, OrderStatus.ACCEPTED)), None)
    if wr.allowed("extension_request", status) and (dispatcher or (lead_live and b.acts_for(user, lead_live))) \
            and sel.can(user, b.HANDLE, appeal):
        actions["extend"] = True
    if sel.can(user, b.CALLBACK, appeal):
        for action in ("callback", "close"):
            if wr.allowed(action, status):
                actions[action] = True
    return actions


FORMS = {"categorize": f.CategorizeForm, "dispatch": f.DispatchForm, "return": f.ReasonForm,
         "progress": f.ProgressForm, "resolve": f.ResolveForm, "extend": f.ExtendForm, "decide": f.DecideForm,
         "merge": f.MergeForm, "park": f.ParkForm, "callback": f.CallbackForm, "close": f.CloseForm,
         "place": f.PlaceForm}


def detail_context(request, appeal, bound: dict | None = None) -> dict:
    actions = available_actions(request.user, appeal)
    forms = {}
    for name in actions:
        cls = FORMS.get(name)
        if cls is None:
            continue
        kwargs = {"units": _units(appeal)} if name == "dispatch" else {}
        if bound and name in bound:
            forms[name] = bound[name]
        elif name == "categorize":
            forms[name] = cls(initial={"category": (appeal.category.code if appeal.category_id else "")},
                              prefix=name)
        else:
            forms[name] = cls(prefix=name, **kwargs)
    now = timezone.now()
    return {
        "appeal": appeal, "events": list(sel.timeline(appeal)), "orders": list(sel.orders_of(appeal)),
        "extensions": list(Extension.objects.filter(appeal=appeal)),
        "photos": list(AppealPhoto.objects.filter(appeal=appeal)),
        "merged": list(appeal.merged.all()), "actions": actions, "forms": forms,
        "overdue": wr.is_overdue(appeal.status, now, responded_at=appeal.responded_at,
                                 response_due_at=appeal.response_due_at, complete_due_at=appeal.complete_due_at),
        "map_features": _map_features(appeal), "suggested": sel.suggested_units(appeal),
        "unit_kind_department": UnitKind.DEPARTMENT,
        "pending_extension": Extension.objects.filter(appeal=appeal, status=ExtensionStatus.PENDING).first(),
    }


@login_required
def detail(request, appeal_id: int):
    _need(request.user, sel.VIEW)
    appeal = sel.appeal_for(request.user, appeal_id)
    return render(request, "appeals/staff/detail.html", detail_context(request, appeal))


@login_required
def hotline_new(request):
    """登记12345来电: the call's ticket number, the filer, the matter and, when known, the place."""
    if not scope.holds(request.user, "appeals.add_appeal"):
        raise PermissionDenied(_("您没有登记诉求的权限。"))
    form = f.HotlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        result = run_service(form, lambda: intake.appeal_create(request.user, data, channel=Channel.HOTLINE))
        if result:
            appeal, _created = result
            messages.success(request, _("已登记，工单编号 %(no)s") % {"no": appeal.ticket_no})
            visible = sel.visible_appeals(request.user).filter(pk=appeal.pk).exists()
            return redirect("appeals:detail", appeal_id=appeal.pk) if visible else redirect("appeals:board")
    return render(request, "appeals/staff/new.html", {"form": form})
