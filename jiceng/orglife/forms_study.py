"""The form of a study item. Validation of substance is the service's; this parses and offers choices."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.core import scope
from jiceng.core.forms import DATE
from jiceng.core.models import Org
from jiceng.orglife.models import StudyKind


class StudyItemForm(forms.Form):
    org = forms.ModelChoiceField(label=_("布置给"), queryset=Org.objects.none(),
                                 help_text=_("该组织及其下级党支部的全体党员（预备党员和正式党员）"))
    title = forms.CharField(label=_("标题"), max_length=120)
    kind = forms.ChoiceField(label=_("形式"), choices=StudyKind.choices)
    url = forms.CharField(label=_("链接或视频地址"), max_length=500, required=False,
                          help_text=_("链接和视频须填写，以 https:// 开头"))
    body = forms.CharField(label=_("内容或说明"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scope.visible(actor, "orglife.add_studyitem", Org.objects.filter(
            is_active=True).exclude(kind="group")).order_by("path")
        self.fields["starts_on"].initial = timezone.localdate()
