"""Whistles blown on appeals (诉求): linked by ticket number, shown with their status; an appeal out
of the caller's reach or unknown is a field error and links nothing."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from jiceng.appeals.services.intake import appeal_create
from jiceng.core.models import AuditEvent
from jiceng.whistles.models import Whistle
from jiceng.whistles.selectors.whistles import appeals_for_field
from jiceng.whistles.services import whistles
from jiceng.whistles.tests import helpers as h

pytestmark = pytest.mark.django_db
APPEAL = {"type": "投诉", "category": "city.manhole", "content": "小区门口井盖丢了，很危险", "name": "王女士",
          "phone": "13800138000", "lat": 39.845, "lng": 116.375}


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def depts(world):
    return h.departments(world)


def test_blow_on_appeals_and_link_more(world, personas, client_for, depts):
    first, _c = appeal_create(None, dict(APPEAL))
    second, _c = appeal_create(None, {**APPEAL, "content": "井盖又丢了"})
    made = post(client_for("street"), "/api/v1/whistles", {
        "caller": world.majiabao.code, "title": "井盖丢失", "matter": "多处井盖丢失", "urgency": "urgent",
        "departments": [depts["城管"].pk], "appeals": [first.ticket_no]})
    assert made.status_code == 201, made.content
    assert [(a["ticket_no"], a["status_name"]) for a in made.json()["appeals"]] == [(first.ticket_no, "受理")]
    wid = made.json()["id"]
    linked = post(client_for("street"), f"/api/v1/whistles/{wid}/appeals", {"appeals": [second.ticket_no,
                                                                                     first.ticket_no]})
    assert linked.status_code == 200
    assert {a["ticket_no"] for a in linked.json()["appeals"]} == {first.ticket_no, second.ticket_no}
    assert AuditEvent.objects.filter(action="whistle.appeals").count() == 1
    assert list(first.whistles.values_list("pk", flat=True)) == [wid]
    page = client_for("street").get(f"/whistles/{wid}/").content.decode()
    assert first.ticket_no in page and second.ticket_no in page


def test_unknown_or_out_of_reach_appeals_are_field_errors(world, personas, client_for, depts):
    bajiao, _c = appeal_create(None, {**APPEAL, "lat": None, "lng": None, "community": world.bajiao_community.code})
    whistle = h.blow(world, depts)
    bad = post(client_for("street"), f"/api/v1/whistles/{whistle.pk}/appeals", {"appeals": [bajiao.ticket_no, "x1"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "appeals"
    assert "x1" in bad.json()["errors"][0]["message"]
    assert not whistle.appeals.exists()
    refused = post(client_for("street"), "/api/v1/whistles", {
        "caller": world.majiabao.code, "title": "t", "matter": "m", "departments": [depts["城管"].pk],
        "appeals": [bajiao.ticket_no]})
    assert refused.status_code == 422 and Whistle.objects.count() == 1
    h.make_handler(personas, depts["城管"])
    with pytest.raises(PermissionDenied):  # the summoned department sees the whistle, may not link
        whistles.whistle_link_appeals(personas["dept"], whistle=whistle, appeals=[bajiao])
    assert appeals_for_field(personas["street"], [" ", ""]) == []
    assert not whistle.appeals.exists()


def test_link_from_the_whistle_page(world, personas, client_for, depts):
    appeal, _c = appeal_create(None, dict(APPEAL))
    whistle = h.blow(world, depts)
    street = client_for("street")
    assert street.post(f"/whistles/{whistle.pk}/", {"do": "link", "link-appeals": "nope"}).status_code == 200
    assert not whistle.appeals.exists()
    done = street.post(f"/whistles/{whistle.pk}/", {"do": "link", "link-appeals": f" {appeal.ticket_no}，"})
    assert done.status_code == 302 and list(whistle.appeals.all()) == [appeal]
    made = street.post("/whistles/new/", {"caller": world.majiabao.pk, "title": "井盖", "matter": "丢失",
                                          "urgency": "urgent", "departments": [depts["城管"].pk],
                                          "appeals": appeal.ticket_no})
    assert made.status_code == 302 and Whistle.objects.get(title="井盖").appeals.get() == appeal
