"""Forms of 责任状, 考核计分规则 and 特派员培训: one small form per action; the services check the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.versioning import VersionField

from ..models import Commissioner, PointsRule, Rating
from ..selectors.letters import STATUS_CHOICES, WEIGHT_FIELDS


def _year_choices() -> list[tuple[int, str]]:
    this_year = timezone.localdate().year
    return [(y, f"{y}年度") for y in range(this_year + 1, this_year - 5, -1)]


class CommissionerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Commissioner) -> str:
        extra = "、".join(x for x in (obj.get_level_display(), obj.employer) if x)
        return f"{obj.name}（{extra}）" if extra else obj.name


class LetterCreateForm(BootstrapMixin, forms.Form):
    commissioner = CommissionerChoice(label="科技特派员", queryset=Commissioner.objects.none())
    year = forms.TypedChoiceField(label="年度", coerce=int)
    goals = forms.CharField(label="目标任务", max_length=3000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="每行一项，如：全年开展技术服务不少于24次；引进推广新品种2个")
    signed_on = forms.DateField(label="签订日期", required=False, widget=DateInput(), help_text="尚未签订的留空")

    def __init__(self, *args, commissioners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = commissioners
        self.fields["year"].choices = _year_choices()
        self.fields["year"].initial = timezone.localdate().year
        self.fields["signed_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class LetterEditForm(BootstrapMixin, forms.Form):
    goals = forms.CharField(label="目标任务", max_length=3000, widget=forms.Textarea(attrs={"rows": 6}),
                            help_text="每行一项")
    signed_on = forms.DateField(label="签订日期", required=False, widget=DateInput(), help_text="尚未签订的留空")
    version = VersionField()


class LetterAssessForm(BootstrapMixin, forms.Form):
    goals_met = forms.IntegerField(label="完成目标数", min_value=0, max_value=999,
                                   widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    rating = forms.ChoiceField(label="考核等次", choices=[("", "请选择"), *Rating.choices],
                               help_text="默认按得分给出建议等次，可据实调整")
    assessed_on = forms.DateField(label="考核日期", widget=DateInput())
    assessment_note = forms.CharField(label="考核意见", max_length=500, required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
    version = VersionField()

    def __init__(self, *args, goals: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goals_met"].max_value = goals
        self.fields["goals_met"].widget.attrs["max"] = goals
        self.fields["goals_met"].help_text = f"责任状共 {goals} 项目标"
        self.fields["assessed_on"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_goals_met(self) -> int:
        value = self.cleaned_data["goals_met"]
        top = self.fields["goals_met"].max_value
        if value is not None and value > top:
            raise forms.ValidationError(f"完成目标数不能超过目标总数 {top}")
        return value


class LetterFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="特派员/单位", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "姓名或派出单位"}))
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_CHOICES)
    rating = forms.ChoiceField(label="考核等次", required=False, choices=[("", "全部等次"), *Rating.choices])
    signed_since = forms.DateField(label="签订日期自", required=False, widget=DateInput())
    signed_until = forms.DateField(label="签订日期至", required=False, widget=DateInput())

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        shown = sorted(set(years) | {this_year, this_year - 1}, reverse=True)
        self.fields["year"].choices = [("", "全部年度"), *((y, f"{y}年度") for y in shown)]
        self.fields["year"].initial = this_year  # the page without conditions shows this year's letters


class PointsRuleForm(BootstrapMixin, forms.Form):
    """The rule's ten numbers; the service checks them together (Weights.problems)."""

    version = VersionField()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in WEIGHT_FIELDS:
            field = PointsRule._meta.get_field(name)
            self.fields[name] = forms.DecimalField(
                label=str(field.verbose_name), max_digits=5, decimal_places=2, min_value=Decimal(0),
                max_value=Decimal("999.99"), widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                error_messages={"min_value": "不能为负数", "max_value": "应小于1000", "max_decimal_places": "最多两位小数",
                                "invalid": "请填写数字", "required": f"请填写{field.verbose_name}"})
        self.order_fields([*WEIGHT_FIELDS, "version"])
        self._style()


class TrainingForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="培训名称", max_length=150)
    held_on = forms.DateField(label="培训日期", widget=DateInput())
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=Decimal("0.5"),
                               max_value=Decimal(200), widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
                               error_messages={"min_value": "学时至少0.5", "max_value": "学时最多200"})
    place = forms.CharField(label="地点", max_length=100, required=False)
    organiser = forms.CharField(label="主办单位", max_length=100, required=False)
    note = forms.CharField(label="内容摘要", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    attendees = forms.ModelMultipleChoiceField(label="参训特派员", queryset=Commissioner.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               help_text="勾选参训的特派员；参训学时默认与培训学时相同，可逐人修改")
    version = VersionField()

    def __init__(self, *args, commissioners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = commissioners
        self.fields["attendees"].error_messages["invalid_choice"] = "所选特派员不在本区县名册中"

    def attendee_hours(self) -> list[tuple[Commissioner, Decimal | None]] | None:
        """The chosen commissioners with the hours typed beside each (``hours_<id>``; empty: the training's);
        None, with the error on the form, when one is not a number."""
        out = []
        errors = []
        for c in self.cleaned_data["attendees"]:
            raw = (self.data.get(f"hours_{c.pk}") or "").strip()
            if not raw:
                out.append((c, None))
                continue
            try:
                value = Decimal(raw)
            except ArithmeticError:
                errors.append(f"{c.name}的参训学时“{raw}”不是数字")
                continue
            if not value.is_finite():
                errors.append(f"{c.name}的参训学时“{raw}”不是数字")
                continue
            out.append((c, value))
        if errors:
            self.add_error("attendees", "；".join(errors))
            return None
        return out


class TrainingFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "培训名称、主办单位或地点"}))
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        shown = sorted(set(years) | {this_year}, reverse=True)
        self.fields["year"].choices = [("", "全部年度"), *((y, f"{y}年") for y in shown)]
