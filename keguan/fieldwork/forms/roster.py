"""Forms of the roster, the teams, the village flags, the assignments and the coverage page. One small form
per action; choices of records come from the acting user's scope."""

from __future__ import annotations

import datetime as dt

from django import forms

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.scope import scoped
from keguan.core.versioning import VersionField
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import normalize_credit_code

from ..models import FLAGS, Commissioner, Form, Kind, Level, Team, TeamKind
from ..services.roster import eligible_accounts

TARGETS = (("", "全部对象"), ("village", "村/社区"), ("enterprise", "企业"))
STATES = (("", "全部状态"), ("active", "服务中"), ("ended", "已结束"))


def _all(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- filters ------------------------------------------------------------------------------------------------


class CommissionerFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "姓名、派出单位、专业特长"}))
    level = forms.ChoiceField(label="选派层级", required=False, choices=_all("全部层级", Level.choices))
    kind = forms.ChoiceField(label="类别", required=False, choices=_all("全部类别", Kind.choices))
    form = forms.ChoiceField(label="类型", required=False, choices=_all("全部类型", Form.choices))
    batch = forms.IntegerField(label="批次", required=False, min_value=1, max_value=999)
    field = forms.ChoiceField(label="服务领域", required=False)
    on = forms.DateField(label="在服务期（日期）", required=False, widget=DateInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = _all("全部领域", dictionary.choices("service_field"))


class TeamFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "名称、服务产业"}))
    kind = forms.ChoiceField(label="类型", required=False, choices=_all("全部类型", TeamKind.choices))


class CoverageForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label="年度", required=False, min_value=2000, max_value=2100)
    start = forms.DateField(label="或自", required=False, widget=DateInput)
    end = forms.DateField(label="至", required=False, widget=DateInput)
    township = forms.TypedChoiceField(label="乡镇/街道", required=False, coerce=int, empty_value=None)
    flag = forms.ChoiceField(label="村级标识", required=False, choices=_all("全部村", FLAGS))
    uncovered = forms.BooleanField(label="只看未覆盖的村", required=False)

    def __init__(self, *args, townships=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "全部乡镇/街道"), *((t.pk, t.name) for t in townships)]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None):
            self.add_error("end" if start else "start", "按日期统计须同时填写起止日期")
        elif start and end and end < start:
            self.add_error("end", "结束日期不能早于开始日期")
        return data


class AssignmentFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "特派员、服务团、村或企业"}))
    target = forms.ChoiceField(label="服务对象", required=False, choices=TARGETS)
    kind = forms.ChoiceField(label="特派员类别", required=False, choices=_all("全部类别", Kind.choices))
    township = forms.TypedChoiceField(label="乡镇/街道", required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(label="状态", required=False, choices=STATES)
    on = forms.DateField(label="在服务（日期）", required=False, widget=DateInput)

    def __init__(self, *args, townships=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "全部乡镇/街道"), *((t.pk, t.name) for t in townships)]


# --- commissioners ------------------------------------------------------------------------------------------


class CommissionerForm(BootstrapMixin, forms.Form):
    form = forms.ChoiceField(label="类型", choices=Form.choices, initial=Form.PERSON)
    name = forms.CharField(label="姓名/名称", max_length=100)
    level = forms.ChoiceField(label="选派层级", choices=[("", "请选择"), *Level.choices])
    batch = forms.IntegerField(label="批次（第N批）", required=False, min_value=1, max_value=999)
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *Kind.choices])
    field = forms.ChoiceField(label="服务领域", required=False)
    specialty = forms.CharField(label="专业特长", max_length=200, required=False)
    employer = forms.CharField(label="派出单位", max_length=100, required=False)
    title = forms.CharField(label="职称/职务", max_length=50, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    start_on = forms.DateField(label="服务开始日期", widget=DateInput)
    end_on = forms.DateField(label="服务结束日期", required=False, widget=DateInput, help_text="空：仍在服务期")
    user = forms.ModelChoiceField(label="登录账号", queryset=Commissioner.objects.none(), required=False,
                                  empty_label="（不关联）",
                                  help_text="本区县角色为“科技特派员/专家”的账号；关联后特派员可登录填报服务日志")
    note = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()

    def __init__(self, *args, district: Region, commissioner: Commissioner | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        current = [commissioner.field] if commissioner and commissioner.field else []
        self.fields["field"].choices = [("", "请选择"), *dictionary.choices("service_field", current)]
        self.fields["user"].queryset = eligible_accounts(district, commissioner=commissioner)
        self.fields["user"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.username}）"
        if commissioner is not None and not self.is_bound:
            self.initial.update({k: getattr(commissioner, k) for k in (
                "form", "name", "level", "batch", "kind", "field", "specialty", "employer", "title", "phone",
                "start_on", "end_on", "note", "version")})
            self.initial["user"] = commissioner.user_id

    def service_data(self) -> dict:
        d = dict(self.cleaned_data)
        d.pop("version", None)
        return d


class EndForm(BootstrapMixin, forms.Form):
    end_on = forms.DateField(label="结束日期", widget=DateInput)
    note = forms.CharField(label="说明", max_length=100, required=False)


# --- teams --------------------------------------------------------------------------------------------------


class TeamForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label="类型", choices=TeamKind.choices)
    name = forms.CharField(label="名称", max_length=100)
    industries = forms.CharField(label="服务产业", max_length=200, required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "如：茉莉花、甘蔗、桑蚕"}))
    start_on = forms.DateField(label="组建日期", widget=DateInput)
    end_on = forms.DateField(label="结束日期", required=False, widget=DateInput)
    note = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = VersionField()

    def __init__(self, *args, team: Team | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if team is not None and not self.is_bound:
            self.initial.update({k: getattr(team, k) for k in ("kind", "name", "industries", "start_on", "end_on",
                                                               "note", "version")})


class MemberForm(BootstrapMixin, forms.Form):
    commissioner = forms.ModelChoiceField(label="成员", queryset=Commissioner.objects.none())
    is_chief = forms.BooleanField(label="首席专家", required=False)
    duty = forms.CharField(label="分工", max_length=100, required=False)

    def __init__(self, *args, team: Team, actor, **kwargs) -> None:
        kwargs.setdefault("auto_id", "member_%s")
        super().__init__(*args, **kwargs)
        self.fields["commissioner"].queryset = (scoped(Commissioner, actor).filter(district_id=team.district_id)
                                                .exclude(memberships__team=team).order_by("name"))


# --- village flags ------------------------------------------------------------------------------------------


class VillageFlagsForm(BootstrapMixin, forms.Form):
    key_industry = forms.BooleanField(label="重点产业发展村", required=False)
    weak_economy = forms.BooleanField(label="村级经济薄弱村", required=False)
    revitalisation = forms.BooleanField(label="乡村振兴驻点村", required=False)
    industries = forms.CharField(label="主导产业", max_length=100, required=False)


# --- assignments --------------------------------------------------------------------------------------------


class AssignmentForm(BootstrapMixin, forms.Form):
    commissioner = forms.ModelChoiceField(label="科技特派员", queryset=Commissioner.objects.none(), required=False)
    team = forms.ModelChoiceField(label="或专家服务团", queryset=Team.objects.none(), required=False)
    village = forms.ModelChoiceField(label="村/社区", queryset=Region.objects.none(), required=False)
    enterprise = forms.CharField(label="或企业", max_length=128, required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}))
    start_on = forms.DateField(label="开始日期", widget=DateInput)
    end_on = forms.DateField(label="结束日期", required=False, widget=DateInput, help_text="空：仍在服务")
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, actor, district: Region, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor, self.district = actor, district
        self.fields["commissioner"].queryset = scoped(Commissioner, actor).filter(district=district).order_by("name")
        self.fields["team"].queryset = scoped(Team, actor).filter(district=district).order_by("name")
        self.fields["village"].queryset = (scoped(Region, actor).filter(level=RegionLevel.VILLAGE,
                                                                        path__startswith=district.path)
                                           .select_related("parent").order_by("code"))
        self.fields["village"].label_from_instance = lambda v: f"{v.parent.name} · {v.name}"

    def clean_enterprise(self):
        text = (self.cleaned_data.get("enterprise") or "").strip()
        if not text:
            return None
        qs = scoped(Enterprise, self.actor).filter(district=self.district)
        firm = qs.filter(credit_code=normalize_credit_code(text)).first() or qs.filter(name=text).first()
        if firm is None:
            raise forms.ValidationError(f"{self.district.name}企业库中没有这家企业，请核对统一社会信用代码或全称")
        return firm

    def clean(self):
        data = super().clean()
        if not self.errors:
            if bool(data.get("commissioner")) == bool(data.get("team")):
                self.add_error("commissioner", "请选择科技特派员或专家服务团（二选一）")
            if bool(data.get("village")) == bool(data.get("enterprise")):
                self.add_error("village", "请选择服务的村/社区或企业（二选一）")
        return data


class AssignmentEditForm(BootstrapMixin, forms.Form):
    start_on = forms.DateField(label="开始日期", widget=DateInput)
    end_on = forms.DateField(label="结束日期", required=False, widget=DateInput, help_text="空：仍在服务")
    note = forms.CharField(label="备注", max_length=300, required=False)
    version = VersionField()

    def __init__(self, *args, assignment=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if assignment is not None and not self.is_bound:
            self.initial.update(start_on=assignment.start_on, end_on=assignment.end_on, note=assignment.note,
                                version=assignment.version)


def default_year() -> int:
    return dt.date.today().year
