"""What activities and bookings register in ``CentersConfig.ready()``: role permissions, modules,
audit words and the demo step."""

from django.utils.translation import gettext_lazy as _

ACTIVITY_STAFF = ["centers.view_activity", "centers.add_activity", "centers.change_activity",
                  "centers.view_booking", "centers.add_booking", "centers.change_booking", "centers.checkin_booking"]
ROLES = ["district_organizer", "street_worker", "community_secretary", "center_staff"]


def ready() -> None:
    from jiceng.centers.demo_activities import load_activities_demo
    from jiceng.core import registry
    from jiceng.core.registry import Module

    for role in ROLES:
        registry.register_role_permissions(role, ACTIVITY_STAFF)
    registry.register_demo(load_activities_demo, order=70)
    for module in [
        Module("activities", _("活动预约"), "centers:activity_admin", "calendar-check", ("centers.view_activity",), 60,
               _("发布活动（可按工作日重复）、名额与候补、预约统计")),
        Module("checkin", _("签到核销"), "centers:desk", "qr-code-scan", ("centers.checkin_booking",), 61,
               _("到场核销预约码、代居民预约")),
    ]:
        registry.register_module(module)
    registry.register_audit_actions({
        "activity.create": _("发布活动"), "session.cancel": _("取消场次"), "center.employees": _("更新楼宇员工名单"),
        "booking.create": _("预约活动"), "booking.cancel": _("取消预约"), "booking.check_in": _("签到核销"),
        "booking.no_shows": _("统计爽约"),
    })
