import io
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from jiceng.centers.models import Center, CenterNotice, CenterService, RoomReservation, RotaShift
from jiceng.centers.selectors.places import hours_on
from jiceng.centers.services import catalogue, places, reservations, rota
from jiceng.centers.tests import helpers as h
from jiceng.core.errors import Conflict
from jiceng.core.models import AuditEvent
from jiceng.core.services import accounts
from jiceng.core.spreadsheets import Sheet, write_xlsx
from jiceng.testing import SYSTEM

pytestmark = pytest.mark.django_db


# --- centers ----------------------------------------------------------------------------------

def test_street_worker_creates_a_center_on_their_street_with_audit(world, personas):
    made = places.center_create(personas["street"], name="马家堡街道党群服务中心", level="street", area=world.majiabao,
                                lat=39.85, lng=116.37, phone="010-63456789")
    assert made.area == world.majiabao and made.closed_on_holidays
    assert AuditEvent.objects.filter(action="center.create", object_id=str(made.pk)).exists()


def test_a_center_outside_ones_scope_or_on_the_wrong_level_is_a_field_error_and_nothing_is_written(world, personas):
    with pytest.raises(ValidationError) as outside:
        places.center_create(personas["street"], name="八角街道党群服务中心", level="street", area=world.bajiao)
    assert "area" in outside.value.message_dict
    with pytest.raises(ValidationError) as level:
        places.center_create(personas["street"], name="嘉园一里站", level="street", area=world.jiayuan)
    assert "area" in level.value.message_dict
    with pytest.raises(ValidationError) as coords:
        places.center_create(personas["street"], name="站", level="community", area=world.jiayuan, lat=39.8)
    assert "lat" in coords.value.message_dict
    assert Center.objects.count() == 0


def test_who_may_change_a_center(world, personas):
    center = h.center(world.majiabao)
    with pytest.raises(Http404):  # 八角 staff do not even see it
        places.center_update(h.staff(world.bajiao, "bajiao"), center=center, name="改名")
    with pytest.raises(Http404):  # a community secretary sees only their community's stations
        places.center_update(personas["community"], center=center, name="改名")
    with pytest.raises(PermissionDenied):  # a department handler sees the centers but does not run them
        places.center_update(personas["dept"], center=center, name="改名")
    center.refresh_from_db()
    assert center.name == "马家堡街道党群服务中心"
    places.center_update(h.staff(world.majiabao), center=center, phone="010-63450000")
    center.refresh_from_db()
    assert center.phone == "010-63450000"


def test_hours_exceptions_and_the_working_day_calendar(world):
    center = h.center(world.majiabao)
    places.hours_set(SYSTEM, center=center, weekly={d: (time(9), time(17)) for d in range(5)})
    assert hours_on(center, date(2026, 10, 1)) is None  # 国庆
    assert hours_on(center, date(2026, 10, 10)).opens == time(9)  # a make-up Saturday
    assert hours_on(center, date(2026, 10, 11)) is None  # an ordinary Sunday
    places.exception_set(SYSTEM, center=center, day=date(2026, 11, 25), is_open=False, note="设备检修")
    assert hours_on(center, date(2026, 11, 25)) is None
    with pytest.raises(ValidationError):
        places.hours_set(SYSTEM, center=center, weekly={0: (time(17), time(9))})
    assert center.hours.count() == 5


def test_photos_are_checked_for_type_size_and_content(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CENTER_PHOTO_MAX_KB = 1
    center = h.center(world.majiabao)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    photo = places.photo_add(SYSTEM, center=center, image=SimpleUploadedFile("a.png", png))
    assert photo.image.name.endswith(".png")
    for name, content in [("a.gif", b"GIF89a"), ("b.png", b"<script>"), ("c.jpg", b"\xff\xd8\xff" + b"0" * 2000)]:
        with pytest.raises(ValidationError) as err:
            places.photo_add(SYSTEM, center=center, image=SimpleUploadedFile(name, content))
        assert "image" in err.value.message_dict
    assert center.photos.count() == 1


def test_rooms_are_unique_per_center(world):
    center = h.center(world.majiabao)
    h.room(center)
    with pytest.raises(ValidationError) as err:
        h.room(center)
    assert "name" in err.value.message_dict
    with pytest.raises(ValidationError):
        places.room_create(SYSTEM, center=center, name="大厅", kind="ballroom", capacity=-1)
    assert center.rooms.count() == 1


# --- services and rota -------------------------------------------------------------------------

def _sheet(rows) -> io.BytesIO:
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("服务清单", ["服务名称", "类别", "服务内容", "办理方式", "提供部门"], rows)])
    buffer.seek(0)
    return buffer


def test_service_import_reports_bad_rows_and_writes_only_when_asked(world):
    center = h.center(world.majiabao)
    accounts.department_create(SYSTEM, name="丰台区税务局", kind="税务", area=world.fengtai)
    rows = [["发票代开", "政务服务", "自助终端代开", "自助终端", "税务"], ["", "政务服务", "", "", ""],
            ["法律咨询", "公益服务", "", "预约", ""], ["水费", "生活服务", "", "邮寄", ""],
            ["个税辅导", "政务服务", "", "现场办理", "不存在的局"], ["法律咨询", "公益服务", "", "", ""]]
    preview = catalogue.services_import(SYSTEM, center=center, file=_sheet(rows), name="s.xlsx")
    assert preview["rows"] == 6 and [line for line, _m in preview["errors"]] == [3, 5, 6, 7]
    assert CenterService.objects.count() == 0
    done = catalogue.services_import(SYSTEM, center=center, file=_sheet(rows), name="s.xlsx", commit=True)
    assert done["created"] == 2
    invoice = CenterService.objects.get(name="发票代开")
    assert invoice.channel == "terminal" and invoice.department.kind == "税务"
    assert CenterService.objects.get(name="法律咨询").channel == "booking"


def test_a_rota_change_leaves_a_notice_for_the_center(world):
    center = h.center(world.majiabao)
    dept = accounts.department_create(SYSTEM, name="丰台区城管执法局", kind="城管", area=world.fengtai)
    staff = h.staff(world.majiabao)
    shift = rota.shift_create(staff, center=center, department=dept, weekday=0, starts=time(9), ends=time(12),
                              valid_from=date(2026, 11, 1))
    rota.shift_update(staff, shift=shift, weekday=2)
    rota.shift_delete(staff, shift=shift)
    texts = list(CenterNotice.objects.filter(center=center).values_list("text", flat=True))
    assert len(texts) == 3 and any("周一" in t and "周三" in t for t in texts)
    with pytest.raises(ValidationError):
        rota.shift_create(staff, center=center, department=dept, weekday=1, starts=time(12), ends=time(9),
                          valid_from=date(2026, 11, 1))
    assert RotaShift.objects.count() == 0


# --- room reservations -------------------------------------------------------------------------

def _reserve(actor, room, day, start="10:00", end="11:00", **extra):
    data = {"org": None, "applicant": "嘉园一里居民合唱团", "contact_name": "王敏", "contact_phone": "13900001234",
            "purpose": "event", "title": "合唱排练", "attendees": 12, **extra}
    return reservations.reservation_create(actor, room=room, starts_at=h.at(day, start), ends_at=h.at(day, end),
                                           **data)


def test_staff_reserve_and_an_overlap_is_a_conflict_that_writes_nothing(world):
    center = h.center(world.majiabao)
    room = h.room(center)
    day = h.open_day(center)
    staff = h.staff(world.majiabao)
    first = _reserve(staff, room, day)
    assert first.status == "approved" and first.contact_phone_masked == "139****1234"
    for start, end in [("10:00", "11:00"), ("10:30", "11:30"), ("09:00", "10:01"), ("09:00", "12:00")]:
        with pytest.raises(Conflict):
            _reserve(staff, room, day, start, end)
    _reserve(staff, room, day, "11:00", "12:00")  # touching is not overlapping
    assert RoomReservation.objects.count() == 2


def test_reservation_input_is_checked(world):
    center = h.center(world.majiabao)
    room = h.room(center)
    staff = h.staff(world.majiabao)
    day = h.open_day(center)
    cases = [({"day": day, "start": "07:00", "end": "09:00"}, "starts_at"),
             ({"day": timezone.localdate() - timedelta(days=1)}, "starts_at"),
             ({"day": day, "start": "11:00", "end": "10:00"}, "ends_at"),
             ({"day": day, "attendees": 500}, "attendees"),
             ({"day": day, "contact_phone": "12345"}, "contact_phone"),
             ({"day": day, "purpose": "party"}, "purpose"),
             ({"day": day, "applicant": ""}, "applicant")]
    for case, field in cases:
        args = dict(case)
        when = args.pop("day")
        with pytest.raises(ValidationError) as err:
            _reserve(staff, room, when, args.pop("start", "10:00"), args.pop("end", "11:00"), **args)
        assert field in err.value.message_dict, case
    assert RoomReservation.objects.count() == 0


def test_a_branch_reserves_for_itself_only_and_waits_for_approval_where_the_room_needs_it(world, personas):
    center = h.center(world.majiabao)
    room = h.room(center, needs_approval=True)
    day = h.open_day(center)
    branch = personas["branch"]
    with pytest.raises(ValidationError) as no_org:
        _reserve(branch, room, day)
    assert "org" in no_org.value.message_dict
    with pytest.raises(ValidationError) as other:
        _reserve(branch, room, day, org=world.jiayuan_committee, applicant="")
    assert "org" in other.value.message_dict
    with pytest.raises(PermissionDenied):
        _reserve(personas["grid"], room, day)
    assert RoomReservation.objects.count() == 0
    mine = _reserve(branch, room, day, org=world.grid_branch, applicant="", purpose="three_meetings")
    assert mine.status == "pending" and mine.applicant_name == world.grid_branch.name
    assert CenterNotice.objects.filter(center=center, text__contains="待审核").exists()
    with pytest.raises(Conflict):  # a pending reservation keeps the time too
        _reserve(h.staff(world.majiabao), room, day)


def test_approve_refuse_and_cancel(world, personas):
    center = h.center(world.majiabao)
    room = h.room(center, needs_approval=True)
    day = h.open_day(center)
    staff = h.staff(world.majiabao)
    branch = personas["branch"]
    one = _reserve(branch, room, day, org=world.grid_branch, applicant="")
    two = _reserve(branch, room, day, "14:00", "15:00", org=world.grid_branch, applicant="")
    with pytest.raises(PermissionDenied):  # the branch sees its reservation but cannot approve it
        reservations.reservation_approve(branch, reservation=one)
    with pytest.raises(Http404):
        reservations.reservation_approve(h.staff(world.bajiao, "bajiao"), reservation=one)
    one.refresh_from_db()
    assert one.status == "pending"
    assert reservations.reservation_approve(staff, reservation=one).status == "approved"
    with pytest.raises(Conflict):
        reservations.reservation_approve(staff, reservation=one)
    with pytest.raises(ValidationError):
        reservations.reservation_refuse(staff, reservation=two)
    assert reservations.reservation_refuse(staff, reservation=two, note="当天有街道会议").status == "refused"
    assert reservations.reservation_cancel(branch, reservation=one, note="改期").status == "cancelled"
    again = _reserve(branch, room, day, org=world.grid_branch, applicant="")  # the time is free again
    assert again.status == "pending"


def test_a_reservation_links_to_a_meeting_of_the_same_organization(world, personas):
    from jiceng.orglife.models import Meeting, MeetingKind

    center = h.center(world.majiabao)
    room = h.room(center)
    day = h.open_day(center)
    kind = MeetingKind.objects.first()
    meeting = Meeting.objects.create(kind=kind, org=world.grid_branch, starts_at=h.at(day, "10:00"), topic="支委会")
    other = Meeting.objects.create(kind=kind, org=world.jiayuan_committee, starts_at=h.at(day, "10:00"), topic="x")
    made = _reserve(personas["branch"], room, day, org=world.grid_branch, applicant="")
    with pytest.raises(ValidationError):
        reservations.reservation_link_meeting(personas["branch"], reservation=made, meeting=other)
    reservations.reservation_link_meeting(personas["branch"], reservation=made, meeting=meeting)
    made.refresh_from_db()
    assert made.meeting == meeting
