"""Department rota (部门坐班): which department sits in which center on which weekdays and hours, and
the notices a change leaves for the center's staff."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.centers.models.places import OpeningHours


class RotaShift(models.Model):
    center = models.ForeignKey("centers.Center", verbose_name=_("中心"), on_delete=models.CASCADE,
                               related_name="rota")
    department = models.ForeignKey("core.Department", verbose_name=_("职能部门"), on_delete=models.PROTECT,
                                   related_name="center_shifts")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=OpeningHours._meta.get_field("weekday").choices)
    starts = models.TimeField(_("开始时间"))
    ends = models.TimeField(_("结束时间"))
    valid_from = models.DateField(_("起始日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    matters = models.CharField(_("可办事项"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("部门坐班")
        verbose_name_plural = _("部门坐班")
        ordering = ["center", "weekday", "starts", "department__name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gt=models.F("starts")), name="shift_ends_after_starts"),
            models.CheckConstraint(condition=models.Q(valid_until__isnull=True)
                                   | models.Q(valid_until__gte=models.F("valid_from")), name="shift_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.department.name} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


RotaShift.scope_area_field = "center__area__path"
RotaShift.scope_org_field = None
RotaShift.scope_view_perm = "centers.view_center"


class CenterNotice(models.Model):
    """An in-app notice for the center's staff (a rota change, a new reservation waiting for approval)."""

    center = models.ForeignKey("centers.Center", verbose_name=_("中心"), on_delete=models.CASCADE,
                               related_name="notices")
    text = models.CharField(_("内容"), max_length=300)
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("中心通知")
        verbose_name_plural = _("中心通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["center", "-created_at"], name="notice_center_recent")]

    def __str__(self):
        return self.text


CenterNotice.scope_area_field = "center__area__path"
CenterNotice.scope_org_field = None
CenterNotice.scope_view_perm = "centers.view_center"
