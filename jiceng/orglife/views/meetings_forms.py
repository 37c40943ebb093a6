"""Forms of the meeting pages. Validation of substance is the services'; these parse and offer choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jiceng.core import scope
from jiceng.core.models import Org
from jiceng.orglife.models import Audience, FileKind, MeetingKind, Period, VoteRule

DATETIME = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def meeting_orgs(actor):
    return scope.visible(actor, "orglife.add_meeting", Org.objects.filter(
        kind__in=["branch", "general_branch", "committee", "group"], is_active=True)).order_by("path")


class MeetingFields(forms.Form):
    """The fields a meeting is planned and changed with."""

    kind = forms.ModelChoiceField(label=_("类型"), queryset=MeetingKind.objects.filter(is_active=True))
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME, input_formats=DATETIME_FORMATS,
                                  required=False)
    topic = forms.CharField(label=_("主题"), max_length=120)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    host = forms.CharField(label=_("主持人"), max_length=40, required=False)
    recorder = forms.CharField(label=_("记录人"), max_length=40, required=False)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=20000)


class MeetingForm(MeetingFields):
    org = forms.ModelChoiceField(label=_("召开会议的党组织"), queryset=Org.objects.none(),
                                 help_text=_("党小组会选择党小组；其他会议选择党支部"))
    notify = forms.BooleanField(label=_("立即通知参会党员（在“我的会议”中显示）"), required=False, initial=True)
    field_order = ["org"]

    def __init__(self, *args, actor=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = meeting_orgs(actor)


class MeetingEditForm(MeetingFields):
    def __init__(self, *args, planned=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not planned:  # after the meeting: the record, not the plan
            for name in ("kind", "starts_at", "topic"):
                del self.fields[name]


class RecordForm(forms.Form):
    minutes = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
                              max_length=50000, help_text=_("发言要点、讨论情况"))
    resolutions = forms.CharField(label=_("决议"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                  max_length=20000)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class FileForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=FileKind.choices)
    file = forms.FileField(label=_("文件"), help_text=_("照片：JPG/PNG；附件：PDF、OFD、Word、Excel 或 JPG/PNG"))


class CodeForm(forms.Form):
    code = forms.CharField(label=_("签到码"), max_length=8, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*",
        "class": "form-control form-control-lg font-monospace"}),
        help_text=_("会场出示的6位数字，或扫描会场二维码"))


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class VoteForm(forms.Form):
    subject = forms.CharField(label=_("表决事项"), max_length=200)
    rule = forms.ChoiceField(label=_("表决规则"), choices=VoteRule.choices,
                             help_text=_("接收预备党员、预备党员转正：到会须超过有表决权党员的半数，赞成票须超过应到会有表决权党员的半数"))


class KindForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40, help_text=_("小写字母、数字或下划线，如 volunteer_day"))
    name = forms.CharField(label=_("名称"), max_length=40)
    period = forms.ChoiceField(label=_("频次周期"), choices=Period.choices)
    times = forms.IntegerField(label=_("每周期至少次数"), min_value=1, max_value=31, initial=1)
    audience = forms.ChoiceField(label=_("参加人员"), choices=Audience.choices)
    per_group = forms.BooleanField(label=_("按党小组分别计算"), required=False)
    needs_committee = forms.BooleanField(label=_("仅设支部委员会的支部"), required=False)
    rule_text = forms.CharField(label=_("规定原文"), max_length=200, required=False)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)


class KindEditForm(KindForm):
    is_active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["code"]
