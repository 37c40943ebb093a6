"""The one NinjaAPI at /api/v1/. Each app contributes a Router; errors share one schema:
``{"detail": str, "errors": [{"field": str, "message": str}]}``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from jiceng.appeals.api import router as appeals_router
from jiceng.centers.api import router as centers_router
from jiceng.core.api import router as core_router
from jiceng.core.api_calendar import router as calendar_router
from jiceng.core.api_jobs import router as jobs_router
from jiceng.core.errors import Conflict
from jiceng.dues.api import router as dues_router
from jiceng.members.api import router as members_router
from jiceng.orglife.api import router as orglife_router
from jiceng.whistles.api import router as whistles_router


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        from jiceng.core.services.accounts import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Jiceng API",
    version="1",
    description="基层治理平台接口。认证：会话（浏览器）或个人令牌 `Authorization: Bearer …`。",
    auth=[BearerToken(), SessionAuth()],  # a token first: a script sends no CSRF cookie
    urls_namespace="api",
    docs_url="/docs",
)


def error(request, status: int, detail: str, errors=None):
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def on_ninja_validation(request, exc):
    errors = []
    for item in exc.errors:
        loc = [str(p) for p in item.get("loc", []) if p not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(loc) or "__all__", "message": item.get("msg", "")})
    return error(request, 422, _("输入有误，请按提示修改"), errors)


@api.exception_handler(DjangoValidationError)
def on_validation(request, exc):
    if hasattr(exc, "error_dict"):
        errors = [{"field": f, "message": m} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        errors = [{"field": "__all__", "message": m} for m in exc.messages]
    if isinstance(exc, Conflict):
        return error(request, 409, errors[0]["message"] if errors else _("与已有记录冲突"), errors)
    return error(request, 422, _("输入有误，请按提示修改"), errors)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error(request, 404, _("未找到"))


@api.exception_handler(PermissionDenied)
def on_denied(request, exc):
    return error(request, 403, str(exc) or _("您没有执行此操作的权限。"))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error(request, 401, _("请先登录，或在 Authorization 头中提供个人令牌"))


@api.exception_handler(HttpError)
def on_http_error(request, exc):
    return error(request, exc.status_code, str(exc))


api.add_router("/", core_router)
api.add_router("/", jobs_router)
api.add_router("/", calendar_router)
api.add_router("/", members_router)
api.add_router("/", orglife_router)
api.add_router("/", dues_router)
api.add_router("/", centers_router)
api.add_router("/", appeals_router)
api.add_router("/", whistles_router)
