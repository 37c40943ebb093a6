"""Open311 keys, published rankings (frozen snapshots) and hot-spot tasks (每月一题 / 未诉先办)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Open311Key(models.Model):
    """An Open311 ``api_key``; only its SHA-256 is stored (``manage.py issue_open311_key NAME``)."""

    name = models.CharField(_("使用方"), max_length=80)
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥前缀"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class RankingKind(models.TextChoices):
    STREETS = "streets", _("街道排名")
    DEPARTMENTS = "departments", _("部门排名")


class RankingSnapshot(models.Model):
    """A published monthly ranking: the rows as they were, never recomputed by later corrections."""

    kind = models.CharField(_("排名类型"), max_length=12, choices=RankingKind.choices)
    area = models.ForeignKey("core.Area", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("月份"), max_length=7)
    rows = models.JSONField(_("排名数据"))
    parameters = models.JSONField(_("计算参数"), default=dict)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("排名快照")
        verbose_name_plural = _("排名快照")
        ordering = ["-period", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "area", "period"], name="ranking_once_per_period")]

    def __str__(self):
        return f"{self.period} {self.get_kind_display()}"


class HotSpotStatus(models.TextChoices):
    OPEN = "open", _("待办")
    DONE = "done", _("已完成")


class HotSpotTask(models.Model):
    """A proactive task (未诉先办) a hot spot was turned into, for a street."""

    street = models.ForeignKey("core.Area", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey("appeals.Category", verbose_name=_("类别"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    period = models.CharField(_("月份"), max_length=7)
    title = models.CharField(_("任务"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    evidence = models.JSONField(_("热点数据"), default=dict)
    status = models.CharField(_("状态"), max_length=8, choices=HotSpotStatus.choices, default=HotSpotStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    outcome = models.TextField(_("办理情况"), blank=True)

    class Meta:
        verbose_name = _("未诉先办任务")
        verbose_name_plural = _("未诉先办任务")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


HotSpotTask.scope_area_field = "street__path"
HotSpotTask.scope_org_field = None
