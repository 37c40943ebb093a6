"""Room reservations (功能室预约) by organizations: two reservations of one room never overlap (checked
under a row lock on the room, see ``services.reservations``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    THREE_MEETINGS = "three_meetings", _("三会一课")
    PARTY_DAY = "party_day", _("主题党日")
    MEETING = "meeting", _("会议")
    EVENT = "event", _("活动")
    TRAINING = "training", _("培训")
    OTHER = "other", _("其他")


class ReservationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已确认")
    REFUSED = "refused", _("未通过")
    CANCELLED = "cancelled", _("已取消")


HOLDING_STATUSES = (ReservationStatus.PENDING, ReservationStatus.APPROVED)  # these keep the room's time


class RoomReservation(models.Model):
    room = models.ForeignKey("centers.Room", verbose_name=_("功能室"), on_delete=models.PROTECT,
                             related_name="reservations")
    org = models.ForeignKey("core.Org", verbose_name=_("预约组织"), null=True, blank=True, on_delete=models.PROTECT,
                            related_name="room_reservations")
    applicant = models.CharField(_("预约单位"), max_length=100, blank=True,
                                 help_text=_("未在系统中的企业、居民团体等，填写名称"))
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone_cipher = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    title = models.CharField(_("主题"), max_length=120)
    attendees = models.PositiveIntegerField(_("参加人数"), default=0)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    status = models.CharField(_("状态"), max_length=12, choices=ReservationStatus.choices,
                              default=ReservationStatus.PENDING)
    meeting = models.ForeignKey("orglife.Meeting", verbose_name=_("会议记录"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="room_reservations")
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("功能室预约")
        verbose_name_plural = _("功能室预约")
        ordering = ["starts_at", "pk"]
        permissions = [("approve_roomreservation", _("审核功能室预约"))]
        indexes = [models.Index(fields=["room", "starts_at"], name="reservation_room_start")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="reservation_ends_after_starts"),
            models.CheckConstraint(condition=models.Q(org__isnull=False) | ~models.Q(applicant=""),
                                   name="reservation_has_applicant"),
        ]

    def __str__(self):
        return f"{self.room} {self.title}"

    @property
    def applicant_name(self) -> str:
        return self.org.name if self.org_id else self.applicant


RoomReservation.scope_area_field = "room__center__area__path"
RoomReservation.scope_org_field = "org__path"
RoomReservation.scope_view_perm = "centers.view_roomreservation"
