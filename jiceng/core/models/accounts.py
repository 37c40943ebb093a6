from django.conf import settings
from django.contrib.auth.models import AbstractUser, Permission
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.core import crypto


class Department(models.Model):
    """职能部门: a functional department answering whistles and appeals (城管, 市场监管 …)."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=40)
    area = models.ForeignKey("core.Area", verbose_name=_("所属属地"), on_delete=models.PROTECT,
                             related_name="departments")

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["area", "name"]
        constraints = [models.UniqueConstraint(fields=["area", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """用户: a person who signs in. The mobile number is encrypted at rest (SM4-GCM) and found by its
    blind index (HMAC-SM3), so login by mobile never stores the number in clear."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile_cipher = models.TextField(_("手机号（密文）"), blank=True, editable=False)
    mobile_index = models.CharField(_("手机号索引"), max_length=64, blank=True, db_index=True, editable=False)
    department = models.ForeignKey(Department, verbose_name=_("职能部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="staff")
    is_demo = models.BooleanField(_("演示账号"), default=False)
    grants_version = models.PositiveIntegerField(_("授权版本"), default=0, editable=False)

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        swappable = "AUTH_USER_MODEL"
        permissions = [
            ("manage_users", _("管理用户账号")),
            ("manage_grants", _("分配角色授权")),
            ("unmask_personal_data", _("查看完整个人信息")),
        ]

    def __str__(self):
        return self.display_name or self.username

    def has_perm(self, perm, obj=None):
        """Unlike Django's default, ``is_superuser`` grants nothing by itself (三权分立)."""
        from django.contrib.auth.models import _user_has_perm

        return self.is_active and _user_has_perm(self, perm, obj)

    def has_module_perms(self, app_label):
        from django.contrib.auth.models import _user_has_module_perms

        return self.is_active and _user_has_module_perms(self, app_label)

    @property
    def mobile(self) -> str:
        return crypto.decrypt(self.mobile_cipher) if self.mobile_cipher else ""

    def set_mobile(self, mobile: str) -> None:
        self.mobile_cipher = crypto.encrypt(mobile) if mobile else ""
        self.mobile_index = crypto.blind_index(mobile) if mobile else ""

    @property
    def masked_mobile(self) -> str:
        return crypto.mask_mobile(self.mobile)


class RoleDuty(models.TextChoices):
    """三权分立: the three system duties no one may combine."""

    NONE = "", _("业务")
    SYSTEM = "system", _("系统管理")
    SECURITY = "security", _("安全管理")
    AUDIT = "audit", _("安全审计")


class Role(models.Model):
    """角色: a named set of permissions."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    duty = models.CharField(_("职责类别"), max_length=10, choices=RoleDuty.choices, blank=True, default="")
    permissions = models.ManyToManyField(Permission, verbose_name=_("权限"), blank=True)
    is_builtin = models.BooleanField(_("内置"), default=False)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["id"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the current language: built-in roles are translated, others shown as entered."""
        from django.utils.translation import gettext

        return gettext(self.name) if self.is_builtin else self.name


class Grant(models.Model):
    """授权: (user, role, node). It covers the node and its whole subtree; without a node it covers
    everything (only the three system duties are granted that way)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="grants")
    role = models.ForeignKey(Role, verbose_name=_("角色"), on_delete=models.PROTECT, related_name="grants")
    area = models.ForeignKey("core.Area", verbose_name=_("属地节点"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="grants")
    org = models.ForeignKey("core.Org", verbose_name=_("党组织节点"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("授权人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        ordering = ["user", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(area__isnull=True) | Q(org__isnull=True), name="grant_one_node"),
        ]

    def __str__(self):
        return f"{self.user} · {self.role} · {self.node or _('全部')}"

    @property
    def node(self):
        return self.area or self.org


class ApiToken(models.Model):
    """个人令牌: a personal API token. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    prefix = models.CharField(_("前缀"), max_length=12)
    digest = models.CharField(_("摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("个人令牌")
        verbose_name_plural = _("个人令牌")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return bool(self.expires_at and self.expires_at <= timezone.now())


class LoginFailure(models.Model):
    """登录失败记录: one failed sign-in, counted per account and per IP for the lockout."""

    username = models.CharField(_("账号"), max_length=150, db_index=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True, db_index=True)
    at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("登录失败")
        verbose_name_plural = _("登录失败")

    def __str__(self):
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M:%S}"


Department.scope_area_field = "area__path"
Department.scope_org_field = None
Department.scope_view_perm = "core.view_area"
