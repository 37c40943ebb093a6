"""Votes at branch meetings (RULES §2): the motion, the entitled voters fixed when it opens, and one
ballot per person (a database constraint)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VoteRule(models.TextChoices):
    ORDINARY = "ordinary", _("一般决议")
    ADMISSION = "admission", _("接收预备党员")
    FULL_MEMBERSHIP = "full_membership", _("预备党员转正")
    ELECTION = "election", _("选举")


class VoteStatus(models.TextChoices):
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("已计票")


class Choice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Vote(models.Model):
    meeting = models.ForeignKey("orglife.Meeting", verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="votes")
    subject = models.CharField(_("表决事项"), max_length=200)
    rule = models.CharField(_("表决规则"), max_length=20, choices=VoteRule.choices, default=VoteRule.ORDINARY)
    status = models.CharField(_("状态"), max_length=10, choices=VoteStatus.choices, default=VoteStatus.OPEN)
    entitled_ids = models.JSONField(_("有表决权的党员"), default=list, blank=True)
    entitled = models.PositiveIntegerField(_("有表决权人数"), default=0)
    present = models.PositiveIntegerField(_("到会有表决权人数"), default=0)
    yes = models.PositiveIntegerField(_("赞成"), default=0)
    no = models.PositiveIntegerField(_("反对"), default=0)
    abstain = models.PositiveIntegerField(_("弃权"), default=0)
    written = models.PositiveIntegerField(_("书面意见"), default=0)
    quorum = models.BooleanField(_("达到法定人数"), null=True, blank=True)
    passed = models.BooleanField(_("通过"), null=True, blank=True)
    explanation = models.TextField(_("计票说明"), blank=True)
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("表决")
        verbose_name_plural = _("表决")
        ordering = ["meeting", "opened_at", "id"]

    def __str__(self):
        return self.subject


class Ballot(models.Model):
    """One person's vote: cast at the meeting, or a written opinion of an absent member (计入表决票，
    不计入到会人数)."""

    vote = models.ForeignKey(Vote, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey("members.Member", verbose_name=_("党员"), on_delete=models.CASCADE,
                               related_name="ballots")
    choice = models.CharField(_("意见"), max_length=8, choices=Choice.choices)
    written = models.BooleanField(_("书面意见"), default=False)
    cast_at = models.DateTimeField(_("表决时间"), auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        ordering = ["vote", "id"]
        constraints = [models.UniqueConstraint(fields=["vote", "member"], name="ballot_one_per_member")]

    def __str__(self):
        return f"{self.vote_id} {self.member_id} {self.choice}"


Vote.scope_org_field = "meeting__org__path"
Vote.scope_area_field = "meeting__org__area__path"
Vote.scope_view_perm = "orglife.view_meeting"
Ballot.scope_org_field = "vote__meeting__org__path"
Ballot.scope_area_field = "vote__meeting__org__area__path"
Ballot.scope_view_perm = "orglife.view_meeting"
