"""The dispatch catalogue (派单目录): a tree of categories, each naming the unit kind that answers it and
its default deadlines per area level and urgency (北京市接诉即办工作条例; RULES §7)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("小时")
    DAYS = "days", _("自然日")  # the last day moves past a holiday (民法典 Art. 203)
    WORKDAYS = "workdays", _("工作日")


class UnitKind(models.TextChoices):
    """Who answers a category: a department (by ``Department.kind``), a street or a community."""

    DEPARTMENT = "department", _("职能部门")
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")


class Category(models.Model):
    """派单目录 entry. ``code`` is the Open311 ``service_code``; leaves are what appeals are filed under."""

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey("self", verbose_name=_("上级类别"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    description = models.CharField(_("说明"), max_length=200, blank=True)
    unit_kind = models.CharField(_("责任单位类型"), max_length=12, choices=UnitKind.choices,
                                 default=UnitKind.DEPARTMENT)
    department_kind = models.CharField(_("责任部门类别"), max_length=40, blank=True,
                                       help_text=_("职能部门的类别，如 城管、住建、供电；责任单位为部门时填写"))
    keywords = models.TextField(_("关键词"), blank=True, help_text=_("用空格或逗号分隔，用于自动建议类别"))
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("派单目录")
        verbose_name_plural = _("派单目录")
        ordering = ["sort", "code"]

    def __str__(self):
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", " ").replace(",", " ").split() if k]


class CategoryDeadline(models.Model):
    """Deadlines of a category for one urgency and one area level (blank level: any level)."""

    category = models.ForeignKey(Category, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="deadlines")
    area_level = models.CharField(_("属地层级"), max_length=20, blank=True,
                                  help_text=_("district / street / community；空表示任意层级"))
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices)
    response_hours = models.PositiveSmallIntegerField(_("响应时限（小时）"))
    complete_amount = models.PositiveSmallIntegerField(_("办结时限"))
    complete_unit = models.CharField(_("办结时限单位"), max_length=10, choices=DeadlineUnit.choices)

    class Meta:
        verbose_name = _("派单时限")
        verbose_name_plural = _("派单时限")
        constraints = [models.UniqueConstraint(fields=["category", "area_level", "urgency"],
                                               name="category_deadline_unique")]

    def __str__(self):
        return f"{self.category} {self.get_urgency_display()} {self.area_level or '*'}"
