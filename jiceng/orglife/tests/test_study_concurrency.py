"""The same member pressing 我已学习 twice at once (two requests in two threads, each with its own
database connection): one record, both answered 200 with it."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection
from django.test import Client

from jiceng.core.services.accounts import user_create
from jiceng.members.services.roll import member_link_user
from jiceng.members.tests.factories import member
from jiceng.orglife.models import StudyRecord
from jiceng.orglife.services.study import study_item_create
from jiceng.testing import PASSWORD, SYSTEM


@pytest.mark.django_db(transaction=True)
def test_two_completions_at_once_make_one_record(world):
    person = member(world.grid_branch, "并发学习")
    user = user_create(SYSTEM, username="m-concurrent", display_name="并发学习", password=PASSWORD,
                       mobile="13900000002")
    member_link_user(SYSTEM, member=person, user=user)
    item = study_item_create(SYSTEM, org=world.majiabao_committee, title="学习党章", starts_on=date.today())
    barrier = threading.Barrier(2)

    def press(_n):
        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            return client.post(f"/api/v1/study/{item.pk}/complete", {"note": "学习了"},
                               content_type="application/json")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(press, [1, 2]))
    assert [a.status_code for a in answers] == [200, 200]
    assert StudyRecord.objects.filter(item=item, member=person).count() == 1
    assert answers[0].json()["completed_at"] == answers[1].json()["completed_at"]
