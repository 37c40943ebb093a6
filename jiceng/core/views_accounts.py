"""Pages for accounts: users and grants (system admin, security officer), audit, the profile."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core import lockout, scope
from jiceng.core.forms import GrantForm, PasswordChangeForm, TokenForm, UserCreateForm
from jiceng.core.pages import paginate, run_service
from jiceng.core.selectors import accounts as selectors
from jiceng.core.services import accounts as services


def _powers(user):
    return {"manage_users": scope.reach(user, "core.manage_users").everything,
            "manage_grants": scope.reach(user, "core.manage_grants").everything}


@login_required
def user_list(request):
    text = request.GET.get("q", "").strip()
    page = paginate(request, selectors.user_list(request.user, text))
    return render(request, "core/user_list.html", {"page": page, "q": text, **_powers(request.user)})


@login_required
def user_new(request):
    scope.require_global(request.user, "core.manage_users")
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = run_service(form, lambda: services.user_create(request.user, **form.cleaned_data))
        if user:
            messages.success(request, _("已创建账号 %(u)s") % {"u": user.username})
            return redirect("core:user_detail", user_id=user.pk)
    return render(request, "core/user_form.html", {"form": form})


@login_required
def user_detail(request, user_id):
    account = selectors.user_get(request.user, user_id)
    powers = _powers(request.user)
    grant_form = GrantForm(request.POST or None) if powers["manage_grants"] else None
    if request.method == "POST" and grant_form is not None and grant_form.is_valid():
        node = grant_form.cleaned_data["node"]
        kwargs = {"area": node} if node is not None and node._meta.model_name == "area" else {"org": node}
        grant = run_service(grant_form, lambda: services.grant_create(
            request.user, user=account, role=grant_form.cleaned_data["role"], **kwargs))
        if grant:
            messages.success(request, _("已授权"))
            return redirect("core:user_detail", user_id=account.pk)
    context = {
        "account": account,
        "grants": selectors.active_grants(account),
        "grant_form": grant_form,
        "locked_until": lockout.lock_end(account.username, None),
        **powers,
    }
    return render(request, "core/user_detail.html", context)


def _post_action(request, call, ok_message):
    try:
        call()
        messages.success(request, ok_message)
    except ValidationError as exc:
        for msg in exc.messages:
            messages.error(request, msg)


@login_required
@require_POST
def grant_revoke(request, grant_id):
    grant = selectors.grant_get(request.user, grant_id)
    _post_action(request, lambda: services.grant_revoke(request.user, grant=grant), _("已撤销授权"))
    return redirect("core:user_detail", user_id=grant.user_id)


@login_required
@require_POST
def user_unlock(request, user_id):
    account = selectors.user_get(request.user, user_id)
    _post_action(request, lambda: services.account_unlock(request.user, user=account), _("已解除锁定"))
    return redirect("core:user_detail", user_id=account.pk)


@login_required
@require_POST
def user_toggle_active(request, user_id):
    account = selectors.user_get(request.user, user_id)
    _post_action(request, lambda: services.user_update(request.user, user=account, is_active=not account.is_active),
                 _("已停用账号") if account.is_active else _("已启用账号"))
    return redirect("core:user_detail", user_id=account.pk)


def _day(value: str, end: bool = False):
    day = parse_date(value or "")
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


@login_required
def audit_list(request):
    g = request.GET
    try:
        since, until = _day(g.get("since", "")), _day(g.get("until", ""), end=True)
    except ValueError:
        since = until = None
    events = selectors.audit_list(request.user, actor_text=g.get("actor", "").strip(),
                                  action=g.get("action", "").strip(), since=since, until=until)
    return render(request, "core/audit_list.html", {"page": paginate(request, events, 50), "filters": g})


@login_required
def profile(request):
    token_form = TokenForm(request.POST if "issue_token" in request.POST else None)
    password_form = PasswordChangeForm(request.user, request.POST if "change_password" in request.POST else None)
    new_token = None
    if "issue_token" in request.POST and token_form.is_valid():
        result = run_service(token_form, lambda: services.token_issue(request.user, user=request.user,
                                                                        name=token_form.cleaned_data["name"]))
        if result:
            new_token = result[1]
            token_form = TokenForm()
    if "change_password" in request.POST and password_form.is_valid():
        ok = run_service(password_form, lambda: services.user_set_password(
            request.user, user=request.user, password=password_form.cleaned_data["new_password1"],
            old_password=password_form.cleaned_data["old_password"]))
        if ok:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改"))
            return redirect("core:profile")
    context = {"tokens": selectors.token_list(request.user), "token_form": token_form, "new_token": new_token,
               "password_form": password_form, "grants": selectors.active_grants(request.user)}
    return render(request, "core/profile.html", context)


@login_required
@require_POST
def token_revoke(request, token_id):
    token = get_object_or_404(selectors.token_list(request.user), pk=token_id)
    services.token_revoke(request.user, token=token)
    messages.success(request, _("令牌已撤销"))
    return redirect("core:profile")
