"""吹哨报到: a street, community or enterprise-service unit blows a whistle on a matter and summons
departments; each summoned department reports in (报到) by a deadline, records its actions and is
rated by the caller; the whistle closes when the matter is done ("事不完、人不撤").
Enterprises raise requests through a public channel (企业吹哨) that the service unit turns into a
whistle or declines."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CALLER_LEVELS = ("street", "community", "park", "business_district", "building")  # who may blow


class Urgency(models.TextChoices):
    URGENT = "urgent", _("紧急")
    NORMAL = "normal", _("一般")


class WhistleStatus(models.TextChoices):
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已结束")


class Whistle(models.Model):
    title = models.CharField(_("事项"), max_length=120)
    matter = models.TextField(_("情况说明"), max_length=4000)
    caller = models.ForeignKey("core.Area", verbose_name=_("吹哨单位"), on_delete=models.PROTECT,
                               related_name="whistles")
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    report_minutes = models.PositiveIntegerField(_("报到时限（分钟）"))
    status = models.CharField(_("状态"), max_length=10, choices=WhistleStatus.choices, default=WhistleStatus.OPEN)
    location = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("吹哨人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("吹哨时间"), auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("结束人"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    result = models.TextField(_("办理结果"), max_length=2000, blank=True)
    close_reason = models.CharField(_("未全部报到即结束的原因"), max_length=300, blank=True)
    appeals = models.ManyToManyField("appeals.Appeal", verbose_name=_("关联诉求"), blank=True, related_name="whistles")

    class Meta:
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="whistle_status_created")]
        constraints = [
            models.CheckConstraint(condition=Q(status="open", closed_at__isnull=True)
                                   | Q(status="closed", closed_at__isnull=False), name="whistle_closed_has_time"),
        ]

    def __str__(self):
        return self.title


Whistle.scope_area_field = "caller__path"
Whistle.scope_org_field = None
Whistle.scope_view_perm = "whistles.view_whistle"


class WhistleCall(models.Model):
    """One summoned department (报到 once, by the deadline; rated by the caller)."""

    whistle = models.ForeignKey(Whistle, verbose_name=_("吹哨"), on_delete=models.CASCADE, related_name="calls")
    department = models.ForeignKey("core.Department", verbose_name=_("职能部门"), on_delete=models.PROTECT,
                                   related_name="whistle_calls")
    summoned_at = models.DateTimeField(_("召集时间"), db_index=True)
    report_due_at = models.DateTimeField(_("应报到时间"))
    summoned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("召集人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报到人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    on_time = models.BooleanField(_("按时报到"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评价（1–5）"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=300, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("部门报到")
        verbose_name_plural = _("部门报到")
        ordering = ["summoned_at", "pk"]
        permissions = [("report_whistlecall", _("报到并记录处置情况"))]
        indexes = [models.Index(fields=["department", "summoned_at"], name="whistlecall_dept_summoned")]
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="whistlecall_once_per_department"),
            models.CheckConstraint(condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                                   name="whistlecall_rating_1_5"),
            models.CheckConstraint(condition=Q(reported_at__isnull=True, on_time__isnull=True)
                                   | Q(reported_at__isnull=False, on_time__isnull=False),
                                   name="whistlecall_on_time_at_report"),
        ]

    def __str__(self):
        return f"{self.whistle} · {self.department}"


WhistleCall.scope_area_field = "whistle__caller__path"
WhistleCall.scope_org_field = None
WhistleCall.scope_view_perm = "whistles.view_whistle"


class WhistleAction(models.Model):
    """处置记录: what a department did (or the caller noted) on one call."""

    call = models.ForeignKey(WhistleCall, verbose_name=_("部门报到"), on_delete=models.CASCADE,
                             related_name="actions")
    text = models.TextField(_("处置情况"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("处置记录")
        verbose_name_plural = _("处置记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return self.text[:40]


class RequestStatus(models.TextChoices):
    NEW = "new", _("待处理")
    CONVERTED = "converted", _("已吹哨")
    DECLINED = "declined", _("不予吹哨")


class EnterpriseRequest(models.Model):
    """企业吹哨: an enterprise's request to its service unit, turned into a whistle or declined."""

    enterprise_name = models.CharField(_("企业名称"), max_length=120)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    uscc_flagged = models.BooleanField(_("信用代码校验未通过"), default=False)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone_cipher = models.TextField(_("联系电话（密文）"), editable=False)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, editable=False)
    contact_phone_index = models.CharField(_("联系电话索引"), max_length=64, db_index=True, editable=False)
    matter = models.TextField(_("诉求内容"), max_length=4000)
    unit = models.ForeignKey("core.Area", verbose_name=_("服务单位"), on_delete=models.PROTECT,
                             related_name="enterprise_requests")
    status = models.CharField(_("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW)
    whistle = models.OneToOneField(Whistle, verbose_name=_("吹哨"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="enterprise_request")
    decline_reason = models.CharField(_("不予吹哨的理由"), max_length=300, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=64, blank=True, editable=False)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("企业吹哨")
        verbose_name_plural = _("企业吹哨")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="enterprise_request_idempotency"),
            models.CheckConstraint(condition=~Q(status="converted") | Q(whistle__isnull=False),
                                   name="enterprise_request_converted_has_whistle"),
        ]

    def __str__(self):
        return f"{self.enterprise_name}：{self.matter[:30]}"

    @property
    def reference(self) -> str:
        """The number the enterprise quotes when it calls (QY + date + id)."""
        return f"QY{self.created_at:%Y%m%d}{self.pk:05d}" if self.created_at else ""


EnterpriseRequest.scope_area_field = "unit__path"
EnterpriseRequest.scope_org_field = None
EnterpriseRequest.scope_view_perm = "whistles.view_enterpriserequest"
