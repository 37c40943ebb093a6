from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TransferState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    APPROVED = "approved", _("转出方已审批")
    ISSUED = "issued", _("已开具介绍信")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")
    CANCELLED = "cancelled", _("已撤销")


class TransferReason(models.TextChoices):
    WORK = "work", _("工作单位变动")
    RESIDENCE = "residence", _("居住地变动")
    AWAY = "away", _("外出六个月以上")
    STUDY = "study", _("升学、毕业")
    RETIREMENT = "retirement", _("退休")
    OTHER = "other", _("其他")


class Transfer(models.Model):
    """组织关系转接: from a branch to another, inside the system or to/from outside it.

    The sending organization stays responsible until the receiving one accepts (RULES §5)."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="transfers")
    member_name = models.CharField(_("姓名"), max_length=50)
    from_org = models.ForeignKey("core.Org", verbose_name=_("转出党组织"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="transfers_out")
    to_org = models.ForeignKey("core.Org", verbose_name=_("接收党组织"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="transfers_in")
    outside_org_name = models.CharField(_("系统外党组织"), max_length=150, blank=True)
    reason = models.CharField(_("转接原因"), max_length=12, choices=TransferReason.choices,
                              default=TransferReason.WORK)
    state = models.CharField(_("状态"), max_length=10, choices=TransferState.choices, default=TransferState.DRAFT)
    letter_no = models.CharField(_("介绍信编号"), max_length=60, blank=True)
    issued_on = models.DateField(_("开具日期"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    dues_paid_through = models.DateField(_("党费交至"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    # Coming in from outside the system: the person's roll fields (ID number, mobile …) until the
    # receiving branch accepts and puts them on its roll; encrypted JSON like the roll's own fields.
    person_cipher = models.TextField(_("转入人员信息（密文）"), blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_transfer", _("审批组织关系转接")), ("receive_transfer", _("接收组织关系"))]
        constraints = [
            models.CheckConstraint(condition=Q(from_org__isnull=False) | Q(to_org__isnull=False),
                                   name="transfer_has_a_side_inside"),
        ]
        indexes = [models.Index(fields=["state", "valid_until"], name="transfer_state_valid")]

    def __str__(self):
        return f"{self.member_name} {self.get_state_display()}"


class TransferStep(models.Model):
    """One transition of a transfer, for its history."""

    transfer = models.ForeignKey(Transfer, verbose_name=_("转接"), on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(_("状态"), max_length=10, choices=TransferState.choices)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor_label = models.CharField(_("经办人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("转接记录")
        verbose_name_plural = _("转接记录")
        ordering = ["transfer", "at", "id"]

    def __str__(self):
        return f"{self.transfer} {self.get_state_display()}"


class FloatingRecord(models.Model):
    """流动党员登记: where a member is, the organization they join there, and their return."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="floating_records")
    left_on = models.DateField(_("外出日期"))
    place = models.CharField(_("流入地"), max_length=120)
    area = models.ForeignKey("core.Area", verbose_name=_("流入地属地"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    local_org = models.ForeignKey("core.Org", verbose_name=_("参加组织生活的党组织"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="visiting_records")
    local_org_name = models.CharField(_("流入地党组织名称"), max_length=150, blank=True)
    reason = models.CharField(_("外出原因"), max_length=120, blank=True)
    contact = models.CharField(_("联系方式"), max_length=120, blank=True)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True)
    returned_on = models.DateField(_("返回日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("流动党员登记")
        verbose_name_plural = _("流动党员登记")
        ordering = ["-left_on", "-id"]

    def __str__(self):
        return f"{self.member} {self.place}"


class ServiceReport(models.Model):
    """在职党员到社区报到 (双报到): the member and their unit's organization register with a community."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="service_reports")
    community = models.ForeignKey("core.Area", verbose_name=_("报到社区"), on_delete=models.PROTECT,
                                  related_name="service_reports")
    unit_org = models.ForeignKey("core.Org", verbose_name=_("所在单位党组织"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=200, blank=True)
    reported_on = models.DateField(_("报到日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("在职党员报到")
        verbose_name_plural = _("在职党员报到")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True),
                                    name="service_report_one_open_per_member"),
        ]

    def __str__(self):
        return f"{self.member} → {self.community}"


FloatingRecord.scope_org_field = "member__branch__path"
FloatingRecord.scope_area_field = "member__branch__area__path"
FloatingRecord.scope_view_perm = "members.view_member"
ServiceReport.scope_org_field = "member__branch__path"
ServiceReport.scope_area_field = "community__path"
ServiceReport.scope_view_perm = "members.view_servicereport"
# A transfer is visible from either side: selectors combine both (transfer_list); the declared fields
# are the sending side's, which stays responsible until acceptance.
Transfer.scope_org_field = "from_org__path"
Transfer.scope_area_field = "from_org__area__path"
Transfer.scope_view_perm = "members.view_transfer"
