"""Writes to centers, their hours, photos and rooms. Every function checks scope, validates, writes in
one transaction and records audit."""

from __future__ import annotations

import os
from datetime import date, time

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.centers.models import (
    Center,
    CenterLevel,
    CenterNotice,
    CenterPhoto,
    OpeningException,
    OpeningHours,
    Room,
    RoomKind,
)
from jiceng.core import audit, scope
from jiceng.core.models import Area
from jiceng.core.validators import normalize_mobile

ADD = "centers.add_center"
CHANGE = "centers.change_center"
CENTER_FIELDS = ("name", "level", "area", "address", "lat", "lng", "floor_area", "phone", "description",
                 "closed_on_holidays", "is_active")
ROOM_FIELDS = ("name", "kind", "capacity", "floor_area", "description", "is_bookable", "needs_approval", "is_active")
# Which territory nodes a center of each level may sit on.
LEVEL_AREAS = {
    CenterLevel.DISTRICT: {"district"},
    CenterLevel.STREET: {"street"},
    CenterLevel.COMMUNITY: {"community", "grid"},
    CenterLevel.BUILDING: {"building", "street", "community"},
    CenterLevel.PARK: {"park", "street", "community"},
    CenterLevel.BUSINESS_DISTRICT: {"business_district", "street", "community"},
}
PHOTO_TYPES = {".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG\r\n\x1a\n",),
               ".webp": (b"RIFF",)}
MAX_PHOTOS = 12


def notify(center: Center, actor, text: str) -> None:
    """Leave an in-app notice for the center's staff (their notice list on the staff page)."""
    CenterNotice.objects.create(center=center, text=text[:300], actor_label=str(getattr(actor, "username", "")))


def _phone_text(value: str, errors: dict) -> str:
    value = (value or "").strip()
    if value and not (normalize_mobile(value) or _landline(value)):
        errors.setdefault("phone", []).append(_("联系电话应为手机号或座机号（如 010-63456789），请核对"))
    return value


def _landline(value: str) -> bool:
    digits = value.replace("-", "").replace(" ", "")
    return digits.isdigit() and 7 <= len(digits) <= 12


def center_clean(data: dict, *, actor, creating: bool) -> dict:
    errors: dict[str, list] = {}
    clean = dict(data)
    clean["name"] = (data.get("name") or "").strip()
    if not clean["name"] or len(clean["name"]) > 80:
        errors["name"] = [_("请填写中心名称（不超过80个字）")]
    level = data.get("level")
    if level not in CenterLevel.values:
        errors["level"] = [_("请选择层级")]
    area = data.get("area")
    if not isinstance(area, Area):
        errors["area"] = [_("请选择所在属地")]
    elif level in CenterLevel.values and area.level not in LEVEL_AREAS[level]:
        errors["area"] = [_("%(level)s应设在相应层级的属地上") % {"level": CenterLevel(level).label}]
    elif creating and not scope.reach(actor, ADD).covers(area_path=area.path):
        errors["area"] = [_("该属地不在您的管辖范围内")]
    lat, lng = data.get("lat"), data.get("lng")
    if (lat is None) != (lng is None):
        errors["lat"] = [_("经纬度应同时填写或同时留空")]
    elif lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors["lat"] = [_("经纬度超出范围（纬度 -90～90，经度 -180～180）")]
    if data.get("floor_area") is not None and not 0 < data["floor_area"] <= 1_000_000:
        errors["floor_area"] = [_("面积应为正整数（平方米）")]
    clean["phone"] = _phone_text(data.get("phone", ""), errors)
    clean["address"] = (data.get("address") or "").strip()[:160]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def center_create(actor, **data) -> Center:
    if scope.reach(actor, ADD).nowhere:
        raise PermissionDenied(_("您没有新建党群服务中心的权限。"))
    clean = center_clean({"closed_on_holidays": True, "is_active": True, **data}, actor=actor, creating=True)
    if Center.objects.filter(area=clean["area"], name=clean["name"]).exists():
        raise ValidationError({"name": [_("该属地下已有同名中心")]})
    center = Center.objects.create(**{f: clean.get(f) for f in CENTER_FIELDS if f in clean})
    audit.record(actor, "center.create", center, node_path=center.area.path)
    return center


@transaction.atomic
def center_update(actor, *, center: Center, **data) -> Center:
    scope.require(actor, CHANGE, center)
    before = {f: getattr(center, f) for f in CENTER_FIELDS}
    merged = {**before, **data}
    clean = center_clean(merged, actor=actor, creating=False)
    if clean["area"] != center.area and not scope.reach(actor, CHANGE).covers(area_path=clean["area"].path):
        raise ValidationError({"area": [_("该属地不在您的管辖范围内")]})
    if Center.objects.filter(area=clean["area"], name=clean["name"]).exclude(pk=center.pk).exists():
        raise ValidationError({"name": [_("该属地下已有同名中心")]})
    for f in CENTER_FIELDS:
        setattr(center, f, clean[f])
    center.save()
    audit.record(actor, "center.update", center, node_path=center.area.path,
                 summary=audit.changes(before, {f: getattr(center, f) for f in CENTER_FIELDS}))
    return center


@transaction.atomic
def hours_set(actor, *, center: Center, weekly: dict[int, tuple[time, time] | None]) -> Center:
    """Replace the regular hours: ``{weekday: (opens, closes)}``; None or a missing weekday is closed."""
    scope.require(actor, CHANGE, center)
    errors = {}
    for day, span in weekly.items():
        if day not in range(7):
            errors[f"day{day}"] = [_("星期应为0（周一）到6（周日）")]
        elif span is not None and not (span[0] and span[1] and span[1] > span[0]):
            errors[f"day{day}"] = [_("闭门时间应晚于开门时间")]
    if errors:
        raise ValidationError(errors)
    center.hours.all().delete()
    OpeningHours.objects.bulk_create([OpeningHours(center=center, weekday=d, opens=s[0], closes=s[1])
                                      for d, s in sorted(weekly.items()) if s is not None])
    audit.record(actor, "center.hours", center, node_path=center.area.path,
                 summary={str(d): f"{s[0]:%H:%M}-{s[1]:%H:%M}" if s else "closed" for d, s in weekly.items()})
    return center


@transaction.atomic
def exception_set(actor, *, center: Center, day: date | None, is_open: bool, opens: time | None = None,
                  closes: time | None = None, note: str = "") -> OpeningException:
    scope.require(actor, CHANGE, center)
    if day is None:
        raise ValidationError({"date": [_("请填写日期")]})
    if is_open and (opens is None) != (closes is None):
        raise ValidationError({"opens": [_("开门和闭门时间应同时填写，或都留空（按平日时间开放）")]})
    if is_open and opens is not None and closes <= opens:
        raise ValidationError({"closes": [_("闭门时间应晚于开门时间")]})
    exception, _created = OpeningException.objects.update_or_create(
        center=center, date=day, defaults={"is_open": is_open, "opens": opens if is_open else None,
                                           "closes": closes if is_open else None, "note": note.strip()[:80]})
    audit.record(actor, "center.exception", center, node_path=center.area.path,
                 summary={"date": day.isoformat(), "open": is_open, "note": note})
    return exception


@transaction.atomic
def exception_delete(actor, *, exception: OpeningException) -> None:
    center = exception.center
    scope.require(actor, CHANGE, center)
    audit.record(actor, "center.exception", center, node_path=center.area.path,
                 summary={"date": exception.date.isoformat(), "deleted": True})
    exception.delete()


def photo_clean(upload) -> None:
    name = os.path.basename(getattr(upload, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    limit = settings.CENTER_PHOTO_MAX_KB
    if ext not in PHOTO_TYPES:
        raise ValidationError({"image": [_("只能上传 JPG、PNG 或 WebP 图片")]})
    if upload.size > limit * 1024:
        raise ValidationError({"image": [_("图片不能超过%(n)dKB，请压缩后再上传") % {"n": limit}]})
    upload.seek(0)
    head = upload.read(12)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in PHOTO_TYPES[ext]) or (ext == ".webp" and head[8:12] != b"WEBP"):
        raise ValidationError({"image": [_("文件内容不是该类型的图片，请核对")]})


@transaction.atomic
def photo_add(actor, *, center: Center, image, caption: str = "") -> CenterPhoto:
    scope.require(actor, CHANGE, center)
    photo_clean(image)
    if center.photos.count() >= MAX_PHOTOS:
        raise ValidationError({"image": [_("每个中心最多%(n)d张照片") % {"n": MAX_PHOTOS}]})
    photo = CenterPhoto.objects.create(center=center, image=image, caption=caption.strip()[:80])
    audit.record(actor, "center.photo", center, node_path=center.area.path, summary={"photo": photo.pk})
    return photo


@transaction.atomic
def photo_delete(actor, *, photo: CenterPhoto) -> None:
    center = photo.center
    scope.require(actor, CHANGE, center)
    audit.record(actor, "center.photo", center, node_path=center.area.path, summary={"deleted": photo.pk})
    photo.image.delete(save=False)
    photo.delete()


def room_clean(data: dict) -> dict:
    errors: dict[str, list] = {}
    clean = dict(data)
    clean["name"] = (data.get("name") or "").strip()
    if not clean["name"] or len(clean["name"]) > 60:
        errors["name"] = [_("请填写功能室名称（不超过60个字）")]
    if data.get("kind") not in RoomKind.values:
        errors["kind"] = [_("请选择功能室类型")]
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or not 0 <= capacity <= 10_000:
        errors["capacity"] = [_("容纳人数应为0到10000的整数")]
    if data.get("floor_area") is not None and not 0 < data["floor_area"] <= 100_000:
        errors["floor_area"] = [_("面积应为正整数（平方米）")]
    clean["description"] = (data.get("description") or "").strip()[:200]
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def room_create(actor, *, center: Center, **data) -> Room:
    scope.require(actor, CHANGE, center)
    defaults = {"kind": RoomKind.MEETING, "capacity": 0, "floor_area": None, "description": "", "is_bookable": True,
                "needs_approval": False, "is_active": True}
    clean = room_clean({**defaults, **data})
    if center.rooms.filter(name=clean["name"]).exists():
        raise ValidationError({"name": [_("本中心已有同名功能室")]})
    room = Room.objects.create(center=center, **{f: clean[f] for f in ROOM_FIELDS})
    audit.record(actor, "room.create", room, node_path=center.area.path)
    return room


@transaction.atomic
def room_update(actor, *, room: Room, **data) -> Room:
    scope.require(actor, CHANGE, room)
    before = {f: getattr(room, f) for f in ROOM_FIELDS}
    clean = room_clean({**before, **data})
    if room.center.rooms.filter(name=clean["name"]).exclude(pk=room.pk).exists():
        raise ValidationError({"name": [_("本中心已有同名功能室")]})
    for f in ROOM_FIELDS:
        setattr(room, f, clean[f])
    room.save()
    audit.record(actor, "room.update", room, node_path=room.center.area.path,
                 summary=audit.changes(before, {f: getattr(room, f) for f in ROOM_FIELDS}))
    return room
