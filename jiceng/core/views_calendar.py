"""Pages of the working-day calendar (RULES §8): which days are holidays and make-up workdays and where
each year's schedule comes from; a system administrator enters the coming year's official schedule."""

import calendar as monthly
import re
from datetime import date

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.core import scope, workdays
from jiceng.core.pages import run_service
from jiceng.core.selectors import calendar as selectors
from jiceng.core.services import calendar as services

EXAMPLE = "2027-01-01 休 元旦\n2027-02-06~2027-02-12 休 春节\n2027-02-14 班 春节调休"
WEEKDAYS = [gettext_lazy("一"), gettext_lazy("二"), gettext_lazy("三"), gettext_lazy("四"), gettext_lazy("五"),
            gettext_lazy("六"), gettext_lazy("日")]


class ScheduleForm(forms.Form):
    source = forms.CharField(
        label=gettext_lazy("依据"), max_length=services.SOURCE_MAX, required=False,
        help_text=gettext_lazy("如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕×号）"))
    schedule = forms.CharField(
        label=gettext_lazy("放假与调休安排"), widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text=gettext_lazy("每行一天或一段：日期、“休”或“班”、节日名称，如 2027-01-01 休 元旦；"
                               "连续放假可写 2027-10-01~2027-10-07 休 国庆节。"
                               "只列放假日（含假期中的周末）和调休上班日，其余日子按周一至周五上班。保存时整年替换。"))

    def __init__(self, year, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["schedule"].widget.attrs["placeholder"] = EXAMPLE.replace("2027", str(year))

    def clean_schedule(self):
        return services.schedule_from_text(self.year, self.cleaned_data["schedule"])


def _year_powers(user, year_exists: bool) -> dict:
    perm = "core.change_calendaryear" if year_exists else "core.add_calendaryear"
    return {"can_enter": scope.reach(user, perm).everything}


@login_required
def calendar(request):
    """The years around this one, where each schedule comes from, and the years entered by hand."""
    scope.require_global(request.user, "core.view_calendaryear")
    this_year = timezone.localdate().year
    if re.fullmatch(r"[0-9]{1,4}", wanted := request.GET.get("year", "")):
        return redirect("core:calendar_year", year=int(wanted))
    entered = selectors.entered_years()
    years = sorted(set(range(this_year - 1, this_year + 3)) | set(entered))
    rows = [{"year": y, "source": workdays.year_source(y), "entered": entered.get(y)} for y in years]
    for row in rows:
        row["label"] = workdays.SOURCE_LABELS[row["source"]]
    return render(request, "core/calendar.html", {
        "rows": rows, "this_year": this_year, "year_min": services.YEAR_MIN, "year_max": services.YEAR_MAX,
        "count_start": settings.WORKDAY_COUNT_START})


def _months(year: int, named: dict[date, workdays.ScheduleDay]) -> list[dict]:
    """Twelve month grids (Monday first): each cell a day with its kind and the holiday's name."""
    today = timezone.localdate()
    months = []
    for month in range(1, 13):
        weeks = []
        for week in monthly.Calendar().monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(None)
                    continue
                listed = named.get(day)
                if listed:
                    kind = "makeup" if listed.is_workday else "holiday"
                else:
                    kind = "workday" if day.weekday() < 5 else "weekend"
                cells.append({"date": day, "kind": kind, "name": listed.name if listed else "",
                              "today": day == today})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


@login_required
def calendar_year(request, year):
    scope.require_global(request.user, "core.view_calendaryear")
    if not services.YEAR_MIN <= year <= services.YEAR_MAX:
        raise Http404
    source = workdays.year_source(year)
    schedule = [] if source == workdays.UNKNOWN else workdays.year_schedule(year)
    entered = selectors.entered_year(year)
    powers = _year_powers(request.user, entered is not None)
    form = None
    if powers["can_enter"]:
        initial = {"schedule": services.schedule_to_text(schedule), "source": entered.source if entered else ""}
        form = ScheduleForm(year, request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            done = run_service(form, lambda: services.calendar_year_set(
                request.user, year=year, days=form.cleaned_data["schedule"], source=form.cleaned_data["source"]))
            if done:
                messages.success(request, _("已保存%(year)d年的放假安排") % {"year": year})
                return redirect("core:calendar_year", year=year)
    elif request.method == "POST":
        scope.require_global(request.user, "core.add_calendaryear")
    return render(request, "core/calendar_year.html", {
        "year": year, "source": source, "source_label": workdays.SOURCE_LABELS[source], "entered": entered,
        "runs": [{"first": f, "last": t, "is_workday": w, "name": n, "length": (t - f).days + 1}
                 for f, t, w, n in services.schedule_runs(schedule)],
        "months": _months(year, {d.date: d for d in schedule}) if schedule else [],
        "weekdays": WEEKDAYS, "form": form,
        "prev_year": year - 1 if year > services.YEAR_MIN else None,
        "next_year": year + 1 if year < services.YEAR_MAX else None,
        "library_knows": year in workdays.LIBRARY_YEARS, **powers})
