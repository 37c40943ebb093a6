"""Writes of study (学习): a secretary or organizer assigns an item to an organization's subtree; a
member records having completed it on "我的学习"."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.models import Org
from jiceng.members.selectors.roll import member_of_user
from jiceng.orglife.models import StudyItem, StudyKind, StudyRecord
from jiceng.orglife.selectors.study import assigned_to

ADD = "orglife.add_studyitem"
CHANGE = "orglife.change_studyitem"


def _validate(*, title: str, kind: str, url: str, starts_on: date | None, due_on: date | None) -> dict:
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("请填写标题")]
    elif len(title.strip()) > 120:
        errors["title"] = [_("标题不超过120个字")]
    if kind not in StudyKind.values:
        errors["kind"] = [_("请选择文章、链接或视频")]
    if kind in (StudyKind.LINK, StudyKind.VIDEO) and not url:
        errors["url"] = [_("链接和视频须填写地址")]
    if url and not url.lower().startswith(("https://", "http://")):
        errors["url"] = [_("地址应以 http:// 或 https:// 开头")]
    if len(url) > 500:
        errors["url"] = [_("地址不超过500个字符")]
    if starts_on is None:
        errors["starts_on"] = [_("请填写开始日期")]
    elif due_on is not None and due_on < starts_on:
        errors["due_on"] = [_("完成期限不能早于开始日期")]
    return errors


@transaction.atomic
def study_item_create(actor, *, org: Org, title: str, kind: str = StudyKind.TEXT, body: str = "", url: str = "",
                      starts_on: date | None = None, due_on: date | None = None) -> StudyItem:
    """Assign a study item to every active member whose branch lies in ``org``'s subtree."""
    scope.require(actor, ADD, org)
    url = (url or "").strip()
    errors = _validate(title=title, kind=kind, url=url, starts_on=starts_on, due_on=due_on)
    if errors:
        raise ValidationError(errors)
    item = StudyItem.objects.create(org=org, title=title.strip(), kind=kind, body=body.strip(), url=url,
                                    starts_on=starts_on, due_on=due_on, created_by=audit.user_of(actor))
    audit.record(actor, "study.create", item, node_path=org.path,
                 summary={"title": item.title, "kind": kind, "due_on": due_on})
    return item


@transaction.atomic
def study_item_close(actor, *, item: StudyItem) -> StudyItem:
    """Withdraw an item (it no longer counts in the rates); its records stay."""
    scope.require(actor, CHANGE, item)
    if item.is_active:
        item.is_active = False
        item.save(update_fields=["is_active"])
        audit.record(actor, "study.update", item, node_path=item.org.path, summary={"is_active": False})
    return item


def study_complete(user, *, item_id, note: str = "") -> StudyRecord:
    """The signed-in member records having completed an item assigned to them; a second time returns
    the first record. Someone who is not a member on the roll gets 403; an item not assigned to them 404."""
    member = member_of_user(user)
    if member is None or not member.is_active_member:
        raise PermissionDenied(_("只有名册中的党员本人可以记录学习。"))
    if len(note) > 500:
        raise ValidationError({"note": [_("心得不超过500个字")]})
    item = assigned_to(member).filter(pk=item_id).first() if str(item_id).isdigit() else None
    if item is None:
        raise Http404
    existing = StudyRecord.objects.filter(item=item, member=member).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            record = StudyRecord.objects.create(item=item, member=member, completed_at=timezone.now(),
                                                note=note.strip())
            audit.record(user, "study.complete", record, node_path=member.branch.path,
                         object_repr=f"{member.name} {item.title}")
    except IntegrityError:  # the same member completing twice at once: the first record stands
        return StudyRecord.objects.get(item=item, member=member)
    return record
