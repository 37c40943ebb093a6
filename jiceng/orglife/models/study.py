"""Study (学习): items a secretary or organizer assigns to the members of an organization's subtree,
and each member's record of having completed one. The sources' goal: 80% of members study online."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class StudyKind(models.TextChoices):
    TEXT = "text", _("文章")
    LINK = "link", _("链接")
    VIDEO = "video", _("视频")


class StudyItem(models.Model):
    """A study item assigned to every active member whose branch lies in ``org``'s subtree."""

    org = models.ForeignKey("core.Org", verbose_name=_("布置给"), on_delete=models.PROTECT, related_name="study_items")
    title = models.CharField(_("标题"), max_length=120)
    kind = models.CharField(_("形式"), max_length=8, choices=StudyKind.choices, default=StudyKind.TEXT)
    body = models.TextField(_("内容"), blank=True)
    url = models.URLField(_("链接或视频地址"), max_length=500, blank=True)
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("完成期限"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("布置人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("布置时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学习内容")
        verbose_name_plural = _("学习内容")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "starts_on"], name="studyitem_org_starts")]
        constraints = [models.CheckConstraint(
            condition=models.Q(due_on__isnull=True) | models.Q(due_on__gte=models.F("starts_on")),
            name="studyitem_due_after_start")]

    def __str__(self):
        return self.title


class StudyRecord(models.Model):
    """One member completed one item (学习记录)."""

    item = models.ForeignKey(StudyItem, verbose_name=_("学习内容"), on_delete=models.CASCADE, related_name="records")
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="study_records")
    completed_at = models.DateTimeField(_("完成时间"))
    note = models.CharField(_("心得"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        ordering = ["-completed_at"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="studyrecord_once_per_member")]

    def __str__(self):
        return f"{self.member} {self.item}"


StudyItem.scope_org_field = "org__path"
StudyItem.scope_area_field = "org__area__path"
StudyItem.scope_view_perm = "orglife.view_studyitem"
StudyRecord.scope_org_field = "member__branch__path"
StudyRecord.scope_area_field = "member__branch__area__path"
StudyRecord.scope_view_perm = "orglife.view_studyitem"
