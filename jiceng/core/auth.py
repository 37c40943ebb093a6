"""Sign-in by username or mainland mobile number, with the lockout; permissions come from grants."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from jiceng.core import crypto, lockout, scope
from jiceng.core.http import client_ip
from jiceng.core.validators import normalize_mobile


class AccountLocked(PermissionDenied):
    def __init__(self, until):
        super().__init__(str(until))
        self.until = until


def resolve_user(identifier: str):
    """The account named by a username or by its mobile number, or None."""
    users = get_user_model().objects
    identifier = (identifier or "").strip()
    user = users.filter(username=identifier).first()
    if user is None:
        mobile = normalize_mobile(identifier)
        if mobile:
            user = users.filter(mobile_index=crypto.blind_index(mobile)).first()
    return user


def lockout_key(identifier: str) -> str:
    """Failures count against the account, however it was named (username or mobile)."""
    user = resolve_user(identifier)
    return user.username if user else (identifier or "").strip()[:150]


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        user = resolve_user(username)
        key = user.username if user else username.strip()[:150]
        ip = client_ip(request)
        until = lockout.lock_end(key, ip)
        if until:
            raise AccountLocked(until)
        if user is None:
            get_user_model()().set_password(password)  # same work as a real check: no timing oracle
        elif user.check_password(password) and self.user_can_authenticate(user):
            lockout.clear(key)
            return user
        lockout.record_failure(key, ip)
        return None

    # Permissions: the union of the user's active grants. Django's superuser shortcut is not
    # honoured (三权分立: nobody holds every power).
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return scope.permissions(user_obj)

    def has_perm(self, user_obj, perm, obj=None):
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label):
        return any(p.startswith(app_label + ".") for p in self.get_all_permissions(user_obj))
