from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

CENTER_READ = ["centers.view_center"]
CENTER_WRITE = [*CENTER_READ, "centers.change_center"]
RESERVE = ["centers.view_roomreservation", "centers.add_roomreservation", "centers.change_roomreservation"]
RESERVATIONS = [*RESERVE, "centers.approve_roomreservation"]

CENTERS_ROLE_PERMISSIONS = {
    "district_organizer": [*CENTER_WRITE, "centers.add_center", *RESERVATIONS],
    "street_worker": [*CENTER_WRITE, "centers.add_center", *RESERVATIONS],
    "community_secretary": [*CENTER_WRITE, "centers.add_center", *RESERVATIONS],
    "center_staff": [*CENTER_WRITE, *RESERVATIONS],
    "branch_secretary": RESERVE,  # reserves rooms for the branch (granted on the org)
    "dept_handler": CENTER_READ,  # departments sit in on the centers' rota
}


class CentersConfig(AppConfig):
    name = "jiceng.centers"
    label = "centers"
    verbose_name = _("党群服务中心")

    def ready(self):
        from jiceng.centers.demo import load_centers_demo
        from jiceng.core import registry
        from jiceng.core.registry import Module

        registry.register_demo(load_centers_demo, order=60)
        for role, perms in CENTERS_ROLE_PERMISSIONS.items():
            registry.register_role_permissions(role, perms)
        registry.register_module(Module(
            "centers", _("党群服务中心"), "centers:staff_home", "building", ("centers.view_center",), 60,
            _("中心与站点、功能室、服务清单、部门坐班、功能室预约与统计")))
        registry.register_module(Module(
            "room_reservations", _("功能室预约"), "centers:my_reservations", "calendar-check",
            ("centers.add_roomreservation",), 61, _("为本组织预约党群服务中心的会议室、活动室")))
        registry.register_audit_actions({
            "center.create": _("新建党群服务中心"), "center.update": _("修改党群服务中心"),
            "center.hours": _("设置开放时间"), "center.exception": _("设置开放时间例外"),
            "center.photo": _("上传中心照片"), "room.create": _("新建功能室"), "room.update": _("修改功能室"),
            "service.create": _("新增服务事项"), "service.update": _("修改服务事项"),
            "service.import": _("导入服务清单"),
            "rota.create": _("安排部门坐班"), "rota.update": _("调整部门坐班"), "rota.delete": _("取消部门坐班"),
            "reservation.create": _("预约功能室"), "reservation.approve": _("确认功能室预约"),
            "reservation.refuse": _("拒绝功能室预约"), "reservation.cancel": _("取消功能室预约"),
            "reservation.link": _("关联会议记录"), "center.export": _("导出中心统计"),
        })

        from jiceng.centers import setup_activities

        setup_activities.ready()
