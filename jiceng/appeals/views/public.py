"""Public pages (no sign-in): the appeal form (诉求提交), its receipt with the ticket number, the tracking
page (工单编号 + 手机号后四位 → the public timeline, returns and deadlines, and the callback form once the
appeal is resolved), and the territory's boundaries as GeoJSON for the form's map."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiceng.appeals import routing, throttle
from jiceng.appeals.models import Appeal, Channel, PhotoStage, Status
from jiceng.appeals.selectors import tracking
from jiceng.appeals.services import photos
from jiceng.appeals.services.intake import appeal_create
from jiceng.appeals.views.public_forms import AppealForm, CallbackForm, TrackForm
from jiceng.core import crypto, scope
from jiceng.core.http import client_ip
from jiceng.core.models import Area
from jiceng.core.models.territory import AreaLevel
from jiceng.core.pages import run_service
from jiceng.core.validators import normalize_mobile

RECEIPT_SALT = "jiceng.appeals.receipt"
RECEIPT_MAX_AGE = 24 * 3600
MAP_CACHE_SECONDS = 600


def file_appeal(request, form, *, channel: str, actor=None, throttled: bool = True) -> Appeal | None:
    """Run the intake for a valid form: photos checked first, the rate limit, then the appeal and its photos
    in one transaction. Errors land on the form; returns the appeal or None."""
    uploads = form.cleaned_data.get("photos") or []
    data = form.service_data()
    key = (form.cleaned_data.get("client_key") or "").strip()[:80] or None
    mobile = normalize_mobile(data.get("phone") or "")
    index = crypto.blind_index(mobile) if mobile else None

    def call():
        photos.photos_clean(uploads, field="photos")
        if key and (done := Appeal.objects.filter(client_key=key).first()) is not None:
            if done.phone_index == index:
                return done  # the same form sent twice (a double tap, a reload): the first appeal
            key_conflict = ValidationError(_("该表单已提交过，请刷新页面后重新填写"))
            raise key_conflict
        if throttled and not throttle.filing_allowed(ip=client_ip(request), phone_index=index):
            raise ValidationError(_("提交过于频繁，请一小时后再试；紧急情况请拨打 12345 或 110"))
        with transaction.atomic():
            appeal, created = appeal_create(actor, data, channel=channel, client_key=key)
            if created:
                for upload in uploads:
                    photos.photo_add(None, appeal, upload, PhotoStage.FILED, filer_verified=True)
        return appeal

    return run_service(form, call)


def receipt_url(appeal: Appeal) -> str:
    token = signing.dumps(appeal.ticket_no, salt=RECEIPT_SALT)
    return reverse("appeals:public_done") + "?t=" + token


def appeal_new(request):
    """诉求提交: type, category, content, place (a pin on the map or a community), photos, name and mobile."""
    form = AppealForm(request.POST or None, request.FILES or None, initial={"client_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        user = request.user if request.user.is_authenticated else None
        staff = user is not None and scope.holds(user, "appeals.add_appeal")
        appeal = file_appeal(request, form, channel=Channel.WEB, actor=user, throttled=not staff)
        if appeal is not None:
            return redirect(receipt_url(appeal))
    return render(request, "appeals/public/new.html", {"form": form, **map_context()})


def map_context() -> dict:
    return {"map_url": reverse("appeals:public_map"), "map_has_boundaries": routing.routing_index().has_boundaries}


@require_GET
def appeal_done(request):
    try:
        ticket = signing.loads(request.GET.get("t", ""), salt=RECEIPT_SALT, max_age=RECEIPT_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    appeal = (Appeal.objects.select_related("category", "grid", "community", "street")
              .filter(ticket_no=ticket).first())
    if appeal is None:
        raise Http404
    return render(request, "appeals/public/done.html", {"appeal": appeal})


def _callback_service():
    """The workflow's ``appeal_callback`` when it is installed (None before)."""
    try:
        from jiceng.appeals.services.workflow import appeal_callback
    except ImportError:
        return None
    return appeal_callback


def _track_page(request, appeal: Appeal, *, callback_form=None, status: int = 200):
    can_callback = (_callback_service() is not None and appeal.status == Status.RESOLVED and appeal.cb_at is None)
    if can_callback and callback_form is None:
        callback_form = CallbackForm(initial={"ticket_no": appeal.ticket_no,
                                              "phone_last4": request.POST.get("phone_last4", "")})
    return render(request, "appeals/public/track_result.html", {
        "appeal": appeal, "events": tracking.public_timeline(appeal), "returns": tracking.returns(appeal),
        "lead_unit": tracking.lead_unit(appeal), "photo_count": appeal.photos.filter(stage=PhotoStage.FILED).count(),
        "callback_form": callback_form if can_callback else None,
    }, status=status)


def _verified(request, form) -> Appeal | None:
    """The appeal behind the form's ticket and digits (errors on the form; lockout after wrong guesses)."""
    return run_service(form, lambda: tracking.appeal_for_filer(
        form.cleaned_data["ticket_no"], form.cleaned_data["phone_last4"], client_ip(request)))


def track(request):
    """进度查询: the ticket number and the last four digits of the phone."""
    form = TrackForm(request.POST or None, initial={"ticket_no": request.GET.get("ticket", "")[:20]})
    if request.method == "POST" and form.is_valid():
        appeal = _verified(request, form)
        if appeal is not None:
            return _track_page(request, appeal)
    return render(request, "appeals/public/track.html", {"form": form}, status=200)


@require_POST
def track_callback(request):
    """回访 from the tracking page: checked against the ticket and digits again; someone else's ticket
    (wrong digits) changes nothing."""
    ticket_form = TrackForm(request.POST)
    appeal = _verified(request, ticket_form) if ticket_form.is_valid() else None
    if appeal is None:
        return render(request, "appeals/public/track.html", {"form": ticket_form})
    callback = _callback_service()
    if callback is None:
        raise Http404
    form = CallbackForm(request.POST)
    if not form.is_valid():
        return _track_page(request, appeal, callback_form=form)
    d = form.cleaned_data
    run_service(form, lambda: callback(None, appeal, contacted=d["contacted"] == "yes", solved=d["solved"],
                                       satisfied=d["satisfied"], comment=d["comment"], channel="tracking"))
    if form.errors:
        return _track_page(request, appeal, callback_form=form)
    messages.success(request, _("感谢您的评价，回访已记录。"))
    appeal.refresh_from_db()
    return _track_page(request, appeal)


@require_GET
def territory_map(request):
    """Grids and communities with a boundary, as GeoJSON (cached; follows the routing index's version)."""
    version = cache.get(routing.VERSION_KEY)
    key = f"jiceng:appeals:public-map:{version}"
    data = cache.get(key)
    if data is None:
        rows = (Area.objects.filter(level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID], geometry__isnull=False)
                .select_related("parent").order_by("level", "path"))
        data = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": a.geometry, "properties": {
                "code": a.code, "level": a.level,
                "name": f"{a.parent.name} {a.name}" if a.level == AreaLevel.GRID and a.parent else a.name}}
            for a in rows if a.geometry]}
        cache.set(key, data, MAP_CACHE_SECONDS)
    response = JsonResponse(data)
    response["Cache-Control"] = f"public, max-age={MAP_CACHE_SECONDS}"
    return response
