"""The bureau's forms on an application: the list's filter, a workflow move, the back step, 立项, 签约, funds,
disbursements, checks and the upper level's outcome. Money in 万元 (stored in 元); every form carries the version
it was read at, so a stale move is refused (``keguan.core.versioning``)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput, wan_field, yuan_from_wan
from keguan.core.lists import filter_summary
from keguan.core.versioning import VersionField
from keguan.projects.models import CheckKind, CheckResult, FundSource, Level, Status
from keguan.projects.selectors.manage import DUE_CHOICES, ApplicationFilters
from keguan.regions.models import Region

MAX_WAN = 10_000_000  # 1,000 亿元: anything above is a unit mistake


class ApplicationFilterForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label="计划级别", required=False, choices=[("", "全部级别"), *Level.choices])
    program = forms.TypedChoiceField(label="科技计划", required=False, coerce=int, empty_value=None)
    call = forms.TypedChoiceField(label="申报通知", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *[(v, lbl) for v, lbl in Status.choices if v != Status.DRAFT]])
    district = forms.ModelChoiceField(label="区县", required=False, queryset=Region.objects.none(),
                                      empty_label="全部区县")
    q = forms.CharField(label="项目/申报单位", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "项目名称或申报单位名称"}))
    due = forms.ChoiceField(label="到期", required=False, choices=[("", "全部"), *DUE_CHOICES])
    closing = forms.BooleanField(label="7日内截止的通知", required=False, widget=forms.HiddenInput)

    def __init__(self, *args, years=(), programs=(), calls=(), districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *[(y, f"{y}年") for y in years]]
        self.fields["program"].choices = [("", "全部计划"), *[(p.pk, f"{p.name}（{p.get_level_display()}）")
                                                          for p in programs]]
        self.fields["call"].choices = [("", "全部通知"), *[(c.pk, c.title) for c in calls]]
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts
            self.fields["district"].label_from_instance = lambda r: r.name

    def filters(self) -> ApplicationFilters:
        if not self.is_bound:
            return ApplicationFilters()
        if not self.is_valid():
            return ApplicationFilters(invalid=True)
        d = self.cleaned_data
        return ApplicationFilters(
            year=d.get("year"), level=d.get("level") or "", program=d.get("program"), call=d.get("call"),
            status=d.get("status") or "", district=d["district"].pk if d.get("district") else None,
            q=(d.get("q") or "").strip(), due=d.get("due") or "", closing=bool(d.get("closing")))

    def note(self) -> str:
        """The conditions in words (for the export's 说明 and the page)."""
        return filter_summary(self, none="", invalid="")


def _not_future(form: forms.Form, name: str) -> None:
    form.fields[name].widget.attrs["max"] = timezone.localdate().isoformat()


class _Versioned(BootstrapMixin, forms.Form):
    version = VersionField()

    def __init__(self, *args, application=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if application is not None and not self.is_bound:
            self.initial["version"] = application.version


class MoveForm(_Versioned):
    target = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="理由/说明", required=False, max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="日期", required=False, widget=DateInput())

    def __init__(self, *args, move=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _not_future(self, "on")
        if move is not None:
            self.initial.setdefault("target", move.target)
            if move.reason:
                self.fields["reason"].label = "理由"
                self.fields["reason"].widget.attrs["required"] = "required"


class BackForm(_Versioned):
    reason = forms.CharField(label="撤销理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "撤销上一步须填写理由"})


class ApproveForm(_Versioned):
    amount_wan = wan_field("立项资助", required=True)
    on = forms.DateField(label="立项日期", widget=DateInput())

    def __init__(self, *args, upward=False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _not_future(self, "on")
        self.initial.setdefault("on", timezone.localdate())
        if upward:
            self.fields["amount_wan"].label = "上级资助金额（万元）"
            self.fields["on"].label = "上级立项日期"

    def clean_amount_wan(self):
        value = self.cleaned_data["amount_wan"]
        if value is not None and value > MAX_WAN:
            raise forms.ValidationError("金额过大，请核对单位（万元）")
        return value

    def amount_yuan(self):
        return yuan_from_wan(self.cleaned_data["amount_wan"])


class SignForm(_Versioned):
    contract_no = forms.CharField(label="任务书编号", max_length=40)
    goals = forms.CharField(label="考核目标", max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))
    signed_on = forms.DateField(label="签约日期", widget=DateInput())
    midterm_due = forms.DateField(label="中期检查时间", required=False, widget=DateInput())
    acceptance_due = forms.DateField(label="验收时间", widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _not_future(self, "signed_on")
        self.initial.setdefault("signed_on", timezone.localdate())


class MoneyForm(BootstrapMixin, forms.Form):
    source = forms.ChoiceField(label="资金来源", choices=[("", "请选择"), *FundSource.choices])
    amount_wan = wan_field("金额", required=True)
    on = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="文号/说明", max_length=200, required=False)

    def __init__(self, *args, paid=False, **kwargs) -> None:
        kwargs.setdefault("auto_id", ("pay_%s" if paid else "fund_%s"))
        super().__init__(*args, **kwargs)
        self.initial.setdefault("on", timezone.localdate())
        if paid:
            self.fields["amount_wan"].label = "拨付金额（万元）"
            self.fields["on"].label = "拨付日期"
            self.fields["note"].label = "说明"
            _not_future(self, "on")
        else:
            self.fields["on"].label = "下达日期"

    def clean_amount_wan(self):
        value = self.cleaned_data["amount_wan"]
        if value is not None and value <= 0:
            raise forms.ValidationError("金额须大于0")
        if value is not None and value > MAX_WAN:
            raise forms.ValidationError("金额过大，请核对单位（万元）")
        return value

    def amount_yuan(self):
        return yuan_from_wan(self.cleaned_data["amount_wan"])


class CheckForm(_Versioned):
    kind = forms.ChoiceField(label="类型", choices=CheckKind.choices)
    on = forms.DateField(label="日期", widget=DateInput())
    result = forms.ChoiceField(label="结论", choices=[("", "请选择"), *CheckResult.choices])
    note = forms.CharField(label="意见（有条件通过写明条件，不通过写明理由）", max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, kind=None, **kwargs) -> None:
        kwargs.setdefault("auto_id", "check_%s")
        super().__init__(*args, **kwargs)
        _not_future(self, "on")
        self.initial.setdefault("on", timezone.localdate())
        if kind:
            self.initial.setdefault("kind", kind)


class OutcomeForm(_Versioned):
    """The upper level's decision on a recommended application."""

    won = forms.TypedChoiceField(label="上级结果", coerce=lambda v: v == "1",
                                 choices=[("", "请选择"), ("1", "上级已立项"), ("0", "上级未立项")])
    amount_wan = wan_field("获得资助")
    reason = forms.CharField(label="未立项原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="结果日期", widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "outcome_%s")
        super().__init__(*args, **kwargs)
        _not_future(self, "on")
        self.initial.setdefault("on", timezone.localdate())

    def clean(self):
        d = super().clean()
        if d.get("won") is True and d.get("amount_wan") is None:
            self.add_error("amount_wan", "上级已立项须填写获得的资助金额（无资助填0）")
        if d.get("won") is False and not (d.get("reason") or "").strip():
            self.add_error("reason", "上级未立项须填写原因")
        return d

    def amount_yuan(self):
        return yuan_from_wan(self.cleaned_data.get("amount_wan"))


class CalendarForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部级别"), *Level.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        year = timezone.localdate().year
        self.fields["year"].choices = [("", f"{year}年")] + [(y, f"{y}年") for y in range(year + 1, year - 4, -1)]
