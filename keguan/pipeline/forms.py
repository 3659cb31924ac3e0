from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput, wan_field, wan_from_yuan, yuan_from_wan
from keguan.enterprises.forms import RegionChoiceField, fit_area_fields
from keguan.enterprises.models import Stage
from keguan.regions.models import Region
from keguan.rules.explain import people
from keguan.rules.hnte import HNTE_2016, HnteEstimates

from .assess import estimates_from
from .selectors import RULE_CHOICES, STATUS_ORDER, TECH_SME


class PrecheckFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="企业名称/信用代码", required=False, max_length=64,
                        widget=forms.TextInput(attrs={"placeholder": "名称关键字或统一社会信用代码"}))
    rule = forms.ChoiceField(label="预审项目", required=False, choices=RULE_CHOICES)
    status = forms.ChoiceField(label="预审结果", required=False)
    district = RegionChoiceField(
        label="区县", queryset=Region.objects.none(), required=False, empty_label="全部区县"
    )
    township = RegionChoiceField(
        label="乡镇/街道", queryset=Region.objects.none(), required=False, empty_label="全部乡镇/街道"
    )
    stage = forms.ChoiceField(label="培育阶段", required=False, choices=[("", "全部阶段"), *Stage.choices])

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        statuses = STATUS_ORDER[self.chosen_rule()]
        self.fields["status"].choices = [("", "全部结果"), *((s.value, s.label) for s in statuses)]
        fit_area_fields(self, user)

    def chosen_rule(self) -> str:
        """The rule asked for, also when another filter is not valid (the list is then empty)."""
        value = self.data.get("rule") if self.is_bound else None
        return value if value in dict(RULE_CHOICES) else TECH_SME


def _count(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=10_000_000, help_text=help_text
    )


BAND_CHOICES = [("", "未估计"), *((b, f"{b}档（{lo}–{hi}分）") for b, lo, hi in HNTE_2016.expert_bands)]
OBTAINED_CHOICES = [
    ("", "未估计"),
    *((c, f"{label}（{lo}–{hi}分）") for c, label, lo, hi in HNTE_2016.ip_obtained),
]


class SelfCheckForm(BootstrapMixin, forms.Form):
    """The self-check's inputs: the assessment date, "what if" figures for the last fiscal year, recorded facts
    (科小 direct qualifications) and staff estimates of the expert-judged parts of the 高企 score. Sent by GET;
    nothing is saved."""

    on = forms.DateField(label="评价（申报）日期", required=False, widget=DateInput())
    # What if: the last fiscal year's figures
    employees = forms.DecimalField(label="从业人员（人）", required=False, min_value=0, max_value=10_000_000,
                                   max_digits=10, decimal_places=2, help_text="全年月平均数，可保留两位小数")
    st_staff = forms.DecimalField(label="科技人员（人）", required=False, min_value=0, max_value=10_000_000,
                                  max_digits=10, decimal_places=2, help_text="全年月平均数，可保留两位小数")
    sales_revenue = wan_field("销售收入")
    total_income = wan_field("总收入")
    total_cost = wan_field("成本费用总额")
    rd_domestic = wan_field("境内研发费用")
    rd_abroad = wan_field("境外研发费用")
    hightech_income = wan_field("高新技术产品（服务）收入")
    total_assets = wan_field("资产总额")
    net_assets = wan_field("净资产", signed=True)
    ip_class1 = _count("Ⅰ类知识产权（件）")
    ip_class2 = _count("Ⅱ类知识产权（件）")
    # Recorded facts: 科小 direct qualifications
    hnte_certificate_issued_on = forms.DateField(
        label="高新技术企业证书发证日期", required=False, widget=DateInput()
    )
    national_award = forms.BooleanField(label="近五年获国家级科技奖励（获奖单位前三名）", required=False)
    rd_institution = forms.BooleanField(label="拥有省部级以上研发机构", required=False)
    led_standard = forms.BooleanField(label="近五年主导制定国际、国家或行业标准", required=False)
    # 高企 estimates
    ip_advancement = forms.ChoiceField(label="知识产权：技术的先进程度", required=False, choices=BAND_CHOICES)
    ip_core_support = forms.ChoiceField(label="知识产权：核心支持作用", required=False, choices=BAND_CHOICES)
    ip_obtained = forms.ChoiceField(label="知识产权获得方式", required=False, choices=OBTAINED_CHOICES)
    standards_drafted = _count("参与编制标准（项）")
    conversions = _count("近三年科技成果转化（合计，项）")
    rd_org_management = forms.IntegerField(
        label="研发组织管理制度与研发费用辅助账（0–6分）", required=False, min_value=0, max_value=6
    )
    rd_org_body = forms.IntegerField(
        label="研发机构与产学研合作（0–6分）", required=False, min_value=0, max_value=6
    )
    rd_org_incentives = forms.IntegerField(
        label="成果转化激励与创新创业平台（0–4分）", required=False, min_value=0, max_value=4
    )
    rd_org_training = forms.IntegerField(
        label="人才培养、引进与绩效奖励（0–4分）", required=False, min_value=0, max_value=4
    )

    FIGURES = (
        "employees",
        "st_staff",
        "sales_revenue",
        "total_income",
        "total_cost",
        "rd_domestic",
        "rd_abroad",
        "hightech_income",
        "total_assets",
        "net_assets",
        "ip_class1",
        "ip_class2",
    )
    MONEY = {
        "sales_revenue",
        "total_income",
        "total_cost",
        "rd_domestic",
        "rd_abroad",
        "hightech_income",
        "total_assets",
        "net_assets",
    }
    FACTS = ("hnte_certificate_issued_on", "national_award", "rd_institution", "led_standard")
    ESTIMATES = (
        "ip_advancement",
        "ip_core_support",
        "ip_obtained",
        "standards_drafted",
        "conversions",
        "rd_org_management",
        "rd_org_body",
        "rd_org_incentives",
        "rd_org_training",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["on"].widget.attrs["max"] = f"{today.year + 1}-12-31"
        self.fields[
            "on"
        ].help_text = f"留空为今天（{today:%Y-%m-%d}）；科小用其上一年度数据，高企用其前三个会计年度数据"

    def show_current(self, figures: dict[str, Any]) -> None:
        """Show the stored figures of the year a "what if" replaces as the inputs' placeholders."""
        for name in self.FIGURES:
            value = figures.get(name)
            attrs = self.fields[name].widget.attrs
            if value is None:
                attrs["placeholder"] = "未填，按销售收入计" if name == "total_income" else "未填报"
            else:
                shown = f"{wan_from_yuan(value):f}" if name in self.MONEY else people(value)
                attrs["placeholder"] = shown

    def clean_on(self):
        value = self.cleaned_data.get("on")
        if value is not None and not 1990 <= value.year <= timezone.localdate().year + 1:
            raise forms.ValidationError("评价日期应在1990年至明年之间")
        return value

    def what_if(self) -> dict[str, Any]:
        out = {}
        for name in self.FIGURES:
            value = self.cleaned_data.get(name)
            if value is not None:
                out[name] = yuan_from_wan(value) if name in self.MONEY else value
        return out

    def facts(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.FACTS if self.cleaned_data.get(name)}

    def estimates(self, years: tuple[int, ...]) -> HnteEstimates:
        return estimates_from(self.stored_estimates(), years)

    def stored_estimates(self) -> dict[str, Any]:
        """The estimate inputs as ``services.estimate_save`` keeps them."""
        return {name: self.cleaned_data.get(name) for name in self.ESTIMATES}

    def estimates_given(self) -> bool:
        return self.is_bound and any(self.data.get(name) not in (None, "") for name in self.ESTIMATES)

    def estimated(self) -> list[str]:
        return [self.fields[n].label for n in self.ESTIMATES if self.cleaned_data.get(n) not in (None, "")]
