from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput
from keguan.regions.models import Region

from .models import CallOutcome, RdRound
from .selectors import SORT_LABELS, STATUS_CHOICES, default_year
from .services import MAX_AMOUNT

WAN = Decimal(10000)


class RoundCreateForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="填报年度", coerce=int, help_text="所填报研发经费的会计年度，通常为上一年度")
    title = forms.CharField(label="名称", max_length=100, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "留空则为“XXXX年度研发经费填报”"}))
    opened_on = forms.DateField(label="开始日期", widget=DateInput())
    due_on = forms.DateField(label="截止日期", required=False, widget=DateInput())
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].choices = [(y, f"{y}年度") for y in range(today.year, today.year - 6, -1)]
        self.fields["year"].initial = default_year(today)
        self.fields["opened_on"].initial = today


class RoundEditForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = RdRound
        fields = ["title", "opened_on", "due_on", "note"]
        widgets = {"opened_on": DateInput(), "due_on": DateInput(), "note": forms.Textarea(attrs={"rows": 2})}


class FirmFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="企业名称/信用代码", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称或统一社会信用代码"}))
    status = forms.ChoiceField(label="填报状态", required=False, choices=STATUS_CHOICES)
    township = forms.ModelChoiceField(label="乡镇/街道", queryset=Region.objects.none(), required=False,
                                      empty_label="全部乡镇/街道")
    sort = forms.ChoiceField(label="排序", required=False, choices=list(SORT_LABELS.items()))

    def __init__(self, *args, townships, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = townships
        self.fields["township"].label_from_instance = lambda r: r.name


class FirmAddForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label="企业", max_length=128,
                                 widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}))
    note = forms.CharField(label="备注", max_length=200, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "如：统计局名单新增"}))


class AmountForm(BootstrapMixin, forms.Form):
    """The amount in 万元 (as the bureau writes it); the service stores yuan."""

    amount_wan = forms.DecimalField(label="填报研发经费（万元）", max_digits=18, decimal_places=6,
                                    widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}))
    reported_on = forms.DateField(label="填报日期", widget=DateInput())
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, firm=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        if firm is not None and not self.is_bound:
            if firm.amount is not None:
                self.initial.setdefault("amount_wan", f"{(firm.amount / WAN).normalize():f}")
            self.initial.setdefault("reported_on", firm.reported_on or today)
            self.initial.setdefault("note", firm.note)
        self.fields["reported_on"].widget.attrs["max"] = today.isoformat()

    def clean_amount_wan(self) -> Decimal:
        value = self.cleaned_data["amount_wan"]
        if value is not None and value < 0:
            raise forms.ValidationError("填报金额不能为负数")
        if value is not None and value * WAN > MAX_AMOUNT:
            raise forms.ValidationError("填报金额不能超过 9,999,999,999.999999 万元（约 100 万亿元），请核对单位")
        return value

    def amount_yuan(self) -> Decimal:
        return self.cleaned_data["amount_wan"] * WAN


class CallForm(BootstrapMixin, forms.Form):
    called_on = forms.DateField(label="跟进日期", widget=DateInput())
    contact = forms.CharField(label="联系对象", max_length=64, required=False,
                              widget=forms.TextInput(attrs={"placeholder": "如：财务张经理"}))
    outcome = forms.ChoiceField(label="跟进结果", choices=[("", "请选择"), *CallOutcome.choices])
    promised_on = forms.DateField(label="承诺填报日期", required=False, widget=DateInput(),
                                  help_text="结果为“承诺按期填报”时填写，留空按截止日期")
    note = forms.CharField(label="情况记录", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        # its own element ids: the firm page also holds the amount form, whose note would share ``id_note``
        # (a label would then point at the other form's field)
        kwargs.setdefault("auto_id", "call_%s")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["called_on"].initial = today
        self.fields["called_on"].widget.attrs["max"] = today.isoformat()
