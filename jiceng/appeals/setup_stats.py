"""Registrations of the stats part of appeals (modules, audit words, demo steps), called from ``apps.py``."""

from django.utils.translation import gettext_lazy as _


def ready() -> None:
    from django.db.models.signals import post_delete, post_save

    from jiceng.appeals.demo_history import load_history_demo
    from jiceng.appeals.models import Appeal
    from jiceng.appeals.services.rates import appeal_changed
    from jiceng.core import registry
    from jiceng.core.registry import Module

    # Derived data only: a changed appeal marks its month's rollup for re-summing.
    post_save.connect(appeal_changed, sender=Appeal, dispatch_uid="appeals-rollup-save")
    post_delete.connect(appeal_changed, sender=Appeal, dispatch_uid="appeals-rollup-delete")
    for module in [
        Module("appeal_rates", _("三率考核"), "appeals:rates", "graph-up-arrow", ("appeals.view_appeal_stats",), 64,
               _("响应率、解决率、满意率，月度排名与发布")),
        Module("appeal_hotspots", _("热点与未诉先办"), "appeals:hotspots", "fire", ("appeals.view_appeal_stats",), 65,
               _("每月一题：高频类别、重复地址，转为未诉先办任务")),
    ]:
        registry.register_module(module)
    registry.register_audit_actions({
        "appeal_ranking.publish": _("发布三率排名"), "hotspot_task.create": _("创建未诉先办任务"),
        "hotspot_task.done": _("完成未诉先办任务"),
    })
    registry.register_demo(load_history_demo, order=85)
