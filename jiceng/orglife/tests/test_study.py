"""Study: assigning items (scope, validation, nothing written on refusal), completing them as the
member themself (once, only what is assigned), rates per branch, the pages and the API."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client

from jiceng.core.models import AuditEvent
from jiceng.core.services.accounts import user_create
from jiceng.members.services.roll import member_link_user
from jiceng.members.tests.factories import member
from jiceng.orglife.models import StudyItem, StudyRecord
from jiceng.orglife.selectors import study as selectors
from jiceng.orglife.services import study as services
from jiceng.orglife.tests.helpers import branch
from jiceng.testing import PASSWORD, SYSTEM

pytestmark = pytest.mark.django_db
TODAY = date.today()


def item(org, title="学习党章", **kw):
    return services.study_item_create(SYSTEM, org=org, title=title, starts_on=kw.pop("starts_on", TODAY), **kw)


def linked(branch_org, name="王五", username="m1"):
    person = member(branch_org, name)
    user = user_create(SYSTEM, username=username, display_name=name, password=PASSWORD, mobile="13900000001")
    member_link_user(SYSTEM, member=person, user=user)
    return person, user


def test_an_organizer_assigns_in_scope_only(world, personas):
    made = services.study_item_create(personas["street"], org=world.majiabao_committee, title="学习党章",
                                      kind="video", url="https://example.cn/v.mp4", starts_on=TODAY)
    assert made.org == world.majiabao_committee
    assert AuditEvent.objects.filter(action="study.create", object_id=str(made.pk)).exists()
    with pytest.raises(Http404):
        services.study_item_create(personas["street"], org=world.bajiao_committee, title="x", starts_on=TODAY)
    with pytest.raises(PermissionDenied):
        services.study_item_create(personas["grid"], org=world.grid_branch, title="x", starts_on=TODAY)
    assert StudyItem.objects.count() == 1


@pytest.mark.parametrize(("fields", "field"), [
    ({"title": " "}, "title"), ({"kind": "video"}, "url"), ({"kind": "link", "url": "ftp://x"}, "url"),
    ({"kind": "podcast"}, "kind"), ({"due_on": date(2000, 1, 1)}, "due_on")])
def test_bad_items_are_field_errors_and_write_nothing(world, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.study_item_create(SYSTEM, org=world.grid_branch, **{"title": "学习", "starts_on": TODAY, **fields})
    assert field in caught.value.error_dict
    assert not StudyItem.objects.exists() and not AuditEvent.objects.filter(action="study.create").exists()


def test_a_member_completes_what_is_assigned_once(world):
    person, user = linked(world.grid_branch)
    above = item(world.majiabao_committee)
    elsewhere = item(world.bajiao_committee, "别处的学习")
    services.study_complete(user, item_id=above.pk, note="有收获")
    services.study_complete(user, item_id=above.pk)
    assert StudyRecord.objects.filter(member=person).count() == 1
    with pytest.raises(Http404):
        services.study_complete(user, item_id=elsewhere.pk)
    with pytest.raises(Http404):
        services.study_complete(user, item_id="x")
    _member, mine = selectors.my_study(user)
    assert [(m.item.pk, m.record is not None) for m in mine] == [(above.pk, True)]
    assert selectors.my_open_count(user) == 0


def test_someone_not_on_the_roll_cannot_complete(world, personas):
    made = item(world.grid_branch)
    with pytest.raises(PermissionDenied):
        services.study_complete(personas["branch"], item_id=made.pk)
    assert not StudyRecord.objects.exists()


def test_rates_per_branch(world, personas):
    second = branch(world.jiayuan_committee, "第二党支部", full=4)
    people = [member(world.grid_branch, f"党员{n}") for n in range(5)]
    street_item = item(world.majiabao_committee)
    own = item(world.grid_branch, "本支部学习")
    item(world.majiabao_committee, "去年的学习", starts_on=date(TODAY.year - 1, 6, 1))
    closed = item(world.majiabao_committee, "撤回的学习")
    services.study_item_close(SYSTEM, item=closed)
    for person in people[:4]:
        StudyRecord.objects.create(item=street_item, member=person, completed_at="2026-01-01T00:00:00Z")
    StudyRecord.objects.create(item=own, member=people[0], completed_at="2026-01-01T00:00:00Z")
    rates = {r.branch_id: r for r in selectors.branch_rates(personas["street"], world.majiabao_committee, TODAY.year)}
    grid = rates[world.grid_branch.pk]
    assert (grid.members, grid.items, grid.expected, grid.done, grid.percent) == (5, 2, 10, 5, 50)
    assert (rates[second.pk].expected, rates[second.pk].done, rates[second.pk].percent) == (4, 0, 0)
    assert selectors.overall(list(rates.values())) == round(100 * 5 / 14)


def test_pages(world, client_for):
    person, user = linked(world.grid_branch)
    made = item(world.majiabao_committee, kind="link", url="https://www.12371.cn/")
    mine = Client()
    mine.force_login(user)
    assert "学习党章" in mine.get("/orglife/study/").content.decode()
    assert mine.post(f"/orglife/study/{made.pk}/done/", {"note": "好"}).status_code == 302
    assert StudyRecord.objects.filter(member=person, item=made).exists()
    street = client_for("street")
    assert "学习党章" in street.get("/orglife/study/items/").content.decode()
    rates = street.get(f"/orglife/study/rates/{world.majiabao_committee.pk}/")
    assert rates.status_code == 200 and "100%" in rates.content.decode()
    assert street.get(f"/orglife/study/rates/{world.bajiao_committee.pk}/").status_code == 404
    form = street.get("/orglife/study/items/new/")
    assert form.status_code == 200
    bad = street.post("/orglife/study/items/new/", {"org": world.majiabao_committee.pk, "title": "视频",
                                                    "kind": "video", "starts_on": TODAY.isoformat()})
    assert bad.status_code == 200 and "链接和视频须填写地址" in bad.content.decode()
    good = street.post("/orglife/study/items/new/", {"org": world.majiabao_committee.pk, "title": "视频",
                                                     "kind": "video", "url": "https://example.cn/a.mp4",
                                                     "starts_on": TODAY.isoformat()})
    assert good.status_code == 302 and StudyItem.objects.filter(title="视频").exists()
    assert client_for("grid").get("/orglife/study/items/new/").status_code == 403


def test_api(world, client_for):
    _person, user = linked(world.grid_branch)
    street = client_for("street")
    created = street.post("/api/v1/study/items", {"org": world.majiabao_committee.pk, "title": "学习条例",
                                                  "starts_on": TODAY.isoformat()}, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    refused = street.post("/api/v1/study/items", {"org": world.bajiao_committee.pk, "title": "x",
                                                  "starts_on": TODAY.isoformat()}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "org"
    assert StudyItem.objects.count() == 1
    mine = Client()
    mine.force_login(user)
    assert [i["id"] for i in mine.get("/api/v1/study/mine").json()] == [pk]
    done = mine.post(f"/api/v1/study/{pk}/complete", {"note": "学习了"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["item"] == pk
    assert mine.get("/api/v1/study/mine").json()[0]["completed_at"]
    rates = street.get(f"/api/v1/study/rates?org={world.majiabao_committee.pk}").json()
    assert rates["goal_percent"] == 80 and rates["overall_percent"] == 100
    assert street.get("/api/v1/study/items").json()["count"] == 1
