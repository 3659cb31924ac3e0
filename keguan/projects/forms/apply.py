"""Forms of programs, calls and the application form (the applicant's and the bureau's on behalf of an
institute). Money is typed in 万元 (``wan_field``), stored in 元."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput, wan_field, wan_from_yuan, yuan_from_wan
from keguan.core.versioning import VersionField
from keguan.projects.models import BudgetCategory, Level

CRITERIA_ROWS = 8  # inline rows of a call's criteria (empty ones are ignored)


class ProgramForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="计划名称", max_length=100)
    level = forms.ChoiceField(label="级别", choices=[("", "请选择"), *Level.choices])
    managing_body = forms.CharField(label="主管部门", max_length=100,
                                    widget=forms.TextInput(attrs={"placeholder": "如：自治区科技厅、区科技局"}))
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()


class CallForm(BootstrapMixin, forms.Form):
    program = forms.ModelChoiceField(label="科技计划", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="通知标题", max_length=150)
    opens_on = forms.DateField(label="申报开始", widget=DateInput())
    closes_on = forms.DateField(label="申报截止", widget=DateInput())
    max_request_wan = wan_field("单项申请资助上限")
    reviewers_per_application = forms.IntegerField(label="每项评审专家数", min_value=1, max_value=9, initial=3)
    eligibility = forms.CharField(label="申报条件", max_length=3000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    guide = forms.CharField(label="申报指南", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6}))
    version = VersionField()

    def __init__(self, *args, programs, call=None, **kwargs) -> None:
        initial = kwargs.setdefault("initial", {})
        if call is not None:
            initial.update({
                "program": call.program_id, "year": call.year, "title": call.title, "opens_on": call.opens_on,
                "closes_on": call.closes_on, "max_request_wan": wan_from_yuan(call.max_request),
                "reviewers_per_application": call.reviewers_per_application, "eligibility": call.eligibility,
                "guide": call.guide, "version": call.version,
            })
            for i, c in enumerate(call.criteria.all()):
                initial[f"crit_name_{i}"], initial[f"crit_weight_{i}"] = c.name, c.weight
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        for i in range(CRITERIA_ROWS):
            self.fields[f"crit_name_{i}"] = forms.CharField(label=f"指标{i + 1}", max_length=60, required=False)
            self.fields[f"crit_weight_{i}"] = forms.IntegerField(label=f"指标{i + 1}权重（%）", required=False,
                                                                 min_value=1, max_value=100)
        self._style()

    def criteria_rows(self):
        """(name field, weight field) pairs for the inline table."""
        return [(self[f"crit_name_{i}"], self[f"crit_weight_{i}"]) for i in range(CRITERIA_ROWS)]

    def clean(self):
        data = super().clean()
        o, c = data.get("opens_on"), data.get("closes_on")
        if o and c and c < o:
            self.add_error("closes_on", "申报截止日期不能早于开始日期")
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {
            "program": d["program"], "year": d["year"], "title": d["title"], "opens_on": d["opens_on"],
            "closes_on": d["closes_on"], "eligibility": d["eligibility"], "guide": d["guide"],
            "max_request": yuan_from_wan(d.get("max_request_wan")),
            "reviewers_per_application": d["reviewers_per_application"],
            "criteria": [(d.get(f"crit_name_{i}") or "", d.get(f"crit_weight_{i}")) for i in range(CRITERIA_ROWS)],
        }


class ApplicationForm(BootstrapMixin, forms.Form):
    """The application form: the project, the team and the budget, one row per category (own, requested in
    万元); the totals the applicant states must equal the rows' sums."""

    title = forms.CharField(label="项目名称", max_length=150)
    field = forms.ChoiceField(label="技术领域")
    starts_on = forms.DateField(label="起始日期", required=False, widget=DateInput())
    ends_on = forms.DateField(label="截止日期", required=False, widget=DateInput())
    summary = forms.CharField(label="项目简介", max_length=3000, required=False,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="研究内容、技术路线、预期成果，3000字以内")
    team = forms.CharField(label="项目团队", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="每行一人：姓名、单位、职称、分工")
    own_total_wan = wan_field("自筹资金合计")
    requested_total_wan = wan_field("申请资助合计")
    version = VersionField()

    def __init__(self, *args, application=None, organisations=None, **kwargs) -> None:
        initial = kwargs.setdefault("initial", {})
        if application is not None and application.pk:
            initial.update({
                "title": application.title, "field": application.field, "starts_on": application.starts_on,
                "ends_on": application.ends_on, "summary": application.summary, "team": application.team,
                "own_total_wan": wan_from_yuan(application.own_funds),
                "requested_total_wan": wan_from_yuan(application.requested), "version": application.version,
            })
            for line in application.budget.all():
                initial[f"own_{line.category}"] = wan_from_yuan(line.own)
                initial[f"requested_{line.category}"] = wan_from_yuan(line.requested)
        super().__init__(*args, **kwargs)
        current = [application.field] if application is not None and application.field else []
        self.fields["field"].choices = [("", "请选择"), *dictionary.choices("project_field", current)]
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(label="申报单位", queryset=organisations,
                                                                 empty_label="请选择")
            self.order_fields(["organisation"])
        for code, label in BudgetCategory.choices:
            for side in ("own", "requested"):
                f = wan_field(f"{label}（{'自筹' if side == 'own' else '申请资助'}）")
                f.widget.attrs.update({"data-budget": side, "aria-label": f.label})
                self.fields[f"{side}_{code}"] = f
        self._style()

    def budget_rows(self):
        return [(label, self[f"own_{code}"], self[f"requested_{code}"]) for code, label in BudgetCategory.choices]

    def project_fields(self):
        return [self[n] for n in ("organisation", "title", "field", "starts_on", "ends_on") if n in self.fields]

    def budget(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        d = self.cleaned_data
        return {code: (yuan_from_wan(d.get(f"own_{code}")), yuan_from_wan(d.get(f"requested_{code}")))
                for code in BudgetCategory.values}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for side, total, label in (("own", "own_total_wan", "自筹资金"), ("requested", "requested_total_wan", "申请资助")):
            lines = sum((data.get(f"{side}_{c}") or Decimal(0) for c in BudgetCategory.values), Decimal(0))
            stated = data.get(total)
            if stated is not None and stated != lines:
                self.add_error(total, f"{label}合计填写为{stated:f}万元，但各科目之和为{lines.normalize():f}万元，两者须一致")
        return data

    def service_data(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "field": d["field"], "summary": d["summary"], "team": d["team"],
                "starts_on": d.get("starts_on"), "ends_on": d.get("ends_on"), "budget": self.budget()}
