import pytest
from shapely.geometry import Point, shape
from shapely.ops import unary_union

from jiceng.centers.models import Center, CenterService, RoomReservation, RotaShift
from jiceng.centers.selectors.places import center_list
from jiceng.core.demo import load_demo
from jiceng.core.models import User


@pytest.mark.django_db(transaction=False)
def test_demo_centers_and_account():
    rows = load_demo()
    assert ("center", "党群服务中心工作人员", "马家堡街道") in rows
    majiabao = Center.objects.get(name="马家堡街道党群服务中心")
    assert majiabao.rooms.count() == 11 and majiabao.floor_area == 1200
    assert 20 <= CenterService.objects.filter(center=majiabao).count() <= 30
    assert RotaShift.objects.filter(center=majiabao).values("department").distinct().count() == 8
    assert RoomReservation.objects.filter(room__center=majiabao).count() >= 3
    assert Center.objects.filter(name="八角街道党群服务中心").exists()
    assert Center.objects.filter(level="building", area__parent=majiabao.area).exists()
    staff = User.objects.get(username="center")
    seen = set(center_list(staff).values_list("name", flat=True))
    assert "马家堡街道党群服务中心" in seen and "八角街道党群服务中心" not in seen
    for center in Center.objects.select_related("area__parent"):  # every point inside its street
        street = center.area if center.area.level == "street" else center.area.parent
        polygons = unary_union([shape(a.geometry) for a in street.children.filter(level="community")
                                if a.geometry])
        assert polygons.contains(Point(center.lng, center.lat)), center.name
