"""Who is expected at a meeting, who came, who asked for leave; the files of a meeting; and the
branch where a leading cadre takes part in organizational life as an ordinary member (双重组织生活)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AttendanceState(models.TextChoices):
    PENDING = "pending", _("未签到")
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")


class SignMethod(models.TextChoices):
    CODE = "code", _("签到码")
    RECORDER = "recorder", _("记录人登记")


class LeaveStatus(models.TextChoices):
    NONE = "", _("无")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class Attendance(models.Model):
    """One expected attendee of a meeting: snapshotted from the kind's audience when the meeting is
    planned (recomputed while it is still planned), then signed in, excused or left absent."""

    meeting = models.ForeignKey("orglife.Meeting", verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="attendances")
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="attendances")
    state = models.CharField(_("出席情况"), max_length=10, choices=AttendanceState.choices,
                             default=AttendanceState.PENDING)
    is_dual_life = models.BooleanField(_("双重组织生活"), default=False,
                                       help_text=_("领导干部以普通党员身份参加本支部组织生活"))
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    sign_method = models.CharField(_("签到方式"), max_length=10, choices=SignMethod.choices, blank=True)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    leave_status = models.CharField(_("请假"), max_length=10, choices=LeaveStatus.choices, blank=True,
                                    default=LeaveStatus.NONE)
    leave_reason = models.CharField(_("请假事由"), max_length=300, blank=True)
    leave_requested_at = models.DateTimeField(_("请假时间"), null=True, blank=True)
    leave_decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    leave_decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True,
                                         blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("参会记录")
        verbose_name_plural = _("参会记录")
        ordering = ["meeting", "member__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="attendance_one_per_member"),
            models.CheckConstraint(condition=~Q(state="present") | Q(signed_at__isnull=False),
                                   name="attendance_present_has_time"),
        ]
        indexes = [models.Index(fields=["member", "meeting"], name="attendance_member_meeting")]

    def __str__(self):
        return f"{self.meeting_id} {self.member_id} {self.state}"


class FileKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    ATTACHMENT = "attachment", _("附件")


class MeetingFile(models.Model):
    """A photo or attachment of a meeting (签到表扫描件, 会议记录, 学习材料 …)."""

    meeting = models.ForeignKey("orglife.Meeting", verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="files")
    kind = models.CharField(_("类别"), max_length=12, choices=FileKind.choices, default=FileKind.ATTACHMENT)
    file = models.FileField(_("文件"), upload_to="orglife/%Y/%m/")
    name = models.CharField(_("名称"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议材料")
        verbose_name_plural = _("会议材料")
        ordering = ["meeting", "uploaded_at", "id"]

    def __str__(self):
        return self.name


class DualLife(models.Model):
    """双重组织生活: the branch where a leading cadre (``Member.is_cadre``) takes part in organizational
    life as an ordinary member, besides the branch that holds their relationship."""

    member = models.OneToOneField("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                                  related_name="dual_life")
    branch = models.ForeignKey("core.Org", verbose_name=_("参加组织生活的支部"), on_delete=models.PROTECT,
                               related_name="dual_life_members")
    since = models.DateField(_("起始日期"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("双重组织生活")
        verbose_name_plural = _("双重组织生活")
        ordering = ["branch", "member"]

    def __str__(self):
        return f"{self.member} → {self.branch}"


Attendance.scope_org_field = "meeting__org__path"
Attendance.scope_area_field = "meeting__org__area__path"
Attendance.scope_view_perm = "orglife.view_meeting"
MeetingFile.scope_org_field = "meeting__org__path"
MeetingFile.scope_area_field = "meeting__org__area__path"
MeetingFile.scope_view_perm = "orglife.view_meeting"
DualLife.scope_org_field = "branch__path"
DualLife.scope_area_field = "branch__area__path"
DualLife.scope_view_perm = "orglife.view_meeting"
