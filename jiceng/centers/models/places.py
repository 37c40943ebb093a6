"""Party-mass service centers and stations (党群服务中心/站) and their rooms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CenterLevel(models.TextChoices):
    DISTRICT = "district", _("区级中心")
    STREET = "street", _("街道中心")
    COMMUNITY = "community", _("社区服务站")
    BUILDING = "building", _("楼宇服务站")
    PARK = "park", _("园区服务站")
    BUSINESS_DISTRICT = "business_district", _("商圈服务站")


class Center(models.Model):
    name = models.CharField(_("名称"), max_length=80)
    level = models.CharField(_("层级"), max_length=20, choices=CenterLevel.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("所在属地"), on_delete=models.PROTECT,
                             related_name="service_centers")
    address = models.CharField(_("地址"), max_length=160, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    floor_area = models.PositiveIntegerField(_("面积（平方米）"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("开放"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党群服务中心")
        verbose_name_plural = _("党群服务中心")
        ordering = ["area__path", "name"]

    def __str__(self):
        return self.name


class Room(models.Model):
    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("名称"), max_length=60)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)
    is_bookable = models.BooleanField(_("可预约"), default=True)

    class Meta:
        verbose_name = _("功能室")
        verbose_name_plural = _("功能室")
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="room_name_unique_in_center")]

    def __str__(self):
        return f"{self.center.name} {self.name}"
