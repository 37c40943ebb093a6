"""The compliance engine: which branches held the organizational life the rules ask for (RULES §2).

For any organization the actor sees, the 党支部 below it are evaluated in a constant number of
queries, whatever their number: the branches and their 党小组, the full members and committee posts
per branch, and the held meetings counted per (organization, kind, local month) with one
``GROUP BY``. Everything else is Python over those rows (``rules.compliance``). Nothing is
precomputed, so there is no rollup to drift from the meetings.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from jiceng.core import scope
from jiceng.core.models import Org, Post
from jiceng.core.paths import ancestors
from jiceng.members.models import Member
from jiceng.orglife.models import Attendance, AttendanceState, Meeting, MeetingKind, MeetingStatus
from jiceng.orglife.rules import compliance as rules
from jiceng.orglife.rules.attendance import Rate, attendance_rate

VIEW = "orglife.view_meeting"


def today() -> date:
    return timezone.localdate()


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of ``year`` and of the next one, in the local time zone (Asia/Shanghai)."""
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


@dataclass(frozen=True)
class Kind:
    id: int
    code: str
    name: str
    period: str
    times: int
    needs_committee: bool
    per_group: bool
    rule_text: str


@dataclass
class Branch:
    id: int
    name: str
    path: str
    established_on: date | None
    full_members: int = 0
    active_members: int = 0
    committee_posts: int = 0
    groups: list[tuple[int, str]] = field(default_factory=list)

    @property
    def has_committee(self) -> bool:
        return rules.committee_exists(full_members=self.full_members, committee_posts=self.committee_posts)


class Cell(NamedTuple):
    """One (branch or 党小组, kind, period) with the meetings held and the state of the rule."""

    branch_id: int
    kind: Kind
    span: rules.Span
    group: tuple[int, str] | None
    held: int
    required: int | None
    state: str

    @property
    def label(self) -> str:
        return str(rules.STATE_LABELS[self.state])

    @property
    def sign(self) -> str:
        return rules.STATE_SIGNS[self.state]


def kinds() -> list[Kind]:
    return [Kind(k.id, k.code, k.name, k.period, k.times, k.needs_committee, k.per_group, k.rule_text)
            for k in MeetingKind.objects.filter(is_active=True).order_by("order", "id")]


def org_get(actor, org_id) -> Org:
    """An organization the actor sees with the meetings permission; out of scope reads as missing (404)."""
    return scope.get_or_404(actor, VIEW, Org.objects.select_related("parent"), pk=org_id)


def orgs_below(actor, node: Org | None = None) -> QuerySet[Org]:
    """The active branches and 党小组 the actor sees (in ``node``'s subtree when given)."""
    qs = Org.objects.filter(kind__in=("branch", "group"), is_active=True)
    if node is not None:
        qs = qs.filter(path__subtree=node.path)
    return scope.visible(actor, VIEW, qs)


def branch_facts(orgs: QuerySet[Org], year: int) -> dict[int, Branch]:
    """The branches among ``orgs`` (a queryset from ``orgs_below``) with the facts the rules need:
    their 党小组, full and active members, committee posts held during ``year``. Three queries."""
    branches: dict[int, Branch] = {}
    groups: list[tuple[int, int, str]] = []
    for pk, name, path, kind, parent_id, established in orgs.values_list(
            "pk", "name", "path", "kind", "parent_id", "established_on").order_by("path"):
        if kind == "branch":
            branches[pk] = Branch(pk, name, path, established)
        else:
            groups.append((parent_id, pk, name))
    for parent_id, pk, name in groups:
        if parent_id in branches:
            branches[parent_id].groups.append((pk, name))
    ids = org_ids(branches, orgs, groups=False)
    for branch_id, full, active in (Member.objects.filter(branch_id__in=ids).values_list("branch_id").annotate(
            full=Count("pk", filter=Q(status="full")),
            active=Count("pk", filter=Q(status__in=("full", "probationary")))).order_by()):
        branches[branch_id].full_members, branches[branch_id].active_members = full, active
    start, end = date(year, 1, 1), date(year, 12, 31)
    posts = (Post.objects.filter(org_id__in=ids, title__in=rules.COMMITTEE_POST_TITLES, term_start__lte=end)
             .filter(Q(term_end__isnull=True) | Q(term_end__gte=start))
             .values_list("org_id").annotate(n=Count("pk")).order_by())
    for org_id, n in posts:
        branches[org_id].committee_posts = n
    return branches


ID_LIST_LIMIT = 20_000


def org_ids(branches: dict[int, Branch], orgs: QuerySet[Org], *, groups: bool) -> list[int] | QuerySet:
    """The ids of the branches (and their 党小组) already read, as a list for the next queries (no
    second pass through the scope condition); above ``ID_LIST_LIMIT`` the subquery instead."""
    ids = [*branches, *(g for b in branches.values() for g, _n in b.groups)] if groups else list(branches)
    if len(ids) <= ID_LIST_LIMIT:
        return ids
    return orgs.values("pk") if groups else orgs.filter(kind="branch").values("pk")


def local_month(field: str, year: int) -> Case:
    """The local (Asia/Shanghai) month of a timestamp in ``year`` as comparisons with the month
    boundaries: native on every database (SQLite's time-zone extraction calls Python per row)."""
    tz = timezone.get_current_timezone()
    bounds = [datetime(year, m + 1, 1, tzinfo=tz) for m in range(1, 12)]
    return Case(*(When(**{f"{field}__lt": bound}, then=Value(m)) for m, bound in enumerate(bounds, start=1)),
                default=Value(12), output_field=IntegerField())


def held_counts(ids, year: int, kind_list: list[Kind]) -> dict[tuple[int, int, int], int]:
    """Held meetings of the organizations ``ids`` (from ``org_ids``) per (organization, kind id, period
    index of the kind) in ``year``: one GROUP BY (organization, kind, local month), read with a plain
    cursor (integer rows, no per-row converters), the months then added up into quarters or years."""
    start, end = year_bounds(year)
    qs = (Meeting.objects.filter(org_id__in=ids, status=MeetingStatus.HELD,
                                 starts_at__gte=start, starts_at__lt=end)
          .annotate(month=local_month("starts_at", year)).values_list("org_id", "kind_id", "month")
          .annotate(n=Count("pk")).order_by())
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:  # the actor sees no organization
        return {}
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    period = {k.id: k.period for k in kind_list if k.period != rules.NONE}
    counts: dict[tuple[int, int, int], int] = {}
    for org_id, kind_id, month, n in rows:
        if kind_id in period:
            key = (org_id, kind_id, rules.period_index(period[kind_id], month))
            counts[key] = counts.get(key, 0) + n
    return counts


def evaluate_orgs(orgs: QuerySet[Org], year: int, *, day: date, kind_list: list[Kind] | None = None
                  ) -> tuple[dict[int, Branch], dict[int, list[Cell]]]:
    """The branches among ``orgs`` and their cells: four queries plus the kinds."""
    branches = branch_facts(orgs, year)
    kind_list = kind_list or kinds()
    counts = held_counts(org_ids(branches, orgs, groups=True), year, kind_list)
    return branches, evaluate(branches, kind_list, counts, year, day=day)


def _plans(kind_list: list[Kind], year: int, day: date, soon: int) -> list[tuple[Kind, list]]:
    """Per kind with a frequency: its periods of ``year`` and the state each has when not met."""
    plans = []
    for kind in kind_list:
        spans = [(span, rules.cell_state(held=0, required=kind.times, span=span, today=day, due_soon_days=soon))
                 for span in rules.spans_of_year(kind.period, year)]
        if spans:
            plans.append((kind, spans))
    return plans


SLOTS = {rules.MET: 0, rules.MISSING: 1, rules.DUE_SOON: 2, rules.OPEN: 3}  # the states a Tally counts


def month_tallies(branches: dict[int, Branch], kind_list: list[Kind], counts: dict, year: int, *,
                  day: date) -> dict[int, list[Tally]]:
    """What ``iter_cells`` gives, counted per branch and month of the period's end, without making a
    cell per (branch, kind, period): the street and district views count hundreds of thousands.
    Branches set up during the year go through ``iter_cells`` itself."""
    soon = settings.COMPLIANCE_DUE_SOON_DAYS
    plans = [(kind, [(span.index, span.end.month - 1, SLOTS.get(unmet, -1)) for span, unmet in spans])
             for kind, spans in _plans(kind_list, year, day, soon)]
    first_day, get = date(year, 1, 1), counts.get
    out: dict[int, list[Tally]] = {}
    for pk, branch in branches.items():
        grid = [[0, 0, 0, 0] for _m in range(12)]
        if branch.established_on is not None and branch.established_on > first_day:
            for cell in iter_cells({pk: branch}, kind_list, counts, year, day=day):
                if cell.state in SLOTS:
                    grid[cell.span.end.month - 1][SLOTS[cell.state]] += 1
        else:
            has_committee, groups = branch.has_committee, len(branch.groups)
            for kind, spans in plans:
                if not rules.applies(needs_committee=kind.needs_committee, per_group=kind.per_group,
                                     has_committee=has_committee, groups=groups):
                    continue
                kind_id, times = kind.id, kind.times
                for org_id in [g for g, _n in branch.groups] if kind.per_group else (pk,):
                    for index, month, unmet in spans:
                        if get((org_id, kind_id, index), 0) >= times:
                            grid[month][0] += 1
                        elif unmet >= 0:
                            grid[month][unmet] += 1
        out[pk] = [Tally(*slots) for slots in grid]
    return out


def iter_cells(branches: dict[int, Branch], kind_list: list[Kind], counts: dict, year: int, *, day: date,
               first_period: str | None = None, due_soon_days: int | None = None) -> Iterator[Cell]:
    """Every cell of every branch for ``year`` as of ``day``: the rules applied to the counted rows.

    The state of an unmet period depends only on the period and ``day``, so it is worked out once
    per (kind, period); only branches set up during the year go through ``required_times``."""
    first_period = first_period or settings.COMPLIANCE_FIRST_PERIOD
    soon = settings.COMPLIANCE_DUE_SOON_DAYS if due_soon_days is None else due_soon_days
    plans = _plans(kind_list, year, day, soon)
    get, met = counts.get, rules.MET
    for branch in branches.values():
        has_committee, groups, established = branch.has_committee, len(branch.groups), branch.established_on
        for kind, spans in plans:
            if not rules.applies(needs_committee=kind.needs_committee, per_group=kind.per_group,
                                 has_committee=has_committee, groups=groups):
                continue
            kind_id, times = kind.id, kind.times
            for group in branch.groups if kind.per_group else (None,):
                org_id = group[0] if group else branch.id
                for span, unmet in spans:
                    held = get((org_id, kind_id, span.index), 0)
                    if established is None or established <= span.start:
                        yield Cell(branch.id, kind, span, group, held, times, met if held >= times else unmet)
                        continue
                    required = rules.required_times(times=times, span=span, established_on=established,
                                                    first_period=first_period)
                    yield Cell(branch.id, kind, span, group, held, required, rules.cell_state(
                        held=held, required=required, span=span, today=day, due_soon_days=soon))


def evaluate(branches: dict[int, Branch], kind_list: list[Kind], counts: dict, year: int, *, day: date,
             **options) -> dict[int, list[Cell]]:
    """``iter_cells`` gathered per branch."""
    out: dict[int, list[Cell]] = {pk: [] for pk in branches}
    for cell in iter_cells(branches, kind_list, counts, year, day=day, **options):
        out[cell.branch_id].append(cell)
    return out


@dataclass
class Tally:
    met: int = 0
    missing: int = 0
    due_soon: int = 0
    open: int = 0

    def add(self, state: str) -> None:
        if state == rules.MET:
            self.met += 1
        elif state == rules.MISSING:
            self.missing += 1
        elif state == rules.DUE_SOON:
            self.due_soon += 1
        elif state == rules.OPEN:
            self.open += 1

    @classmethod
    def of(cls, tallies) -> Tally:
        """The sum of ``tallies``."""
        total = cls()
        for t in tallies:
            total.met += t.met
            total.missing += t.missing
            total.due_soon += t.due_soon
            total.open += t.open
        return total

    @property
    def rate(self) -> float | None:
        return rules.rate(self.met, self.missing)

    @property
    def percent(self) -> int | None:
        return rules.percent(self.met, self.met + self.missing)


@dataclass
class BranchReport:
    org: Org
    year: int
    day: date
    branch: Branch
    kinds: list[Kind]
    cells: list[Cell]
    meetings: list[Meeting]
    tally: Tally

    def cells_of(self, code: str) -> list[Cell]:
        return [c for c in self.cells if c.kind.code == code]

    def meetings_in(self, kind_id: int, month: int) -> list[Meeting]:
        return [m for m in self.meetings if m.kind_id == kind_id and timezone.localtime(m.starts_at).month == month]


def branch_report(actor, org_id, year: int, *, day: date | None = None) -> BranchReport:
    """One branch's year: its cells (per kind and period) and its meetings (held and planned)."""
    org = org_get(actor, org_id)
    if org.kind != "branch":
        from django.http import Http404

        raise Http404
    day = day or today()
    kind_list = kinds()
    branches, cells = evaluate_orgs(orgs_below(actor, org), year, day=day, kind_list=kind_list)
    branch, cells = branches[org.pk], cells[org.pk]
    start, end = year_bounds(year)
    meetings = list(Meeting.objects.filter(org_id__in=[org.pk, *(g for g, _n in branch.groups)],
                                           starts_at__gte=start, starts_at__lt=end)
                    .exclude(status=MeetingStatus.CANCELLED).select_related("kind", "org").order_by("starts_at", "pk"))
    tally = Tally()
    for cell in cells:
        tally.add(cell.state)
    return BranchReport(org, year, day, branch, kind_list, cells, meetings, tally)


@dataclass
class HeatRow:
    branch: Branch
    months: list[Tally]
    total: Tally


@dataclass
class Heat:
    node: Org
    year: int
    day: date
    kind: Kind | None
    kinds: list[Kind]
    rows: list[HeatRow]
    total: Tally


def street_heat(actor, org_id, year: int, *, kind_code: str = "", day: date | None = None) -> Heat:
    """The heat table of a street (or any node): per branch and month, the rules whose period ends in
    that month, met or not; ``kind_code`` narrows it to one kind."""
    node = org_get(actor, org_id)
    day = day or today()
    kind_list = kinds()
    chosen = next((k for k in kind_list if k.code == kind_code), None)
    orgs = orgs_below(actor, node)
    evaluated = [chosen] if chosen else kind_list
    branches = branch_facts(orgs, year)
    counts = held_counts(org_ids(branches, orgs, groups=True), year, evaluated)
    months = month_tallies(branches, evaluated, counts, year, day=day)
    rows = [HeatRow(branch, months[pk], Tally.of(months[pk])) for pk, branch in branches.items()]
    return Heat(node, year, day, chosen, kind_list, rows, Tally.of(r.total for r in rows))


@dataclass
class ChildRate:
    org: Org
    branches: int
    tally: Tally


def district_rates(actor, org_id, year: int, *, day: date | None = None) -> tuple[Org, list[ChildRate], Tally]:
    """Per organization directly under ``org_id`` (the streets of a district): its branches' tally."""
    node = org_get(actor, org_id)
    day = day or today()
    children = {c.path: c for c in scope.visible(actor, VIEW, Org.objects.filter(parent=node, is_active=True))
                .order_by("path")}
    rates = {path: ChildRate(child, 0, Tally()) for path, child in children.items()}
    orgs = orgs_below(actor, node)
    kind_list = kinds()
    branches = branch_facts(orgs, year)
    counts = held_counts(org_ids(branches, orgs, groups=True), year, kind_list)
    per_branch = {pk: Tally.of(months) for pk, months in month_tallies(branches, kind_list, counts, year,
                                                                        day=day).items()}
    members: dict[str, list[Tally]] = {path: [] for path in rates}
    for pk, branch in branches.items():
        line = ancestors(branch.path)
        if len(line) > node.depth and line[node.depth] in members:
            members[line[node.depth]].append(per_branch[pk])
    for path, tallies in members.items():
        rates[path].branches, rates[path].tally = len(tallies), Tally.of(tallies)
    kept = [r for r in rates.values() if r.branches]
    return node, kept, Tally.of(r.tally for r in kept)


@dataclass(frozen=True)
class Todo:
    cell: Cell
    branch: Branch


def todo_list(actor, *, day: date | None = None, limit_branches: int | None = None) -> list[Todo] | None:
    """本月计划与缺项: across the branches the actor sees, this year's missed periods and the current
    periods not met yet (due soon first). ``None`` when the actor sees more branches than
    ``limit_branches`` (the street and district views serve those)."""
    day = day or today()
    visible = scope.visible(actor, VIEW, Org.objects.filter(kind="branch", is_active=True))
    if limit_branches is not None and visible.count() > limit_branches:
        return None
    branches, cells = evaluate_orgs(orgs_below(actor), day.year, day=day)
    items = [Todo(c, branches[branch_id]) for branch_id, branch_cells in cells.items() for c in branch_cells
             if c.state in (rules.MISSING, rules.DUE_SOON, rules.OPEN)]
    order = {rules.DUE_SOON: 0, rules.OPEN: 1, rules.MISSING: 2}
    items.sort(key=lambda t: (order[t.cell.state], t.cell.span.end, t.branch.path, t.cell.kind.code))
    return items


def missing_count(actor) -> int | None:
    """Workbench tile: missed and due-soon periods of this year across the actor's branches."""
    items = todo_list(actor, limit_branches=LIMIT_TILE_BRANCHES)
    if items is None:
        return None
    return sum(1 for t in items if t.cell.state in (rules.MISSING, rules.DUE_SOON))


LIMIT_TILE_BRANCHES = 600


def record_book(actor, org_id, year: int) -> dict:
    """全程纪实册 of a branch and a year: its report (cells), committee posts, meetings in order of kind
    and date, attendance numbers where recorded, and study completion."""
    from jiceng.core.selectors.orgs import post_list
    from jiceng.orglife.selectors import study

    report = branch_report(actor, org_id, year)
    posts = [p for p in post_list(actor, report.org).order_by("title", "-term_start")
             if p.term_end is None or p.term_end >= date(year, 1, 1)]
    order = {k.id: i for i, k in enumerate(report.kinds)}
    meetings = sorted((m for m in report.meetings if m.status == MeetingStatus.HELD),
                      key=lambda m: (order.get(m.kind_id, 99), m.starts_at, m.pk))
    rates = study.branch_rates(actor, report.org, year)
    items = list(study.items_for_branch(report.org, year))
    return {"report": report, "posts": posts, "meetings": meetings, "attendance": attendance(meetings),
            "study": rates[0] if rates else None, "study_items": items,
            "study_done": study.done_per_item(report.org, items)}


def attendance(meetings: list[Meeting]) -> dict[int, Rate]:
    """应到, 请假, 实到 and the attendance rate per meeting that has expected attendees: one GROUP BY."""
    rows = (Attendance.objects.filter(meeting__in=[m.pk for m in meetings]).values_list("meeting_id")
            .annotate(expected=Count("pk"), excused=Count("pk", filter=Q(state=AttendanceState.EXCUSED)),
                      present=Count("pk", filter=Q(state=AttendanceState.PRESENT))).order_by())
    return {meeting_id: attendance_rate(expected=expected, excused=excused, present=present)
            for meeting_id, expected, excused, present in rows}
