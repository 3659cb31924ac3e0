"""Forms of 创新平台与人才: one per action; the edit forms carry the version they were read at (``VersionField``).
A firm is typed as its credit code or full name and found in the user's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput, wan_field, wan_from_yuan, yuan_from_wan
from keguan.core.versioning import VersionField
from keguan.enterprises.models import LabelLevel
from keguan.rules import recognition_flow as flow

from .models import (
    Agreement,
    AgreementStatus,
    ForeignExpert,
    Grade,
    Level,
    Outcome,
    Platform,
    PlatformApplication,
    PlatformStatus,
    Recognition,
    RecognitionStatus,
    Talent,
)
from .selectors import PROVINCE_UP, firm_in_scope
from .services import TITLE_CHOICES


def _years(back: int = 15) -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this + 1, this - back, -1)]


# --- filters --------------------------------------------------------------------------------------------


class FilterForm(BootstrapMixin, forms.Form):
    """A list's filters: ``q`` and the district (for users over several districts) shared by all."""

    q = forms.CharField(label="关键词", required=False, max_length=100)
    district = forms.TypedChoiceField(label="区县", required=False, coerce=int, empty_value=None)
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if districts:
            self.fields["district"].choices = [("", "全部区县")] + [(d.pk, d.name) for d in districts]
        else:
            del self.fields["district"]

    def filters(self) -> tuple[dict[str, Any], bool]:
        """(cleaned filters, invalid)."""
        if not self.is_bound:
            return {}, False
        if not self.is_valid():
            return {}, True
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}, False


def _level_filter(label: str = "级别") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False,
                             choices=[("", "全部"), (PROVINCE_UP, "省级及以上"), *Level.choices])


def _year_filter(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(label=label, required=False, coerce=int, empty_value=None,
                                  choices=[("", "全部"), *_years(30)])


class PlatformFilterForm(FilterForm):
    kind = forms.ChoiceField(label="平台类型", required=False)
    level = _level_filter()
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *PlatformStatus.choices])
    year = _year_filter("认定年度")
    active_in = forms.TypedChoiceField(label="在运行（年末）", required=False, coerce=int, empty_value=None,
                                       choices=[("", "不限"), *_years(30)])

    field_order = ["q", "kind", "level", "status", "year", "active_in", "district"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *dictionary.choices("platform_kind")]
        self.fields["q"].widget.attrs["placeholder"] = "平台名称、依托单位、文号"


class ApplicationFilterForm(FilterForm):
    kind = forms.ChoiceField(label="平台类型", required=False)
    level = _level_filter("申报级别")
    outcome = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *Outcome.choices])
    year = _year_filter("申报年度")
    field_order = ["q", "kind", "level", "outcome", "year", "district"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *dictionary.choices("platform_kind")]


class TalentFilterForm(FilterForm):
    team = forms.ChoiceField(label="类别", required=False, choices=[("", "全部"), ("0", "个人"), ("1", "团队")])
    level = _level_filter()
    year = _year_filter("入选年度")
    field_order = ["q", "team", "level", "year", "district"]


class ExpertFilterForm(FilterForm):
    serving_on = forms.DateField(label="在聘日期", required=False, widget=DateInput())
    permit = forms.ChoiceField(label="工作许可", required=False,
                               choices=[("", "全部"), ("due", "已过期或60天内到期（在聘）")])
    nationality = forms.CharField(label="国籍", required=False, max_length=50)
    field_order = ["q", "nationality", "serving_on", "permit", "district"]


class AgreementFilterForm(FilterForm):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *AgreementStatus.choices])
    year = _year_filter("签订年度")
    signed_since = forms.DateField(label="签订日期自", required=False, widget=DateInput())
    signed_until = forms.DateField(label="至", required=False, widget=DateInput())
    field_order = ["q", "status", "year", "signed_since", "signed_until", "district"]


class RecognitionFilterForm(FilterForm):
    title = forms.ChoiceField(label="称号", required=False, choices=[("", "全部"), *TITLE_CHOICES])
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部"), *LabelLevel.choices])
    year = _year_filter("申报年度")
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *RecognitionStatus.choices])
    step = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                             choices=[("", ""), ("applied", "申报"), ("publicised", "公示"), ("granted", "认定")])
    since = forms.DateField(required=False, widget=forms.HiddenInput)
    until = forms.DateField(required=False, widget=forms.HiddenInput)
    field_order = ["q", "title", "level", "year", "status", "district"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "企业名称、信用代码或批次"


# --- record forms ---------------------------------------------------------------------------------------


class RecordForm(BootstrapMixin, forms.ModelForm):
    """An edit form over a model, with the firm typed as text (``firm``) and the version read."""

    firm = forms.CharField(label="企业库中的企业", required=False, max_length=128,
                           help_text="依托或所在单位是本区县企业时，填写统一社会信用代码或企业全称")
    version = VersionField()
    firm_required = False

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        inst = self.instance
        if inst.pk and not self.is_bound:
            self.initial["version"] = inst.version
            if inst.enterprise_id:
                self.initial["firm"] = inst.enterprise.credit_code
        if self.firm_required:
            self.fields["firm"].required = True
            self.fields["firm"].label = "企业"
            self.fields["firm"].help_text = "统一社会信用代码或企业全称（须在企业库中）"

    def clean_firm(self):
        text = (self.cleaned_data.get("firm") or "").strip()
        if not text:
            return None
        firm = firm_in_scope(self.actor, text)
        if firm is None:
            raise forms.ValidationError("企业库中没有该企业（请填写统一社会信用代码或企业全称）")
        return firm

    def data_for_service(self) -> dict[str, Any]:
        d = {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}
        d["enterprise"] = self.cleaned_data.get("firm")
        return d


class PlatformForm(RecordForm):
    kind = forms.ChoiceField(label="平台类型")
    approved_year = forms.TypedChoiceField(label="认定/批准年度", coerce=int)

    class Meta:
        model = Platform
        fields = ["kind", "level", "name", "host", "approved_year", "approval_doc", "status", "revoked_year",
                  "field", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    field_order = ["kind", "level", "name", "host", "firm", "approved_year", "approval_doc", "status",
                   "revoked_year", "field", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *dictionary.choices("platform_kind", [self.instance.kind])]
        self.fields["approved_year"].choices = [("", "请选择"), *_years(40)]


class RevokeForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="撤销年度", coerce=int)
    note = forms.CharField(label="撤销说明", required=False, max_length=200,
                           widget=forms.TextInput(attrs={"placeholder": "如：考核不合格被撤销（文号）"}))
    version = VersionField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years(40)
        self.fields["year"].initial = timezone.localdate().year


class EvaluationForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="考核年度", coerce=int)
    grade = forms.ChoiceField(label="考核结果", choices=[("", "请选择"), *Grade.choices])
    note = forms.CharField(label="说明", required=False, max_length=300)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _years(40)
        self.fields["year"].initial = timezone.localdate().year - 1


class ApplicationForm(RecordForm):
    kind = forms.ChoiceField(label="平台类型")

    class Meta:
        model = PlatformApplication
        fields = ["kind", "level", "name", "host", "applied_on", "note"]
        widgets = {"applied_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    field_order = ["kind", "level", "name", "host", "firm", "applied_on", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "请选择"), *dictionary.choices("platform_kind", [self.instance.kind])]


class DecideForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label="结果", choices=Outcome.choices)
    decided_on = forms.DateField(label="结果日期", required=False, widget=DateInput())
    platform = forms.TypedChoiceField(label="关联已登记的平台", required=False, coerce=int, empty_value=None,
                                      help_text="获批时不选则按申报内容新建平台")
    approval_doc = forms.CharField(label="批准文号", required=False, max_length=100)
    version = VersionField()

    def __init__(self, *args, platforms=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = [("", "（新建平台）")] + [(p.pk, p.name) for p in platforms]


class TalentForm(RecordForm):
    year = forms.TypedChoiceField(label="入选年度", coerce=int)

    class Meta:
        model = Talent
        fields = ["is_team", "name", "program", "batch", "year", "level", "host", "field"]

    field_order = ["is_team", "name", "program", "batch", "year", "level", "host", "firm", "field"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "请选择"), *_years(30)]
        self.fields["is_team"].label = "团队（不勾选为个人）"


class ExpertForm(RecordForm):
    class Meta:
        model = ForeignExpert
        fields = ["name", "nationality", "host", "field", "start_on", "end_on", "permit_no", "permit_expires"]
        widgets = {"start_on": DateInput(), "end_on": DateInput(), "permit_expires": DateInput()}

    field_order = ["name", "nationality", "host", "firm", "field", "start_on", "end_on", "permit_no",
                   "permit_expires"]


class AgreementForm(RecordForm):
    amount_wan = wan_field("协议金额")

    class Meta:
        model = Agreement
        fields = ["local_party", "partner", "signed_on", "field", "status", "note"]
        widgets = {"signed_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}

    field_order = ["local_party", "firm", "partner", "signed_on", "field", "amount_wan", "status", "note"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["amount_wan"] = wan_from_yuan(self.instance.amount)

    def data_for_service(self) -> dict[str, Any]:
        d = super().data_for_service()
        d["amount"] = yuan_from_wan(self.cleaned_data.get("amount_wan"))
        return d


class JointProjectForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="项目名称", max_length=150)
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    amount_wan = wan_field("投入金额")
    status = forms.ChoiceField(label="状态", choices=AgreementStatus.choices)


class RecognitionForm(RecordForm):
    title = forms.ChoiceField(label="称号", choices=[("", "请选择"), *TITLE_CHOICES])
    level = forms.ChoiceField(label="级别", choices=[("", "请选择"), *LabelLevel.choices])
    year = forms.TypedChoiceField(label="申报年度", coerce=int)
    firm_required = True

    class Meta:
        model = Recognition
        fields = ["title", "level", "year", "batch", "applied_on"]
        widgets = {"applied_on": DateInput()}

    field_order = ["firm", "title", "level", "year", "batch", "applied_on"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "请选择"), *_years(10)]
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)
            self.initial.setdefault("applied_on", timezone.localdate())


class MoveForm(BootstrapMixin, forms.Form):
    target = forms.ChoiceField(label="下一步", choices=[(k, v) for k, v in flow.LABELS.items() if k != flow.APPLIED])
    on = forms.DateField(label="日期", required=False, widget=DateInput())
    reason = forms.CharField(label="未通过原因", required=False, max_length=200)
    version = VersionField()
