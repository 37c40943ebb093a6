"""Open311 GeoReport v2 in JSON and XML: discovery, services, POST requests with an api_key (errors as the
specification's error list), GET requests with its filters, and ``manage.py issue_open311_key``."""

import hashlib
import io
from xml.etree import ElementTree as ET

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jiceng.appeals.models import Appeal, AppealEvent, Channel, Open311Key, Status
from jiceng.appeals.open311 import key_hash

BASE = "/open311/v2"
POST = {"service_code": "city.manhole", "lat": "39.845", "long": "116.375", "description": "井盖丢失，很危险",
        "first_name": "女士", "last_name": "王", "phone": "13800138000", "email": "w@example.com",
        "media_url": "https://example.com/p.jpg", "attribute[x]": "1"}


@pytest.fixture
def api_key(world):
    out = io.StringIO()
    call_command("issue_open311_key", "城市服务App", stdout=out)
    return out.getvalue().strip()


def xml(response):
    assert response["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)  # noqa: S314 (our own answer)


def test_the_command_prints_the_key_alone_and_stores_only_its_hash(world):
    out = io.StringIO()
    call_command("issue_open311_key", "合作方", stdout=out)
    raw = out.getvalue()
    assert raw.count("\n") == 1 and len(raw.strip()) >= 30
    key = Open311Key.objects.get()
    assert key.key_hash == hashlib.sha256(raw.strip().encode()).hexdigest() and key.prefix == raw[:8]
    assert key.name == "合作方" and raw.strip() not in str(Open311Key.objects.values().get())
    with pytest.raises(CommandError):
        call_command("issue_open311_key", stdout=io.StringIO())


def test_discovery_in_json_and_xml(world):
    data = Client().get(f"{BASE}/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    root = xml(Client().get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]


def test_services_come_from_the_catalogue_leaves(world):
    services = Client().get(f"{BASE}/services.json").json()
    manhole = next(s for s in services if s["service_code"] == "city.manhole")
    assert manhole == {"service_code": "city.manhole", "service_name": "井盖破损丢失", "description": "井盖破损丢失",
                       "metadata": False, "type": "realtime", "keywords": "井盖,窨井,下水道盖,雨水箅子",
                       "group": "市容环境"}
    assert "city" not in {s["service_code"] for s in services}  # a group, not a service
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    first = root.find("service")
    assert [c.tag for c in first] == ["service_code", "service_name", "description", "metadata", "type",
                                      "keywords", "group"]
    assert first.find("metadata").text == "false"


def test_a_service_definition_and_an_unknown_service(world):
    assert Client().get(f"{BASE}/services/city.manhole.json").json() == {"service_code": "city.manhole",
                                                                           "attributes": []}
    root = xml(Client().get(f"{BASE}/services/city.manhole.xml"))
    assert root.tag == "service_definition" and root.find("service_code").text == "city.manhole"
    r = Client().get(f"{BASE}/services/nope.json")
    assert r.status_code == 404 and r.json()[0]["code"] == 404 and r.json()[0]["description"]
    root = xml(Client().get(f"{BASE}/services/nope.xml"))
    assert root.tag == "errors" and root.find("error/code").text == "404"


def test_posting_a_request_needs_a_live_key(world, api_key):
    client = Client(enforce_csrf_checks=True)
    r = client.post(f"{BASE}/requests.json", POST)
    assert r.status_code == 403 and r.json()[0]["code"] == 403
    r = client.post(f"{BASE}/requests.xml", {**POST, "api_key": "wrong"})
    assert r.status_code == 403 and xml(r).find("error/code").text == "403"
    assert not Appeal.objects.exists()
    call_command("issue_open311_key", f"--revoke={api_key[:8]}", stderr=io.StringIO())
    assert client.post(f"{BASE}/requests.json", {**POST, "api_key": api_key}).status_code == 403
    assert not Appeal.objects.exists()


def test_posting_a_request_creates_an_appeal(world, api_key):
    r = Client(enforce_csrf_checks=True).post(f"{BASE}/requests.json", {**POST, "api_key": api_key})
    assert r.status_code == 201, r.content
    appeal = Appeal.objects.get()
    assert r.json() == [{"service_request_id": appeal.ticket_no, "service_notice": r.json()[0]["service_notice"],
                         "account_id": None}]
    assert appeal.channel == Channel.OPEN311 and appeal.name == "王女士" and appeal.grid == world.grid1
    assert appeal.category.code == "city.manhole" and appeal.type == "help"
    r = Client().post(f"{BASE}/requests.xml", {**POST, "api_key": api_key, "type": "举报"})
    root = xml(r)
    assert r.status_code == 201 and root.tag == "service_requests"
    assert Appeal.objects.get(ticket_no=root.find("request/service_request_id").text).type == "report"
    assert Open311Key.objects.get().last_used_at is not None


@pytest.mark.parametrize(("change", "word"), [
    ({"phone": ""}, "phone"), ({"phone": "010-1234"}, "phone"), ({"service_code": "nope"}, "service_code"),
    ({"lat": "39.0", "long": "116.0"}, "lat"), ({"lat": "", "long": ""}, "lat"), ({"description": ""}, "description"),
])
def test_bad_requests_are_400_with_the_error_list_and_change_nothing(world, api_key, change, word):
    r = Client().post(f"{BASE}/requests.json", {**POST, "api_key": api_key, **change})
    assert r.status_code == 400
    assert all(e["code"] == 400 for e in r.json())
    assert any(e["description"].startswith(word + ":") for e in r.json()), r.json()
    root = xml(Client().post(f"{BASE}/requests.xml", {**POST, "api_key": api_key, **change}))
    assert root.tag == "errors" and root.find("error/code").text == "400"
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


@pytest.fixture
def two(world, api_key):
    client = Client()
    client.post(f"{BASE}/requests.json", {**POST, "api_key": api_key})
    client.post(f"{BASE}/requests.json", {**POST, "api_key": api_key, "service_code": "environment.noise",
                                          "description": "夜间施工噪音", "phone": "13900139000"})
    first, second = Appeal.objects.order_by("pk")
    Appeal.objects.filter(pk=second.pk).update(status=Status.CLOSED)
    return first, second


def test_get_requests_lists_without_phones_and_maps_states(two, api_key):
    first, second = two
    r = Client().get(f"{BASE}/requests.json")
    rows = {row["service_request_id"]: row for row in r.json()}
    assert set(rows) == {first.ticket_no, second.ticket_no}
    assert rows[first.ticket_no]["status"] == "open" and rows[second.ticket_no]["status"] == "closed"
    assert rows[first.ticket_no]["status_notes"].startswith("受理：已受理")
    assert rows[first.ticket_no]["agency_responsible"] == "马家堡街道"
    assert rows[first.ticket_no]["requested_datetime"].endswith("+08:00")
    assert rows[first.ticket_no]["expected_datetime"].endswith("+08:00")
    assert rows[first.ticket_no]["description"] == ""  # only for a caller with a key
    text = r.content.decode()
    assert "13800138000" not in text and "138****" not in text and "王女士" not in text
    keyed = Client().get(f"{BASE}/requests.json", {"api_key": api_key}).json()
    assert {row["description"] for row in keyed} == {"井盖丢失，很危险", "夜间施工噪音"}


@pytest.mark.parametrize(("params", "expect"), [
    ({"status": "open"}, {0}), ({"status": "closed"}, {1}), ({"status": "open,closed"}, {0, 1}),
    ({"service_code": "environment.noise"}, {1}), ({"service_code": "city.manhole,environment.noise"}, {0, 1}),
    ({"start_date": "2000-01-01T00:00:00+08:00", "end_date": "2000-02-01T00:00:00+08:00"}, set()),
    ({"start_date": "2000-01-01T00:00:00Z"}, {0, 1}),
])
def test_get_requests_filters(two, params, expect):
    tickets = [a.ticket_no for a in two]
    rows = Client().get(f"{BASE}/requests.json", params).json()
    assert {tickets.index(r["service_request_id"]) for r in rows} == expect


def test_get_requests_by_id_ignores_the_other_filters_and_speaks_xml(two):
    first, second = two
    r = Client().get(f"{BASE}/requests.xml", {"service_request_id": second.ticket_no, "status": "open"})
    root = xml(r)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request.find("service_request_id").text == second.ticket_no
    assert request.find("status").text == "closed" and request.find("lat").text == "39.845"
    one = Client().get(f"{BASE}/requests/{first.ticket_no}.json").json()
    assert len(one) == 1 and one[0]["service_code"] == "city.manhole"
    missing = Client().get(f"{BASE}/requests/000.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404


@pytest.mark.parametrize("params", [{"start_date": "yesterday"}, {"end_date": "2026-13-01"}, {"status": "pending"}])
def test_bad_get_parameters_are_400(two, params):
    r = Client().get(f"{BASE}/requests.json", params)
    assert r.status_code == 400 and r.json()[0]["code"] == 400


def test_the_key_hash_helper_is_sha256():
    assert key_hash("abc") == hashlib.sha256(b"abc").hexdigest()
