"""Registrations of the intake part of appeals (modules, audit words, demo steps), called from ``apps.py``."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from jiceng.core import registry
    from jiceng.core.registry import Module

    registry.register_audit_actions({
        "appeal.photo": _("上传诉求照片"), "appeal.import": _("导入热线工单"),
        "open311.issue": _("签发 Open311 密钥"), "open311.revoke": _("吊销 Open311 密钥"),
    })
    registry.register_module(Module(
        "appeal_report", _("诉求上报"), "appeals:intake_report", "megaphone", ("appeals.add_appeal",), 66,
        _("网格员用手机拍照定位上报问题")))
