"""Forms of the public intake pages and of the grid worker's report. They only shape the input; the
rules (phone, place, category, photos) are the services' (``appeal_clean``, ``photos.photo_clean``),
whose field errors land back on these fields."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiceng.appeals.models import AppealType, Satisfied, Solved, Urgency
from jiceng.appeals.selectors import catalogue
from jiceng.core.models import Area
from jiceng.core.models.territory import AreaLevel


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input (checked by ``photos.photos_clean``, not here)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [d for d in data if d]
        return [data] if data else []


def category_choices() -> list:
    """Leaves of the dispatch catalogue grouped under their parent (an ``<optgroup>`` each)."""
    rows = [c for c in catalogue.active_categories().order_by("sort", "code")]
    parents = {c.parent_id for c in rows if c.parent_id}
    leaves = [c for c in rows if c.pk not in parents]
    order = {c.pk: i for i, c in enumerate(rows)}
    leaves.sort(key=lambda c: (order.get(c.parent_id, -1), order[c.pk]))
    groups = [("", _("请选择"))]
    for parent, items in groupby(leaves, key=lambda c: c.parent):
        options = [(c.code, c.name) for c in items]
        groups.append((parent.name, options) if parent else options[0])
    return groups


def community_choices() -> list:
    """Communities grouped by street (``<optgroup>``), for filers who choose instead of pinning."""
    rows = (Area.objects.filter(level=AreaLevel.COMMUNITY).select_related("parent")
            .order_by("parent__path", "path"))
    groups = [("", _("不选择（在地图上选点）"))]
    for street, items in groupby(rows, key=lambda a: a.parent):
        groups.append((str(street) if street else "", [(a.code, a.name) for a in items]))
    return groups


class AppealForm(forms.Form):
    type = forms.ChoiceField(label=_("诉求类型"), choices=AppealType.choices, initial=AppealType.HELP,
                             widget=forms.RadioSelect)
    category = forms.ChoiceField(label=_("诉求类别"), help_text=_("选择最接近的一项，工作人员会核对"))
    content = forms.CharField(label=_("诉求内容"), max_length=2000, widget=forms.Textarea(attrs={
        "rows": 5, "placeholder": _("发生了什么、在哪里、从什么时候开始、希望怎样解决")}))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL,
                                widget=forms.RadioSelect,
                                help_text=_("危及人身或财产安全的选“紧急”；正在发生的险情请先拨打 110、119 或 120"))
    community = forms.ChoiceField(label=_("所在社区"), required=False,
                                  help_text=_("不方便在地图上选点时，选择所在街道下的社区"))
    address = forms.CharField(label=_("详细地址"), max_length=200, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("如：嘉园一里7号楼东侧")}))
    lat = forms.CharField(required=False, widget=forms.HiddenInput)
    lng = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = MultiplePhotoField(label=_("照片"), required=False)
    name = forms.CharField(label=_("您的称呼"), max_length=50, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "name", "placeholder": _("如：王女士")}))
    phone = forms.CharField(label=_("手机号"), max_length=20, help_text=_(
        "用于办理单位联系您和回访；查询进度时需要手机号后四位"), widget=forms.TextInput(attrs={
            "type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": "13"}))
    client_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()
        self.fields["community"].choices = community_choices()
        self.fields["photos"].help_text = gettext("可选，最多 %(n)d 张，JPG、PNG 或 WebP") % {
            "n": settings.APPEAL_PHOTO_MAX_COUNT}

    def service_data(self) -> dict:
        d = self.cleaned_data
        data = {k: d[k] for k in ("type", "category", "content", "urgency", "address", "name", "phone")}
        if d.get("lat") or d.get("lng"):
            data.update(lat=d.get("lat") or None, lng=d.get("lng") or None)
        if d.get("community"):
            data["community"] = d["community"]
        return data


class ReportForm(AppealForm):
    """The grid worker's report: the worker's own name and mobile are the contact unless given."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].initial = AppealType.REPORT
        self.fields["phone"].required = False
        self.fields["phone"].help_text = _("留空则使用您账号中的手机号")
        self.fields["name"].label = _("联系人")
        self.fields["content"].widget.attrs["placeholder"] = _("问题描述：什么问题、具体位置、影响范围")
        self.fields["photos"].widget.attrs["capture"] = "environment"
        self.user = user

    def service_data(self) -> dict:
        data = super().service_data()
        if self.user is not None:
            data["name"] = data["name"] or self.user.display_name or self.user.username
            data["phone"] = data["phone"] or self.user.mobile
        return data


class TrackForm(forms.Form):
    ticket_no = forms.CharField(label=_("工单编号"), max_length=20, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "off", "placeholder": _("受理后页面或短信告知的编号")}))
    phone_last4 = forms.CharField(label=_("手机号后四位"), max_length=4, min_length=4, widget=forms.TextInput(attrs={
        "inputmode": "numeric", "autocomplete": "off", "pattern": "[0-9]{4}"}))


YES_NO = [("yes", _("是")), ("no", _("否"))]


class CallbackForm(TrackForm):
    """回访 on the tracking page (the ticket and digits are sent again and checked again)."""

    contacted = forms.ChoiceField(label=_("办理单位是否与您联系"), choices=YES_NO, widget=forms.RadioSelect)
    solved = forms.ChoiceField(label=_("问题是否解决"), choices=Solved.choices, widget=forms.RadioSelect)
    satisfied = forms.ChoiceField(label=_("您是否满意"), choices=Satisfied.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见建议"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))
