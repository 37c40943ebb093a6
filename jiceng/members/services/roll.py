"""Writes to the roll (党员名册). Every function checks scope, validates, writes in one transaction and
records audit. ``member_clean`` is shared by single creation, the API and the bulk import."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, crypto, scope
from jiceng.core.errors import Conflict
from jiceng.core.identity import InvalidIdNumber, parse_resident_id
from jiceng.core.models import Area, Org
from jiceng.core.pinyin import initials
from jiceng.core.validators import normalize_mobile
from jiceng.members.models import (
    Discipline,
    DisciplineKind,
    DuesCategory,
    Education,
    EventKind,
    Member,
    MemberEvent,
    MemberStatus,
)
from jiceng.members.rules.standing import (
    discipline_period_refusal,
    joining_age_refusal,
    probation_end,
    status_change_refusal,
)

ADD = "members.add_member"
CHANGE = "members.change_member"
HOLDING_KINDS = {"branch"}  # members are held by a 党支部 (组织关系所在支部)
EDITABLE = ("name", "ethnicity", "education", "work_unit", "job_title", "residence", "party_group", "category",
            "is_cadre", "note", "phone", "joined_on", "full_on")


CATEGORY_CODES = frozenset(DuesCategory.values)  # Django rebuilds .values on every access
EDUCATION_CODES = frozenset(Education.values)


def today() -> date:
    return timezone.localdate()


def _check_branch(branch: Org | None, errors: dict) -> None:
    if branch is None:
        errors.setdefault("branch", []).append(_("请选择组织关系所在支部"))
    elif branch.kind not in HOLDING_KINDS or not branch.is_active:
        errors.setdefault("branch", []).append(_("党员组织关系应在有效的党支部（不能是党委、党总支或党小组）"))


def person_clean(name: str, id_number: str, phone: str, errors: dict, day: date) -> tuple:
    """Name, ID number (GB 11643) and optional mobile of a person record: ``(name, ResidentId | None,
    mobile)``, adding field errors to ``errors``. Shared by the roll and member development."""
    name = (name or "").strip()
    if not name:
        errors.setdefault("name", []).append(_("请填写姓名"))
    elif len(name) > 50:
        errors.setdefault("name", []).append(_("姓名不能超过50个字"))
    parsed = None
    try:
        parsed = parse_resident_id(id_number, today=day)
    except InvalidIdNumber as exc:
        errors.setdefault("id_number", []).append(str(exc))
    mobile = ""
    if phone:
        mobile = normalize_mobile(phone) or ""
        if not mobile:
            errors.setdefault("phone", []).append(_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对"))
    return name, parsed, mobile


def member_clean(*, name: str, id_number: str, branch: Org | None, joined_on: date | None, phone: str = "",
                 category: str = DuesCategory.IN_SERVICE, status: str = MemberStatus.FULL,
                 full_on: date | None = None, sex: str | None = None, birth_date: date | None = None,
                 ethnicity: str = "汉族", education: str = "", work_unit: str = "", job_title: str = "",
                 residence: Area | None = None, party_group: Org | None = None, is_cadre: bool = False,
                 note: str = "", day: date | None = None) -> dict:
    """Validate the fields of a new member; return them normalized, or raise a field-level
    ``ValidationError`` (every problem at once). No database access except what callers passed in."""
    day = day or today()
    errors: dict[str, list] = {}
    name, parsed, mobile = person_clean(name, id_number, phone, errors, day)
    if parsed:
        if sex and sex != parsed.sex:
            errors.setdefault("sex", []).append(_("性别与身份证号不一致（身份证号第17位：奇数为男，偶数为女）"))
        if birth_date and birth_date != parsed.birth_date:
            errors.setdefault("birth_date", []).append(_("出生日期与身份证号不一致"))
    _check_branch(branch, errors)
    if party_group is not None and (party_group.kind != "group" or branch is None
                                    or party_group.parent_id != branch.pk):
        errors.setdefault("party_group", []).append(_("党小组应属于所选支部"))
    if category not in CATEGORY_CODES:
        errors.setdefault("category", []).append(_("党费类别无效"))
    if education and education not in EDUCATION_CODES:
        errors.setdefault("education", []).append(_("学历无效"))
    if residence is not None and residence.level not in {"community", "grid"}:
        errors.setdefault("residence", []).append(_("居住地应为社区（村）"))
    if status not in (MemberStatus.PROBATIONARY, MemberStatus.FULL):
        errors.setdefault("status", []).append(_("新登记党员的状态应为预备党员或正式党员"))
    if joined_on is None:
        errors.setdefault("joined_on", []).append(_("请填写入党时间"))
    elif joined_on > day:
        errors.setdefault("joined_on", []).append(_("入党时间不能晚于今天"))
    elif parsed and joining_age_refusal(parsed.birth_date, joined_on):
        errors.setdefault("joined_on", []).append(joining_age_refusal(parsed.birth_date, joined_on))
    if status == MemberStatus.PROBATIONARY and full_on:
        errors.setdefault("full_on", []).append(_("预备党员没有转正时间"))
    if status == MemberStatus.FULL and joined_on and not errors.get("joined_on"):
        full_on = full_on or probation_end(joined_on)
        if full_on < joined_on:
            errors.setdefault("full_on", []).append(_("转正时间不能早于入党时间"))
        elif full_on > day:
            errors.setdefault("full_on", []).append(_("转正时间不能晚于今天；预备期未满的请登记为预备党员"))
    if errors:
        raise ValidationError(errors)
    return {
        "name": name, "id_number": parsed.number, "sex": parsed.sex, "birth_date": parsed.birth_date,
        "phone": mobile, "branch": branch, "party_group": party_group, "category": category, "status": status,
        "joined_on": joined_on, "full_on": full_on if status == MemberStatus.FULL else None,
        "ethnicity": (ethnicity or "汉族").strip()[:20], "education": education or "",
        "work_unit": (work_unit or "").strip()[:120], "job_title": (job_title or "").strip()[:60],
        "residence": residence, "is_cadre": bool(is_cadre), "note": note or "",
    }


def member_build(cleaned: dict) -> Member:
    """An unsaved ``Member`` from ``member_clean``'s output (the bulk import saves many at once)."""
    data = dict(cleaned)
    id_number, phone = data.pop("id_number"), data.pop("phone")
    member = Member(**data, pinyin=initials(data["name"])[:50], status_changed_on=data["joined_on"])
    member.set_id_number(id_number)
    member.set_phone(phone)
    return member


def _event(member: Member, actor, kind: str, text: str, *, on: date | None = None, data: dict | None = None):
    return MemberEvent(member=member, kind=kind, on=on or today(), text=text[:300], data=data or {},
                       actor=audit.user_of(actor), actor_label=str(getattr(actor, "username", "")))


def member_dues_paid_through_record(*, member: Member, month: date | None) -> None:
    """党费交至 as the dues ledger derives it: ``jiceng.dues`` calls this inside its payment transaction.
    There is no other way to change it (no form or API field edits it by hand)."""
    Member.objects.filter(pk=member.pk).update(dues_paid_through=month, updated_at=timezone.now())
    member.dues_paid_through = month


def member_event(member: Member, actor, kind: str, text: str, *, on: date | None = None,
                 data: dict | None = None) -> MemberEvent:
    """Add a line to the member's timeline (other services of this app call it in their transaction)."""
    event = _event(member, actor, kind, text, on=on, data=data)
    event.save()
    return event


def id_number_taken(id_number: str) -> bool:
    return Member.objects.filter(id_index=crypto.blind_index(id_number)).exists()


@transaction.atomic
def member_create(actor, *, branch: Org, **fields) -> Member:
    """登记党员: put one person on the roll of ``branch`` (the actor needs ``add_member`` there)."""
    scope.require(actor, ADD, branch)
    cleaned = member_clean(branch=branch, **fields)
    if id_number_taken(cleaned["id_number"]):
        raise Conflict({"id_number": [_("该身份证号已在党员名册中")]})
    member = member_build(cleaned)
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:  # a concurrent request registered the same number first
        raise Conflict({"id_number": [_("该身份证号已在党员名册中")]}) from exc
    member_event(member, actor, EventKind.CREATED, _("登记入册：%(branch)s，%(status)s") % {
        "branch": branch.name, "status": member.get_status_display()}, on=member.joined_on)
    audit.record(actor, "member.create", member, node_path=branch.path,
                 summary={"branch": branch.name, "status": member.status})
    return member


def member_bulk_create(actor, cleaned_rows: list[dict], *, batch_size: int = 1000, source: str = "") -> int:
    """Insert many already-cleaned members (the import job): batches of ``bulk_create``, each with its
    timeline lines; one audit row for the whole run. Branch scope must be checked by the caller for
    each distinct branch (``scope.require``), which the import does once per branch."""
    created = 0
    with transaction.atomic():
        for start in range(0, len(cleaned_rows), batch_size):
            batch = [member_build(row) for row in cleaned_rows[start:start + batch_size]]
            Member.objects.bulk_create(batch, batch_size=batch_size)
            if batch and batch[0].pk is None:  # backends that do not return keys (none we support)
                raise RuntimeError("bulk_create did not set primary keys")
            MemberEvent.objects.bulk_create(
                [_event(m, actor, EventKind.CREATED, _("导入入册：%(src)s") % {"src": source or _("名册导入")},
                        on=m.joined_on) for m in batch], batch_size=batch_size)
            created += len(batch)
        audit.record(actor, "member.import", None, summary={"created": created, "source": source})
    return created


@transaction.atomic
def member_update(actor, *, member: Member, **changes) -> Member:
    """修改党员信息. Identity (ID number, hence sex and birth date) and branch are not changed here:
    a wrong ID number is corrected with ``member_correct_id``; a branch change is a transfer."""
    scope.require(actor, CHANGE, member)
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: [_("该字段不能在此修改")] for f in sorted(unknown)})
    current = {f: getattr(member, f) for f in EDITABLE}
    current["phone"] = member.phone
    wanted = {**current, **changes}
    cleaned = member_clean(
        name=wanted["name"], id_number=member.id_number, branch=member.branch, joined_on=wanted["joined_on"],
        phone=wanted["phone"] or "", category=wanted["category"],
        status=member.status if member.is_active_member else MemberStatus.FULL,
        full_on=wanted["full_on"] if member.status == MemberStatus.FULL else None,
        ethnicity=wanted["ethnicity"], education=wanted["education"], work_unit=wanted["work_unit"],
        job_title=wanted["job_title"], residence=wanted["residence"], party_group=wanted["party_group"],
        is_cadre=wanted["is_cadre"], note=wanted["note"])
    before = {f: current[f] for f in changes}
    for field in changes:
        if field == "phone":
            member.set_phone(cleaned["phone"])
        elif field == "full_on" and member.status != MemberStatus.FULL:
            continue
        else:
            setattr(member, field, cleaned[field])
    member.pinyin = initials(member.name)[:50]
    member.save()
    changed = audit.changes({k: ("***" if k == "phone" else v) for k, v in before.items()},
                            {k: ("***" if k == "phone" else cleaned.get(k)) for k in changes})
    if changed:
        names = "、".join(str(Member._meta.get_field(f if f != "phone" else "phone_masked").verbose_name)
                         for f in changed)
        member_event(member, actor, EventKind.UPDATED, _("修改：%(fields)s") % {"fields": names})
        audit.record(actor, "member.update", member, node_path=member.branch.path, summary=changed)
    return member


@transaction.atomic
def member_set_status(actor, *, member: Member, status: str, on: date, reason: str, document_no: str = "") -> Member:
    """Record a change of party status (停止党籍, 退党, 除名, 开除党籍, 去世 … or 恢复党籍 back to 正式党员)."""
    scope.require(actor, CHANGE, member)
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    errors = {}
    if status not in MemberStatus.values:
        errors["status"] = [_("党籍状态无效")]
    else:
        refusal = status_change_refusal(member.status, status)
        if refusal:
            errors["status"] = [refusal]
    if on is None or on > today():
        errors["on"] = [_("日期不能为空，也不能晚于今天")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写依据或原因")]
    if errors:
        raise ValidationError(errors)
    old = member.get_status_display()
    member.status = status
    member.status_changed_on = on
    member.save(update_fields=["status", "status_changed_on", "updated_at"])
    text = _("%(old)s → %(new)s：%(reason)s") % {"old": old, "new": member.get_status_display(), "reason": reason}
    member_event(member, actor, EventKind.STATUS, text, on=on, data={"status": status, "document_no": document_no})
    audit.record(actor, "member.status", member, node_path=member.branch.path,
                 summary={"status": status, "reason": reason, "document_no": document_no})
    return member


@transaction.atomic
def discipline_record(actor, *, member: Member, kind: str, decided_on: date, ends_on: date | None = None,
                      decided_by: str = "", document_no: str = "", reason: str = "") -> Discipline:
    """登记党纪处分. 留党察看 is one or two years (党章 Art. 40); 开除党籍 also ends membership."""
    scope.require(actor, "members.discipline_member", member)
    errors = {}
    if kind not in DisciplineKind.values:
        errors["kind"] = [_("处分种类无效")]
    if decided_on is None or decided_on > today():
        errors["decided_on"] = [_("处分日期不能为空，也不能晚于今天")]
    period = discipline_period_refusal(kind, decided_on, ends_on) if decided_on else None
    if period:
        errors[period[0]] = [period[1]]
    if not member.is_active_member:
        errors["member"] = [_("该党员已不在党内")]
    if errors:
        raise ValidationError(errors)
    record = Discipline.objects.create(member=member, kind=kind, decided_on=decided_on, ends_on=ends_on,
                                       decided_by=decided_by, document_no=document_no, reason=reason)
    text = _("受到%(kind)s处分") % {"kind": record.get_kind_display()}
    if ends_on:
        text += _("，察看期至%(d)s") % {"d": ends_on.isoformat()}
    member_event(member, actor, EventKind.DISCIPLINE, text, on=decided_on,
                 data={"kind": kind, "document_no": document_no})
    audit.record(actor, "member.discipline", member, node_path=member.branch.path,
                 summary={"kind": kind, "decided_on": decided_on, "ends_on": ends_on})
    if kind == DisciplineKind.EXPULSION:
        member_set_status(actor, member=member, status=MemberStatus.EXPELLED, on=decided_on,
                          reason=reason or _("开除党籍"), document_no=document_no)
    return record


def member_unmask(actor, *, member: Member) -> dict:
    """The full ID number and mobile, for an actor with ``unmask_member`` there; every look is audited."""
    scope.require(actor, "members.unmask_member", member)
    audit.record(actor, "member.unmask", member, node_path=member.branch.path)
    return {"id_number": member.id_number, "phone": member.phone}


@transaction.atomic
def member_link_user(actor, *, member: Member, user) -> Member:
    """Link a member to their own login account (我的会议、我的学习、我的党费). One account per member
    (the unique column holds it when two links race); ``user=None`` unlinks."""
    scope.require(actor, CHANGE, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    taken = ValidationError({"user": [_("该账号已关联另一名党员")]})
    if user is not None and Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise taken
    before = member.user_id
    member.user = user
    try:
        with transaction.atomic():
            member.save(update_fields=["user", "updated_at"])
    except IntegrityError:
        raise taken from None
    audit.record(actor, "member.link_user", member, node_path=member.branch.path,
                 summary={"user": [before, getattr(user, "pk", None)]})
    return member
