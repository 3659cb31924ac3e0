"""Forms of 技术市场与科技成果: filters, and one edit form per record (amounts typed in 万元)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from keguan.core.forms import BootstrapMixin, DateInput, wan_field, wan_from_yuan, yuan_from_wan
from keguan.core.scope import home_district, scoped
from keguan.core.versioning import VersionField
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import normalize_credit_code

from .models import AwardKind, AwardLevel, ContractKind, ResultKind, TechContract
from .selectors import MEASURES, SIDE_CHOICES, ContractFilters, RecordFilters, user_city

MAX_WAN = 9_999_999_999


def _district_field() -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False,
                                   empty_label="全部区县")
    field.label_from_instance = lambda r: r.name
    return field


class ContractFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "登记编号、合同名称、买方或卖方"}))
    side = forms.ChoiceField(label="吸纳/输出", required=False, choices=SIDE_CHOICES)
    kind = forms.ChoiceField(label="合同类别", required=False, choices=[("", "全部类别"), *ContractKind.choices])
    month = forms.CharField(label="登记月份", required=False, widget=forms.TextInput(attrs={"type": "month"}))
    since = forms.DateField(label="登记日期自", required=False, widget=DateInput())
    until = forms.DateField(label="至", required=False, widget=DateInput())
    district = _district_field()

    def __init__(self, *args, districts=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts

    def clean_month(self):
        text = (self.cleaned_data.get("month") or "").strip()
        if not text:
            return None
        try:
            year, month = (int(x) for x in text.split("-"))
            return dt.date(year, month, 1)
        except (ValueError, TypeError):
            raise forms.ValidationError("月份应写成 2024-05") from None

    def clean(self):
        d = super().clean()
        if d.get("since") and d.get("until") and d["since"] > d["until"]:
            self.add_error("until", "结束日期不能早于开始日期")
        return d

    def filters(self) -> ContractFilters:
        if not self.is_bound:
            return ContractFilters()
        if not self.is_valid():
            return ContractFilters(invalid=True)
        d = self.cleaned_data
        since, until = d.get("since"), d.get("until")
        if d.get("month"):
            first = d["month"]
            nxt = first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1)
            since = max(since, first) if since else first
            last = nxt - dt.timedelta(days=1)
            until = min(until, last) if until else last
        district = d.get("district")
        return ContractFilters(side=d.get("side") or "", kind=d.get("kind") or "", since=since, until=until,
                               district=district.pk if district else None, q=(d.get("q") or "").strip())


class TotalsForm(BootstrapMixin, forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)
    measure = forms.ChoiceField(label="按月显示", required=False, choices=list(MEASURES.items()))

    def __init__(self, *args, years, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]


def party_regions(user):
    """The regions a party may be placed in on the form: the user's province's cities and districts."""
    city = user_city(user)
    qs = Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
    if city is not None and city.parent_id:
        qs = qs.filter(path__startswith=city.parent.path)
    return qs.select_related("parent").order_by("code")


def _region_field(label: str) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(label=label, queryset=Region.objects.none(), required=False,
                                   empty_label="省外或未知（在右侧填写）")
    field.label_from_instance = lambda r: (f"{r.parent.name} {r.name}" if r.level == RegionLevel.COUNTY and r.parent
                                           else f"{r.name}（市本级）")
    return field


class ContractForm(BootstrapMixin, forms.Form):
    number = forms.CharField(label="合同登记编号", max_length=40)
    name = forms.CharField(label="合同名称", max_length=200)
    kind = forms.ChoiceField(label="合同类别", choices=[("", "请选择"), *ContractKind.choices])
    registered_on = forms.DateField(label="登记日期", widget=DateInput())
    seller_name = forms.CharField(label="卖方名称", max_length=150)
    seller_code = forms.CharField(label="卖方统一社会信用代码", max_length=30, required=False,
                                  help_text="填写后自动关联企业库中的企业")
    seller_region = _region_field("卖方所在地区")
    seller_area = forms.CharField(label="卖方所在地区（区划库外）", max_length=100, required=False,
                                  widget=forms.TextInput(attrs={"placeholder": "如：北京市海淀区"}),
                                  help_text="左侧未选地区时填写；不计入本市吸纳/输出")
    buyer_name = forms.CharField(label="买方名称", max_length=150)
    buyer_code = forms.CharField(label="买方统一社会信用代码", max_length=30, required=False)
    buyer_region = _region_field("买方所在地区")
    buyer_area = forms.CharField(label="买方所在地区（区划库外）", max_length=100, required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "如：广东省深圳市"}))
    contract_wan = wan_field("合同成交额", required=True)
    transaction_wan = wan_field("技术交易额", required=True)
    registrar = forms.CharField(label="登记机构", max_length=100, required=False)
    version = VersionField()

    def __init__(self, *args, actor, contract: TechContract | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        regions = party_regions(actor)
        self.fields["seller_region"].queryset = regions
        self.fields["buyer_region"].queryset = regions
        self.fields["registered_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if contract is not None and not self.is_bound:
            self.initial.update({f: getattr(contract, f) for f in (
                "number", "name", "kind", "registered_on", "seller_name", "seller_code", "buyer_name", "buyer_code",
                "registrar", "version")})
            self.initial.update(
                seller_region=contract.seller_region_id, buyer_region=contract.buyer_region_id,
                seller_area="" if contract.seller_region_id else contract.seller_area,
                buyer_area="" if contract.buyer_region_id else contract.buyer_area,
                contract_wan=wan_from_yuan(contract.contract_amount),
                transaction_wan=wan_from_yuan(contract.transaction_amount))

    def _wan(self, name: str, label: str):
        value = self.cleaned_data.get(name)
        if value is not None and value > MAX_WAN:
            raise forms.ValidationError(f"{label}过大，请核对单位（万元）")
        if value is not None and yuan_from_wan(value) != value * 10000:
            raise forms.ValidationError("金额以万元为单位，最多精确到分（6位小数）")
        return value

    def clean_contract_wan(self):
        return self._wan("contract_wan", "合同成交额")

    def clean_transaction_wan(self):
        return self._wan("transaction_wan", "技术交易额")

    def clean(self):
        d = super().clean()
        c, t = d.get("contract_wan"), d.get("transaction_wan")
        if c is not None and t is not None and t > c:
            self.add_error("transaction_wan", "技术交易额不能大于合同成交额")
        for who in ("seller", "buyer"):
            if d.get(f"{who}_region") is not None:
                d[f"{who}_area"] = ""
        return d

    def service_data(self) -> dict:
        d = self.cleaned_data
        out = {k: d[k] for k in ("number", "name", "kind", "registered_on", "seller_name", "seller_code",
                                 "seller_region", "seller_area", "buyer_name", "buyer_code", "buyer_region",
                                 "buyer_area", "registrar")}
        out["contract_amount"] = yuan_from_wan(d["contract_wan"])
        out["transaction_amount"] = yuan_from_wan(d["transaction_wan"])
        return out


def _firm(user, text: str) -> Enterprise | None:
    text = (text or "").strip()
    if not text:
        return None
    qs = scoped(Enterprise, user)
    return qs.filter(credit_code=normalize_credit_code(text)).first() or qs.filter(name=text).first()


class _DistrictRecordForm(BootstrapMixin, forms.Form):
    """A record of one district: a city user chooses the district, a district user records its own."""

    district = forms.ModelChoiceField(label="区县", queryset=Region.objects.none(), required=False)
    firm = forms.CharField(label="企业（信用代码或全称）", max_length=128, required=False,
                           help_text="本区县企业库中的企业时填写，该记录会显示在企业页面上")
    version = VersionField()

    def __init__(self, *args, actor, districts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        if districts is None:  # a district's bureau records its own district: any other district is refused
            own = home_district(actor)
            self.fields["district"].queryset = Region.objects.filter(pk=own.pk if own else None)
            self.fields["district"].widget = forms.HiddenInput()
        else:
            self.fields["district"].queryset = districts
            self.fields["district"].required = True
            self.fields["district"].label_from_instance = lambda r: r.name

    def clean_firm(self):
        text = self.cleaned_data.get("firm") or ""
        if not text.strip():
            return None
        firm = _firm(self.actor, text)
        if firm is None:
            raise forms.ValidationError(f"企业库中没有统一社会信用代码或全称为“{text.strip()}”的企业")
        return firm


class ResultForm(_DistrictRecordForm):
    name = forms.CharField(label="成果名称", max_length=200)
    number = forms.CharField(label="登记号", max_length=40, required=False)
    kind = forms.ChoiceField(label="成果类别", choices=ResultKind.choices)
    field = forms.CharField(label="技术领域", max_length=50, required=False)
    holders = forms.CharField(label="完成单位", max_length=300)
    registered_on = forms.DateField(label="登记日期", widget=DateInput())
    note = forms.CharField(label="简介", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order = ["district", "name", "number", "kind", "field", "holders", "firm", "registered_on", "note"]

    def __init__(self, *args, result=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if result is not None and not self.is_bound:
            self.initial.update({f: getattr(result, f) for f in (
                "name", "number", "kind", "field", "holders", "registered_on", "note", "version")})
            self.initial.update(district=result.district_id,
                                firm=result.enterprise.credit_code if result.enterprise_id else "")


class AwardForm(_DistrictRecordForm):
    kind = forms.ChoiceField(label="类别", choices=[("", "请选择"), *AwardKind.choices])
    name = forms.CharField(label="奖项/赛事名称", max_length=150,
                           widget=forms.TextInput(attrs={"placeholder": "如：第十二届中国创新创业大赛（广西赛区）"}))
    level = forms.ChoiceField(label="级别", choices=[("", "请选择"), *AwardLevel.choices])
    year = forms.IntegerField(label="年度", min_value=1980, max_value=2100)
    project = forms.CharField(label="获奖项目/参赛项目", max_length=200)
    prize = forms.CharField(label="奖次", max_length=50, required=False, help_text="如：一等奖、优秀奖；参赛未获奖的留空")
    winners = forms.CharField(label="获奖单位/个人", max_length=300)
    awarded_on = forms.DateField(label="获奖/参赛日期", required=False, widget=DateInput())
    field_order = ["district", "kind", "name", "level", "year", "project", "prize", "winners", "firm", "awarded_on"]

    def __init__(self, *args, award=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if award is not None and not self.is_bound:
            self.initial.update({f: getattr(award, f) for f in (
                "kind", "name", "level", "year", "project", "prize", "winners", "awarded_on", "version")})
            self.initial.update(district=award.district_id,
                                firm=award.enterprise.credit_code if award.enterprise_id else "")
        elif not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year)


class RecordFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100)
    kind = forms.ChoiceField(label="类别", required=False)
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部级别"), *AwardLevel.choices])
    year = forms.IntegerField(label="年度", required=False, min_value=1980, max_value=2100)
    since = forms.DateField(label="日期自", required=False, widget=DateInput())
    until = forms.DateField(label="至", required=False, widget=DateInput())
    prize = forms.ChoiceField(label="获奖/参赛", required=False,
                              choices=[("", "全部"), ("won", "获奖"), ("entry", "大赛参赛项目")])
    district = _district_field()

    def __init__(self, *args, kinds, districts=None, awards: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部类别"), *kinds]
        if not awards:
            del self.fields["level"], self.fields["prize"]
        if districts is None:
            del self.fields["district"]
        else:
            self.fields["district"].queryset = districts

    def filters(self) -> RecordFilters:
        if not self.is_bound:
            return RecordFilters()
        if not self.is_valid():
            return RecordFilters(invalid=True)
        d = self.cleaned_data
        district = d.get("district")
        return RecordFilters(q=(d.get("q") or "").strip(), kind=d.get("kind") or "", level=d.get("level") or "",
                             year=d.get("year"), since=d.get("since"), until=d.get("until"),
                             prize=d.get("prize") or "", district=district.pk if district else None)
