"""Party dues (党费): bases entered by the branch, the yearly fixing (one assessment per member-year),
the monthly ledger, payments with receipt numbers, remittance to the upper committee, and the
自行脱党 reviews raised after six consecutive unpaid months. Every row carries the branch that holds
the member's relationship (dues go to that branch, RULES §3), which is also its scope."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.dues import rules
from jiceng.members.models import DuesCategory

MONEY = {"max_digits": 9, "decimal_places": 2}


class Hardship(models.TextChoices):
    NONE = rules.Hardship.NONE, _("无")
    REDUCED = rules.Hardship.REDUCED, _("少交")
    EXEMPT = rules.Hardship.EXEMPT, _("免交")


class DuesBase(models.Model):
    """计算基数: what the branch secretary entered for a member and a year, before the fixing reads it.
    The base is personal data: only those with ``view_dues_base`` where the member is see it."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="dues_bases", db_index=False)  # leads (member, year)
    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    base = models.DecimalField(_("计算基数（税后月收入）"), **MONEY, default=0)
    deductions = models.DecimalField(_("个人缴纳的社保和公积金"), **MONEY, default=0)
    farmer_amount = models.DecimalField(_("农民党员月交金额"), **MONEY, null=True, blank=True)
    hardship = models.CharField(_("少交或免交"), max_length=8, choices=Hardship.choices, blank=True)
    hardship_amount = models.DecimalField(_("少交后的月交金额"), **MONEY, null=True, blank=True)
    hardship_approved_by = models.CharField(_("批准机关"), max_length=120, blank=True)
    hardship_approved_on = models.DateField(_("批准日期"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党费计算基数")
        verbose_name_plural = _("党费计算基数")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="dues_base_member_year")]

    def __str__(self):
        return f"{self.member_id} {self.year}"


class DuesYear(models.Model):
    """A branch's yearly fixing (年度党费核定): the date the branch chose and what it fixed."""

    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    fixed_on = models.DateField(_("核定日期"))
    fixed_at = models.DateTimeField(_("操作时间"), auto_now=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核定人"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("年度党费核定")
        verbose_name_plural = _("年度党费核定")
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="dues_year_branch_year")]

    def __str__(self):
        return f"{self.branch_id} {self.year}"


class Assessment(models.Model):
    """One member's monthly amount for a year and everything it was computed from (kept as fixed)."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="dues_assessments", db_index=False)  # leads (member, year)
    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)  # leads the (branch, …) index
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.CharField(_("党费类别"), max_length=16, choices=DuesCategory.choices)
    base = models.DecimalField(_("计算基数"), **MONEY)
    deductions = models.DecimalField(_("扣除的社保和公积金"), **MONEY)
    net_base = models.DecimalField(_("核定基数"), **MONEY)
    rate = models.DecimalField(_("比例"), max_digits=6, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(_("月交金额"), **MONEY)
    hardship = models.CharField(_("少交或免交"), max_length=8, choices=Hardship.choices, blank=True)
    starts = models.DateField(_("起交月份"))
    rule_version = models.CharField(_("依据"), max_length=40)
    fixed_on = models.DateField(_("核定日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费核定")
        verbose_name_plural = _("党费核定")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="dues_assessment_member_year")]
        indexes = [models.Index(fields=["branch", "year"], name="dues_assessment_branch_year")]
        permissions = [
            ("view_dues", _("查看党费台账")),
            ("manage_dues", _("管理党费（基数、核定、收缴、上缴）")),
            ("view_dues_base", _("查看党员的党费计算基数")),
            ("export_dues", _("导出党费台账")),
            ("view_own_dues", _("查看和交纳本人党费")),
        ]

    def __str__(self):
        return f"{self.member_id} {self.year}: {self.amount}"


class Recalculation(models.Model):
    """年中重新核定: a changed base after the fixing, with the values before and after (audited)."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("党费核定"), on_delete=models.CASCADE,
                                   related_name="recalculations")
    effective_from = models.DateField(_("自该月起"))
    before = models.JSONField(_("修改前"))
    after = models.JSONField(_("修改后"))
    reason = models.CharField(_("原因"), max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("操作时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费重新核定")
        verbose_name_plural = _("党费重新核定")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.assessment_id} {self.effective_from:%Y-%m}"


class Method(models.TextChoices):
    CASH = "cash", _("现金（支部收取）")
    ONLINE = "online", _("网上交纳")
    EXEMPT = "exempt", _("免交")


class PaymentKind(models.TextChoices):
    MONTHLY = "monthly", _("按月交纳")
    VOLUNTARY = "voluntary", _("自愿多交")


class Payment(models.Model):
    """One payment with its receipt (收据): some months of the ledger, or a voluntary extra."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.PROTECT,
                               related_name="dues_payments")
    payer = models.ForeignKey("members.Member", verbose_name=_("交纳人"), on_delete=models.PROTECT,
                              related_name="+")
    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=PaymentKind.choices, default=PaymentKind.MONTHLY)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices)
    amount = models.DecimalField(_("金额"), **MONEY)
    months = models.PositiveSmallIntegerField(_("月数"), default=0)
    first_month = models.DateField(_("起始月份"), null=True, blank=True)
    last_month = models.DateField(_("截止月份"), null=True, blank=True)
    paid_on = models.DateField(_("交纳日期"))
    receipt_no = models.CharField(_("收据号"), max_length=20)
    to_centre = models.BooleanField(_("全额上缴中央"), default=False)
    reference = models.CharField(_("支付凭证"), max_length=80, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费交纳")
        verbose_name_plural = _("党费交纳")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "receipt_no"], name="dues_payment_receipt"),
            models.CheckConstraint(condition=Q(payer=models.F("member")), name="dues_payment_no_proxy"),
        ]
        indexes = [models.Index(fields=["branch", "paid_on"], name="dues_payment_branch_paid_on")]

    def __str__(self):
        return self.receipt_no


class ReceiptCounter(models.Model):
    """The last receipt number of a branch in a year, taken under a row lock."""

    branch = models.ForeignKey("core.Org", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "year"], name="dues_receipt_branch_year")]

    def __str__(self):
        return f"{self.branch_id} {self.year}: {self.last}"


class LedgerMonth(models.Model):
    """台账: one member and one month: the amount due, and whether, when and how it was paid."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="dues_months", db_index=False)  # leads (member, month)
    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+",
                               db_index=False)  # leads the (branch, …) index
    month = models.DateField(_("月份"))
    due = models.DecimalField(_("应交"), **MONEY)
    paid = models.DecimalField(_("实交"), **MONEY, null=True, blank=True)
    paid_on = models.DateField(_("交纳日期"), null=True, blank=True)
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices, blank=True)
    payment = models.ForeignKey(Payment, verbose_name=_("收据"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="ledger_months")

    class Meta:
        verbose_name = _("党费台账")
        verbose_name_plural = _("党费台账")
        ordering = ["member", "month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="dues_ledger_member_month")]
        indexes = [models.Index(fields=["branch", "month"], name="dues_ledger_branch_month")]

    def __str__(self):
        return f"{self.member_id} {self.month:%Y-%m}"


class Remittance(models.Model):
    """上缴: what a branch collected in a month and handed to the upper committee, with the voucher."""

    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("月份"))
    collected = models.DecimalField(_("收缴合计"), **MONEY)
    remitted = models.DecimalField(_("上缴金额"), **MONEY)
    remitted_on = models.DateField(_("上缴日期"))
    voucher_no = models.CharField(_("凭证号"), max_length=60)
    to_org = models.ForeignKey("core.Org", verbose_name=_("上缴至"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费上缴")
        verbose_name_plural = _("党费上缴")
        ordering = ["branch", "month"]
        constraints = [models.UniqueConstraint(fields=["branch", "month"], name="dues_remittance_branch_month")]

    def __str__(self):
        return f"{self.branch_id} {self.month:%Y-%m}"


class ReviewState(models.TextChoices):
    OPEN = "open", _("待支部研究")
    JUSTIFIED = "justified", _("有正当理由，不作处理")
    REFERRED = "referred", _("已提交支部党员大会")


class LapseReview(models.Model):
    """自行脱党审查: raised once for a run of six consecutive unpaid months; never a removal by itself
    (removal needs a branch meeting and the higher organization's approval, 党章 Art. 9)."""

    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="lapse_reviews")
    branch = models.ForeignKey("core.Org", verbose_name=_("支部"), on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("连续未交起始月份"))
    months = models.PositiveSmallIntegerField(_("连续未交月数"))
    raised_on = models.DateField(_("提出日期"))
    state = models.CharField(_("状态"), max_length=10, choices=ReviewState.choices, default=ReviewState.OPEN)
    note = models.TextField(_("研究意见"), blank=True)
    decided_on = models.DateField(_("研究日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("自行脱党审查")
        verbose_name_plural = _("自行脱党审查")
        ordering = ["-raised_on", "id"]
        constraints = [models.UniqueConstraint(fields=["member", "since"], name="dues_review_member_since")]

    def __str__(self):
        return f"{self.member_id} {self.since:%Y-%m}"


for _model in (DuesBase, DuesYear, Assessment, Payment, LedgerMonth, Remittance, LapseReview):
    _model.scope_org_field = "branch__path"
    _model.scope_area_field = "branch__area__path"
    _model.scope_view_perm = "dues.view_dues"
