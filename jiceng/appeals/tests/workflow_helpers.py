"""Helpers of the workflow tests: departments, an appeal in a given state, a snapshot of what a refused
action must leave unchanged."""

from datetime import timedelta

from django.utils import timezone

from jiceng.appeals.models import Appeal, AppealEvent, Channel, Extension, Order
from jiceng.appeals.services import workflow as wf
from jiceng.appeals.services.intake import appeal_create
from jiceng.core.models import AuditEvent, Department
from jiceng.testing import SYSTEM

GOOD = {"type": "投诉", "category": "city.manhole", "content": "小区门口井盖丢了，很危险", "name": "王女士",
        "phone": "13800138000", "lat": 39.845, "lng": 116.375}


def departments(world, personas=None) -> tuple[Department, Department]:
    """丰台区城管执法局 (the ``dept`` persona's department) and 丰台区市场监督管理局."""
    chengguan = Department.objects.create(name="丰台区城管执法局", kind="城管", area=world.fengtai)
    market = Department.objects.create(name="丰台区市场监督管理局", kind="市场监管", area=world.fengtai)
    if personas is not None:
        personas["dept"].department = chengguan
        personas["dept"].save(update_fields=["department"])
    return chengguan, market


def new_appeal(**changes) -> Appeal:
    channel = changes.pop("channel", Channel.WEB)
    received_at = changes.pop("received_at", None)
    appeal, _created = appeal_create(None, {**GOOD, **changes}, channel=channel, received_at=received_at)
    return appeal


def dispatched(lead, *, assists=(), **changes) -> Appeal:
    appeal = new_appeal(**changes)
    return wf.appeal_dispatch(SYSTEM, appeal, lead=lead, assists=assists)


def accepted(lead, **changes) -> Appeal:
    return wf.appeal_accept(SYSTEM, dispatched(lead, **changes))


def resolved(lead, **changes) -> Appeal:
    return wf.appeal_resolve(SYSTEM, accepted(lead, **changes), solution="已补装井盖")


def snapshot(appeal: Appeal) -> tuple:
    """Everything a refused action must leave as it was."""
    row = Appeal.objects.filter(pk=appeal.pk).values().get()
    row.pop("updated_at")
    return (row, list(Order.objects.filter(appeal=appeal).values()), AppealEvent.objects.filter(appeal=appeal).count(),
            list(Extension.objects.filter(appeal=appeal).values()), AuditEvent.objects.count())


def hours(n: float):
    return timezone.now() + timedelta(hours=n)


def ensure_catalogue() -> None:
    """The default dispatch catalogue, seeded again (idempotent) for a transactional test: another
    transactional test may have flushed the rows the data migration put there."""
    import importlib

    from django.apps import apps

    importlib.import_module("jiceng.appeals.migrations.0002_catalogue").seed(apps, None)
