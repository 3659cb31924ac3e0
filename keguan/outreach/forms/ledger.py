"""Forms of visits, questionnaires and the needs ledger: filters, one small form per action."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.forms import BootstrapMixin, DateInput
from keguan.core.lists import filter_summary
from keguan.core.versioning import VersionField
from keguan.enterprises.forms import RegionChoiceField, fit_area_fields
from keguan.regions.models import Region

from ..models import NeedSource, NeedStatus, QuestionKind, VisitWay
from ..rules import need_flow as flow
from ..selectors.ledger import OWNER_ME, OWNER_NONE, NeedFilters, VisitFilters


def _categories(current=()) -> list[tuple[str, str]]:
    return dictionary.choices("need_category", current)


class _AreaFilter(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    district = RegionChoiceField(label="区县", queryset=Region.objects.none(), required=False, empty_label="全部区县")
    township = RegionChoiceField(label="乡镇/街道", queryset=Region.objects.none(), required=False,
                                 empty_label="全部乡镇/街道")
    enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fit_area_fields(self, user)

    def area(self) -> dict:
        d = self.cleaned_data
        return {"district": d["district"].pk if d.get("district") else None,
                "township": d["township"].pk if d.get("township") else None,
                "enterprise": d.get("enterprise"), "q": (d.get("q") or "").strip()}

    def note(self) -> str:
        """The conditions in words (the export's 说明 sheet, the note above the list)."""
        return filter_summary(self, none="")


class VisitFilterForm(_AreaFilter):
    since = forms.DateField(label="走访日期自", required=False, widget=DateInput())
    until = forms.DateField(label="走访日期至", required=False, widget=DateInput())
    way = forms.ChoiceField(label="方式", required=False, choices=[("", "全部方式"), *VisitWay.choices])
    field_order = ["since", "until", "way", "district", "township", "q"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "企业名称、信用代码、走访人员或内容"

    def clean(self):
        d = super().clean()
        if d.get("since") and d.get("until") and d["until"] < d["since"]:
            self.add_error("until", "结束日期不能早于开始日期")
        return d

    def filters(self) -> VisitFilters:
        if not self.is_bound:
            return VisitFilters()
        if not self.is_valid():
            return VisitFilters(invalid=True)
        d = self.cleaned_data
        return VisitFilters(since=d.get("since"), until=d.get("until"), way=d.get("way") or "", **self.area())


class NeedFilterForm(_AreaFilter):
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), ("open", "未办结（新提出、跟进中）"), *NeedStatus.choices])
    category = forms.ChoiceField(label="需求类别", required=False)
    source = forms.ChoiceField(label="来源", required=False, choices=[("", "全部来源"), *NeedSource.choices])
    owner = forms.ChoiceField(label="跟进人", required=False)
    stale = forms.BooleanField(label=f"超过{flow.STALE_DAYS}天未办结", required=False)
    raised_since = forms.DateField(required=False, widget=forms.HiddenInput, label="提出日期自")
    raised_until = forms.DateField(required=False, widget=forms.HiddenInput, label="提出日期至")
    closed_since = forms.DateField(required=False, widget=forms.HiddenInput, label="办结日期自")
    closed_until = forms.DateField(required=False, widget=forms.HiddenInput, label="办结日期至")
    field_order = ["status", "category", "source", "owner", "district", "township", "stale", "q"]

    def __init__(self, *args, owners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = "企业名称、信用代码或需求内容"
        self.fields["category"].choices = [("", "全部类别"), *_categories()]
        self.fields["owner"].choices = [("", "全部"), (OWNER_ME, "我负责的"), (OWNER_NONE, "未指定跟进人"),
                                        *((str(u.pk), u.display_name) for u in owners)]

    def filters(self) -> NeedFilters:
        if not self.is_bound:
            return NeedFilters()
        if not self.is_valid():
            return NeedFilters(invalid=True)
        d = self.cleaned_data
        return NeedFilters(
            status=d.get("status") or "", category=d.get("category") or "", source=d.get("source") or "",
            owner=d.get("owner") or "", stale=bool(d.get("stale")), raised_since=d.get("raised_since"),
            raised_until=d.get("raised_until"), closed_since=d.get("closed_since"),
            closed_until=d.get("closed_until"), **self.area())


class VisitForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label="企业", max_length=128,
                                 widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}))
    visited_on = forms.DateField(label="走访日期", widget=DateInput())
    way = forms.ChoiceField(label="方式", choices=VisitWay.choices)
    visitors = forms.CharField(label="走访人员", max_length=200,
                               widget=forms.TextInput(attrs={"placeholder": "如：区科技局局长张三、科员李四"}))
    met = forms.CharField(label="接待人", max_length=100, required=False,
                          widget=forms.TextInput(attrs={"placeholder": "企业方：姓名、职务"}))
    notes = forms.CharField(label="走访情况", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    version = VersionField()

    def __init__(self, *args, fixed_firm: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["visited_on"].initial = today
        self.fields["visited_on"].widget.attrs["max"] = today.isoformat()
        if fixed_firm:
            self.fields["enterprise"].required = False
            self.fields["enterprise"].widget = forms.HiddenInput()


NEED_ROWS = 3  # need rows offered on the visit form (more can be added on the firm's page afterwards)


class NeedRowForm(BootstrapMixin, forms.Form):
    """A need raised during a visit (a row on the visit form; an empty row is skipped)."""

    category = forms.ChoiceField(label="需求类别", required=False)
    description = forms.CharField(label="需求内容", max_length=2000, required=False,
                                  widget=forms.TextInput(attrs={"placeholder": "企业提出的需求（无则留空）"}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择"), *_categories()]

    def clean(self):
        d = super().clean()
        if d.get("description") and not d.get("category"):
            self.add_error("category", "请选择需求类别")
        if d.get("category") and not (d.get("description") or "").strip():
            self.add_error("description", "请填写需求内容")
        return d

    @property
    def filled(self) -> bool:
        return bool(self.cleaned_data.get("description"))


class NeedForm(BootstrapMixin, forms.Form):
    enterprise = forms.CharField(label="企业", max_length=128,
                                 widget=forms.TextInput(attrs={"placeholder": "统一社会信用代码或企业全称"}))
    category = forms.ChoiceField(label="需求类别")
    description = forms.CharField(label="需求内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label="来源", choices=[c for c in NeedSource.choices if c[0] != "online"])
    raised_on = forms.DateField(label="提出日期", widget=DateInput())
    version = VersionField()

    def __init__(self, *args, fixed_firm: bool = False, editing: bool = False, current_category: str = "",
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["category"].choices = [("", "请选择"), *_categories([current_category])]
        self.fields["raised_on"].initial = today
        self.fields["raised_on"].widget.attrs["max"] = today.isoformat()
        if fixed_firm or editing:
            self.fields["enterprise"].required = False
            self.fields["enterprise"].widget = forms.HiddenInput()
        if editing:
            del self.fields["source"]


class FirmNeedForm(BootstrapMixin, forms.Form):
    """A need the enterprise raises itself."""

    category = forms.ChoiceField(label="需求类别")
    description = forms.CharField(label="需求内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text="请具体说明需要哪方面的支持，如：引进嵌入式软件工程师2名")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "请选择"), *_categories()]


class AssignForm(BootstrapMixin, forms.Form):
    owner = forms.ChoiceField(label="跟进人")
    version = VersionField()

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        kwargs.setdefault("prefix", "assign")
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", "请选择"), *((str(u.pk), f"{u.display_name}（{u.get_role_display()}）")
                                                          for u in candidates)]


class MoveForm(BootstrapMixin, forms.Form):
    to = forms.ChoiceField(label="改为", choices=NeedStatus.choices)
    result = forms.CharField(label="办理结果/原因", max_length=500, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="已解决：写明怎样解决的；无法解决：写明原因")
    on = forms.DateField(label="办结日期", required=False, widget=DateInput(), help_text="留空为今天")
    version = VersionField()

    def __init__(self, *args, moves=(), **kwargs) -> None:
        kwargs.setdefault("prefix", "move")
        super().__init__(*args, **kwargs)
        if moves:
            self.fields["to"].choices = [(m, flow.LABELS[m]) for m in moves]
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()


class FollowUpForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label="跟进日期", widget=DateInput())
    note = forms.CharField(label="跟进情况", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    internal = forms.BooleanField(label="仅局内可见（企业看不到这条记录）", required=False)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "fu")
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["on"].initial = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()


class QuestionnaireForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label="问卷名称", max_length=150,
                            widget=forms.TextInput(attrs={"placeholder": "如：2025年企业科技需求调查问卷"}))
    intro = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="向企业说明调查目的、填写要求等")
    opens_on = forms.DateField(label="开始日期", widget=DateInput())
    closes_on = forms.DateField(label="截止日期", widget=DateInput())
    version = VersionField()


class QuestionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label="题目", max_length=300)
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices)
    options = forms.CharField(label="选项", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="单选、多选题每行一个选项")
    required = forms.BooleanField(label="必答", required=False)
    need_category = forms.ChoiceField(label="记入需求台账", required=False,
                                      help_text="选择类别后，企业对此题的回答（“无”“否”等除外）提交时自动记入需求台账")

    def __init__(self, *args, current_category: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need_category"].choices = [("", "不记入"), *_categories([current_category])]
