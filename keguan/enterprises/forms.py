from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput, wan_field, wan_from_yuan, yuan_from_wan
from keguan.core.models import DictItem
from keguan.core.permissions import may
from keguan.core.scope import covers_districts, home_district, in_scope, within_township
from keguan.core.versioning import VersionField
from keguan.regions.models import Region
from keguan.rules.identifiers import validate_credit_code, validate_phone

from .figures import BLANK_IS_ZERO, MONEY_FIELDS, MONEY_REQUIRED, money_label, unusual_year_figures
from .industry import DIVISION_CHOICES, SECTION_CHOICES
from .models import (
    TAG_KIND,
    YEAR_STAFF,
    YEAR_STORED,
    Enterprise,
    EnterpriseYear,
    LabelKind,
    LabelLevel,
    Stage,
    TechField,
)
from .selectors import SORT_LABELS, districts_in_scope, townships_in_scope
from .services import (
    PROFILE_FIELDS,
    enterprise_resubmitted,
    year_figure_limit,
    year_figures_same,
    year_row_exists_message,
)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name



def fit_area_fields(form: forms.Form, user) -> None:
    """A filter form's ``district`` and ``township`` selects, fitted to the user's area: only the districts and
    townships it sees, and no select where there is nothing to choose (a district user has no district select,
    a township liaison neither)."""
    if not covers_districts(user):
        del form.fields["district"]
    else:
        form.fields["district"].queryset = districts_in_scope(user=user)
    if within_township(user):
        del form.fields["township"]
    else:
        form.fields["township"].queryset = townships_in_scope(user=user)

class EnterpriseFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称或统一社会信用代码"}))
    district = RegionChoiceField(label="区县", queryset=Region.objects.none(), required=False, empty_label="全部区县")
    township = RegionChoiceField(label="乡镇/街道", queryset=Region.objects.none(), required=False,
                                 empty_label="全部乡镇/街道")
    stage = forms.ChoiceField(label="培育阶段", required=False, choices=[("", "全部阶段"), *Stage.choices])
    industry = forms.ChoiceField(label="行业", required=False)
    label = forms.ChoiceField(label="称号", required=False, choices=[("", "全部称号"), *LabelKind.choices])
    tech_field = forms.ChoiceField(label="高新技术领域", required=False,
                                   choices=[("", "全部领域"), *TechField.choices])
    tag = forms.ChoiceField(label="标签", required=False)
    sort = forms.ChoiceField(label="排序", required=False, choices=list(SORT_LABELS.items()))
    # Filters behind the figures of dashboards and reports (hidden inputs, shown as a note above the list).
    stages = forms.CharField(required=False, widget=forms.HiddenInput)
    stage_on = forms.DateField(required=False, widget=forms.HiddenInput)
    entered = forms.ChoiceField(required=False, choices=[("", ""), *Stage.choices], widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=forms.HiddenInput)
    until = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean_stages(self) -> list[str]:
        raw = self.cleaned_data.get("stages") or ""
        values = [v for v in raw.split(",") if v]
        bad = [v for v in values if v not in Stage.values]
        if bad:
            raise forms.ValidationError("未知的培育阶段：" + "、".join(bad))
        return values

    def link_note(self) -> str:
        """A sentence saying which hidden filters are on (when the list was opened from a figure)."""
        if not (self.is_bound and self.is_valid()):
            return ""
        d = self.cleaned_data
        parts = []
        if d.get("stages") or (d.get("stage_on") and d.get("stage")):
            names = "、".join(Stage(s).label for s in (d.get("stages") or [d.get("stage")]))
            when = f"{d['stage_on']:%Y年%-m月%-d日}" if d.get("stage_on") else "目前"
            parts.append(f"{when}处于“{names}”阶段的企业")
        if d.get("entered"):
            span = ""
            if d.get("since") or d.get("until"):
                span = f"{d['since']:%Y-%m-%d}" if d.get("since") else ""
                span += f" 至 {d['until']:%Y-%m-%d}" if d.get("until") else " 以来"
            parts.append(f"{span}进入“{Stage(d['entered']).label}”阶段的企业（按阶段变更日期）")
        return "；".join(parts)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fit_area_fields(self, user)
        industry_choices: list = [("", "全部行业"), ("门类", SECTION_CHOICES)]
        industry_choices += [(group, items) for group, items in DIVISION_CHOICES]
        self.fields["industry"].choices = industry_choices
        # every tag, disabled ones too: firms keep them and may be looked for by them
        self.fields["tag"].choices = [("", "全部标签"), *dictionary.choices(TAG_KIND, current=self._all_tags())]

    @staticmethod
    def _all_tags() -> list[str]:
        return [item.code for item in dictionary.items(TAG_KIND)]


class EnterpriseForm(BootstrapMixin, forms.ModelForm):
    district = RegionChoiceField(label="所属区县", queryset=Region.objects.none())
    township = RegionChoiceField(label="所属乡镇/街道", queryset=Region.objects.none(), required=False)
    version = VersionField()  # the version the form was read at (optimistic locking)
    tags = forms.ModelMultipleChoiceField(label="企业标签", required=False, queryset=DictItem.objects.none(),
                                          widget=forms.CheckboxSelectMultiple,
                                          help_text="局内工作标签（企业用户看不到）；可选项在 系统管理 → 数据字典 中维护")

    class Meta:
        model = Enterprise
        fields = list(PROFILE_FIELDS)  # exactly what the service accepts
        widgets = {"registered_on": DateInput()}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.resubmitted: Enterprise | None = None
        self.fields["district"].queryset = districts_in_scope(user=user)
        self.fields["township"].queryset = townships_in_scope(user=user)
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        if home_district(user) is not None and not self.instance.pk:
            self.fields["district"].initial = home_district(user).pk
        self.fields["credit_code"].widget.attrs.update({"maxlength": 18, "autocomplete": "off"})
        self.fields["contact_phone"].widget.attrs.update({"placeholder": "手机号或座机，如 0771-5551234"})
        if may(user, "enterprises.edit"):
            current = list(self.instance.tags.all()) if self.instance.pk else []
            # enabled tags, and the disabled ones this firm still has (kept unless unticked)
            self.fields["tags"].queryset = dictionary.item_queryset(TAG_KIND, current=current)
            self.fields["tags"].initial = [t.pk for t in current]
        else:
            del self.fields["tags"]
        if self.instance.pk and user.is_enterprise_user:
            # 企业用户 cannot move itself to another district or change its credit code.
            for name in ("credit_code", "district"):
                self.fields[name].disabled = True

    def clean_credit_code(self) -> str:
        result = validate_credit_code(self.cleaned_data.get("credit_code", ""))
        if not result.ok:
            raise forms.ValidationError(result.errors[0])
        return result.value

    def clean_contact_phone(self) -> str:
        raw = self.cleaned_data.get("contact_phone", "")
        if not raw:
            return ""
        result = validate_phone(raw)
        if not result.ok:
            raise forms.ValidationError(result.errors[0])
        return result.value

    def clean_registered_on(self):
        value = self.cleaned_data.get("registered_on")
        if value and value > timezone.localdate():
            raise forms.ValidationError("注册日期不能晚于今天")
        return value

    def validate_unique(self) -> None:
        # The service reports duplicates with the other firm's name; do it here too for inline errors.
        code = self.cleaned_data.get("credit_code")
        if code:
            other = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
            if other is not None and not self.instance.pk:
                if enterprise_resubmitted(other, actor=self.user, data=self.profile_data()):
                    self.resubmitted = other  # the view shows that firm: this submit already succeeded
                    return
            if other is not None:
                # Name the holder only when the user may see it: a code must not reveal another district's firm.
                holder = f"“{other.name}”" if in_scope(self.user, other) else "辖区外的企业"
                self.add_error("credit_code", f"统一社会信用代码 {code} 已被{holder}使用，同一企业不能重复录入")

    def tag_codes(self) -> list[str] | None:
        """The ticked tags' codes; None when the form has no tag field (an enterprise user's)."""
        if "tags" not in self.fields:
            return None
        return [t.code for t in self.cleaned_data.get("tags") or []]

    def profile_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class StageChangeForm(BootstrapMixin, forms.Form):
    stage = forms.ChoiceField(label="新阶段", choices=Stage.choices)
    on = forms.DateField(label="变更日期", widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label="说明", required=False, max_length=200)


class LabelForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="称号", choices=[("", "请选择"), *LabelKind.choices])
    level = forms.ChoiceField(
        label="级别",
        choices=[("", "请选择"), *((v, "不分级别" if v == LabelLevel.NONE else label) for v, label in LabelLevel.choices)],
    )
    year = forms.IntegerField(label="认定年度", min_value=1990, max_value=2100, initial=lambda: timezone.localdate().year)


class YearFiguresForm(BootstrapMixin, forms.ModelForm):
    """One year's figures. Money is typed in 万元 (as on the forms firms and bureaus fill in) and stored in 元;
    figures that look mistyped (a unit slip, R&D above sales) are saved only once the user confirms them."""

    version = VersionField()  # the version an edit form was read at (optimistic locking; unused for a new year)
    confirm_unusual = forms.BooleanField(label="以上提示的数据已核对无误，确认保存", required=False)

    class Meta:
        model = EnterpriseYear
        fields = ["year", *YEAR_STORED]

    def __init__(self, *args, enterprise: Enterprise, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise
        self.unusual: list[tuple[str, str]] = []
        self.fields["year"].min_value = 1990
        self.fields["version"].initial = self.instance.version if self.instance.pk else 0
        for key in YEAR_STORED:
            if key in MONEY_FIELDS:
                self.fields[key] = wan_field(money_label(key), signed=key == "net_assets", required=key in MONEY_REQUIRED)
                self.fields[key].help_text = EnterpriseYear._meta.get_field(key).help_text
                if self.instance.pk:
                    self.initial[key] = wan_from_yuan(getattr(self.instance, key))
                continue
            limit, message = year_figure_limit(key)
            if key in YEAR_STAFF:  # full-year monthly averages: two decimals; a huge figure gets the limit's message
                model_field = EnterpriseYear._meta.get_field(key)
                self.fields[key] = forms.DecimalField(
                    label=model_field.verbose_name, help_text=model_field.help_text, min_value=0, decimal_places=2,
                    widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
                    error_messages={"max_decimal_places": "全年月平均数最多保留两位小数"},
                )
            self.fields[key].validators.append(MaxValueValidator(limit, message=message))
        if self.instance.pk:
            self.fields["year"].disabled = True
        self.order_fields(["year", *YEAR_STORED, "version", "confirm_unusual"])

    def clean(self):
        from .services import check_year_figures

        data = super().clean()
        for key in MONEY_FIELDS:
            data[key] = yuan_from_wan(data.get(key)) if data.get(key) is not None else data.get(key)
            if data[key] is None and key in BLANK_IS_ZERO:
                data[key] = Decimal("0")
        for field, message in check_year_figures(data):
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        if not self.errors:
            self.unusual = unusual_year_figures(data)
            if self.unusual and not data.get("confirm_unusual"):
                self.add_error("confirm_unusual", "数据与常见情况不符，请核对上面的提示；确认无误请勾选此项后再保存")
        year = data.get("year")
        stored = None
        if year and not self.instance.pk:
            stored = EnterpriseYear.objects.filter(enterprise=self.enterprise, year=year).first()
        if stored is not None and not self.errors:
            # The same figures again: a second submit of this form, which the view answers as saved.
            if not year_figures_same(stored, self.figures()):
                self.add_error("year", year_row_exists_message(year))
        return data

    def validate_unique(self) -> None:
        pass

    def figures(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in YEAR_STORED}


class BatchTagsForm(BootstrapMixin, forms.Form):
    """设置标签 for several firms: add the ticked tags to theirs, or make them exactly these."""

    tags = forms.ModelMultipleChoiceField(label="企业标签", required=False, queryset=DictItem.objects.none(),
                                          widget=forms.CheckboxSelectMultiple)
    mode = forms.ChoiceField(label="方式", widget=forms.RadioSelect, initial="add",
                             choices=[("add", "在原有标签上增加所选标签"), ("set", "标签改为所选（取消未选的标签）")])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = dictionary.item_queryset(TAG_KIND)
        self.fields["tags"].label_from_instance = lambda item: item.label

    def clean(self):
        data = super().clean()
        if data.get("mode") == "add" and not data.get("tags"):
            self.add_error("tags", "请至少勾选一个标签")
        return data
