"""诉求 (appeals): every channel ends in one ``Appeal``; orders (派单), the timeline, photos, extensions and
the dispatcher's corrections of the suggested category hang off it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.appeals.models.catalogue import Urgency
from jiceng.core.paths import PathField


class AppealType(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGEST = "suggest", _("建议")


class Channel(models.TextChoices):
    WEB = "web", _("网上提交")
    HOTLINE = "hotline", _("12345热线")
    GRID = "grid", _("网格员上报")
    STAFF = "staff", _("窗口登记")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")
    ENTERPRISE = "enterprise", _("企业服务")
    PROACTIVE = "proactive", _("未诉先办")


class Status(models.TextChoices):
    RECEIVED = "received", _("受理")
    DISPATCHED = "dispatched", _("派单")
    ACCEPTED = "accepted", _("签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("办结")
    VISITED = "visited", _("回访")
    CLOSED = "closed", _("关闭")
    RETURNED = "returned", _("退单")
    PARKED = "parked", _("挂账")
    MERGED = "merged", _("合并")


OPEN_STATUSES = (Status.RECEIVED, Status.DISPATCHED, Status.ACCEPTED, Status.IN_PROGRESS, Status.RETURNED,
                 Status.PARKED)
FINISHED_STATUSES = (Status.RESOLVED, Status.VISITED, Status.CLOSED)


class Routed(models.TextChoices):
    GRID = "grid", _("按坐标落入网格")
    COMMUNITY = "community", _("按所选社区")
    ADDRESS = "address", _("按地址匹配社区名")
    NONE = "none", _("未能定位")


class Solved(models.TextChoices):
    SOLVED = "solved", _("解决")
    PARTLY = "partly", _("部分解决")
    UNSOLVED = "unsolved", _("未解决")


class Satisfied(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Appeal(models.Model):
    """诉求. The place is kept at every level (grid → community → street → district) so rates per unit
    and scope checks need no join; ``area_path`` is the path of the finest known area."""

    ticket_no = models.CharField(_("工单编号"), max_length=20, unique=True)
    hotline_no = models.CharField(_("12345工单号"), max_length=40, blank=True)
    client_key = models.CharField(_("幂等键"), max_length=80, null=True, blank=True, unique=True, editable=False)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=Channel.choices)
    type = models.CharField(_("诉求类型"), max_length=10, choices=AppealType.choices)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    category = models.ForeignKey("appeals.Category", verbose_name=_("类别"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="appeals")
    suggested_category = models.ForeignKey("appeals.Category", verbose_name=_("建议类别"), null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    suggestion_reason = models.CharField(_("建议理由"), max_length=200, blank=True)
    content = models.TextField(_("诉求内容"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    routed_by = models.CharField(_("定位方式"), max_length=10, choices=Routed.choices, default=Routed.NONE)
    grid = models.ForeignKey("core.Area", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    community = models.ForeignKey("core.Area", verbose_name=_("社区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    street = models.ForeignKey("core.Area", verbose_name=_("街道"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    district = models.ForeignKey("core.Area", verbose_name=_("区"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    area_path = PathField(_("属地路径"), blank=True)
    name = models.CharField(_("诉求人"), max_length=50, blank=True)
    phone_cipher = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    phone_index = models.CharField(_("联系电话索引"), max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    enterprise_name = models.CharField(_("企业名称"), max_length=120, blank=True)
    enterprise_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    filer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交账号"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    # 首接负责制: the first receiving unit owns the appeal until another unit accepts it.
    owner_area = models.ForeignKey("core.Area", verbose_name=_("首接单位（属地）"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    owner_department = models.ForeignKey("core.Department", verbose_name=_("首接单位（部门）"), null=True,
                                         blank=True, on_delete=models.PROTECT, related_name="+")
    lead_department = models.ForeignKey("core.Department", verbose_name=_("主办部门"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    response_due_at = models.DateTimeField(_("响应期限"), null=True, blank=True)
    complete_due_at = models.DateTimeField(_("办结期限"), null=True, blank=True)
    deadline_uncertain = models.BooleanField(
        _("期限待核"), default=False,
        help_text=_("期限跨入放假安排尚未公布的年份，暂按自然日估算，请录入该年放假安排后重算"))
    responded_at = models.DateTimeField(_("响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    responded_on_time = models.BooleanField(_("按时响应"), null=True, blank=True)
    completed_on_time = models.BooleanField(_("按时办结"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("超期升级时间"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("升级次数"), default=0)
    solution = models.TextField(_("办理结果"), blank=True)
    park_plan = models.TextField(_("挂账计划"), blank=True)
    parked_until = models.DateField(_("计划解决日期"), null=True, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("合并到"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged")
    # 回访 (callback): one per appeal, kept on the row so the three rates read one table.
    cb_contacted = models.BooleanField(_("是否联系"), null=True, blank=True)
    cb_solved = models.CharField(_("是否解决"), max_length=10, choices=Solved.choices, blank=True)
    cb_satisfied = models.CharField(_("是否满意"), max_length=12, choices=Satisfied.choices, blank=True)
    cb_comment = models.CharField(_("回访意见"), max_length=500, blank=True)
    cb_channel = models.CharField(_("回访方式"), max_length=10, blank=True)
    cb_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-pk"]
        permissions = [
            ("dispatch_appeal", _("派单、合并、审批延期")),
            ("handle_appeal", _("签收、办理、退单、申请延期")),
            ("callback_appeal", _("回访诉求")),
            ("view_appeal_stats", _("查看三率与排名")),
            ("publish_ranking", _("发布排名")),
        ]
        indexes = [
            models.Index(fields=["status", "complete_due_at"], name="appeal_status_due"),
            models.Index(fields=["street", "received_at"], name="appeal_street_received"),
            models.Index(fields=["community", "received_at"], name="appeal_community_received"),
            models.Index(fields=["lead_department", "received_at"], name="appeal_dept_received"),
            models.Index(fields=["category", "received_at"], name="appeal_category_received"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["hotline_no"], condition=~Q(hotline_no=""), name="appeal_hotline_no"),
        ]

    def __str__(self):
        return self.ticket_no


class OrderRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")
    TRANSFER = "transfer", _("转办")


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("已签收")
    RETURNED = "returned", _("已退单")
    DONE = "done", _("已办结")
    CANCELLED = "cancelled", _("已撤回")


class Order(models.Model):
    """派单: the appeal sent to a unit — a department, or a street or community (``area``)."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="orders")
    role = models.CharField(_("派单类型"), max_length=10, choices=OrderRole.choices)
    department = models.ForeignKey("core.Department", verbose_name=_("承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="appeal_orders")
    area = models.ForeignKey("core.Area", verbose_name=_("承办属地"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="appeal_orders")
    status = models.CharField(_("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    note = models.CharField(_("派单说明"), max_length=300, blank=True)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("派单人"), null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    dispatched_at = models.DateTimeField(_("派单时间"))
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    returned_at = models.DateTimeField(_("退单时间"), null=True, blank=True)
    return_reason = models.CharField(_("退单理由"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("派单")
        verbose_name_plural = _("派单")
        ordering = ["dispatched_at", "pk"]
        indexes = [models.Index(fields=["department", "status"], name="order_department_status"),
                   models.Index(fields=["area", "status"], name="order_area_status")]
        constraints = [
            models.CheckConstraint(condition=Q(department__isnull=False) | Q(area__isnull=False),
                                   name="order_has_unit"),
        ]

    def __str__(self):
        return f"{self.appeal} {self.get_role_display()} {self.department or self.area}"

    @property
    def unit_name(self) -> str:
        return str(self.department or self.area)


class AppealEvent(models.Model):
    """One step of the timeline. ``public`` steps are shown on the filer's tracking page."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("动作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=12, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("操作人姓名"), max_length=60, blank=True)
    unit_name = models.CharField(_("单位"), max_length=120, blank=True)
    note = models.TextField(_("说明"), blank=True)
    public = models.BooleanField(_("诉求人可见"), default=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("诉求流转记录")
        verbose_name_plural = _("诉求流转记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.appeal} {self.action}"


class PhotoStage(models.TextChoices):
    FILED = "filed", _("诉求照片")
    HANDLING = "handling", _("办理照片")


class AppealPhoto(models.Model):
    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to="appeals/%Y/%m/")
    content_type = models.CharField(_("类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    stage = models.CharField(_("阶段"), max_length=10, choices=PhotoStage.choices, default=PhotoStage.FILED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"{self.appeal} {self.file.name}"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class Extension(models.Model):
    """申请延期 / 延期批准."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="extensions")
    reason = models.CharField(_("延期理由"), max_length=300)
    days = models.PositiveSmallIntegerField(_("延期天数"))
    old_due_at = models.DateTimeField(_("原办结期限"), null=True, blank=True)
    new_due_at = models.DateTimeField(_("申请的办结期限"))
    status = models.CharField(_("状态"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"{self.appeal} +{self.days}"


class CategoryCorrection(models.Model):
    """A dispatcher corrected the suggested category: kept as training data for a better classifier."""

    appeal = models.ForeignKey(Appeal, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="corrections")
    suggested = models.ForeignKey("appeals.Category", verbose_name=_("建议类别"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    chosen = models.ForeignKey("appeals.Category", verbose_name=_("确认类别"), on_delete=models.PROTECT,
                               related_name="+")
    content = models.TextField(_("诉求内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("类别更正")
        verbose_name_plural = _("类别更正")

    def __str__(self):
        return f"{self.appeal} → {self.chosen}"


Appeal.scope_area_field = "area_path"
Appeal.scope_org_field = None
Appeal.scope_view_perm = "appeals.view_appeal"
