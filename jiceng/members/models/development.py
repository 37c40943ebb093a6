from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.members.models.roll import Education, PersonalNumbers, Sex


class Stage(models.TextChoices):
    """The five stages of 发展党员工作细则 (2014): steps 1–2, 3–6, 7–11, 12–18, 19–25."""

    APPLICANT = "applicant", _("入党申请人")
    ACTIVIST = "activist", _("入党积极分子")
    CANDIDATE = "candidate", _("发展对象")
    PROBATIONARY = "probationary", _("预备党员")
    FULL = "full", _("正式党员")


class ApplicantOutcome(models.TextChoices):
    OPEN = "open", _("进行中")
    ADMITTED = "admitted", _("已转正")
    DISQUALIFIED = "disqualified", _("取消预备党员资格")
    STOPPED = "stopped", _("终止培养")


class Applicant(PersonalNumbers, models.Model):
    """发展党员档案: one person walking the five stages and 25 steps, from application to 转正."""

    name = models.CharField(_("姓名"), max_length=50)
    pinyin = models.CharField(_("拼音首字母"), max_length=50, blank=True)
    sex = models.CharField(_("性别"), max_length=6, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"))
    id_cipher = models.TextField(_("身份证号（密文）"), editable=False)
    id_index = models.CharField(_("身份证号索引"), max_length=64, db_index=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    phone_cipher = models.TextField(_("手机号（密文）"), blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=11, blank=True, editable=False)
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    work_unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    branch = models.ForeignKey("core.Org", verbose_name=_("培养支部"), on_delete=models.PROTECT,
                               related_name="applicants")
    stage = models.CharField(_("阶段"), max_length=14, choices=Stage.choices, default=Stage.APPLICANT)
    outcome = models.CharField(_("结果"), max_length=14, choices=ApplicantOutcome.choices,
                               default=ApplicantOutcome.OPEN)
    last_step = models.PositiveSmallIntegerField(_("已完成步骤"), default=0)
    applied_on = models.DateField(_("递交申请日期"))
    activist_on = models.DateField(_("确定积极分子日期"), null=True, blank=True)
    candidate_on = models.DateField(_("确定发展对象日期"), null=True, blank=True)
    admitted_on = models.DateField(_("支部大会通过日期（入党时间）"), null=True, blank=True)
    probation_ends_on = models.DateField(_("预备期满"), null=True, blank=True)
    extended_to = models.DateField(_("预备期延长至"), null=True, blank=True)
    full_on = models.DateField(_("转正时间"), null=True, blank=True)
    member = models.OneToOneField("members.Member", verbose_name=_("党员"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="development")
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("发展党员档案")
        verbose_name_plural = _("发展党员档案")
        ordering = ["branch", "-applied_on", "id"]
        permissions = [("except_development", _("登记发展党员特殊情况（例外）"))]
        indexes = [models.Index(fields=["branch", "outcome", "stage"], name="applicant_branch_stage")]
        constraints = [  # one open file per person, even when two offices register them at once
            models.UniqueConstraint(fields=["id_index"], condition=Q(outcome="open"), name="applicant_one_open_file"),
        ]

    def __str__(self):
        return self.name


class ApplicantStep(models.Model):
    """One of the 25 steps, done: its date, who was responsible, what the rules checked, documents."""

    applicant = models.ForeignKey(Applicant, verbose_name=_("发展党员档案"), on_delete=models.CASCADE,
                                  related_name="steps")
    number = models.PositiveSmallIntegerField(_("步骤"))
    done_on = models.DateField(_("日期"))
    responsible = models.CharField(_("责任人"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(_("步骤数据"), default=dict, blank=True)
    exception_reason = models.TextField(_("例外情形说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发展步骤")
        verbose_name_plural = _("发展步骤")
        ordering = ["applicant", "number", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1) & Q(number__lte=25), name="step_number_1_25"),
        ]

    def __str__(self):
        return f"{self.applicant} #{self.number}"


class StepDocument(models.Model):
    """A document of a step (申请书, 思想汇报, 政审材料, 入党志愿书 …)."""

    step = models.ForeignKey(ApplicantStep, verbose_name=_("步骤"), on_delete=models.CASCADE,
                             related_name="documents")
    file = models.FileField(_("文件"), upload_to="development/%Y/%m/")
    name = models.CharField(_("名称"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("发展材料")
        verbose_name_plural = _("发展材料")
        ordering = ["step", "uploaded_at"]

    def __str__(self):
        return self.name


Applicant.scope_org_field = "branch__path"
Applicant.scope_area_field = "branch__area__path"
Applicant.scope_view_perm = "members.view_applicant"
ApplicantStep.scope_org_field = "applicant__branch__path"
ApplicantStep.scope_area_field = "applicant__branch__area__path"
ApplicantStep.scope_view_perm = "members.view_applicant"
