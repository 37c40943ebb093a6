from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.paths import PathField


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市")
    DISTRICT = "district", _("区县")
    STREET = "street", _("街道乡镇")
    COMMUNITY = "community", _("社区村")
    GRID = "grid", _("网格")
    BUILDING = "building", _("楼宇")
    BUSINESS_DISTRICT = "business_district", _("商圈")
    PARK = "park", _("园区")


OFFICIAL_LEVELS = (AreaLevel.PROVINCE, AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY)


class Area(models.Model):
    """属地: a node of the territory tree (市 → 区 → 街道/乡镇 → 社区/村 → 网格, and places).

    Official levels are keyed by their 12-digit statistical division code (统计用区划代码); grids and
    places get a local code under their parent's. ``path`` is derived from the code for official
    levels (``/11/01/06/015/``), so an import never needs to look up siblings.
    """

    code = models.CharField(_("代码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    pinyin = models.CharField(_("拼音首字母"), max_length=100, blank=True)
    level = models.CharField(_("层级"), max_length=20, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        to_field="code",
        db_column="parent_code",
        db_index=False,  # covered by the (parent, name) index
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = PathField(_("路径"), unique=True)
    depth = models.PositiveSmallIntegerField(_("深度"))
    geometry = models.JSONField(_("边界 (GeoJSON)"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("属地")
        verbose_name_plural = _("属地")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name"], name="area_parent_name")]

    def __str__(self):
        return self.name


Area.scope_area_field = "path"
Area.scope_org_field = None
Area.scope_view_perm = "core.view_area"
