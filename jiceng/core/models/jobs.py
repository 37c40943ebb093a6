from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    VALIDATED = "validated", _("待确认")
    RUNNING = "running", _("导入中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    CANCELLED = "cancelled", _("已放弃")


class Job(models.Model):
    """后台作业: an import or export run by the task worker, with its progress and row-level report.

    ``report`` holds ``{"errors": [{"line", "field", "message"}], "warnings": [...], ...}``;
    ``result`` what the job produced (counts, the id of a created file).
    """

    kind = models.CharField(_("类型"), max_length=40)
    state = models.CharField(_("状态"), max_length=12, choices=JobState.choices, default=JobState.PENDING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True,
                                   on_delete=models.SET_NULL, related_name="jobs")
    node_path = models.CharField(_("范围"), max_length=255, blank=True)
    file = models.FileField(_("文件"), upload_to="jobs/%Y/%m/", blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    options = models.JSONField(_("选项"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    done = models.PositiveIntegerField(_("已处理"), default=0)
    report = models.JSONField(_("报告"), default=dict, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    output = models.FileField(_("结果文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台作业")
        verbose_name_plural = _("后台作业")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="job_owner_recent")]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        return int(self.done * 100 / self.total) if self.total else (100 if self.state == JobState.DONE else 0)
