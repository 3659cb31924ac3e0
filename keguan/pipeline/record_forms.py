"""Forms of an enterprise's qualifications page (资质与培育). Each has a prefix: the page holds several. Each
posts to its own URL; the record a form acts on (an application, a pool membership …) is named by the URL."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput

from .models import AppStatus, CultivationPool, ExitReason, FactKind, HnteBatch, VisitTopic


def _today():
    return timezone.localdate()


class SmeRecordForm(BootstrapMixin, forms.Form):
    prefix = "sme"
    year = forms.IntegerField(label="评价年度", min_value=2017, max_value=2100, initial=lambda: _today().year)
    number = forms.CharField(label="入库登记编号", max_length=32)
    registered_on = forms.DateField(label="入库日期", widget=DateInput(), initial=_today)


class SmeRemoveForm(BootstrapMixin, forms.Form):
    prefix = "smerm"
    on = forms.DateField(label="移出日期", widget=DateInput(), initial=_today)
    reason = forms.CharField(label="移出原因", max_length=200)


class ApplicationForm(BootstrapMixin, forms.Form):
    prefix = "app"
    batch = forms.ModelChoiceField(label="申报批次", queryset=HnteBatch.objects.all())
    on = forms.DateField(label="登记日期", widget=DateInput(), initial=_today)
    note = forms.CharField(label="备注", max_length=200, required=False)


class MoveForm(BootstrapMixin, forms.Form):
    prefix = "move"
    status = forms.ChoiceField(label="推进到", choices=AppStatus.choices)
    on = forms.DateField(label="日期", widget=DateInput(), initial=_today)
    note = forms.CharField(label="说明", max_length=200, required=False)
    certificate_no = forms.CharField(label="证书编号（认定时填写）", max_length=20, required=False)
    issued_on = forms.DateField(label="发证日期（默认同上）", widget=DateInput(), required=False)

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        if application is not None:
            self.fields["status"].choices = application.next_statuses()
            self.initial.setdefault("status", application.next_statuses()[0][0])


class CertificateForm(BootstrapMixin, forms.Form):
    prefix = "cert"
    number = forms.CharField(label="证书编号", max_length=20, help_text="如 GR202245000123")
    issued_on = forms.DateField(label="发证日期", widget=DateInput())


POOL_REASON = "经科小/高企预审，列入高企培育"  # the reason a firm joins a pool unless the clerk writes another


class PoolJoinForm(BootstrapMixin, forms.Form):
    prefix = "pool"
    pool = forms.ModelChoiceField(label="培育库", queryset=CultivationPool.objects.none())
    on = forms.DateField(label="入库日期", widget=DateInput(), initial=_today)
    reason = forms.CharField(label="入库理由", max_length=200, initial=POOL_REASON)

    def __init__(self, *args, pools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pools is not None:
            self.fields["pool"].queryset = pools


class PoolExitForm(BootstrapMixin, forms.Form):
    prefix = "exit"
    on = forms.DateField(label="出库日期", widget=DateInput(), initial=_today)
    reason = forms.ChoiceField(label="出库原因", choices=[("", "请选择"), *ExitReason.choices])
    note = forms.CharField(label="说明", max_length=200, required=False)


class VisitForm(BootstrapMixin, forms.Form):
    prefix = "visit"
    visited_on = forms.DateField(label="辅导日期", widget=DateInput(), initial=_today)
    topic = forms.ChoiceField(label="辅导内容", choices=VisitTopic.choices)
    tutor = forms.CharField(label="辅导人/机构", max_length=64)
    content = forms.CharField(label="辅导情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    next_step = forms.CharField(label="下一步", max_length=200, required=False)


class FactForm(BootstrapMixin, forms.Form):
    prefix = "fact"
    kind = forms.ChoiceField(label="事项", choices=FactKind.choices)
    year = forms.IntegerField(label="发生/认定年度", min_value=1990, max_value=2100, initial=lambda: _today().year)
    note = forms.CharField(label="说明（文号、事由等）", max_length=200, required=False)


class PrecheckPoolForm(BootstrapMixin, forms.Form):
    """Chosen firms of the pre-check list into a cultivation pool."""

    pool = forms.ModelChoiceField(label="加入培育库", queryset=CultivationPool.objects.none())
    on = forms.DateField(label="入库日期", widget=DateInput(), initial=_today)
    reason = forms.CharField(label="入库理由", max_length=200, initial=POOL_REASON)
    enterprise = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)

    def __init__(self, *args, pools=None, **kwargs):
        super().__init__(*args, **kwargs)
        if pools is not None:
            self.fields["pool"].queryset = pools
        self.fields["enterprise"].choices = [(v, v) for v in (self.data.getlist("enterprise") if self.data else [])]

    def clean_enterprise(self):
        chosen = self.cleaned_data.get("enterprise") or []
        if not chosen:
            raise forms.ValidationError("请先在名单中勾选要加入培育库的企业")
        return chosen
