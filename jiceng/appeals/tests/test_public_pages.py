"""The public pages: the appeal form (no login), its receipt, the tracking page with its lockout, the
callback (回访) from the tracking page, the territory map; and the grid worker's report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from jiceng.appeals.models import Appeal, AppealEvent, AppealPhoto, Channel, Status
from jiceng.appeals.services.intake import appeal_create

NEW, TRACK, CALLBACK = "/appeal/new/", "/appeal/track/", "/appeal/track/callback/"
FORM = {"type": "complaint", "category": "city.manhole", "content": "小区门口井盖丢了", "urgency": "normal",
        "name": "王女士", "phone": "138 0013 8000", "lat": "39.845", "lng": "116.375", "community": "",
        "address": "", "client_key": "form-1"}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 100


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_form_opens_without_login_with_the_catalogue_and_communities(world):
    r = Client().get(NEW)
    assert r.status_code == 200
    html = r.content.decode()
    assert 'optgroup label="市容环境"' in html and 'value="city.manhole"' in html
    assert 'value="city"' not in html  # groups are not choosable
    assert 'optgroup label="马家堡街道"' in html and 'value="110106015002"' in html
    assert 'name="phone"' in html and 'type="tel"' in html and "data-jc-appeal-map" in html


def test_filing_gives_a_receipt_with_the_ticket_number(world, media):
    r = Client().post(NEW, {**FORM, "photos": [SimpleUploadedFile("a.jpg", JPEG)]})
    assert r.status_code == 302, r.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.WEB and appeal.grid == world.grid1 and appeal.phone_masked == "138****8000"
    assert AppealPhoto.objects.filter(appeal=appeal).count() == 1
    done = Client().get(r["Location"])
    assert done.status_code == 200 and appeal.ticket_no in done.content.decode()
    assert Client().get("/appeal/done/?t=forged").status_code == 404


def test_choosing_a_community_instead_of_a_pin(world):
    r = Client().post(NEW, {**FORM, "lat": "", "lng": "", "community": "110106015002"})
    assert r.status_code == 302 and Appeal.objects.get().community == world.jiaomen


def test_a_double_submission_files_once(world):
    client = Client()
    first, again = client.post(NEW, FORM), client.post(NEW, FORM)
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert Appeal.objects.count() == 1


@pytest.mark.parametrize(("change", "words"), [
    ({"phone": "1380013"}, "手机号"), ({"phone": ""}, "手机号"), ({"lat": "", "lng": ""}, "请在地图上选点"),
    ({"lat": "39.0", "lng": "116.0"}, "不在本平台服务的网格"), ({"category": "nope"}, "诉求类别"),
])
def test_bad_input_shows_the_error_on_the_form_and_files_nothing(world, change, words):
    r = Client().post(NEW, {**FORM, **change})
    assert r.status_code == 200 and words in r.content.decode()
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("photo", [SimpleUploadedFile("a.jpg", b"not an image"),
                                   SimpleUploadedFile("b.png", JPEG + b"\x00" * 4096)])
def test_a_bad_photo_files_nothing(world, media, settings, photo):
    settings.APPEAL_PHOTO_MAX_KB = 2
    r = Client().post(NEW, {**FORM, "photos": [photo]})
    assert r.status_code == 200 and "照片" in r.content.decode()
    assert not Appeal.objects.exists() and not AppealPhoto.objects.exists() and not list(media.rglob("*.*"))


def test_the_form_is_rate_limited(world, settings):
    settings.APPEAL_RATE_PER_PHONE_HOUR = 1
    client = Client()
    assert client.post(NEW, FORM).status_code == 302
    r = client.post(NEW, {**FORM, "client_key": "form-2"})
    assert r.status_code == 200 and "提交过于频繁" in r.content.decode()
    assert Appeal.objects.count() == 1


@pytest.fixture
def appeal(world):
    return appeal_create(None, {"type": "投诉", "category": "city.manhole", "content": "井盖丢了", "name": "王女士",
                                "phone": "13800138000", "lat": 39.845, "lng": 116.375})[0]


def test_tracking_shows_the_public_timeline(appeal):
    AppealEvent.objects.create(appeal=appeal, action="note", note="内部备注", public=False, at=appeal.received_at)
    r = Client().post(TRACK, {"ticket_no": appeal.ticket_no, "phone_last4": "8000"})
    html = r.content.decode()
    assert r.status_code == 200 and appeal.ticket_no in html and "已受理" in html and "内部备注" not in html
    assert "13800138000" not in html and "马家堡街道" in html


def test_tracking_with_wrong_digits_is_refused_then_locked(appeal, settings):
    settings.APPEAL_TRACK_MAX_FAILURES = 3
    client = Client()
    for wrong in ("0000", "1111", "8001"):
        r = client.post(TRACK, {"ticket_no": appeal.ticket_no, "phone_last4": wrong})
        assert "工单编号或手机号后四位不正确" in r.content.decode() and "井盖丢了" not in r.content.decode()
    r = client.post(TRACK, {"ticket_no": appeal.ticket_no, "phone_last4": "8000"})
    assert "核对错误次数过多" in r.content.decode() and "井盖丢了" not in r.content.decode()
    # another address is locked out of this ticket as well (the count is per ticket too)
    r = Client(REMOTE_ADDR="10.1.1.1").post(TRACK, {"ticket_no": appeal.ticket_no, "phone_last4": "8000"})
    assert "核对错误次数过多" in r.content.decode()


def test_the_territory_map_is_geojson(world):
    data = Client().get("/appeal/map.geojson").json()
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["code"] for f in data["features"]} == {world.grid1.code, world.grid2.code}


def _callback_available():
    try:
        from jiceng.appeals.services.workflow import appeal_callback  # noqa: F401
    except ImportError:
        return False
    return True


CB = {"contacted": "yes", "solved": "solved", "satisfied": "satisfied", "comment": "很快修好了"}


@pytest.mark.skipif(not _callback_available(), reason="the workflow's appeal_callback is not on this branch yet")
def test_the_filer_rates_a_resolved_appeal_on_the_tracking_page(appeal):
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.RESOLVED, resolved_at=appeal.received_at)
    page = Client().post(TRACK, {"ticket_no": appeal.ticket_no, "phone_last4": "8000"})
    assert "请对办理情况评价" in page.content.decode()
    r = Client().post(CALLBACK, {"ticket_no": appeal.ticket_no, "phone_last4": "8000", **CB})
    assert r.status_code == 200 and "回访已记录" in r.content.decode()
    appeal.refresh_from_db()
    assert (appeal.cb_contacted, appeal.cb_solved, appeal.cb_satisfied, appeal.cb_channel) == (
        True, "solved", "satisfied", "tracking")


@pytest.mark.skipif(not _callback_available(), reason="the workflow's appeal_callback is not on this branch yet")
def test_a_callback_for_someone_elses_ticket_changes_nothing(appeal):
    Appeal.objects.filter(pk=appeal.pk).update(status=Status.RESOLVED, resolved_at=appeal.received_at)
    r = Client().post(CALLBACK, {"ticket_no": appeal.ticket_no, "phone_last4": "1234", **CB})
    assert "工单编号或手机号后四位不正确" in r.content.decode()
    appeal.refresh_from_db()
    assert appeal.cb_at is None and appeal.cb_solved == "" and appeal.status == Status.RESOLVED


# --- the grid worker's report ------------------------------------------------------------------------

def test_a_grid_worker_reports_from_the_phone(world, client_for, media):
    client = client_for("grid")
    assert client.get("/appeals/report/").status_code == 200
    data = {**FORM, "type": "report", "name": "", "phone": "", "photos": [SimpleUploadedFile("a.jpg", JPEG)]}
    r = client.post("/appeals/report/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.GRID and appeal.created_by.username == "grid"
    assert appeal.phone_masked == "139****0004" and appeal.name == "grid"
    assert appeal.photos.get().uploaded_by is None


def test_the_report_page_needs_the_right(world, client_for):
    assert client_for("branch").get("/appeals/report/").status_code == 403
    assert client_for("auditor").post("/appeals/report/", FORM).status_code == 403
    assert Client().get("/appeals/report/").status_code == 302
    assert not Appeal.objects.exists()


def test_staff_see_the_photos_of_appeals_in_scope_only(world, client_for, media):
    Client().post(NEW, {**FORM, "lat": "", "lng": "", "community": "110106015002",
                        "photos": [SimpleUploadedFile("a.jpg", JPEG)]})
    photo = AppealPhoto.objects.get()
    r = client_for("street").get(f"/appeals/photos/{photo.pk}")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    assert client_for("community").get(f"/appeals/photos/{photo.pk}").status_code == 404  # 嘉园一里, not 角门东里
    assert Client().get(f"/appeals/photos/{photo.pk}").status_code == 302
