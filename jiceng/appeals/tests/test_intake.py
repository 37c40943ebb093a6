import pytest
from django.core.exceptions import ValidationError

from jiceng.appeals import routing
from jiceng.appeals.models import Appeal, AppealEvent, Channel, Routed, Status
from jiceng.appeals.services.intake import appeal_create
from jiceng.core.models import AuditEvent
from jiceng.core.scope import system_actor
from jiceng.testing import square

SYSTEM = system_actor("test")
GOOD = {"type": "投诉", "category": "city.manhole", "content": "小区门口井盖丢了，很危险", "name": "王女士",
        "phone": "13800138000", "lat": 39.845, "lng": 116.375}


def test_a_point_is_placed_in_its_grid_community_street_and_district(world):
    appeal, created = appeal_create(None, dict(GOOD))
    assert created
    assert (appeal.grid, appeal.community, appeal.street, appeal.district) == (
        world.grid1, world.jiayuan, world.majiabao, world.fengtai)
    assert appeal.routed_by == Routed.GRID and appeal.area_path == world.grid1.path
    assert appeal.status == Status.RECEIVED and len(appeal.ticket_no) == 14
    assert appeal.phone_masked == "138****8000" and "13800138000" not in appeal.phone_cipher
    assert appeal.suggested_category.code == "city.manhole" and "井盖" in appeal.suggestion_reason
    assert appeal.owner_area == world.majiabao
    # city.manhole, 一般: respond within 2 hours (the catalogue's row), complete within 3 days
    assert (appeal.response_due_at - appeal.received_at).total_seconds() == 2 * 3600
    assert AppealEvent.objects.get(appeal=appeal).action == "receive"
    assert AuditEvent.objects.filter(action="appeal.create", object_id=str(appeal.pk)).exists()


def test_a_community_code_places_without_coordinates(world):
    appeal, _ = appeal_create(None, {**GOOD, "lat": None, "lng": None, "community": world.jiaomen.code})
    assert (appeal.grid, appeal.community, appeal.street) == (None, world.jiaomen, world.majiabao)
    assert appeal.routed_by == Routed.COMMUNITY and appeal.area_path == world.jiaomen.path


def test_an_address_naming_a_community_places_a_hotline_call(world):
    data = {k: v for k, v in GOOD.items() if k not in ("lat", "lng")}
    appeal, _ = appeal_create(SYSTEM, {**data, "address": "角门东里社区7号楼"}, channel=Channel.HOTLINE)
    assert appeal.routed_by == Routed.ADDRESS and appeal.community == world.jiaomen


def test_a_hotline_call_may_wait_for_its_place(world):
    data = {k: v for k, v in GOOD.items() if k not in ("lat", "lng")}
    appeal, _ = appeal_create(SYSTEM, {**data, "hotline_no": "12345-001"}, channel=Channel.HOTLINE)
    assert appeal.routed_by == Routed.NONE and appeal.area_path == ""
    with pytest.raises(ValidationError) as exc:
        appeal_create(SYSTEM, {**data, "hotline_no": "12345-001"}, channel=Channel.HOTLINE)
    assert "hotline_no" in exc.value.message_dict


@pytest.mark.parametrize(("change", "field"), [
    ({"phone": "1234"}, "phone"), ({"phone": None}, "phone"), ({"type": "抱怨"}, "type"),
    ({"category": "nope"}, "category"), ({"content": "  "}, "content"), ({"content": "字" * 2001}, "content"),
    ({"lat": 10.0, "lng": 10.0}, "lng"), ({"lat": "north"}, "lat"), ({"lat": 39.0, "lng": 116.0}, "lat"),
    ({"lat": None, "lng": None}, "lat"), ({"lat": None, "lng": None, "community": "110106015999"}, "community"),
    ({"urgency": "很急"}, "urgency"),
])
def test_bad_input_gets_a_field_error_and_changes_nothing(world, change, field):
    with pytest.raises(ValidationError) as exc:
        appeal_create(None, {**GOOD, **change})
    assert field in exc.value.message_dict
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()


def test_a_retry_with_the_same_key_creates_nothing(world):
    first, created = appeal_create(None, dict(GOOD), client_key="abc-1")
    again, created_again = appeal_create(None, dict(GOOD), client_key="abc-1")
    assert created and not created_again and again.pk == first.pk
    assert Appeal.objects.count() == 1


def test_the_index_follows_a_new_grid(world):
    from jiceng.core.models.territory import AreaLevel
    from jiceng.core.services import areas

    point = (116.395, 39.845)
    assert routing.locate(*point) is None
    grid = areas.area_create_local(SYSTEM, parent=world.jiaomen, level=AreaLevel.GRID, name="第3网格",
                                   geometry=square(116.39, 39.84))
    assert routing.locate(*point).grid_id == grid.pk


def test_overlapping_grids_give_one_answer(world):
    index = routing.RoutingIndex()
    places = index.locate([(116.375, 39.845), (116.385, 39.845), (100.0, 30.0)])
    assert [p.grid_id if p else None for p in places] == [world.grid1.pk, world.grid2.pk, None]


@pytest.mark.django_db(transaction=True)
def test_a_flush_leaves_the_default_catalogue_in_place():
    from django.core.management import call_command

    from jiceng.appeals.models import Category

    call_command("flush", interactive=False, verbosity=0)
    assert Category.objects.filter(code="city.manhole").exists()
    assert Category.objects.get(code="city.manhole").deadlines.count() == 2
