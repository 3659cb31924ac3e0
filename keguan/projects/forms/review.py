"""Forms of the expert pool and the review."""

from __future__ import annotations

from django import forms

from keguan.accounts.models import Organisation, User
from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin
from keguan.core.scope import scoped
from keguan.core.versioning import VersionField
from keguan.enterprises.models import Enterprise
from keguan.projects.selectors.review import AVAILABILITY, RESULT_SORTS
from keguan.rules.identifiers import normalize_credit_code


class ExpertFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="姓名/单位/职称", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "姓名、工作单位或职称"}))
    field = forms.ChoiceField(label="专业领域", required=False)
    available = forms.ChoiceField(label="可否评审", required=False, choices=AVAILABILITY)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", "全部领域"), *dictionary.choices("project_field")]


def _firm(user, text: str) -> Enterprise | None:
    """A firm of the register in the user's scope, by credit code or exact name."""
    text = (text or "").strip()
    if not text:
        return None
    qs = scoped(Enterprise, user)
    code = normalize_credit_code(text)
    return qs.filter(credit_code=code).first() or qs.filter(name=text).first()


class ExpertForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=40)
    employer = forms.CharField(label="工作单位", max_length=100)
    title = forms.CharField(label="职称", max_length=40, required=False,
                            widget=forms.TextInput(attrs={"placeholder": "如：正高级工程师、教授"}))
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    fields_ = forms.MultipleChoiceField(label="专业领域", widget=forms.CheckboxSelectMultiple,
                                        help_text="按领域匹配评审项目，可多选")
    employer_firm = forms.CharField(label="所在企业（信用代码）", max_length=128, required=False,
                                    help_text="工作单位是本辖区企业时填写，用于自动回避该企业的项目")
    organisation = forms.ModelChoiceField(label="所在机构", queryset=Organisation.objects.none(), required=False,
                                          empty_label="（不是本辖区的高校/院所）",
                                          help_text="工作单位是高校、院所时选择，用于自动回避")
    user = forms.ModelChoiceField(label="登录账号", queryset=User.objects.none(), required=False,
                                  empty_label="（不关联）", help_text="关联后专家可用该账号登录，在“我的评审”中评分")
    available = forms.BooleanField(label="可参加评审", required=False, initial=True)
    note = forms.CharField(label="备注", max_length=200, required=False)
    version = VersionField()

    def __init__(self, *args, actor, expert=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        current = expert.field_codes if expert else []
        self.fields["fields_"].choices = dictionary.choices("project_field", current)
        self.fields["organisation"].queryset = scoped(Organisation, actor).exclude(kind="bureau").order_by("name")
        linked = set(User.objects.filter(expert__isnull=False).values_list("pk", flat=True)) - (
            {expert.user_id} if expert and expert.user_id else set())
        self.fields["user"].queryset = (scoped(User, actor).filter(role="commissioner", is_active=True)
                                        .exclude(pk__in=linked).order_by("username"))
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.username}）"
        if expert is not None and not self.is_bound:
            self.initial.update(
                name=expert.name, employer=expert.employer, title=expert.title, phone=expert.phone,
                fields_=current, employer_firm=expert.enterprise.credit_code if expert.enterprise_id else "",
                organisation=expert.organisation_id, user=expert.user_id, available=expert.available,
                note=expert.note, version=expert.version)

    def clean_employer_firm(self):
        text = self.cleaned_data.get("employer_firm") or ""
        if not text.strip():
            return None
        firm = _firm(self.actor, text)
        if firm is None:
            raise forms.ValidationError("本辖区企业库中没有这家企业，请核对统一社会信用代码")
        return firm


class ConflictForm(BootstrapMixin, forms.Form):
    firm = forms.CharField(label="回避企业", max_length=128, required=False,
                           widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}))
    organisation = forms.ModelChoiceField(label="或回避机构", queryset=Organisation.objects.none(), required=False,
                                          empty_label="（选择高校/院所）")
    reason = forms.CharField(label="原因", max_length=200, required=False,
                             widget=forms.TextInput(attrs={"placeholder": "如：曾任该企业技术顾问"}))

    def __init__(self, *args, actor, **kwargs) -> None:
        kwargs.setdefault("auto_id", "conflict_%s")
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["organisation"].queryset = scoped(Organisation, actor).exclude(kind="bureau").order_by("name")

    def clean(self):
        data = super().clean()
        text = (data.get("firm") or "").strip()
        data["enterprise"] = None
        if text:
            data["enterprise"] = _firm(self.actor, text)
            if data["enterprise"] is None:
                self.add_error("firm", "本辖区企业库中没有这家企业，请核对统一社会信用代码")
        if not text and not data.get("organisation"):
            raise forms.ValidationError("请填写回避的企业或选择回避的机构")
        if text and data.get("organisation"):
            raise forms.ValidationError("企业和机构只能填一个，请分两次登记")
        return data


class OverrideForm(BootstrapMixin, forms.Form):
    application = forms.ChoiceField(label="项目")
    expert = forms.ChoiceField(label="专家")
    reason = forms.CharField(label="指定理由", max_length=200,
                             widget=forms.TextInput(attrs={"placeholder": "如：同领域专家不足，该专家熟悉相关技术"}))

    def __init__(self, *args, applications, experts, **kwargs) -> None:
        kwargs.setdefault("auto_id", "override_%s")
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [("", "请选择"), *((a.pk, a.title) for a in applications)]
        self.fields["expert"].choices = [("", "请选择"), *((e.pk, f"{e.name}（{e.employer}）") for e in experts)]


class ResultSortForm(forms.Form):
    sort = forms.ChoiceField(required=False, choices=list(RESULT_SORTS.items()))


class ScoreForm(BootstrapMixin, forms.Form):
    """One field per criterion of the call (``c<id>``, 0–100) and the comment."""

    comment = forms.CharField(label="评审意见", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, criteria, disabled: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"c{c.pk}"] = forms.IntegerField(
                label=f"{c.name}（权重{c.weight}%）", min_value=0, max_value=100,
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric",
                                               "class": "form-control"}))
        self.order_fields([f"c{c.pk}" for c in self.criteria] + ["comment"])
        if disabled:
            for f in self.fields.values():
                f.disabled = True

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"c{c.pk}"] for c in self.criteria}
