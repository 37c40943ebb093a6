from datetime import date, time

from jiceng.centers.rules import DayHours, day_hours, distance_m

WEEKLY = {0: (time(9), time(17)), 1: (time(9), time(17)), 2: (time(9), time(17)), 3: (time(9), time(17)),
          4: (time(9), time(17)), 5: (time(9), time(12))}
MONDAY, SATURDAY, SUNDAY = date(2026, 11, 23), date(2026, 11, 28), date(2026, 11, 29)


def test_regular_weekday_hours_and_closed_weekday():
    assert day_hours(MONDAY, weekly=WEEKLY) == DayHours(time(9), time(17))
    assert day_hours(SATURDAY, weekly=WEEKLY) == DayHours(time(9), time(12))
    assert day_hours(SUNDAY, weekly=WEEKLY) is None


def test_statutory_holiday_closes_and_makeup_workday_opens_with_workday_hours():
    national_day = date(2026, 10, 1)  # a Thursday inside the 国庆 break
    assert day_hours(national_day, weekly=WEEKLY, holiday=True) is None
    makeup_saturday = date(2026, 10, 10)  # 调休上班
    assert day_hours(makeup_saturday, weekly=WEEKLY, makeup=True) == DayHours(time(9), time(17))
    makeup_sunday = date(2026, 9, 20)
    assert day_hours(makeup_sunday, weekly=WEEKLY, makeup=True) == DayHours(time(9), time(17))


def test_a_center_that_stays_open_on_holidays_keeps_its_weekday_hours():
    assert day_hours(date(2026, 10, 1), weekly=WEEKLY, holiday=True, closed_on_holidays=False) == \
        DayHours(time(9), time(17))
    assert day_hours(date(2026, 9, 20), weekly=WEEKLY, makeup=True, closed_on_holidays=False) is None


def test_an_exception_wins_over_everything():
    assert day_hours(MONDAY, weekly=WEEKLY, exception=(False, None, None, "设备检修")) is None
    duty = day_hours(date(2026, 10, 2), weekly=WEEKLY, holiday=True, exception=(True, time(10), time(15), "值班"))
    assert duty == DayHours(time(10), time(15), "值班")
    assert day_hours(SUNDAY, weekly=WEEKLY, exception=(True, None, None, "")) == DayHours(time(9), time(17))


def test_distance_is_metres_on_the_sphere():
    assert distance_m(39.8465, 116.372, 39.8465, 116.372) == 0
    assert 1100 < distance_m(39.84, 116.37, 39.85, 116.37) < 1120  # 0.01° of latitude ≈ 1.11 km
