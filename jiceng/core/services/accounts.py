"""Writes to accounts: users (system admin), grants (security officer), personal tokens (each user).

三权分立: the system admin manages accounts but cannot grant; the security officer grants but
cannot grant to itself; nobody holds two of the three system duties; the auditor only reads.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, crypto, lockout, scope
from jiceng.core.models import ApiToken, Area, Department, Grant, Org, Role
from jiceng.core.validators import normalize_mobile

TOKEN_PREFIX = "jc_"  # noqa: S105 - a marker, not a secret


def _check_password(password: str, user) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc


def _user_or_none(actor):
    return None if getattr(actor, "is_system", False) else actor


def _mobile_or_error(mobile: str, *, exclude_pk=None) -> str:
    normalized = normalize_mobile(mobile)
    if normalized is None:
        raise ValidationError({"mobile": [_("手机号应为 11 位数字、以 1 开头、第二位为 3–9，请核对")]})
    taken = get_user_model().objects.filter(mobile_index=crypto.blind_index(normalized)).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"mobile": [_("该手机号已被其他账号使用")]})
    return normalized


@transaction.atomic
def department_create(actor, *, name: str, kind: str, area: Area) -> Department:
    """Register a functional department (城管, 市场监管 …) of an area."""
    scope.require(actor, "core.add_department", area)
    if not name.strip() or not kind.strip():
        raise ValidationError({"name": [_("请填写部门名称和类别")]})
    if Department.objects.filter(area=area, name=name.strip()).exists():
        raise ValidationError({"name": [_("该属地下已有同名部门")]})
    department = Department.objects.create(name=name.strip(), kind=kind.strip(), area=area)
    audit.record(actor, "department.create", department, node_path=area.path)
    return department


@transaction.atomic
def user_create(actor, *, username: str, display_name: str, password: str, mobile: str = "",
                department: Department | None = None, is_staff: bool = False, is_demo: bool = False):
    scope.require_global(actor, "core.manage_users")
    users = get_user_model()
    username = username.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("请填写用户名")]
    elif users.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("该用户名已存在")]
    elif username.isdigit() or normalize_mobile(username) is not None:
        errors["username"] = [_("用户名不能全为数字（以免与手机号混淆）")]
    if errors:
        raise ValidationError(errors)
    user = users(username=username, display_name=display_name.strip(), department=department,
                 is_staff=is_staff, is_demo=is_demo)
    if mobile:
        user.set_mobile(_mobile_or_error(mobile))
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(actor, "user.create", user, object_repr=user.username,
                 summary={"display_name": user.display_name, "staff": is_staff})
    return user


@transaction.atomic
def user_update(actor, *, user, display_name: str | None = None, mobile: str | None = None,
                department: Department | type[...] | None = ..., is_active: bool | None = None):
    scope.require_global(actor, "core.manage_users")
    if is_active is False and user.pk == getattr(actor, "pk", None):
        raise ValidationError({"is_active": [_("不能停用自己的账号")]})
    before = {"display_name": user.display_name, "mobile": user.masked_mobile, "department": user.department,
              "is_active": user.is_active}
    if display_name is not None:
        user.display_name = display_name.strip()
    if mobile is not None:
        user.set_mobile(_mobile_or_error(mobile, exclude_pk=user.pk) if mobile else "")
    if department is not ...:
        user.department = department
    if is_active is not None:
        user.is_active = is_active
    user.save()
    after = {"display_name": user.display_name, "mobile": user.masked_mobile, "department": user.department,
             "is_active": user.is_active}
    audit.record(actor, "user.update", user, object_repr=user.username,
                 summary={"changes": audit.changes(before, after)})
    return user


@transaction.atomic
def user_set_password(actor, *, user, password: str, old_password: str | None = None):
    """A user changes its own password (with the old one), or the system admin resets one."""
    own = user.pk == getattr(actor, "pk", None)
    if own:
        if old_password is None or not user.check_password(old_password):
            raise ValidationError({"old_password": [_("原密码不正确")]})
    else:
        scope.require_global(actor, "core.manage_users")
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor, "user.password_change" if own else "user.password_reset", user, object_repr=user.username)
    return user


@transaction.atomic
def grant_create(actor, *, user, role: Role, area: Area | None = None, org: Org | None = None) -> Grant:
    scope.require_global(actor, "core.manage_grants")
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError({"user": [_("不能给自己授权（三权分立）")]})
    if area is not None and org is not None:
        raise ValidationError({"node": [_("授权节点只能是一个属地或一个党组织")]})
    node = area or org
    if role.duty:
        if node is not None:
            raise ValidationError({"node": [_("%(role)s是系统职责，授权范围为全部，不选节点") % {"role": role.label}]})
        other = (Grant.objects.filter(user=user, revoked_at__isnull=True, role__duty__gt="")
                 .exclude(role__duty=role.duty))
        if other.exists():
            raise ValidationError({"role": [_("系统管理员、安全管理员、安全审计员三种职责不能由一人兼任（三权分立）")]})
    elif node is None:
        raise ValidationError({"node": [_("请选择授权范围：一个属地或一个党组织")]})
    if Grant.objects.filter(user=user, role=role, area=area, org=org, revoked_at__isnull=True).exists():
        raise ValidationError({"role": [_("该用户已有此授权")]})
    grant = Grant.objects.create(user=user, role=role, area=area, org=org, granted_by=_user_or_none(actor))
    audit.record(actor, "grant.create", grant, node_path=node.path if node else "",
                 summary={"user": user.username, "role": role.code, "node": str(node) if node else "全部"})
    scope.grants_changed([user])
    return grant


@transaction.atomic
def grant_revoke(actor, *, grant: Grant) -> Grant:
    scope.require_global(actor, "core.manage_grants")
    grant = Grant.objects.select_for_update().get(pk=grant.pk)
    if grant.user_id == getattr(actor, "pk", None):
        raise ValidationError({"user": [_("不能撤销自己的授权（三权分立）")]})
    if grant.revoked_at is None:
        grant.revoked_at, grant.revoked_by = timezone.now(), _user_or_none(actor)
        grant.save(update_fields=["revoked_at", "revoked_by"])
        node = grant.node
        audit.record(actor, "grant.revoke", grant, node_path=node.path if node else "",
                     summary={"user": grant.user.username, "role": grant.role.code})
        scope.grants_changed([grant.user])
    return grant


@transaction.atomic
def account_unlock(actor, *, user) -> int:
    scope.require_global(actor, "core.manage_grants")
    removed = lockout.unlock(user.username)
    audit.record(actor, "user.unlock", user, object_repr=user.username, summary={"failures_cleared": removed})
    return removed


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


@transaction.atomic
def token_issue(actor, *, user, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a personal token for ``user`` (itself, or by a system caller). The raw token is returned
    once and never stored."""
    if not getattr(actor, "is_system", False) and user.pk != getattr(actor, "pk", None):
        raise ValidationError({"user": [_("只能为自己签发令牌")]})
    if not user.is_active:
        raise ValidationError({"user": [_("账号已停用")]})
    name = name.strip() or "API"
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    days = settings.API_TOKEN_DAYS if days is None else days
    token = ApiToken.objects.create(user=user, name=name[:60], prefix=raw[:10], digest=_digest(raw),
                                    expires_at=timezone.now() + timedelta(days=days) if days else None)
    audit.record(actor, "token.issue", token, object_repr=f"{user.username}:{token.prefix}",
                 summary={"name": token.name, "expires_at": token.expires_at})
    return token, raw


@transaction.atomic
def token_revoke(actor, *, token: ApiToken) -> ApiToken:
    if token.user_id != getattr(actor, "pk", None):
        scope.require_global(actor, "core.manage_grants")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "token.revoke", token, object_repr=f"{token.user.username}:{token.prefix}")
    return token


def token_authenticate(raw: str):
    """The active user owning ``raw``, or None. Marks the token used (at most once a minute)."""
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (ApiToken.objects.select_related("user").filter(digest=_digest(raw), revoked_at__isnull=True)
             .first())
    if token is None or not token.user.is_active or (token.expires_at and token.expires_at <= now):
        return None
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
