"""Forms of the district-level pipeline pages: the filters of each list and the small create forms."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.lists import RangeNoteMixin, filter_summary, hidden_date
from keguan.enterprises.forms import RegionChoiceField, fit_area_fields
from keguan.regions.models import Region

from .models import AppStatus, ExitReason, HnteBatch, VisitTopic
from .selectors import (
    CERT_STATES,
    MEMBER_ALL,
    MEMBER_IN,
    MEMBER_STATES,
    SME_STATES,
    ApplicationFilters,
    CertificateFilters,
    MemberFilters,
    SmeFilters,
    VisitFilters,
)


class BatchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: HnteBatch) -> str:
        return str(obj)


class _AreaFilterForm(RangeNoteMixin, BootstrapMixin, forms.Form):
    """A filter form with a keyword box and, by the user's level, the district and township selects."""

    q = forms.CharField(label="关键词", required=False, max_length=100)
    district = RegionChoiceField(label="区县", queryset=Region.objects.none(), required=False, empty_label="全部区县")
    township = RegionChoiceField(
        label="乡镇/街道", queryset=Region.objects.none(), required=False, empty_label="全部乡镇/街道"
    )
    placeholder = "企业名称或统一社会信用代码"

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = self.placeholder
        fit_area_fields(self, user)

    def area(self) -> dict:
        d = self.cleaned_data
        return {
            "district": d["district"].pk if d.get("district") else None,
            "township": d["township"].pk if d.get("township") else None,
            "q": (d.get("q") or "").strip(),
        }

    def note(self) -> str:
        """The filters in words (for the export's 说明 sheet)."""
        return filter_summary(self, none="无", invalid="条件有误，名单为空")


class ApplicationFilterForm(_AreaFilterForm):
    batch = BatchChoiceField(label="申报批次", queryset=HnteBatch.objects.all(), required=False, empty_label="全部批次")
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *AppStatus.choices])
    submitted_since = hidden_date("材料提交日期自")
    submitted_until = hidden_date("材料提交日期至")
    decided_since = hidden_date("认定/未通过日期自")
    decided_until = hidden_date("认定/未通过日期至")
    field_order = ["batch", "status", "district", "township", "q"]
    ranges = (("submitted_since", "submitted_until", "材料提交日期"), ("decided_since", "decided_until", "认定/未通过日期"))

    def filters(self) -> ApplicationFilters:
        if not self.is_bound:
            return ApplicationFilters()
        if not self.is_valid():
            return ApplicationFilters(invalid=True)
        d = self.cleaned_data
        return ApplicationFilters(
            batch=d["batch"].pk if d.get("batch") else None, status=d.get("status") or "",
            submitted_since=d.get("submitted_since"), submitted_until=d.get("submitted_until"),
            decided_since=d.get("decided_since"), decided_until=d.get("decided_until"), **self.area(),
        )


class BatchForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=2008, max_value=2100)
    seq = forms.IntegerField(label="批次", min_value=1, max_value=10, help_text="如第一批填 1")
    deadline = forms.DateField(label="申报截止日期", required=False, widget=DateInput())
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"year": timezone.localdate().year})
        super().__init__(*args, **kwargs)


class CertificateFilterForm(_AreaFilterForm):
    state = forms.ChoiceField(label="证书状态", required=False, choices=[("", "全部状态"), *CERT_STATES])
    year = forms.TypedChoiceField(label="认定年度", required=False, coerce=int, empty_value=None)
    renew_on = hidden_date("重新认定核查日期")
    field_order = ["state", "year", "district", "township", "q"]
    placeholder = "企业名称、信用代码或证书编号"

    def link_note(self) -> str:
        if not (self.is_bound and self.is_valid()) or not self.cleaned_data.get("renew_on"):
            return ""
        return f"{self.cleaned_data['renew_on']:%Y-%m-%d}有效、此后12个月内到期且尚未启动重新认定的证书"

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *((y, f"{y}年") for y in years)]

    def filters(self) -> CertificateFilters:
        if not self.is_bound:
            return CertificateFilters()
        if not self.is_valid():
            return CertificateFilters(invalid=True)
        d = self.cleaned_data
        return CertificateFilters(state=d.get("state") or "", year=d.get("year"), renew_on=d.get("renew_on"),
                                  **self.area())


class VisitFilterForm(_AreaFilterForm):
    """辅导走访 records: the summary's figure links here with a date range."""

    topic = forms.ChoiceField(label="辅导内容", required=False, choices=[("", "全部"), *VisitTopic.choices])
    visited_since = hidden_date("辅导日期自")
    visited_until = hidden_date("辅导日期至")
    field_order = ["topic", "district", "township", "q"]
    placeholder = "企业名称、信用代码或辅导人"
    ranges = (("visited_since", "visited_until", "辅导日期"),)

    def filters(self) -> VisitFilters:
        if not self.is_bound:
            return VisitFilters()
        if not self.is_valid():
            return VisitFilters(invalid=True)
        d = self.cleaned_data
        return VisitFilters(topic=d.get("topic") or "", visited_since=d.get("visited_since"),
                            visited_until=d.get("visited_until"), **self.area())


class PoolForm(BootstrapMixin, forms.Form):
    start_year = forms.IntegerField(label="起始年度", min_value=2000, max_value=2100)
    end_year = forms.IntegerField(label="截止年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", required=False, max_length=64, help_text="留空则为“起始-截止年高企培育库”")
    note = forms.CharField(label="说明", required=False, max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        year = timezone.localdate().year
        kwargs.setdefault("initial", {"start_year": year, "end_year": year + 2})
        super().__init__(*args, **kwargs)


class MemberFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(label="在库情况", required=False, choices=MEMBER_STATES)
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称或统一社会信用代码"}))

    def filters(self) -> MemberFilters:
        if not self.is_bound:
            return MemberFilters()
        if not self.is_valid():
            return MemberFilters(invalid=True)
        d = self.cleaned_data
        return MemberFilters(state=d.get("state") or MEMBER_IN, q=(d.get("q") or "").strip())

    def chosen_state(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("state") or MEMBER_IN
        return MEMBER_IN


class SmeFilterForm(_AreaFilterForm):
    year = forms.TypedChoiceField(label="评价年度", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *SME_STATES])
    registered_since = hidden_date("入库日期自")
    registered_until = hidden_date("入库日期至")
    field_order = ["year", "state", "district", "township", "q"]
    placeholder = "企业名称、信用代码或入库编号"
    ranges = (("registered_since", "registered_until", "入库日期"),)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *((y, f"{y}年") for y in years)]

    def filters(self) -> SmeFilters:
        if not self.is_bound:
            return SmeFilters()
        if not self.is_valid():
            return SmeFilters(invalid=True)
        d = self.cleaned_data
        return SmeFilters(year=d.get("year"), state=d.get("state") or "", registered_since=d.get("registered_since"),
                          registered_until=d.get("registered_until"), **self.area())


class PoolMembersFilterForm(_AreaFilterForm):
    """The firms of every pool in the user's region (培育库企业): figures of the indicators link here."""

    state = forms.ChoiceField(label="在库情况", required=False, choices=MEMBER_STATES)
    on = hidden_date("在库日期")
    exit_reason = forms.ChoiceField(label="出库原因", required=False, choices=[("", "全部"), *ExitReason.choices],
                                    widget=forms.HiddenInput)
    exited_since = hidden_date("出库日期自")
    exited_until = hidden_date("出库日期至")
    entered_since = hidden_date("入库日期自")
    entered_until = hidden_date("入库日期至")
    field_order = ["state", "district", "township", "q"]
    ranges = (("exited_since", "exited_until", "出库日期"), ("entered_since", "entered_until", "入库日期"))

    def link_note(self) -> str:
        if not (self.is_bound and self.is_valid()):
            return ""
        d = self.cleaned_data
        parts = [f"{d['on']:%Y-%m-%d}在培育库中的企业"] if d.get("on") else []
        if d.get("exit_reason"):
            parts.append(f"出库原因为“{ExitReason(d['exit_reason']).label}”")
        range_note = super().link_note()
        return "；".join([*parts, *([range_note] if range_note else [])])

    def _linked(self) -> bool:
        d = self.cleaned_data
        return any(d.get(k) for k in ("on", "exit_reason", "exited_since", "exited_until", "entered_since",
                                      "entered_until"))

    def chosen_state(self) -> str:
        """在库 by default; 全部 when the list was opened from a figure (its own dates decide)."""
        if not (self.is_bound and self.is_valid()):
            return MEMBER_IN
        return self.cleaned_data.get("state") or (MEMBER_ALL if self._linked() else MEMBER_IN)

    def filters(self) -> MemberFilters:
        if not self.is_bound:
            return MemberFilters()
        if not self.is_valid():
            return MemberFilters(invalid=True)
        d = self.cleaned_data
        return MemberFilters(
            state=self.chosen_state(), on=d.get("on"), exit_reason=d.get("exit_reason") or "",
            exited_since=d.get("exited_since"), exited_until=d.get("exited_until"),
            entered_since=d.get("entered_since"), entered_until=d.get("entered_until"), **self.area(),
        )
