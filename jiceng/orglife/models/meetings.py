"""Kinds of organizational life (三会一课 and the rest) and the meetings that are held."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")
    NONE = "none", _("不定期")


class Audience(models.TextChoices):
    ALL = "all", _("全体党员")
    COMMITTEE = "committee", _("支部委员")
    GROUP = "group", _("党小组成员")


class MeetingKind(models.Model):
    """A kind of organizational life with its frequency rule (RULES §2; editable per deployment)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    period = models.CharField(_("频次周期"), max_length=10, choices=Period.choices, default=Period.NONE)
    times = models.PositiveSmallIntegerField(_("每周期至少次数"), default=1)
    audience = models.CharField(_("参加人员"), max_length=12, choices=Audience.choices, default=Audience.ALL)
    per_group = models.BooleanField(_("按党小组分别计算"), default=False)
    needs_committee = models.BooleanField(_("仅设支部委员会的支部"), default=False)
    rule_text = models.CharField(_("规定原文"), max_length=200, blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("组织生活类型")
        verbose_name_plural = _("组织生活类型")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Meeting(models.Model):
    kind = models.ForeignKey(MeetingKind, verbose_name=_("类型"), on_delete=models.PROTECT, related_name="meetings")
    org = models.ForeignKey("core.Org", verbose_name=_("党组织"), on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    topic = models.CharField(_("主题"), max_length=120)
    content = models.TextField(_("内容"), blank=True)
    host = models.CharField(_("主持人"), max_length=40, blank=True)
    recorder = models.CharField(_("记录人"), max_length=40, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    checkin_code = models.CharField(_("签到码"), max_length=8, blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    resolutions = models.TextField(_("决议"), blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("组织生活会议")
        verbose_name_plural = _("组织生活会议")
        indexes = [models.Index(fields=["org", "starts_at"]), models.Index(fields=["kind", "starts_at"])]
        permissions = [("attend_meeting", _("参加组织生活（我的会议）"))]

    def __str__(self):
        return f"{self.org} {self.kind} {self.topic}"


MeetingKind.scope_view_perm = "orglife.view_meetingkind"
Meeting.scope_org_field = "org__path"
Meeting.scope_area_field = "org__area__path"
Meeting.scope_view_perm = "orglife.view_meeting"
