from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.core import crypto


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("中专")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR = "junior", _("初中及以下")


class DuesCategory(models.TextChoices):
    """党费类别 (RULES §3): the codes are a contract of the dues issue."""

    IN_SERVICE = "in_service", _("在岗职工")
    ANNUAL_SALARY = "annual_salary", _("年薪制人员")
    SELF_EMPLOYED = "self_employed", _("个体经营者")
    RETIRED = "retired", _("离退休人员")
    FARMER = "farmer", _("农民")
    STUDENT = "student", _("学生")
    UNEMPLOYED = "unemployed", _("下岗失业人员")
    RELIEF = "relief", _("享受低保人员")


class MemberStatus(models.TextChoices):
    """党员状态 (RULES §5)."""

    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")
    SUSPENDED = "suspended", _("停止党籍")
    DISQUALIFIED = "disqualified", _("取消预备党员资格")
    WITHDRAWN = "withdrawn", _("退党")
    REMOVED = "removed", _("除名")
    LAPSED = "lapsed", _("自行脱党除名")
    EXPELLED = "expelled", _("开除党籍")
    DECEASED = "deceased", _("去世")
    TRANSFERRED_OUT = "transferred_out", _("已转出（系统外）")


ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.FULL)


class PersonalNumbers:
    """The encrypted ID number and mobile of a person record (``id_cipher``/``id_index``/``id_masked``,
    ``phone_cipher``/``phone_masked`` and, where declared, ``phone_index``)."""

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_cipher)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher) if self.phone_cipher else ""

    def set_id_number(self, number: str) -> None:
        self.id_cipher = crypto.encrypt(number)
        self.id_index = crypto.blind_index(number)
        self.id_masked = crypto.mask_id_number(number)

    def set_phone(self, phone: str) -> None:
        self.phone_cipher = crypto.encrypt(phone) if phone else ""
        if hasattr(self, "phone_index"):
            self.phone_index = crypto.blind_index(phone) if phone else ""
        self.phone_masked = crypto.mask_mobile(phone) if phone else ""


class Member(PersonalNumbers, models.Model):
    """党员: one person on the roll of the branch that holds their relationship (组织关系所在支部).

    The ID number and mobile are encrypted at rest (SM4-GCM); ``*_index`` are blind indexes for exact
    lookups and ``*_masked`` the only forms lists and exports show without the unmask permission.
    """

    name = models.CharField(_("姓名"), max_length=50)
    pinyin = models.CharField(_("拼音首字母"), max_length=50, blank=True, db_index=True)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_index = models.CharField(_("身份证号索引"), max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    phone_cipher = models.TextField(_("手机号（密文）"), blank=True, editable=False)
    phone_index = models.CharField(_("手机号索引"), max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    job_title = models.CharField(_("职务/岗位"), max_length=60, blank=True)
    residence = models.ForeignKey("core.Area", verbose_name=_("居住社区"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="resident_members")
    branch = models.ForeignKey("core.Org", verbose_name=_("组织关系所在支部"), on_delete=models.PROTECT,
                               related_name="members")
    party_group = models.ForeignKey("core.Org", verbose_name=_("党小组"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="group_members")
    category = models.CharField(_("党费类别"), max_length=16, choices=DuesCategory.choices,
                                default=DuesCategory.IN_SERVICE)
    status = models.CharField(_("党籍状态"), max_length=16, choices=MemberStatus.choices,
                              default=MemberStatus.FULL)
    joined_on = models.DateField(_("入党时间"))
    full_on = models.DateField(_("转正时间"), null=True, blank=True)
    probation_extended_to = models.DateField(_("预备期延长至"), null=True, blank=True)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    is_cadre = models.BooleanField(_("领导干部"), default=False)
    # mobility (RULES §5)
    is_floating = models.BooleanField(_("流动党员"), default=False)
    floating_place = models.CharField(_("流入地"), max_length=120, blank=True)
    floating_since = models.DateField(_("外出日期"), null=True, blank=True)
    is_lost = models.BooleanField(_("失联或组织关系未转接"), default=False)
    lost_since = models.DateField(_("失联日期"), null=True, blank=True)
    last_contact_on = models.DateField(_("最近联系日期"), null=True, blank=True)
    reports_to = models.ForeignKey("core.Area", verbose_name=_("报到社区"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="reported_members")
    dues_paid_through = models.DateField(_("党费交至"), null=True, blank=True,
                                         help_text=_("月份（取该月1日）；党费模块上线后由台账推算"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="party_member",
                                help_text=_("党员本人的账号：我的会议、我的学习、我的党费"))
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch", "name", "id"]
        permissions = [
            ("unmask_member", _("查看党员完整身份证号和手机号")),
            ("import_member", _("导入党员名册")),
            ("export_member", _("导出党员名册")),
            ("discipline_member", _("登记党纪处分")),
        ]
        indexes = [
            models.Index(fields=["branch", "status", "name"], name="member_branch_status_name"),
            models.Index(fields=["name"], name="member_name"),
            models.Index(fields=["reports_to"], name="member_reports_to"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(full_on__isnull=True) | Q(full_on__gte=models.F("joined_on")),
                                   name="member_full_after_joined"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active_member(self) -> bool:
        return self.status in ACTIVE_STATUSES


class DisciplineKind(models.TextChoices):
    WARNING = "warning", _("警告")
    SERIOUS_WARNING = "serious_warning", _("严重警告")
    DISMISSAL = "dismissal", _("撤销党内职务")
    PROBATION = "probation", _("留党察看")
    EXPULSION = "expulsion", _("开除党籍")


class Discipline(models.Model):
    """党纪处分: a discipline record; 留党察看 (1 or 2 years) suspends vote and candidacy until it ends."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="disciplines")
    kind = models.CharField(_("处分种类"), max_length=16, choices=DisciplineKind.choices)
    decided_on = models.DateField(_("处分日期"))
    ends_on = models.DateField(_("察看期满"), null=True, blank=True)
    decided_by = models.CharField(_("决定机关"), max_length=120, blank=True)
    document_no = models.CharField(_("文号"), max_length=60, blank=True)
    reason = models.TextField(_("事由"), blank=True)
    lifted_on = models.DateField(_("提前恢复或撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党纪处分")
        verbose_name_plural = _("党纪处分")
        ordering = ["member", "-decided_on"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="probation") | Q(ends_on__isnull=False),
                                   name="discipline_probation_has_end"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()}"


class EventKind(models.TextChoices):
    CREATED = "created", _("登记入册")
    UPDATED = "updated", _("信息修改")
    STATUS = "status", _("党籍状态变化")
    DISCIPLINE = "discipline", _("党纪处分")
    TRANSFER = "transfer", _("组织关系转接")
    FLOATING = "floating", _("流动外出")
    LOST = "lost", _("失联")
    REPORT = "report", _("到社区报到")
    DEVELOPMENT = "development", _("发展党员")


class MemberEvent(models.Model):
    """履历: one line of a member's timeline (status changes, transfers, discipline, mobility)."""

    member = models.ForeignKey(Member, verbose_name=_("党员"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("类型"), max_length=12, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    text = models.CharField(_("内容"), max_length=300)
    data = models.JSONField(_("数据"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("记录人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("党员履历")
        verbose_name_plural = _("党员履历")
        ordering = ["member", "on", "at", "id"]
        indexes = [models.Index(fields=["member", "on"], name="member_event_member_on")]

    def __str__(self):
        return f"{self.on} {self.text}"


Member.scope_org_field = "branch__path"
Member.scope_area_field = "branch__area__path"
Member.scope_view_perm = "members.view_member"
Discipline.scope_org_field = "member__branch__path"
Discipline.scope_area_field = "member__branch__area__path"
Discipline.scope_view_perm = "members.view_member"
MemberEvent.scope_org_field = "member__branch__path"
MemberEvent.scope_area_field = "member__branch__area__path"
MemberEvent.scope_view_perm = "members.view_member"
