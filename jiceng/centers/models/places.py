"""Party-mass service centers and stations (党群服务中心/站), their opening hours, photos and rooms."""

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
    description = models.TextField(_("简介"), blank=True)
    closed_on_holidays = models.BooleanField(_("法定节假日闭馆"), default=True,
                                             help_text=_("按工作日历：法定节假日闭馆，调休上班日按周一至周五的时间开放"))
    is_active = models.BooleanField(_("开放"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党群服务中心")
        verbose_name_plural = _("党群服务中心")
        ordering = ["area__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="center_name_unique_in_area"),
            models.CheckConstraint(condition=models.Q(lat__gte=-90, lat__lte=90) | models.Q(lat__isnull=True),
                                   name="center_lat_range"),
            models.CheckConstraint(condition=models.Q(lng__gte=-180, lng__lte=180) | models.Q(lng__isnull=True),
                                   name="center_lng_range"),
        ]

    def __str__(self):
        return self.name


Center.scope_area_field = "area__path"
Center.scope_org_field = None
Center.scope_view_perm = "centers.view_center"


class OpeningHours(models.Model):
    """Regular opening hours: one row per weekday the center is open (no row: closed that weekday)."""

    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=[(i, n) for i, n in enumerate(
        [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")])])
    opens = models.TimeField(_("开门时间"))
    closes = models.TimeField(_("闭门时间"))

    class Meta:
        verbose_name = _("开放时间")
        verbose_name_plural = _("开放时间")
        ordering = ["center", "weekday"]
        constraints = [
            models.UniqueConstraint(fields=["center", "weekday"], name="hours_one_per_weekday"),
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="hours_closes_after_opens"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class OpeningException(models.Model):
    """A date whose hours differ from the rule: closed, or open at other times (a holiday duty day)."""

    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="exceptions")
    date = models.DateField(_("日期"))
    is_open = models.BooleanField(_("开放"), default=False)
    opens = models.TimeField(_("开门时间"), null=True, blank=True)
    closes = models.TimeField(_("闭门时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("开放时间例外")
        verbose_name_plural = _("开放时间例外")
        ordering = ["center", "date"]
        constraints = [models.UniqueConstraint(fields=["center", "date"], name="exception_one_per_date")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.note}"


class CenterPhoto(models.Model):
    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="centers/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=80, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("中心照片")
        verbose_name_plural = _("中心照片")
        ordering = ["center", "pk"]

    def __str__(self):
        return self.caption or self.image.name


for _model in (OpeningHours, OpeningException, CenterPhoto):
    _model.scope_area_field = "center__area__path"
    _model.scope_org_field = None
    _model.scope_view_perm = "centers.view_center"


class RoomKind(models.TextChoices):
    MEETING = "meeting", _("会议室")
    LIVE = "live", _("红色直播间")
    FITNESS = "fitness", _("健身区")
    READING = "reading", _("阅览室")
    ACTIVITY = "activity", _("活动室")
    HALL = "hall", _("多功能厅")
    CLASSROOM = "classroom", _("党课教室")
    EXHIBITION = "exhibition", _("展厅")
    CHILDREN = "children", _("儿童之家")
    HEALTH = "health", _("健康小屋")
    OTHER = "other", _("其他")


class Room(models.Model):
    center = models.ForeignKey(Center, verbose_name=_("中心"), on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=RoomKind.choices, default=RoomKind.MEETING)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=0)
    floor_area = models.PositiveIntegerField(_("面积（平方米）"), null=True, blank=True)
    description = models.CharField(_("设施说明"), max_length=200, blank=True)
    is_bookable = models.BooleanField(_("可预约"), default=True)
    needs_approval = models.BooleanField(_("预约需审核"), default=False)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("功能室")
        verbose_name_plural = _("功能室")
        ordering = ["center", "name"]
        constraints = [models.UniqueConstraint(fields=["center", "name"], name="room_name_unique_in_center")]

    def __str__(self):
        return f"{self.center.name} {self.name}"


Room.scope_area_field = "center__area__path"
Room.scope_org_field = None
Room.scope_view_perm = "centers.view_center"
