"""Entering a year's official holiday schedule (国务院办公厅关于某年部分节假日安排的通知) for a year the
``chinesecalendar`` library does not know yet, or to correct the library. See ``jiceng.core.workdays``."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import CalendarDay, CalendarYear
from jiceng.core.workdays import forget_entered

YEAR_MIN, YEAR_MAX = 2000, 2100
NAME_MAX = CalendarDay._meta.get_field("name").max_length
SOURCE_MAX = CalendarYear._meta.get_field("source").max_length
RANGE_MAX_DAYS = 15  # the longest break so far is 8 days; a longer range is a typing error

Entry = tuple[date, bool, str]  # (date, is_workday, name)

HOLIDAY_WORDS = {"休", "假", "放假", "休息", "休假"}
WORKDAY_WORDS = {"班", "上班", "补班", "调休上班"}
_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LINE = re.compile(rf"^{_DATE}(?:\s*(?:~|～|至|到)\s*{_DATE})?\s+(\S+)(?:\s+(.+))?$")
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def schedule_problems(year: int, days: list[Entry]) -> list[tuple[int | None, str]]:
    """``(index, message)`` for every entry that cannot belong to ``year``'s schedule; index ``None``
    for a problem of the whole schedule."""
    problems: list[tuple[int | None, str]] = []
    seen: set[date] = set()
    for i, (day, is_workday, name) in enumerate(days):
        if day.year != year:
            problems.append((i, _("日期不在%(year)d年内") % {"year": year}))
        elif day in seen:
            problems.append((i, _("日期重复：%(date)s 已列过") % {"date": day.isoformat()}))
        elif is_workday and day.weekday() < 5:
            problems.append((i, _("调休上班日应为周六或周日，%(date)s 本就是工作日") % {"date": day.isoformat()}))
        if len(name) > NAME_MAX:
            problems.append((i, _("节日名称不能超过%(n)d个字") % {"n": NAME_MAX}))
        seen.add(day)
    if not any(not is_workday for _day, is_workday, _name in days):
        problems.append((None, _("放假安排中至少应有一个放假日（休）")))
    return problems


def _parse_date(groups) -> date:
    return date(int(groups[0]), int(groups[1]), int(groups[2]))


def _parse_line(text: str) -> list[Entry]:
    """One line: ``2027-01-01 休 元旦``, ``2027-02-07 班 春节调休``, or a range ``2027-10-01~2027-10-07 休 国庆节``."""
    match = _LINE.match(_SEPARATORS.sub(" ", text).strip())
    if not match:
        raise ValueError(_("应为“日期 休/班 节日名称”，如 2027-01-01 休 元旦"))
    groups = match.groups()
    try:
        first = _parse_date(groups[0:3])
        last = _parse_date(groups[3:6]) if groups[3] else first
    except ValueError as exc:
        raise ValueError(_("日期不存在，请核对")) from exc
    kind, name = groups[6], (groups[7] or "").strip()
    if kind in HOLIDAY_WORDS:
        is_workday = False
    elif kind in WORKDAY_WORDS:
        is_workday = True
    else:
        raise ValueError(_("“%(kind)s”应为“休”（放假）或“班”（调休上班）") % {"kind": kind})
    if not 0 <= (last - first).days < RANGE_MAX_DAYS:
        raise ValueError(_("日期范围应由早到晚且不超过%(n)d天") % {"n": RANGE_MAX_DAYS})
    return [(first + timedelta(days=k), is_workday, name) for k in range((last - first).days + 1)]


def schedule_from_text(year: int, text: str) -> list[Entry]:
    """The entries of a pasted schedule, one line each (blank lines and lines starting with ``#`` are
    skipped); every problem is reported with its line number, together in one ``ValidationError``."""
    entries: list[Entry] = []
    line_of: list[int] = []
    errors: list[tuple[int, str]] = []  # (line number, message); 0 for the whole schedule
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            parsed = _parse_line(line)
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        entries += parsed
        line_of += [number] * len(parsed)
    errors += [(0 if index is None else line_of[index], message)
               for index, message in schedule_problems(year, entries)]
    if errors:
        raise ValidationError(list(dict.fromkeys(
            message if number == 0 else _("第%(n)d行：%(msg)s") % {"n": number, "msg": message}
            for number, message in sorted(errors, key=lambda e: e[0]))))
    return entries


def schedule_runs(days) -> list[tuple[date, date, bool, str]]:
    """``ScheduleDay`` items (in date order) as runs of consecutive days of the same kind and name:
    ``(first, last, is_workday, name)``, e.g. the whole Spring Festival break as one run."""
    runs: list[tuple[date, date, bool, str]] = []
    for d in days:
        if runs and runs[-1][1] + timedelta(days=1) == d.date and runs[-1][2:] == (d.is_workday, d.name):
            runs[-1] = (runs[-1][0], d.date, d.is_workday, d.name)
        else:
            runs.append((d.date, d.date, d.is_workday, d.name))
    return runs


def schedule_to_text(days) -> str:
    """The lines ``schedule_from_text`` reads back, a run of days each (``days``: ``ScheduleDay`` items)."""
    lines = []
    for first, last, is_workday, name in schedule_runs(days):
        when = first.isoformat() if first == last else f"{first.isoformat()}~{last.isoformat()}"
        lines.append(f"{when} {'班' if is_workday else '休'} {name}".rstrip())
    return "\n".join(lines)


@transaction.atomic
def calendar_year_set(actor, *, year: int, days: list[Entry], source: str = "") -> CalendarYear:
    """Enter (or replace, as a whole) ``year``'s schedule: the holidays (休, weekends inside a break may
    be listed too) and the make-up workdays (班). Days not listed follow Monday–Friday."""
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    scope.require_global(actor, "core.change_calendaryear" if existing else "core.add_calendaryear")
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValidationError({"year": [_("年份应在%(a)d至%(b)d之间") % {"a": YEAR_MIN, "b": YEAR_MAX}]})
    days = [(day, bool(is_workday), (name or "").strip()) for day, is_workday, name in days]
    problems = schedule_problems(year, days)
    if problems:
        raise ValidationError({"days": [message if i is None else f"{days[i][0].isoformat()}：{message}"
                                        for i, message in problems]})
    source = (source or "").strip()
    if len(source) > SOURCE_MAX:
        raise ValidationError({"source": [_("依据不能超过%(n)d个字") % {"n": SOURCE_MAX}]})
    before: dict[date, tuple[bool, str]] = {}
    if existing:
        before = {d.date: (d.is_workday, d.name) for d in existing.days.all()}
        existing.days.all().delete()
        existing.source = source
        existing.save(update_fields=["source"])
        entered = existing
    else:
        try:
            with transaction.atomic():
                entered = CalendarYear.objects.create(year=year, source=source)
        except IntegrityError as exc:  # another administrator entered the same year a moment ago
            raise Conflict({"year": [_("%(y)d年的放假安排刚刚已由他人录入，请刷新后再修改") % {"y": year}]}) from exc
    CalendarDay.objects.bulk_create(
        CalendarDay(year=entered, date=day, is_workday=is_workday, name=name) for day, is_workday, name in days)
    after = {day: (is_workday, name) for day, is_workday, name in days}
    changed = sorted(d.isoformat() for d in before.keys() | after.keys() if before.get(d) != after.get(d))
    audit.record(actor, "calendar.set", entered, summary={
        "year": year, "source": source, "replaced": bool(existing),
        "holidays": sum(not w for w, _n in after.values()), "workdays": sum(w for w, _n in after.values()),
        "changed": changed if existing else []})
    forget_entered()
    transaction.on_commit(forget_entered)
    return entered
