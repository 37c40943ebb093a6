from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.core.paths import PathField


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    WORKING_COMMITTEE = "working_committee", _("党工委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GROUP = "group", _("党小组")


class OrgSector(models.TextChoices):
    TERRITORIAL = "territorial", _("街道社区")
    VILLAGE = "village", _("农村")
    GOVERNMENT = "government", _("机关")
    INSTITUTION = "institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    BUILDING = "building", _("楼宇商圈园区")
    OTHER = "other", _("其他")


class Org(models.Model):
    """党组织: a node of the party-organization tree (党委 → 党总支 → 党支部 → 党小组).

    Its subordination (隶属) is its own tree (``parent``/``path``); ``area`` is its place (属地).
    """

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    pinyin = models.CharField(_("拼音首字母"), max_length=120, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    sector = models.CharField(_("领域"), max_length=24, choices=OrgSector.choices, default=OrgSector.TERRITORIAL)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级党组织"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children", db_index=False,  # covered by the (parent, name) index
    )
    path = PathField(_("路径"), unique=True)
    depth = models.PositiveSmallIntegerField(_("深度"), default=1)
    area = models.ForeignKey(
        "core.Area", verbose_name=_("属地"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="orgs",
    )
    unit_name = models.CharField(_("所在单位"), max_length=120, blank=True)
    is_joint = models.BooleanField(_("联合党组织"), default=False)
    joint_units = models.PositiveSmallIntegerField(_("联合单位数"), null=True, blank=True)
    is_temporary = models.BooleanField(_("临时党组织"), default=False)
    temporary_until = models.DateField(_("临时党组织撤销日期"), null=True, blank=True)
    is_online = models.BooleanField(_("网络e支部"), default=False)
    may_approve_admission = models.BooleanField(_("有审批预备党员权限"), default=False)
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    term_started_on = models.DateField(_("本届任期开始"), null=True, blank=True)
    term_ends_on = models.DateField(_("本届任期届满"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["path"]
        indexes = [models.Index(fields=["parent", "name"], name="org_parent_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_temporary=False) | Q(temporary_until__isnull=False),
                name="org_temporary_has_end_date",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__isnull=True)
                | Q(term_started_on__isnull=True)
                | Q(term_ends_on__gt=models.F("term_started_on")),
                name="org_term_ends_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class PostTitle(models.TextChoices):
    SECRETARY = "secretary", _("书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
    ORGANIZATION = "organization", _("组织委员")
    PUBLICITY = "publicity", _("宣传委员")
    DISCIPLINE = "discipline", _("纪检委员")
    YOUTH = "youth", _("青年委员")
    UNITED_FRONT = "united_front", _("统战委员")
    MEMBER = "member", _("委员")
    GROUP_LEADER = "group_leader", _("党小组组长")


class Post(models.Model):
    """职务: a secretary or committee post of an organization, with its term (任期起止)."""

    org = models.ForeignKey(Org, verbose_name=_("党组织"), on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(_("职务"), max_length=20, choices=PostTitle.choices)
    holder_name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="posts",
    )
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("党组织职务")
        verbose_name_plural = _("党组织职务")
        ordering = ["org", "title", "-term_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gt=models.F("term_start")),
                name="post_term_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.org} {self.get_title_display()} {self.holder_name}"


Org.scope_area_field = "area__path"
Org.scope_org_field = "path"
Org.scope_view_perm = "core.view_org"
Post.scope_area_field = "org__area__path"
Post.scope_org_field = "org__path"
Post.scope_view_perm = "core.view_org"
