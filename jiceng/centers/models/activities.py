"""Activities of a center, their sessions, and the residents who book them (活动与预约).

The counters on ``Session`` (``confirmed``, ``waitlisted``, ``queue_seq``) are the quota: places are
taken with a conditional UPDATE on the session row, never by counting rows first. One live booking
per person and session is a unique constraint of the database.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiceng.members.models.roll import PersonalNumbers


class Audience(models.TextChoices):
    ALL = "all", _("所有居民")
    MEMBERS = "members", _("党员")
    BUILDING = "building", _("楼宇员工")


class Repeat(models.TextChoices):
    ONCE = "once", _("单次")
    DAILY = "daily", _("每天")
    WORKDAYS = "workdays", _("每个工作日")
    WEEKLY = "weekly", _("每周")


class LimitPeriod(models.TextChoices):
    DAY = "day", _("每天")
    WEEK = "week", _("每周")
    MONTH = "month", _("每月")
    ACTIVITY = "activity", _("整个活动")


class Resident(PersonalNumbers, models.Model):
    """A person who books: known by the mobile number (encrypted, blind index, masked)."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_cipher = models.TextField(_("手机号（密文）"), editable=False)
    phone_index = models.CharField(_("手机号索引"), max_length=64, unique=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, editable=False)
    paused_until = models.DateField(_("暂停预约至"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预约居民")
        verbose_name_plural = _("预约居民")

    def __str__(self):
        return f"{self.name or _('居民')} {self.phone_masked}"

    @property
    def username(self) -> str:  # the audit trail's label of a resident acting for themself
        return f"resident:{self.phone_masked}"


class ResidentToken(models.Model):
    """A token a resident got from the one-time-code login; only its digest is stored."""

    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"))

    class Meta:
        verbose_name = _("居民令牌")
        verbose_name_plural = _("居民令牌")

    def __str__(self):
        return f"{self.resident} {self.created_at:%Y-%m-%d}"


class OneTimeCode(models.Model):
    """A login code sent to a mobile number: stored as a keyed hash, expires, limited attempts."""

    phone_index = models.CharField(_("手机号索引"), max_length=64, db_index=True)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    ip = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField(_("过期时间"))
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class BuildingEmployee(models.Model):
    """An employee of a building (楼宇) station's companies: the audience of "楼宇员工" activities."""

    center = models.ForeignKey("centers.Center", verbose_name=_("楼宇服务站"), on_delete=models.CASCADE,
                               related_name="employees")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_index = models.CharField(_("手机号索引"), max_length=64, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, editable=False)

    class Meta:
        verbose_name = _("楼宇员工")
        verbose_name_plural = _("楼宇员工")
        constraints = [models.UniqueConstraint(fields=["center", "phone_index"], name="employee_once_per_building")]

    def __str__(self):
        return f"{self.name} {self.phone_masked}"


class Activity(models.Model):
    center = models.ForeignKey("centers.Center", verbose_name=_("中心"), on_delete=models.CASCADE,
                               related_name="activities")
    room = models.ForeignKey("centers.Room", verbose_name=_("功能室"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="activities")
    title = models.CharField(_("活动名称"), max_length=80)
    description = models.TextField(_("活动介绍"), blank=True)
    capacity = models.PositiveIntegerField(_("每场名额"))
    repeat = models.CharField(_("重复"), max_length=10, choices=Repeat.choices, default=Repeat.ONCE)
    repeat_until = models.DateField(_("重复至"), null=True, blank=True)
    weekdays = models.JSONField(_("每周哪几天"), default=list, blank=True, help_text=_("0 = 周一 … 6 = 周日"))
    audience = models.CharField(_("面向"), max_length=10, choices=Audience.choices, default=Audience.ALL)
    audience_center = models.ForeignKey("centers.Center", verbose_name=_("面向哪座楼宇"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="audience_activities")
    waitlist = models.BooleanField(_("满员后可候补"), default=True)
    limit_count = models.PositiveSmallIntegerField(_("每人限约场次"), default=0, help_text=_("0 = 不限"))
    limit_period = models.CharField(_("限约周期"), max_length=10, choices=LimitPeriod.choices,
                                    default=LimitPeriod.DAY)
    opens_days_before = models.PositiveSmallIntegerField(_("提前几天开放预约"), null=True, blank=True,
                                                         help_text=_("留空 = 发布即开放"))
    opens_at_time = models.TimeField(_("开放预约时刻"), null=True, blank=True)
    cancel_minutes_before = models.PositiveIntegerField(_("开始前多少分钟截止取消"), default=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-created_at", "-id"]
        permissions = [("checkin_booking", _("核销预约（签到）"))]

    def __str__(self):
        return self.title


class Session(models.Model):
    """场次: one occurrence of an activity, with its quota counters."""

    activity = models.ForeignKey(Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    confirmed = models.PositiveIntegerField(_("已预约"), default=0)
    waitlisted = models.PositiveIntegerField(_("候补中"), default=0)
    queue_seq = models.PositiveIntegerField(_("候补序号计数"), default=0)
    opens_at = models.DateTimeField(_("开放预约时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    no_shows_marked_at = models.DateTimeField(_("爽约统计时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("场次")
        verbose_name_plural = _("场次")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at"),
                   models.Index(fields=["ends_at", "no_shows_marked_at"], name="session_ended_unmarked")]
        constraints = [
            models.CheckConstraint(condition=Q(confirmed__lte=F("capacity")), name="session_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.confirmed, 0)


class BookingStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已预约")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已签到")
    NO_SHOW = "no_show", _("爽约")


LIVE_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.WAITLISTED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


class Booking(models.Model):
    session = models.ForeignKey(Session, verbose_name=_("场次"), on_delete=models.CASCADE, related_name="bookings")
    resident = models.ForeignKey(Resident, verbose_name=_("居民"), on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(_("状态"), max_length=10, choices=BookingStatus.choices)
    queue_no = models.PositiveIntegerField(_("候补序号"), null=True, blank=True)
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("代约工作人员"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["session", "created_at", "id"]
        indexes = [models.Index(fields=["session", "status", "queue_no"], name="booking_session_queue"),
                   models.Index(fields=["resident", "status"], name="booking_resident_status")]
        constraints = [
            models.UniqueConstraint(fields=["session", "resident"], condition=~Q(status="cancelled"),
                                    name="booking_once_per_person_and_session"),
            models.UniqueConstraint(fields=["session", "queue_no"], name="booking_queue_no_unique"),
        ]

    def __str__(self):
        return f"{self.session} {self.resident}"


Activity.scope_area_field = "center__area__path"
Activity.scope_org_field = None
Activity.scope_view_perm = "centers.view_activity"
Session.scope_area_field = "activity__center__area__path"
Session.scope_org_field = None
Session.scope_view_perm = "centers.view_activity"
Booking.scope_area_field = "session__activity__center__area__path"
Booking.scope_org_field = None
Booking.scope_view_perm = "centers.view_booking"
BuildingEmployee.scope_area_field = "center__area__path"
BuildingEmployee.scope_org_field = None
BuildingEmployee.scope_view_perm = "centers.view_activity"
