"""Regulations of appeals as pure functions (北京市接诉即办工作条例, 2021; RULES §7–8).

- Types 咨询/求助/投诉/举报/建议 and urgencies 紧急/一般 (a client may send the Chinese word or the code).
- Deadlines (settings ``APPEAL_DEADLINES``, per category in the dispatch catalogue): feedback within 2 hours
  for emergencies, 24 hours for outages, ordinary cases 7 days, complex ones 15 days. A deadline is
  counted in hours, in calendar days (the last day moves past a statutory holiday, 民法典 Art. 203) or in
  working days of the ``core`` calendar. A count that crosses a year whose official holiday schedule is
  unknown is **flagged** (``uncertain``) and estimated in calendar days, never silently miscounted.
- Category suggestion: keyword hits in the content, with the words that matched as the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals.models.appeals import AppealType
from jiceng.appeals.models.catalogue import DeadlineUnit, Urgency
from jiceng.core import workdays

_CHINESE = {
    "AppealType": {"咨询": "consult", "求助": "help", "投诉": "complaint", "举报": "report", "建议": "suggest"},
    "Urgency": {"紧急": "urgent", "一般": "normal"},
}


def _choice(value, choices) -> str | None:
    """The code of ``value`` given as a code, as its Chinese word or as its label in the active language;
    None when it is none of them."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value in choices.values:
        return value
    if value in _CHINESE[choices.__name__]:
        return _CHINESE[choices.__name__][value]
    return next((code for code, label in choices.choices if str(label) == value), None)


def appeal_type_code(value) -> str | None:
    return _choice(value, AppealType)


def urgency_code(value) -> str | None:
    return _choice(value, Urgency)


@dataclass(frozen=True)
class Term:
    """A deadline term: an amount of hours, calendar days or working days."""

    amount: int
    unit: str  # DeadlineUnit


@dataclass(frozen=True)
class Due:
    at: datetime
    uncertain: bool = False  # the count crossed a year whose holiday schedule is unknown


def _end_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def due(start: datetime, term: Term) -> Due:
    """When a term started at ``start`` ends.

    hours: ``start`` + n hours. days: the end of the n-th calendar day after ``start``'s day, moved to the
    next working day when it is a holiday or weekend (民法典 Art. 203). workdays: the end of the n-th working
    day (``core.workdays.add_working_days``, start day per ``WORKDAY_COUNT_START``).
    """
    if term.unit == DeadlineUnit.HOURS:
        return Due(start + timedelta(hours=term.amount))
    local = timezone.localtime(start)
    if term.unit == DeadlineUnit.DAYS:
        last = local.date() + timedelta(days=term.amount)
        try:
            return Due(_end_of(workdays.period_end(last)))
        except workdays.UnknownCalendar:
            return Due(_end_of(last), uncertain=True)
    if term.unit == DeadlineUnit.WORKDAYS:
        try:
            return Due(_end_of(workdays.add_working_days(local.date(), term.amount)))
        except workdays.UnknownCalendar:
            # estimate: five working days a week, flagged for a recount once the schedule is entered
            weeks, rest = divmod(term.amount, 5)
            return Due(_end_of(local.date() + timedelta(days=weeks * 7 + rest)), uncertain=True)
    raise ValueError(f"unknown deadline unit {term.unit!r}")


def default_terms(urgency: str, defaults: dict) -> tuple[int, Term]:
    """(response hours, completion term) from the ``APPEAL_DEADLINES`` setting for an urgency."""
    entry = defaults[urgency]
    return int(entry["response_hours"]), Term(int(entry["complete_amount"]), entry["complete_unit"])


@dataclass(frozen=True)
class Suggestion:
    category_id: int | None
    reason: str
    score: int = 0


def suggest_category(content: str, categories: Iterable[tuple[int, str, list[str]]]) -> Suggestion:
    """The category whose keywords occur most often in ``content`` (ties: the longer words, then the
    first listed). ``categories`` are ``(id, name, keywords)``."""
    text = (content or "").lower()
    best: tuple[int, int, int, str, list[str]] | None = None
    for order, (pk, name, keywords) in enumerate(categories):
        hits = [k for k in keywords if k and k.lower() in text]
        if not hits:
            continue
        key = (len(hits), sum(len(h) for h in hits), -order)
        if best is None or key > best[:3]:
            best = (*key, f"{pk}", [name, *hits])
    if best is None:
        return Suggestion(None, _("内容中没有目录关键词，请人工选择类别"))
    name, *hits = best[4]
    return Suggestion(int(best[3]), _("内容含有“%(words)s”，与“%(name)s”的关键词相符") % {
        "words": "、".join(hits), "name": name}, best[0])


def community_from_address(address: str, communities: Iterable[tuple[int, str]]) -> int | None:
    """The community named in ``address`` (its name without 社区居委会/村委会; the longest match wins;
    two different communities matched equally long: none)."""
    text = address or ""
    found: dict[int, int] = {}
    for pk, name in communities:
        for variant in {name, _short(name)}:
            if len(variant) >= 2 and variant in text:
                found[pk] = max(found.get(pk, 0), len(variant))
    if not found:
        return None
    longest = max(found.values())
    winners = [pk for pk, n in found.items() if n == longest]
    return winners[0] if len(winners) == 1 else None


def _short(name: str) -> str:
    for suffix in ("社区居委会", "社区居民委员会", "居委会", "村委会", "村民委员会", "社区"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name
