from __future__ import annotations

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.versioning import VersionField
from keguan.rules.periods import Period

from .registry import HEADING_LIMIT, area_choices


def report_period_choices(years: int = 4) -> list[tuple[str, str]]:
    today = timezone.localdate()
    out = []
    for year in range(today.year, today.year - years, -1):
        for key in (str(year), f"{year}H1"):
            p = Period.parse(key)
            if p.start <= today:
                kind = "年度工作总结" if p.kind == "Y" else "上半年工作总结"
                out.append((p.key, f"{p.year}年{kind}"))
    return out


def default_report_period() -> str:
    today = timezone.localdate()
    return f"{today.year}H1" if 7 <= today.month <= 11 else str(today.year - (1 if today.month < 7 else 0))


class ReportPeriodForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(label="总结期间")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = report_period_choices()
        self.fields["period"].initial = default_report_period()


class PlanItemForm(BootstrapMixin, forms.Form):
    area = forms.ChoiceField(label="工作领域")
    text = forms.CharField(label="计划内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    due = forms.DateField(label="完成时限", required=False, widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()


class IssueItemForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(label="期间")
    area = forms.ChoiceField(label="工作领域", required=False)
    text = forms.CharField(label="问题", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = report_period_choices()
        self.fields["period"].initial = default_report_period()
        self.fields["area"].choices = [("", "—"), *area_choices()]


class WorkNoteForm(BootstrapMixin, forms.Form):
    happened_on = forms.DateField(label="日期", widget=DateInput())
    area = forms.ChoiceField(label="工作领域")
    lead = forms.CharField(label="小标题", max_length=40, widget=forms.TextInput(attrs={
        "placeholder": "如：积极组织企业参加科技创新培训", "list": "note-leads"}),
        help_text="同一小标题的纪实在总结中合成一条：“小标题。3月11日，……；9月1日，……”")
    text = forms.CharField(label="做了什么", max_length=300, widget=forms.TextInput(attrs={
        "placeholder": "如：组织辖区12家企业参加市科技局“专精特新”线上培训"}), help_text="一句话，不必写日期")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()
        self.fields["happened_on"].initial = timezone.localdate()

    def clean_happened_on(self):
        day = self.cleaned_data["happened_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天：工作纪实记已经做过的工作，今后的安排请录入“工作计划”")
        return day


class TemplateUploadForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="模板名称", max_length=100, required=False)
    file = forms.FileField(label="Word 模板（.docx）")


class PartLayoutForm(BootstrapMixin, forms.Form):
    """One part's line on the 总结结构 page (prefixed with the part's area code)."""

    title = forms.CharField(label="标题", max_length=HEADING_LIMIT, error_messages={
        "required": "请填写标题", "max_length": f"标题最多 {HEADING_LIMIT} 字（现有 %(show_value)d 字）"})
    position = forms.IntegerField(label="顺序", min_value=1, max_value=99, error_messages={
        "required": "请填写顺序", "invalid": "顺序须为 1–99 的整数", "min_value": "顺序须为 1–99 的整数",
        "max_value": "顺序须为 1–99 的整数"})
    shown = forms.BooleanField(label="写入总结", required=False)
    version = VersionField()

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("请填写标题")
        return title
