"""The demo's appeals: every state, placed in the generated grids, pending orders for the ``dept`` account."""

import time

import pytest

from jiceng.appeals.models import Appeal, OrderStatus, Status
from jiceng.appeals.selectors import appeals as sel
from jiceng.core.demo import load_demo
from jiceng.core.models import User


@pytest.mark.django_db(transaction=False)
def test_demo_appeals_cover_every_state():
    started = time.monotonic()
    load_demo()
    elapsed = time.monotonic() - started
    statuses = set(Appeal.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    assert 35 <= Appeal.objects.exclude(ticket_no__startswith="H").count() <= 45  # H…: the stats demo history
    assert Appeal.objects.filter(grid__isnull=False).count() >= 30
    assert Appeal.objects.filter(street__code="110107003000").exists()
    assert Appeal.objects.filter(extensions__status="pending").exists()
    assert Appeal.objects.filter(extensions__status="approved").exists()
    assert Appeal.objects.filter(cb_channel="tracking").exists() and Appeal.objects.filter(cb_channel="phone").exists()
    assert Appeal.objects.filter(escalation_level__gte=1).exists()
    returned = Appeal.objects.filter(status=Status.RETURNED).first()
    assert returned.events.filter(action="return", public=True).exists()
    dept = User.objects.get(username="dept")
    assert sel.inbox(dept).filter(status=OrderStatus.PENDING).count() >= 3
    assert sel.queue_counts(User.objects.get(username="street"))["overdue"] >= 2
    assert elapsed > 0
