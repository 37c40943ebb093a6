"""The service catalogue of a center (服务清单): what one can get there, how, and from which department."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WALK_IN = "walk_in", _("现场办理")
    BOOKING = "booking", _("预约办理")
    ONLINE = "online", _("网上办理")
    TERMINAL = "terminal", _("自助终端")


class CenterService(models.Model):
    center = models.ForeignKey("centers.Center", verbose_name=_("中心"), on_delete=models.CASCADE,
                               related_name="services")
    name = models.CharField(_("服务名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=40)
    description = models.TextField(_("服务内容"), blank=True)
    channel = models.CharField(_("办理方式"), max_length=12, choices=Channel.choices, default=Channel.WALK_IN)
    department = models.ForeignKey("core.Department", verbose_name=_("提供部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="center_services")
    is_active = models.BooleanField(_("提供中"), default=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务事项")
        verbose_name_plural = _("服务事项")
        ordering = ["center", "category", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="service_name_unique_in_center")]

    def __str__(self):
        return self.name


CenterService.scope_area_field = "center__area__path"
CenterService.scope_org_field = None
CenterService.scope_view_perm = "centers.view_center"
