"""POST /api/v1/appeals and its photos: the contract for scripts, the bad input of issue 6 (each a clear
error and nothing changed), Idempotency-Key retries (also concurrent ones), the rate limit and staff."""

import http.client
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
from django.test import Client

from jiceng.appeals.models import Appeal, AppealEvent, AppealPhoto, Channel
from jiceng.core.models import AuditEvent

URL = "/api/v1/appeals"
GOOD = {"type": "投诉", "category": "city.manhole", "content": "小区门口井盖丢了，很危险", "name": "王女士",
        "phone": "13800138000", "lat": 39.845, "lng": 116.375}
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def post(client, body, **extra):
    return client.post(URL, json.dumps(body), content_type="application/json", **extra)


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_an_anonymous_filer_gets_the_ticket_the_place_and_the_deadlines(world):
    r = post(Client(), GOOD)
    assert r.status_code == 201, r.content
    body = r.json()
    appeal = Appeal.objects.get()
    assert body["id"] == appeal.pk and body["ticket_no"] == appeal.ticket_no and body["status"] == "received"
    assert body["grid"] == {"code": world.grid1.code, "name": "第1网格"}
    assert body["community"] == {"code": "110106015001", "name": "嘉园一里社区"}
    assert body["street"] == {"code": "110106015000", "name": "马家堡街道"}
    assert body["category"] == {"code": "city.manhole", "name": "井盖破损丢失"}
    assert body["response_due_at"] and body["complete_due_at"] and body["routed_by"] == "grid"
    assert body["phone"] == "138****8000" and "13800138000" not in r.content.decode()
    assert appeal.channel == Channel.API and appeal.filer is None
    assert AuditEvent.objects.filter(action="appeal.create", object_id=str(appeal.pk)).exists()


def test_a_community_code_instead_of_coordinates(world):
    r = post(Client(), {**{k: v for k, v in GOOD.items() if k not in ("lat", "lng")}, "community": "110106015002"})
    assert r.status_code == 201
    assert r.json()["grid"] is None and r.json()["community"]["name"] == "角门东里社区"


@pytest.mark.parametrize(("change", "field"), [
    ({"phone": None}, "phone"), ({"phone": "1380013800"}, "phone"), ({"phone": "12345678901"}, "phone"),
    ({"lat": 39.0, "lng": 116.0}, "lat"), ({"lat": 10.0, "lng": 10.0}, "lng"), ({"category": "city.nope"}, "category"),
    ({"type": "抱怨"}, "type"), ({"content": ""}, "content"), ({"lat": None, "lng": None}, "lat"),
    ({"channel": "hotline"}, "channel"), ({"lat": "north"}, "lat"),
])
def test_bad_input_is_a_field_error_and_changes_nothing(world, change, field):
    r = post(Client(), {**GOOD, **change})
    assert r.status_code == 422, r.content
    assert field in fields(r) and r.json()["detail"]
    assert all(e["message"] for e in r.json()["errors"])
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


def test_a_body_that_is_not_json_is_a_422(world):
    r = Client().post(URL, "type=投诉", content_type="application/json")
    assert r.status_code in (400, 422) and not Appeal.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_first_appeal(world):
    client = Client()
    first = post(client, GOOD, HTTP_IDEMPOTENCY_KEY="k-123")
    again = post(client, GOOD, HTTP_IDEMPOTENCY_KEY="k-123")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Appeal.objects.count() == 1 and AppealEvent.objects.count() == 1


def test_the_same_key_for_another_phone_is_a_conflict(world):
    post(Client(), GOOD, HTTP_IDEMPOTENCY_KEY="k-9")
    r = post(Client(), {**GOOD, "phone": "13900139000"}, HTTP_IDEMPOTENCY_KEY="k-9")
    assert r.status_code == 409 and "Idempotency-Key" in fields(r)
    assert Appeal.objects.count() == 1


def _raw_post(base: str, body: dict, key: str) -> tuple[int, dict]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        conn.request("POST", URL, body=json.dumps(body), headers={"Content-Type": "application/json",
                                                                  "Idempotency-Key": key})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_one_appeal(live_server, world, settings):
    from jiceng.appeals.tests.workflow_helpers import ensure_catalogue

    ensure_catalogue()  # another transactional test's flush may have erased the migration-seeded catalogue
    settings.APPEAL_RATE_PER_HOUR = 0
    settings.APPEAL_RATE_PER_PHONE_HOUR = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _i: _raw_post(live_server.url, GOOD, "same-key"), range(8)))
    assert {code for code, _b in answers} <= {200, 201}, answers
    assert [code for code, _b in answers].count(201) == 1
    assert len({body["id"] for _c, body in answers}) == 1
    assert Appeal.objects.count() == 1


def test_an_anonymous_filer_is_rate_limited_per_phone_and_per_address(world, settings):
    settings.APPEAL_RATE_PER_PHONE_HOUR = 2
    settings.APPEAL_RATE_PER_HOUR = 4  # every attempt from the address counts, refused ones too
    client = Client()
    assert [post(client, GOOD).status_code for _ in range(2)] == [201, 201]
    r = post(client, GOOD)
    assert r.status_code == 429 and "一小时后再试" in r.json()["detail"]
    assert Appeal.objects.count() == 2
    assert post(client, {**GOOD, "phone": "13900139000"}).status_code == 201  # 4th from this address
    assert post(client, {**GOOD, "phone": "13700137000"}).status_code == 429  # 5th from this address
    assert post(client, {**GOOD, "phone": "13700137000"}, REMOTE_ADDR="10.9.9.9").status_code == 201
    assert Appeal.objects.count() == 4


def test_staff_with_a_token_use_the_staff_channels_and_are_not_limited(world, token_for, settings):
    settings.APPEAL_RATE_PER_PHONE_HOUR = 1
    headers = token_for("street")
    data = {k: v for k, v in GOOD.items() if k not in ("lat", "lng")}
    r = post(Client(), {**data, "channel": "hotline", "hotline_no": "BJ-1"}, **headers)
    assert r.status_code == 201, r.content
    assert r.json()["channel"] == "hotline" and r.json()["routed_by"] == "none"
    assert post(Client(), {**GOOD, "channel": "staff"}, **headers).status_code == 201
    appeal = Appeal.objects.get(hotline_no="BJ-1")
    assert appeal.created_by.username == "street"
    assert post(Client(), {**GOOD, "channel": "web"}, **headers).status_code == 422  # not a staff channel


def test_a_wrong_token_is_refused_not_taken_for_anonymous(world):
    r = post(Client(), GOOD, HTTP_AUTHORIZATION="Bearer jt_nonsense")
    assert r.status_code == 401 and not Appeal.objects.exists()


def test_a_signed_in_resident_without_intake_rights_files_as_the_public(world, personas, settings):
    client = Client(enforce_csrf_checks=False)
    client.force_login(personas["branch"])
    r = post(client, GOOD)
    assert r.status_code == 201 and Appeal.objects.get().channel == Channel.API


# --- photos --------------------------------------------------------------------------------------

@pytest.fixture
def filed(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    r = post(Client(), GOOD)
    return Appeal.objects.get(pk=r.json()["id"])


def upload(client, appeal, content: bytes, name="p.jpg", last4="8000", ticket=None, **extra):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(f"{URL}/{appeal.pk}/photos", {
        "photo": SimpleUploadedFile(name, content, content_type="image/jpeg"),
        "ticket_no": ticket or appeal.ticket_no, "phone_last4": last4}, **extra)


def test_the_filer_adds_photos_checked_by_content(filed, tmp_path):
    client = Client()
    r = upload(client, filed, JPEG)
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "image/jpeg"
    assert upload(client, filed, PNG, name="x.jpg").json()["content_type"] == "image/png"
    photo = AppealPhoto.objects.get(pk=r.json()["id"])
    assert photo.file.name.endswith(".jpg") and (tmp_path / photo.file.name).exists()
    assert AuditEvent.objects.filter(action="appeal.photo").count() == 2


@pytest.mark.parametrize(("content", "name"), [(b"GIF89a" + b"\x00" * 50, "a.jpg"), (b"hello, world", "a.png"),
                                               (b"", "empty.jpg")])
def test_a_non_image_is_refused_and_nothing_is_stored(filed, tmp_path, content, name):
    r = upload(Client(), filed, content, name=name)
    assert r.status_code == 422 and "photo" in fields(r)
    assert not AppealPhoto.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_an_oversized_photo_is_refused(filed, settings, tmp_path):
    settings.APPEAL_PHOTO_MAX_KB = 1
    r = upload(Client(), filed, JPEG + b"\x00" * 2048)
    assert r.status_code == 422 and "KB" in r.json()["errors"][0]["message"]
    assert not AppealPhoto.objects.exists() and not list(tmp_path.rglob("*.*"))


def test_at_most_nine_photos(filed, settings):
    client = Client()
    assert all(upload(client, filed, JPEG).status_code == 201 for _ in range(9))
    r = upload(client, filed, JPEG)
    assert r.status_code == 422 and "9" in r.json()["errors"][0]["message"]
    assert AppealPhoto.objects.count() == 9


def test_someone_else_cannot_add_photos_and_is_locked_out(filed, settings):
    settings.APPEAL_TRACK_MAX_FAILURES = 3
    client = Client()
    for wrong in ("0000", "1234", "8001"):
        r = upload(client, filed, JPEG, last4=wrong)
        assert r.status_code == 422 and "phone_last4" in fields(r)
    r = upload(client, filed, JPEG)  # now even the right digits wait
    assert r.status_code == 429
    assert not AppealPhoto.objects.exists()


def test_staff_in_scope_add_photos_out_of_scope_get_404(filed, token_for, personas):
    other = post(Client(), {**{k: v for k, v in GOOD.items() if k not in ("lat", "lng")},
                            "community": "110106015002", "phone": "13900139000"})
    other_appeal = Appeal.objects.get(pk=other.json()["id"])
    assert upload(Client(), filed, JPEG, last4="", **token_for("community")).status_code == 201
    assert upload(Client(), other_appeal, JPEG, last4="", **token_for("community")).status_code == 404
    assert AppealPhoto.objects.filter(appeal=other_appeal).count() == 0
