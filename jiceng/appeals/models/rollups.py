"""Monthly rollups of the three rates (stats part of issue 6): the time-independent counts of the appeals
received in a month, per (district, street, community, lead department). What depends on the clock
(an open appeal passing its deadline) is never stored: selectors add it live from the open appeals,
so a rollup row only goes stale when an appeal row changes — and then its month is marked dirty."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealRollup(models.Model):
    """Counts of one month and one place × lead department (ids, not foreign keys: a derived table
    that may be dropped and rebuilt at any time, ``manage.py refresh_appeal_rollups``)."""

    period = models.CharField(_("月份"), max_length=7)
    district_id = models.BigIntegerField(_("区"), null=True, blank=True)
    street_id = models.BigIntegerField(_("街道"), null=True, blank=True)
    community_id = models.BigIntegerField(_("社区"), null=True, blank=True)
    department_id = models.BigIntegerField(_("主办部门"), null=True, blank=True)
    received = models.IntegerField(_("受理数"), default=0)
    responded = models.IntegerField(_("已响应数"), default=0)
    responded_on_time = models.IntegerField(_("按时响应数"), default=0)
    finished_unresponded = models.IntegerField(_("未签收即办结数"), default=0)
    solved_rated = models.IntegerField(_("参评解决数"), default=0)
    solved = models.IntegerField(_("解决数"), default=0)
    satisfied_rated = models.IntegerField(_("参评满意数"), default=0)
    satisfied = models.IntegerField(_("满意数"), default=0)
    basic = models.IntegerField(_("基本满意数"), default=0)
    finished = models.IntegerField(_("办结数"), default=0)
    finished_on_time = models.IntegerField(_("按时办结数"), default=0)

    class Meta:
        verbose_name = _("三率月度汇总")
        verbose_name_plural = _("三率月度汇总")
        indexes = [models.Index(fields=["period", "district_id"], name="rollup_period_district"),
                   models.Index(fields=["period", "department_id"], name="rollup_period_department")]

    def __str__(self):
        return f"{self.period} {self.street_id}/{self.community_id}/{self.department_id}"


class RollupPeriod(models.Model):
    """The state of one month's rollup: when it was summed and whether an appeal changed since."""

    period = models.CharField(_("月份"), max_length=7, unique=True)
    refreshed_at = models.DateTimeField(_("汇总时间"))
    dirty = models.BooleanField(_("待重算"), default=False)
    rows = models.IntegerField(_("汇总行数"), default=0)
    seconds = models.FloatField(_("耗时（秒）"), default=0)

    class Meta:
        verbose_name = _("三率汇总月份")
        verbose_name_plural = _("三率汇总月份")

    def __str__(self):
        return self.period
