"""The only code that writes 技术市场与科技成果. Each service runs in one transaction and records its change in the
history (django-simple-history: who, when, old → new).

A technology contract's ``ContractSide`` rows are kept right by ``contract_sides_sync`` after every save, by
``keguan.rules.tech_market.sides``: for every city one of the parties lies in (the level-2 ancestor of its
region, ``places``), 吸纳 for the buyer's district and 输出 for the seller's (``district`` empty when the party
is known only to the city). A party whose region is not in the tree counts for no city.

Sellers and buyers are matched to the enterprise register by 统一社会信用代码 (or, without one, by the exact
name); a matched firm whose region is not written lends its district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from keguan.core.deletion import Deletion, Deletions
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.scope import home_district
from keguan.core.versioning import claim
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel
from keguan.rules import tech_market
from keguan.rules.identifiers import validate_credit_code

from .models import Award, AwardKind, AwardLevel, ContractKind, ContractSide, Result, ResultKind, TechContract
from .places import Place, places_of

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("99999999999999.99")
FIRST_YEAR = 1980

CONTRACT_FIELDS = ("number", "name", "kind", "seller_name", "seller_code", "seller_region", "seller_area",
                   "buyer_name", "buyer_code", "buyer_region", "buyer_area", "registered_on", "contract_amount",
                   "transaction_amount", "registrar")


# --- sides ----------------------------------------------------------------------------------------------


def sides_for(seller: Place | None, buyer: Place | None) -> list[tuple[str, Region, Region | None]]:
    """(side, city, district) rows a contract between these places makes, by ``tech_market.sides`` for each
    city either party lies in."""
    cities: dict[int, Region] = {}
    for p in (seller, buyer):
        if p is not None and p.city is not None:
            cities.setdefault(p.city.pk, p.city)
    out: list[tuple[str, Region, Region | None]] = []
    def key(p: Place | None, city: Region) -> str | None:
        if p is None or p.city is None or p.city.pk != city.pk:
            return None
        return p.district.code if p.district is not None else city.code

    for city in cities.values():
        districts = {p.district.code: p.district for p in (seller, buyer)
                     if p is not None and p.district is not None}
        for s in tech_market.sides(key(seller, city), key(buyer, city), city=city.code):
            out.append((s.side, city, districts.get(s.district) if s.district else None))
    return out


def contract_sides_sync(contract: TechContract) -> list[ContractSide]:
    """Make the contract's sides what its parties' regions say (and copy its date and amounts onto them)."""
    regions = [r for r in (contract.seller_region, contract.buyer_region) if r is not None]
    places = places_of(regions)
    seller = places.get(contract.seller_region_id) if contract.seller_region_id else None
    buyer = places.get(contract.buyer_region_id) if contract.buyer_region_id else None
    wanted = {(side, city.pk): district for side, city, district in sides_for(seller, buyer)}
    stored = {(s.side, s.city_id): s for s in contract.sides.all()}
    for key, row in stored.items():
        if key not in wanted:
            row.delete()
    out = []
    for (side, city_id), district in wanted.items():
        row = stored.get((side, city_id))
        values = {"district_id": district.pk if district else None, "registered_on": contract.registered_on,
                  "contract_amount": contract.contract_amount, "transaction_amount": contract.transaction_amount}
        if row is None:
            row = ContractSide.objects.create(contract=contract, side=side, city_id=city_id, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        out.append(row)
    return out


# --- checks ---------------------------------------------------------------------------------------------


def parse_amount(value: Any, *, field: str, label: str) -> Decimal:
    """A non-negative amount in yuan, to the cent."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ServiceError(f"请填写{label}", field=field)
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError) as exc:
        raise ServiceError(f"{label}“{value}”不是有效的数字", field=field) from exc
    if not amount.is_finite():
        raise ServiceError(f"{label}“{value}”不是有效的数字", field=field)
    if amount < 0:
        raise ServiceError(f"{label}不能为负数", field=field)
    if amount != amount.quantize(CENT):
        raise ServiceError(f"{label}最多精确到分", field=field)
    if amount > MAX_AMOUNT:
        raise ServiceError(f"{label}过大，请核对单位（万元）", field=field)
    return amount.quantize(CENT)


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise ServiceError(f"请填写{label}", field=field)
    if len(text) > max_length:
        raise ServiceError(f"{label}最多{max_length}字", field=field)
    return text


def _code(value: Any, *, field: str, label: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    checked = validate_credit_code(text)
    if not checked.ok:
        raise ServiceError(f"{label}：{checked.errors[0]}", field=field)
    return checked.value


def _match(code: str, name: str) -> Enterprise | None:
    """The register's firm with this credit code (or, without a code, with exactly this name)."""
    if code:
        return Enterprise.objects.filter(credit_code=code).select_related("district").first()
    if name:
        found = list(Enterprise.objects.filter(name=name).select_related("district")[:2])
        return found[0] if len(found) == 1 else None
    return None


def _check_actor_district(actor, seller: Region | None, buyer: Region | None) -> None:
    """A bureau records contracts its region is a party to (else they would leave its view): a district's
    bureau those of its district, the city's those of the city."""
    if actor is None or getattr(actor, "is_superuser", False):
        return
    own = getattr(actor, "region", None)
    if own is None:
        return
    for r in (seller, buyer):
        if r is not None and r.path.startswith(own.path):
            return
    raise ServiceError(f"买方或卖方至少一方须在{own.name}：本局只登记{own.name}为买方或卖方的技术合同",
                       field="buyer_region")


# --- contracts ------------------------------------------------------------------------------------------


def _contract_values(data: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {}
    v["number"] = _text(data.get("number"), field="number", label="合同登记编号", max_length=40)
    v["name"] = _text(data.get("name"), field="name", label="合同名称", max_length=200)
    kind = data.get("kind")
    if kind not in ContractKind.values:
        raise ServiceError("请选择合同类别", field="kind")
    v["kind"] = kind
    for who, label in (("seller", "卖方"), ("buyer", "买方")):
        v[f"{who}_name"] = _text(data.get(f"{who}_name"), field=f"{who}_name", label=f"{label}名称", max_length=150)
        v[f"{who}_code"] = _code(data.get(f"{who}_code"), field=f"{who}_code", label=f"{label}统一社会信用代码")
        region = data.get(f"{who}_region")
        v[f"{who}_region"] = region
        v[f"{who}_area"] = _text(data.get(f"{who}_area") or (region.name if region else ""), field=f"{who}_region",
                                 label=f"{label}所在地区", max_length=100, required=False)
    on = data.get("registered_on")
    if not isinstance(on, dt.date):
        raise ServiceError("请填写登记日期", field="registered_on")
    if on > timezone.localdate():
        raise ServiceError("登记日期不能晚于今天", field="registered_on")
    if on.year < FIRST_YEAR:
        raise ServiceError(f"登记日期不能早于{FIRST_YEAR}年", field="registered_on")
    v["registered_on"] = on
    v["contract_amount"] = parse_amount(data.get("contract_amount"), field="contract_amount", label="合同成交额")
    v["transaction_amount"] = parse_amount(data.get("transaction_amount"), field="transaction_amount",
                                           label="技术交易额")
    if v["transaction_amount"] > v["contract_amount"]:
        raise ServiceError("技术交易额不能大于合同成交额", field="transaction_amount")
    v["registrar"] = _text(data.get("registrar"), field="registrar", label="登记机构", max_length=100, required=False)
    return v


def _fill_parties(contract: TechContract) -> None:
    """Match the parties to the register; a matched firm without a written region lends its district."""
    for who in ("seller", "buyer"):
        firm = _match(getattr(contract, f"{who}_code"), getattr(contract, f"{who}_name"))
        setattr(contract, f"{who}_enterprise", firm)
        if firm is not None and getattr(contract, f"{who}_region") is None and not getattr(contract, f"{who}_area"):
            setattr(contract, f"{who}_region", firm.district)
            setattr(contract, f"{who}_area", firm.district.name)
        if firm is not None and not getattr(contract, f"{who}_code"):
            setattr(contract, f"{who}_code", firm.credit_code)


@transaction.atomic
def contract_create(*, actor, reason: str = "登记技术合同", **data: Any) -> TechContract:
    """Register a contract (amounts in yuan) and count it where its parties are."""
    values = _contract_values(data)
    if TechContract.objects.filter(number=values["number"]).exists():
        raise ServiceError(f"合同登记编号 {values['number']} 已登记", field="number")
    contract = TechContract(**values, created_by=actor)
    _fill_parties(contract)
    _check_actor_district(actor, contract.seller_region, contract.buyer_region)
    stamp(contract, actor, reason)
    contract.save()
    contract_sides_sync(contract)
    return contract


@transaction.atomic
def contract_update(*, contract: TechContract, actor, version: int | None = None, reason: str = "修改技术合同",
                    **data: Any) -> TechContract:
    """Change a contract (optimistic locking by ``version``); its sides follow its parties' regions."""
    claim(contract, version, fields=list(CONTRACT_FIELDS))
    for who in ("seller", "buyer"):  # a new region without its own text: the area is the region's name
        if f"{who}_region" in data and f"{who}_area" not in data:
            data[f"{who}_area"] = ""
    values = _contract_values({**{f: getattr(contract, f) for f in CONTRACT_FIELDS}, **data})
    if values["number"] != contract.number and TechContract.objects.filter(number=values["number"]).exclude(
            pk=contract.pk).exists():
        raise ServiceError(f"合同登记编号 {values['number']} 已登记", field="number")
    for k, val in values.items():
        setattr(contract, k, val)
    _fill_parties(contract)
    _check_actor_district(actor, contract.seller_region, contract.buyer_region)
    stamp(contract, actor, reason)
    contract.save()
    contract_sides_sync(contract)
    return contract


def contracts_match_enterprise(enterprise: Enterprise) -> int:
    """Link the contracts naming this firm's credit code to it (a firm added to the register after its
    contracts were imported). Returns the contracts linked."""
    n = 0
    for who in ("seller", "buyer"):
        n += TechContract.objects.filter(Q(**{f"{who}_code": enterprise.credit_code}),
                                         **{f"{who}_enterprise__isnull": True}).update(
            **{f"{who}_enterprise": enterprise})
    return n


# --- results and awards ---------------------------------------------------------------------------------
# A registered result and an award are kept alike: filed in a district (the user's own, or one a city user
# chooses), checked field by field (``_result_values``, ``_award_values``), refused when already registered
# (``_result_duplicate``, ``_award_duplicate``), and saved with their history stamp by ``_record_create`` and
# ``_record_update`` (an edit claims the version its form was read at).


def _district(actor, district: Region | None) -> Region:
    own = home_district(actor) if actor is not None else None
    district = district or own
    if district is None or district.level != RegionLevel.COUNTY:
        raise ServiceError("请选择区县", field="district")
    if own is not None and district.pk != own.pk:
        raise ServiceError(f"只能登记{own.name}的记录", field="district")
    return district


def _firm(data: dict[str, Any], district: Region, message: str) -> Enterprise | None:
    """The record's firm of the register, which must be the district's."""
    firm = data.get("enterprise")
    if firm is not None and firm.district_id != district.pk:
        raise ServiceError(message, field="enterprise")
    return firm


@dataclass(frozen=True)
class _Record:
    model: type
    fields: tuple[str, ...]  # what an edit may change (and the stale-edit message compares)
    values: Callable[[Any, dict[str, Any]], dict[str, Any]]  # (actor, data) -> checked values
    duplicate: Callable[[dict[str, Any], int | None], None]  # (values, own pk) -> raises when registered


def _record_create(kind: _Record, *, actor, reason: str, data: dict[str, Any]):
    values = kind.values(actor, data)
    kind.duplicate(values, None)
    obj = kind.model(**values, created_by=actor)
    stamp(obj, actor, reason)
    obj.save()
    return obj


def _record_update(kind: _Record, obj, *, actor, version: int | None, reason: str, data: dict[str, Any]):
    claim(obj, version, fields=list(kind.fields))
    values = kind.values(actor, {**{f: getattr(obj, f) for f in kind.fields}, **data})
    kind.duplicate(values, obj.pk)
    for k, val in values.items():
        setattr(obj, k, val)
    stamp(obj, actor, reason)
    obj.save()
    return obj


RESULT_FIELDS = ("district", "number", "name", "kind", "field", "holders", "enterprise", "registered_on", "note")


def _result_values(actor, data: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {"district": _district(actor, data.get("district"))}
    v["number"] = _text(data.get("number"), field="number", label="登记号", max_length=40, required=False)
    v["name"] = _text(data.get("name"), field="name", label="成果名称", max_length=200)
    kind = data.get("kind") or ResultKind.APPLIED
    if kind not in ResultKind.values:
        raise ServiceError("请选择成果类别", field="kind")
    v["kind"] = kind
    v["field"] = _text(data.get("field"), field="field", label="技术领域", max_length=50, required=False)
    v["holders"] = _text(data.get("holders"), field="holders", label="完成单位", max_length=300)
    v["enterprise"] = _firm(data, v["district"], "第一完成单位须为本区县企业库中的企业")
    on = data.get("registered_on")
    if not isinstance(on, dt.date):
        raise ServiceError("请填写登记日期", field="registered_on")
    if on > timezone.localdate():
        raise ServiceError("登记日期不能晚于今天", field="registered_on")
    v["registered_on"] = on
    v["note"] = _text(data.get("note"), field="note", label="简介", max_length=500, required=False)
    return v


def _result_duplicate(values: dict[str, Any], pk: int | None) -> None:
    if not values["number"]:
        return
    qs = Result.objects.filter(district=values["district"], number=values["number"])
    if pk is not None:
        qs = qs.exclude(pk=pk)
    if qs.exists():
        raise ServiceError(f"登记号 {values['number']} 已登记", field="number")


RESULTS = _Record(Result, RESULT_FIELDS, _result_values, _result_duplicate)


@transaction.atomic
def result_create(*, actor, reason: str = "登记科技成果", **data: Any) -> Result:
    return _record_create(RESULTS, actor=actor, reason=reason, data=data)


@transaction.atomic
def result_update(*, result: Result, actor, version: int | None = None, reason: str = "修改科技成果",
                  **data: Any) -> Result:
    return _record_update(RESULTS, result, actor=actor, version=version, reason=reason, data=data)


AWARD_FIELDS = ("district", "kind", "name", "level", "year", "project", "prize", "winners", "enterprise", "awarded_on")


def _award_values(actor, data: dict[str, Any]) -> dict[str, Any]:
    v: dict[str, Any] = {"district": _district(actor, data.get("district"))}
    if data.get("kind") not in AwardKind.values:
        raise ServiceError("请选择类别", field="kind")
    v["kind"] = data["kind"]
    v["name"] = _text(data.get("name"), field="name", label="奖项/赛事名称", max_length=150)
    if data.get("level") not in AwardLevel.values:
        raise ServiceError("请选择级别", field="level")
    v["level"] = data["level"]
    year = data.get("year")
    this_year = timezone.localdate().year
    if not isinstance(year, int) or not FIRST_YEAR <= year <= this_year:
        raise ServiceError(f"年度应在{FIRST_YEAR}至{this_year}年之间", field="year")
    v["year"] = year
    v["project"] = _text(data.get("project"), field="project", label="获奖项目/参赛项目", max_length=200)
    v["prize"] = _text(data.get("prize"), field="prize", label="奖次", max_length=50, required=False)
    v["winners"] = _text(data.get("winners"), field="winners", label="获奖单位/个人", max_length=300)
    v["enterprise"] = _firm(data, v["district"], "企业须为本区县企业库中的企业")
    on = data.get("awarded_on")
    if on is not None:
        if on > timezone.localdate():
            raise ServiceError("日期不能晚于今天", field="awarded_on")
        if on.year != year:
            raise ServiceError("获奖/参赛日期须在所填年度内", field="awarded_on")
    v["awarded_on"] = on
    return v


def _award_duplicate(values: dict[str, Any], pk: int | None) -> None:
    qs = Award.objects.filter(district=values["district"], year=values["year"], name=values["name"],
                              project=values["project"])
    if pk is not None:
        qs = qs.exclude(pk=pk)
    if qs.exists():
        raise ServiceError("该项目在这一奖项/赛事中已登记", field="project")


AWARDS = _Record(Award, AWARD_FIELDS, _award_values, _award_duplicate)


@transaction.atomic
def award_create(*, actor, reason: str = "登记获奖参赛", **data: Any) -> Award:
    return _record_create(AWARDS, actor=actor, reason=reason, data=data)


@transaction.atomic
def award_update(*, award: Award, actor, version: int | None = None, reason: str = "修改获奖参赛",
                 **data: Any) -> Award:
    return _record_update(AWARDS, award, actor=actor, version=version, reason=reason, data=data)


# --- deletion -------------------------------------------------------------------------------------------
# A contract, result or award entered by mistake is removed (stamped, so the history and the operation log keep
# what was removed, by whom). A contract counts for every district one of its parties lies in: a bureau removes
# only a contract that counts for no other bureau's district (else the other district's 吸纳/输出 would drop
# without its knowing); one that does is removed by the common superior (the city), after checking with them.


def _foreign_sides(contract: TechContract, actor) -> list[str]:
    """The places (with 吸纳/输出) the contract counts for outside the actor's region (and not above it)."""
    own = getattr(actor, "region", None)
    if own is None or getattr(actor, "is_superuser", False):
        return []
    out = []
    for s in contract.sides.select_related("city", "district").order_by("side", "city__code"):
        where = s.district or s.city
        if not (where.is_within(own) or own.is_within(where)):
            out.append(f"{where.name}的{s.get_side_display()}")
    return out


def _contract_refusal(contract: TechContract, actor) -> str | None:
    foreign = _foreign_sides(contract, actor)
    if not foreign:
        return None
    who = "市局" if home_district(actor) is not None else "系统管理员"
    return (f"该合同同时计入{'、'.join(foreign)}，删除会改变对方的统计，本局不能删除。"
            f"如确属误登记，请与对方科技局核实后由{who}删除；如只是本方信息有误，请“修改”合同。")


def _contract_notes(contract: TechContract) -> list[str]:
    return ["如该合同仍在全国技术合同登记系统的导出表中，再次导入该表时会重新登记"]


DELETIONS = Deletions({
    TechContract: Deletion("技术合同", children=(("条吸纳/输出计数", lambda c: c.sides.all()),),
                           refuse=_contract_refusal, notes=_contract_notes),
    Result: Deletion("科技成果"),
    Award: Deletion("获奖与参赛记录"),
})
deletion_refusal = DELETIONS.refusal
deletion_effects = DELETIONS.effects
record_delete = DELETIONS.delete
