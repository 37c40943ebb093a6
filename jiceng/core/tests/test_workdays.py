"""The working-day calendar (RULES §8, §9): library years, years an administrator entered, unknown
years refused; the API and the administrator's page.

Library assertions use 2025–2026 (in every chinesecalendar release from 1.11 on); "unknown" is 2099
and "entered" is 2098, which no library release will know."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from jiceng.core import workdays
from jiceng.core.models import AuditEvent, CalendarDay, CalendarYear
from jiceng.core.services.calendar import calendar_year_set, schedule_from_text, schedule_to_text
from jiceng.core.workdays import (
    UnknownCalendar,
    add_working_days,
    is_workday,
    known_years,
    next_working_day,
    period_end,
    working_days_between,
)
from jiceng.testing import SYSTEM

pytestmark = pytest.mark.django_db

ENTERED_YEAR, UNKNOWN_YEAR = 2098, 2099
# A made-up schedule for 2098: Wed 1 Jan off; Mon 6 – Fri 10 Oct off; Sat 11 Oct a make-up workday.
SCHEDULE_2098 = [(date(2098, 1, 1), False, "元旦")] + [
    (date(2098, 10, d), False, "国庆节") for d in range(4, 11)] + [(date(2098, 10, 11), True, "国庆节调休")]


def days_of(year: int) -> dict:
    return {d.date: (d.is_workday, d.name) for d in CalendarDay.objects.filter(year__year=year)}


def enter_2098(actor=SYSTEM):
    return calendar_year_set(actor, year=ENTERED_YEAR, days=SCHEDULE_2098, source="测试通知")


# --- RULES §9 and the library years ---------------------------------------------------------------

@pytest.mark.parametrize(("start", "end"), [(date(2025, 9, 26), date(2025, 10, 9)),
                                            (date(2026, 2, 12), date(2026, 2, 25))])
def test_rules_9_five_working_days_with_the_start_counted(start, end):
    assert add_working_days(start, 5, count_start=True) == end


def test_national_day_week_is_off_and_the_make_up_weekend_days_are_worked():
    assert is_workday(date(2025, 9, 28))  # Sunday, make-up
    assert is_workday(date(2025, 10, 11))  # Saturday, make-up
    assert not any(is_workday(date(2025, 10, d)) for d in range(1, 9))  # Wed 1 – Wed 8 Oct
    assert is_workday(date(2025, 10, 9))
    assert not is_workday(date(2025, 10, 12))  # an ordinary Sunday


def test_spring_festival_2026_with_its_two_make_up_saturdays():
    assert is_workday(date(2026, 2, 14)) and is_workday(date(2026, 2, 28))
    assert not any(is_workday(date(2026, 2, d)) for d in range(15, 24))
    assert is_workday(date(2026, 2, 24))
    assert not is_workday(date(2026, 2, 21))  # a Saturday inside the break


def test_the_start_day_is_excluded_by_default_and_the_setting_and_argument_decide(settings):
    start = date(2025, 9, 26)
    assert settings.WORKDAY_COUNT_START is False
    assert add_working_days(start, 5) == date(2025, 10, 10)
    assert add_working_days(start, 1) == date(2025, 9, 28)  # the make-up Sunday
    settings.WORKDAY_COUNT_START = True
    assert add_working_days(start, 5) == date(2025, 10, 9)
    assert add_working_days(start, 1) == start
    assert add_working_days(start, 5, count_start=False) == date(2025, 10, 10)


def test_a_counted_start_that_is_a_holiday_is_not_day_one():
    assert add_working_days(date(2025, 10, 4), 1, count_start=True) == date(2025, 10, 9)
    assert add_working_days(date(2025, 10, 4), 1, count_start=False) == date(2025, 10, 9)


def test_zero_or_negative_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 9, 26), 0)


def test_working_days_between_is_the_inverse_of_adding_them():
    start = date(2025, 9, 1)
    for offset in range(0, 60, 3):
        for n in (1, 4, 10):
            day = start + timedelta(days=offset)
            end = add_working_days(day, n, count_start=False)
            assert working_days_between(day, end) == n
            assert working_days_between(end, day) == -n
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert working_days_between(date(2025, 12, 31), date(2026, 1, 5)) == 2  # 1 – 3 Jan off, Sun 4 worked


def test_next_working_day_and_the_end_of_a_period_on_a_rest_day():
    assert next_working_day(date(2025, 10, 9)) == date(2025, 10, 9)
    assert next_working_day(date(2025, 10, 1)) == date(2025, 10, 9)
    assert period_end(date(2025, 10, 3)) == date(2025, 10, 9)  # 民法典 Art. 203
    assert period_end(date(2025, 10, 11)) == date(2025, 10, 11)  # a make-up Saturday is a working day
    assert period_end(date(2025, 10, 18)) == date(2025, 10, 20)


# --- unknown years ---------------------------------------------------------------------------------

def test_a_year_without_a_schedule_is_refused_not_guessed():
    with pytest.raises(UnknownCalendar) as caught:
        is_workday(date(UNKNOWN_YEAR, 3, 2))  # a Monday
    assert caught.value.year == UNKNOWN_YEAR
    assert "2099年的放假安排尚未公布或录入" in str(caught.value)
    with pytest.raises(UnknownCalendar):
        period_end(date(UNKNOWN_YEAR, 1, 1))
    assert UNKNOWN_YEAR not in known_years()
    assert {2025, 2026} <= known_years()


def test_a_period_crossing_from_the_last_library_year_into_an_unknown_one_is_refused():
    last = max(workdays.LIBRARY_YEARS)
    with pytest.raises(UnknownCalendar) as caught:
        add_working_days(date(last, 12, 20), 30)
    assert caught.value.year == last + 1
    with pytest.raises(UnknownCalendar):
        working_days_between(date(last, 12, 20), date(last + 1, 1, 10))


# --- a year entered by an administrator -----------------------------------------------------------

def test_an_entered_year_is_used_and_days_not_listed_follow_monday_to_friday():
    enter_2098()
    assert workdays.year_source(ENTERED_YEAR) == workdays.ENTERED
    assert ENTERED_YEAR in known_years()
    assert not is_workday(date(2098, 1, 1))  # Wednesday, 元旦
    assert is_workday(date(2098, 1, 2))
    assert not is_workday(date(2098, 1, 4))  # an ordinary Saturday
    assert is_workday(date(2098, 10, 11))  # the make-up Saturday
    assert add_working_days(date(2098, 10, 3), 2, count_start=True) == date(2098, 10, 11)  # Fri 3, Sat 11
    assert add_working_days(date(2098, 10, 3), 3, count_start=True) == date(2098, 10, 13)
    with pytest.raises(UnknownCalendar) as caught:
        add_working_days(date(2098, 12, 28), 10)
    assert caught.value.year == UNKNOWN_YEAR


def test_an_entered_year_overrides_the_library():
    assert not is_workday(date(2025, 10, 1))
    calendar_year_set(SYSTEM, year=2025, days=[(date(2025, 1, 1), False, "元旦")])
    assert workdays.year_source(2025) == workdays.ENTERED
    assert is_workday(date(2025, 10, 1))
    assert not is_workday(date(2025, 9, 28))  # no longer a make-up Sunday


def test_entering_is_audited_and_replacing_swaps_the_whole_year():
    enter_2098()
    event = AuditEvent.objects.get(action="calendar.set")
    assert event.summary["year"] == ENTERED_YEAR and event.summary["holidays"] == 8
    assert event.summary["workdays"] == 1 and event.summary["replaced"] is False

    calendar_year_set(SYSTEM, year=ENTERED_YEAR, days=[(date(2098, 1, 1), False, "元旦"),
                                                      (date(2098, 2, 3), False, "春节")], source="更正")
    assert days_of(ENTERED_YEAR) == {date(2098, 1, 1): (False, "元旦"), date(2098, 2, 3): (False, "春节")}
    assert CalendarYear.objects.get(year=ENTERED_YEAR).source == "更正"
    assert is_workday(date(2098, 10, 6)) and not is_workday(date(2098, 2, 3))
    replaced = AuditEvent.objects.filter(action="calendar.set").latest("id")
    assert replaced.summary["replaced"] is True
    assert "2098-02-03" in replaced.summary["changed"] and "2098-10-06" in replaced.summary["changed"]
    assert "2098-01-01" not in replaced.summary["changed"]


@pytest.mark.parametrize(("days", "message"), [
    ([(date(2098, 1, 1), False, "元旦"), (date(2097, 12, 31), False, "元旦")], "不在2098年内"),
    ([(date(2098, 1, 1), False, "元旦"), (date(2098, 1, 1), False, "元旦")], "日期重复"),
    ([(date(2098, 1, 1), False, "元旦"), (date(2098, 1, 2), True, "调休")], "应为周六或周日"),
    ([(date(2098, 10, 11), True, "调休")], "至少应有一个放假日"),
    ([(date(2098, 1, 1), False, "元" * 31)], "不能超过30个字"),
])
def test_a_bad_schedule_is_refused_and_the_year_entered_before_stays(days, message):
    enter_2098()
    before, events = days_of(ENTERED_YEAR), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        calendar_year_set(SYSTEM, year=ENTERED_YEAR, days=days)
    assert any(message in m for m in caught.value.message_dict["days"])
    assert days_of(ENTERED_YEAR) == before
    assert AuditEvent.objects.count() == events


def test_a_year_out_of_range_is_refused():
    with pytest.raises(ValidationError) as caught:
        calendar_year_set(SYSTEM, year=2200, days=[(date(2200, 1, 1), False, "元旦")])
    assert "year" in caught.value.message_dict
    assert not CalendarYear.objects.exists()


def test_only_a_system_administrator_may_enter_a_year(personas):
    with pytest.raises(PermissionDenied):
        enter_2098(personas["street"])
    assert not CalendarYear.objects.exists()
    enter_2098(personas["admin"])
    assert days_of(ENTERED_YEAR)


@pytest.mark.django_db(transaction=True)
def test_the_cached_entered_years_are_refreshed_when_a_year_is_entered():
    with pytest.raises(UnknownCalendar):
        is_workday(date(2098, 1, 1))
    assert ENTERED_YEAR not in known_years()  # now cached
    enter_2098()
    assert not is_workday(date(2098, 1, 1))
    assert ENTERED_YEAR in known_years()


# --- pasted schedules -------------------------------------------------------------------------------

def test_a_pasted_schedule_accepts_ranges_comments_and_chinese_dates():
    text = ("# 国务院办公厅关于2098年部分节假日安排的通知\n"
            "2098-01-01 休 元旦\n\n"
            "2098/10/04 ~ 2098/10/10，休，国庆节\n"
            "2098年10月11日 班 国庆节调休\n"
            "2098-05-01 放假\n")
    entries = schedule_from_text(ENTERED_YEAR, text)
    assert entries[0] == (date(2098, 1, 1), False, "元旦")
    assert [e[0] for e in entries[1:8]] == [date(2098, 10, d) for d in range(4, 11)]
    assert entries[8] == (date(2098, 10, 11), True, "国庆节调休")
    assert entries[9] == (date(2098, 5, 1), False, "")


def test_every_bad_line_is_reported_with_its_number():
    text = ("2098-01-01 休 元旦\n"
            "元旦放假一天\n"
            "2098-02-30 休 春节\n"
            "2098-02-01 加班 春节\n"
            "2097-12-31 休 元旦\n"
            "2098-01-01 休 元旦\n"
            "2098-01-02 班 调休\n"
            "2098-10-01~2098-09-01 休 国庆节\n")
    with pytest.raises(ValidationError) as caught:
        schedule_from_text(ENTERED_YEAR, text)
    messages = caught.value.messages
    assert [m.split("：")[0] for m in messages] == [f"第{n}行" for n in range(2, 9)]
    assert "日期不存在" in messages[1] and "“加班”应为“休”" in messages[2]


# --- API --------------------------------------------------------------------------------------------

def api_get(path: str, **params):
    return Client().get(f"/api/v1{path}", params)  # public: no sign-in


def test_api_workdays_follows_the_setting_and_the_count_start_parameter():
    response = api_get("/calendar/workdays", start="2025-09-26", days=5)
    assert response.status_code == 200
    assert response.json() == {"start": "2025-09-26", "days": 5, "count_start": False, "end": "2025-10-10"}
    counted = api_get("/calendar/workdays", start="2026-02-12", days=5, count_start="true").json()
    assert counted["end"] == "2026-02-25" and counted["count_start"] is True


def test_api_is_workday():
    assert api_get("/calendar/is-workday", date="2025-10-11").json() == {"date": "2025-10-11", "workday": True}
    assert api_get("/calendar/is-workday", date="2025-10-06").json()["workday"] is False


@pytest.mark.parametrize(("path", "params", "field"), [
    ("/calendar/workdays", {"start": "2099-03-02", "days": 3}, "start"),
    ("/calendar/workdays", {"start": "2098-12-28", "days": 10}, "days"),
    ("/calendar/is-workday", {"date": "2099-03-02"}, "date"),
    ("/calendar/2099", {}, "year"),
])
def test_api_refuses_an_unknown_year_with_422_naming_the_field(path, params, field):
    enter_2098()
    response = api_get(path, **params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert "2099年的放假安排尚未公布或录入" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("params", [{"start": "2025-09-26", "days": 0}, {"start": "2025-09-31", "days": 5},
                                    {"start": "2025-09-26"}, {"start": "2025-09-26", "days": 99999},
                                    {"start": "9999-12-31", "days": 1}])
def test_api_workdays_refuses_bad_input(params):
    response = api_get("/calendar/workdays", **params)
    assert response.status_code == 422
    assert response.json()["errors"]


def test_api_year_lists_the_named_days_with_their_source():
    days = {d["date"]: d for d in api_get("/calendar/2026").json()}
    assert days["2026-02-14"] == {"date": "2026-02-14", "workday": True, "name": "春节", "source": "library"}
    assert days["2026-02-16"]["workday"] is False
    assert "2026-03-02" not in days
    enter_2098()
    entered = api_get("/calendar/2098").json()
    assert [d["date"] for d in entered][:2] == ["2098-01-01", "2098-10-04"]
    assert {d["source"] for d in entered} == {"entered"}


# --- the administrator's page -----------------------------------------------------------------------

PASTED = "2098-01-01 休 元旦\n2098-10-04~2098-10-10 休 国庆节\n2098-10-11 班 国庆节调休\n"


def test_the_admin_sees_the_years_and_a_month_grid(client_for):
    admin = client_for("admin")
    index = admin.get("/manage/calendar/")
    assert index.status_code == 200
    assert "/manage/calendar/2026/" in index.content.decode()
    year = admin.get("/manage/calendar/2025/")
    html = year.content.decode()
    assert year.status_code == 200 and "内置日历库" in html and "国庆节" in html
    assert len(year.context["months"]) == 12
    october = [c for week in year.context["months"][9]["weeks"] for c in week if c]
    assert {c["date"].day: c["kind"] for c in october}.items() >= {1: "holiday", 11: "makeup", 9: "workday",
                                                                   12: "weekend"}.items()
    unknown = admin.get("/manage/calendar/2099/")
    assert unknown.status_code == 200 and "放假安排未知" in unknown.content.decode()
    assert admin.get("/manage/calendar/?year=2030").url == "/manage/calendar/2030/"


@pytest.mark.parametrize("year", ["²", "1" * 5000, "-1", "x"])
def test_a_year_asked_for_that_is_not_a_year_shows_the_list(client_for, year):
    response = client_for("admin").get("/manage/calendar/", {"year": year})
    assert response.status_code == 200 and "/manage/calendar/2026/" in response.content.decode()


def test_the_admin_enters_a_year_by_pasting_lines(client_for):
    response = client_for("admin").post("/manage/calendar/2098/", {"schedule": PASTED, "source": "国办发明电"})
    assert response.status_code == 302
    assert days_of(ENTERED_YEAR)[date(2098, 10, 11)] == (True, "国庆节调休")
    assert len(days_of(ENTERED_YEAR)) == 9
    assert AuditEvent.objects.get(action="calendar.set").actor_label == "admin"
    assert not is_workday(date(2098, 10, 6))


def test_bad_lines_on_the_page_are_shown_by_line_and_nothing_is_written(client_for):
    response = client_for("admin").post("/manage/calendar/2098/", {"schedule": PASTED + "2098-13-01 休 错\n"})
    assert response.status_code == 200
    assert "第4行" in response.content.decode()
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.filter(action="calendar.set").exists()


def test_a_street_worker_can_neither_see_nor_enter_the_calendar(client_for):
    street = client_for("street")
    assert street.get("/manage/calendar/").status_code == 403
    assert street.get("/manage/calendar/2098/").status_code == 403
    assert street.post("/manage/calendar/2098/", {"schedule": PASTED}).status_code == 403
    assert not CalendarYear.objects.exists() and not AuditEvent.objects.filter(action="calendar.set").exists()
    assert "/manage/calendar/" not in street.get("/").content.decode()
    assert "/manage/calendar/" in client_for("admin").get("/").content.decode()


def test_a_schedule_written_as_runs_of_days_reads_back_unchanged():
    schedule = workdays.year_schedule(2026)
    text = schedule_to_text(schedule)
    assert "2026-02-15~2026-02-23 休 春节" in text.splitlines()
    assert schedule_from_text(2026, text) == [(d.date, d.is_workday, d.name) for d in schedule]


def test_entering_a_year_another_administrator_just_entered_is_a_conflict_not_a_500(monkeypatch):
    from datetime import date as day

    from jiceng.core.errors import Conflict
    from jiceng.core.models import CalendarYear
    from jiceng.core.services import calendar as calendar_services

    entered = CalendarYear.objects.create(year=2098)
    real = CalendarYear.objects.select_for_update

    class LateView:  # the row appears between this service's look-up and its insert
        def filter(self, **kw):
            return CalendarYear.objects.none()

    monkeypatch.setattr(CalendarYear.objects, "select_for_update", lambda: LateView())
    with pytest.raises(Conflict):
        calendar_services.calendar_year_set(SYSTEM, year=2098, days=[(day(2098, 1, 1), False, "元旦")])
    monkeypatch.setattr(CalendarYear.objects, "select_for_update", real)
    assert CalendarYear.objects.get(year=2098) == entered
    assert not entered.days.exists()
