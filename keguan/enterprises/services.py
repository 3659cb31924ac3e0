"""The only code that writes enterprise records. Each service runs in one transaction and records its
change in the history (django-simple-history keeps who, when and the old → new values)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Count, F
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.versioning import claim
from keguan.regions.models import Region, RegionLevel
from keguan.rules.explain import people
from keguan.rules.identifiers import PROVINCES, credit_code_province, validate_credit_code, validate_phone

from . import hooks
from .models import (
    STAGE_ORDER,
    TAG_KIND,
    YEAR_MONEY,
    YEAR_STORED,
    DistrictStageCount,
    Enterprise,
    EnterpriseLabel,
    EnterpriseYear,
    Stage,
    StageChange,
)

PROFILE_FIELDS = (
    "name",
    "credit_code",
    "legal_rep",
    "registered_on",
    "address",
    "district",
    "township",
    "industry_code",
    "tech_field",
    "size_class",
    "contact_name",
    "contact_phone",
)


class DuplicateEnterprise(ServiceError):
    """The credit code is taken by ``existing``. ``resubmitted``: the same user created that firm with the same
    data moments ago, so this is a double submit of the form that created it (the view then shows that firm)."""

    def __init__(self, existing: Enterprise, *, resubmitted: bool = False):
        super().__init__(
            f"统一社会信用代码 {existing.credit_code} 已被“{existing.name}”使用，同一企业不能重复录入",
            field="credit_code",
        )
        self.existing = existing
        self.resubmitted = resubmitted


RESUBMIT_WINDOW = dt.timedelta(minutes=10)


def enterprise_resubmitted(existing: Enterprise, *, actor, data: dict[str, Any]) -> bool:
    """True when ``actor`` created ``existing`` within the last ten minutes with these profile ``data``: a
    second submit of the same new-firm form (a double click, a reload, a retry after a slow answer)."""
    created = existing.history.filter(history_type="+").order_by("history_date").first()
    if created is None or actor is None or created.history_user_id != actor.pk:
        return False
    if created.history_date < timezone.now() - RESUBMIT_WINDOW:
        return False
    for key, value in data.items():
        if key in ("credit_code", "stage_since") or not hasattr(existing, key):
            continue
        if key == "contact_phone" and value:
            phone = validate_phone(value)
            value = phone.value if phone.ok else value
        if isinstance(value, str):
            value = value.strip()
        stored = getattr(existing, key)
        if (stored or None) != (value or None):
            return False
    return True


def _check_profile(data: dict[str, Any], *, instance: Enterprise | None) -> dict[str, Any]:
    clean = dict(data)
    if "credit_code" in clean:
        result = validate_credit_code(clean["credit_code"])
        if not result.ok:
            raise ServiceError(result.errors[0], field="credit_code")
        clean["credit_code"] = result.value
        dup = Enterprise.objects.filter(credit_code=result.value)
        if instance is not None:
            dup = dup.exclude(pk=instance.pk)
        other = dup.first()
        if other is not None:
            raise DuplicateEnterprise(other)
    if clean.get("contact_phone"):
        phone = validate_phone(clean["contact_phone"])
        if not phone.ok:
            raise ServiceError(phone.errors[0], field="contact_phone")
        clean["contact_phone"] = phone.value
    district: Region | None = clean.get("district", instance.district if instance else None)
    township: Region | None = clean.get("township", instance.township if instance else None)
    if district is not None and district.level != RegionLevel.COUNTY:
        raise ServiceError("所属区县必须是区/县级区划", field="district")
    if township is not None and township.level != RegionLevel.TOWNSHIP:
        raise ServiceError("所属乡镇/街道必须是乡镇/街道级区划", field="township")
    if township is not None and district is not None and not township.is_within(district):
        raise ServiceError(f"乡镇/街道“{township.name}”不属于{district.name}", field="township")
    if clean.get("registered_on") and clean["registered_on"] > timezone.localdate():
        raise ServiceError("注册日期不能晚于今天", field="registered_on")
    return clean


@transaction.atomic
def enterprise_create(*, actor, reason: str = "新建企业", **data: Any) -> Enterprise:
    unknown = set(data) - set(PROFILE_FIELDS) - {"stage", "stage_since"}
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")
    try:
        clean = _check_profile(data, instance=None)
    except DuplicateEnterprise as exc:
        exc.resubmitted = enterprise_resubmitted(exc.existing, actor=actor, data=data)
        raise
    stage = clean.pop("stage", Stage.ATTRACTED)
    since = clean.pop("stage_since", None) or timezone.localdate()
    enterprise = Enterprise(**clean, stage=stage, stage_since=since)
    enterprise._history_user = actor
    enterprise._change_reason = reason
    try:
        with transaction.atomic():  # a savepoint: a concurrent submit may store the same code first
            enterprise.save()
    except IntegrityError:
        existing = Enterprise.objects.filter(credit_code=clean["credit_code"]).first()
        if existing is None:
            raise
        raise DuplicateEnterprise(
            existing, resubmitted=enterprise_resubmitted(existing, actor=actor, data=data)
        ) from None
    StageChange.objects.create(
        enterprise=enterprise, district=enterprise.district, from_stage="", to_stage=stage, changed_on=since,
        note=reason, created_by=actor,
    )
    _count_move(None, (enterprise.district_id, stage))
    return enterprise


@transaction.atomic
def enterprise_update(
    *, enterprise: Enterprise, actor, reason: str = "修改企业信息", version: int | None = None, **data: Any
) -> Enterprise:
    """Change the firm's profile. ``version``: the version the edit form was read at; a stale one is refused
    with what changed since (``keguan.core.versioning``)."""
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")
    claim(enterprise, version, fields=list(PROFILE_FIELDS))
    clean = _check_profile(data, instance=enterprise)
    changed = False
    for key, value in clean.items():
        if getattr(enterprise, key) != value:
            setattr(enterprise, key, value)
            changed = True
    if changed:
        stored = _stored_place(enterprise)
        enterprise._history_user = actor
        enterprise._change_reason = reason
        enterprise.save()
        _count_move(stored, (enterprise.district_id, enterprise.stage))
        if stored[0] != enterprise.district_id:
            # a move: the stage history and the pipeline's records count for the district it now belongs to
            StageChange.objects.filter(enterprise=enterprise).update(district_id=enterprise.district_id)
            hooks.moved(enterprise)
    return enterprise


def enterprise_delete_blockers(enterprise: Enterprise) -> list[str]:
    """What keeps staff from deleting the firm, in words ("企业年度数据"…): any record tied to it (its
    accounts, labels, year figures, the pipeline's and R&D's records, read from the model's relations so a
    new area's records count too) beyond the stage it was entered with. Deleting is for a firm entered by
    mistake; a firm with records is kept (its records would go with it)."""
    found = []
    for rel in Enterprise._meta.related_objects:
        if not rel.one_to_many or rel.hidden:
            continue
        rows = getattr(enterprise, rel.get_accessor_name()).all()
        if rel.name == "stage_changes":
            if rows[:2].count() > 1:
                found.append("阶段变更记录")
        elif rows.exists():
            name = str(rel.related_model._meta.verbose_name)
            found.append("企业用户账号" if rel.name == "contacts" else name if name.endswith(("记录", "数据")) else f"{name}记录")
    for rel in protected_hidden_relations():  # (areas' foreign keys without a reverse accessor, related_name="+")
        if rel.related_model._base_manager.filter(**{rel.field.name: enterprise}).exists():
            name = str(rel.related_model._meta.verbose_name)
            found.append(name if name.endswith(("记录", "数据")) else f"{name}记录")
    return found


def protected_hidden_relations() -> list:
    """Other areas' foreign keys to firms declared without a reverse accessor (``related_name="+"``) that
    protect the firm from deletion: their rows block it as the visible relations' do."""
    return [rel for rel in Enterprise._meta.get_fields(include_hidden=True)
            if rel.one_to_many and rel.auto_created and rel.hidden and rel.on_delete is models.PROTECT]


@transaction.atomic
def set_tags(enterprises: Iterable[Enterprise], tag_codes: Iterable[str], *, by, add: bool = False,
             reason: str = "设置企业标签") -> int:
    """Give each firm the 企业标签 ``tag_codes`` (codes of the 数据字典 list ``TAG_KIND``): its tags become
    exactly these, or with ``add`` these are added to the ones it has. One history row (变更记录, 操作日志)
    per firm that changed; returns how many changed. ``by``: the user (None: the system); a firm ``by`` may
    not change raises ``PermissionDenied``. An unknown code, or a disabled tag a firm does not have yet,
    is refused with a ``ServiceError`` on ``tags`` (a firm keeps a disabled tag it already has)."""
    from django.core.exceptions import PermissionDenied

    from keguan.core.models import DictItem
    from keguan.core.scope import can_write, scoped

    codes = list(dict.fromkeys(tag_codes))
    found = {i.code: i for i in DictItem.objects.filter(kind=TAG_KIND, code__in=codes)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ServiceError(f"没有这个企业标签：{'、'.join(unknown)}", field="tags")
    enterprises = list(enterprises)
    if by is not None:
        visible = set(scoped(Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]), by)
                      .values_list("pk", flat=True))
        for enterprise in enterprises:
            if enterprise.pk not in visible or not can_write(by, enterprise):
                raise PermissionDenied(f"您不能修改“{enterprise.name}”的标签")
    changed = 0
    for enterprise in enterprises:
        current = set(enterprise.tags.values_list("pk", flat=True))
        stale = [found[c].label for c in codes if not found[c].enabled and found[c].pk not in current]
        if stale:
            raise ServiceError(f"标签“{'、'.join(stale)}”已停用，不能再设置", field="tags")
        wanted = {found[c].pk for c in codes} | (current if add else set())
        if wanted == current:
            continue
        claim(enterprise, None)  # lock the row, next version
        enterprise.skip_history_when_saving = True  # one history row below, not one per add and remove
        try:
            enterprise.tags.set(wanted)
        finally:
            del enterprise.skip_history_when_saving
        enterprise._history_user = by
        enterprise._change_reason = reason
        enterprise.save(update_fields=["version", "updated_at"])
        changed += 1
    return changed


@transaction.atomic
def enterprise_delete(*, enterprise: Enterprise, actor, reason: str = "删除企业", records_too: bool = False) -> None:
    """Delete a firm entered by mistake; refused (with what blocks it) while it has records elsewhere, unless
    ``records_too`` (scripts and tests that clear a register; its accounts still block). The history keeps
    the deleted row, so ``enterprise_restore`` can bring it back."""
    if enterprise.contacts.exists():
        raise ServiceError("该企业仍有企业用户账号，请先停用或转移账号后再删除")
    if not records_too:
        blockers = enterprise_delete_blockers(enterprise)
        if blockers:
            raise ServiceError(f"该企业已有{'、'.join(blockers)}，不能删除（删除只用于误录入、尚无任何记录的企业）")
    stored = _stored_place(enterprise)
    enterprise._history_user = actor
    enterprise._change_reason = reason
    enterprise.delete()
    _count_move(stored, None)


@transaction.atomic
def enterprise_restore(*, pk: int, actor, reason: str = "撤销删除") -> Enterprise:
    """Bring back firm ``pk`` as the history kept it when it was deleted, with the stage it was entered with
    (a firm is deleted only without other records, so nothing else is missing). Refused when the firm was
    not deleted last or its credit code has been used again since."""
    last = Enterprise.history.filter(id=pk).order_by("-history_date", "-history_id").first()
    if last is None or last.history_type != "-" or Enterprise.objects.filter(pk=pk).exists():
        raise ServiceError("该企业没有可撤销的删除")
    enterprise = last.instance
    if Enterprise.objects.filter(credit_code=enterprise.credit_code).exists():
        raise ServiceError(f"统一社会信用代码 {enterprise.credit_code} 已重新录入，不能撤销删除")
    enterprise._history_user = actor
    enterprise._change_reason = reason
    enterprise.save(force_insert=True)
    StageChange.objects.create(
        enterprise=enterprise, district_id=enterprise.district_id, from_stage="", to_stage=enterprise.stage,
        changed_on=enterprise.stage_since, note=reason, created_by=actor,
    )
    _count_move(None, (enterprise.district_id, enterprise.stage))
    return enterprise


@transaction.atomic
def enterprise_change_stage(
    *, enterprise: Enterprise, actor, stage: str, on: dt.date, note: str = "", by_records: bool = False
) -> StageChange:
    """Move the firm to ``stage`` on ``on``. Once a firm has qualification records (科小 入库, 高企 certificate,
    cultivation pool) its stage follows from them (``keguan.pipeline.stages``, which passes ``by_records``;
    the pipeline says so through ``hooks.stage_lock``); staff then change the records, not the stage."""
    if stage not in STAGE_ORDER:
        raise ServiceError("未知的培育阶段", field="stage")
    # The firm's row is locked first and its stage read from it: two changes at once (two clerks, a clerk and
    # the daily sync) queue here, and the second starts from the stage the first left, so the stage history
    # stays one chain (its from_stage is always the stored stage).
    stored = _stored_place(enterprise)
    enterprise.stage = stored[1]
    if not by_records:
        locked = hooks.stage_lock(enterprise)
        if locked:
            raise ServiceError(locked, field="stage")
    if stage == enterprise.stage:
        raise ServiceError(f"企业已处于“{enterprise.get_stage_display()}”阶段", field="stage")
    if on > timezone.localdate():
        raise ServiceError("变更日期不能晚于今天", field="on")
    last = enterprise.stage_changes.order_by("-changed_on", "-id").first()
    if last is not None and on < last.changed_on:
        raise ServiceError(f"变更日期不能早于上一次阶段变更（{last.changed_on:%Y-%m-%d}）", field="on")
    change = StageChange.objects.create(
        enterprise=enterprise,
        district_id=enterprise.district_id,
        from_stage=enterprise.stage,
        to_stage=stage,
        changed_on=on,
        note=note,
        created_by=actor,
    )
    enterprise.stage = stage
    enterprise.stage_since = on
    enterprise._history_user = actor
    enterprise._change_reason = f"培育阶段变更：{note}" if note else "培育阶段变更"
    enterprise.save(update_fields=["stage", "stage_since", "updated_at"])
    _count_move(stored, (stored[0], stage))  # update_fields: the stored district stays
    return change


def enterprise_lock(enterprise: Enterprise) -> None:
    """Lock the firm's row until the transaction ends (PostgreSQL; SQLite writes one transaction at a time):
    the services of the firm's records (years, 科小/高企/培育库 …) call it first, so two entries for one firm
    at once are checked one after the other, each seeing what the other wrote."""
    _stored_place(enterprise)


# ------------------------------------------------------------------ the district × stage counter

Place = tuple[int, str]  # (district id, stage)


def _stored_place(enterprise: Enterprise) -> Place:
    """The firm's district and stage as the database holds them, the row locked until the transaction ends
    (PostgreSQL; SQLite writes one transaction at a time), so the counter moves from what was stored even if
    ``enterprise`` is a stale instance."""
    return Enterprise.objects.select_for_update().values_list("district_id", "stage").get(pk=enterprise.pk)


def _count_move(before: Place | None, after: Place | None) -> None:
    """One firm leaves ``before`` and enters ``after`` (None: not in the register) in the counter. Atomic
    ``n = n ± 1`` updates in the caller's transaction, in a fixed order so two services cannot deadlock on
    the rows they both move."""
    if before == after:
        return
    deltas: dict[Place, int] = {}
    if before is not None:
        deltas[before] = -1
    if after is not None:
        deltas[after] = deltas.get(after, 0) + 1
    pending = _DEFERRED.get()
    if pending is not None:  # an import: applied once, at its end
        for place, delta in deltas.items():
            pending[place] = pending.get(place, 0) + delta
        return
    _apply_counts(deltas)


_DEFERRED: ContextVar[dict[Place, int] | None] = ContextVar("keguan_deferred_stage_counts", default=None)


@contextmanager
def counts_deferred():
    """Within this block the counter's moves are added up and applied once when it ends (inside the caller's
    transaction): an import of thousands of firms then locks each district's counter rows only for its last
    moment, not for its whole run, and a clerk changing a stage elsewhere in the district does not wait for
    it. Nothing is applied when the block fails (its transaction is rolled back anyway)."""
    if _DEFERRED.get() is not None:  # already deferring: the outer block applies
        yield
        return
    token = _DEFERRED.set({})
    try:
        yield
        deltas = _DEFERRED.get()
    finally:
        _DEFERRED.reset(token)
    _apply_counts({place: delta for place, delta in deltas.items() if delta})


def _apply_counts(deltas: dict[Place, int]) -> None:
    for (district_id, stage), delta in sorted(deltas.items()):
        rows = DistrictStageCount.objects.filter(district_id=district_id, stage=stage)
        if rows.update(n=F("n") + delta):
            continue
        try:
            with transaction.atomic():  # a savepoint: another transaction may create the same row first
                DistrictStageCount.objects.create(district_id=district_id, stage=stage, n=delta)
        except IntegrityError:
            rows.update(n=F("n") + delta)


@transaction.atomic
def stage_counts_rebuild() -> int:
    """Recount the district × stage counter from the register: after bulk loads that bypass the services
    (the demo generator) or to repair it (``keguan recount``). Returns the number of firms counted."""
    if connection.vendor == "postgresql":
        # Services that move the counter meanwhile wait for this transaction and then apply their move on
        # top of the recount; the ones that moved it before are committed before the recount reads.
        table = connection.ops.quote_name(DistrictStageCount._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    rows = Enterprise.objects.values_list("district_id", "stage").annotate(n=Count("*")).order_by()
    counts = [DistrictStageCount(district_id=district_id, stage=stage, n=n) for district_id, stage, n in rows]
    DistrictStageCount.objects.all().delete()
    DistrictStageCount.objects.bulk_create(counts)
    return sum(c.n for c in counts)


@transaction.atomic
def label_add(*, enterprise: Enterprise, actor, kind: str, level: str, year: int) -> EnterpriseLabel:
    if EnterpriseLabel.objects.filter(enterprise=enterprise, kind=kind, level=level, year=year).exists():
        raise ServiceError("该称号已登记", field="kind")
    if year < 1990 or year > timezone.localdate().year + 1:
        raise ServiceError("认定年度不合理", field="year")
    label = EnterpriseLabel(enterprise=enterprise, kind=kind, level=level, year=year)
    label._history_user = actor
    label._change_reason = "登记企业称号"
    label.save()
    return label


@transaction.atomic
def label_remove(*, label: EnterpriseLabel, actor) -> None:
    label._history_user = actor
    label._change_reason = "删除企业称号"
    label.delete()




# What a year row may hold: money fits DecimalField(max_digits=16, decimal_places=2); counts stay sensible.
MONEY_LIMIT = Decimal("99999999999999.99")
COUNT_LIMIT = 10_000_000


def year_figure_limit(key: str) -> tuple[Decimal | int, str]:
    """The largest value of year field ``key`` and the Chinese message naming it."""
    field = EnterpriseYear._meta.get_field(key)
    label = field.verbose_name
    if key in YEAR_MONEY:
        return MONEY_LIMIT, f"{str(label).removesuffix('（元）')}超出上限（约 100 万亿元），请核对金额单位"
    return COUNT_LIMIT, f"{label}不能超过 1000 万，请核对"


def check_year_figures(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Range and cross-field checks on one year's figures: (field, message) pairs."""
    problems: list[tuple[str, str]] = []
    for key in YEAR_STORED:
        v = values.get(key)
        if v is not None:
            limit, message = year_figure_limit(key)
            if abs(v) > limit:
                problems.append((key, message))
    if problems:
        return problems
    emp, st = values.get("employees"), values.get("st_staff")
    if emp is not None and st is not None and st > emp:
        problems.append(("st_staff", f"科技人员（{people(st)}人）不能多于从业人员（{people(emp)}人）"))
    for key in YEAR_STORED:
        v = values.get(key)
        if key != "net_assets" and v is not None and v < 0:
            label = EnterpriseYear._meta.get_field(key).verbose_name
            problems.append((key, f"{label}不能为负数"))
    cost = values.get("total_cost")
    rd = (values.get("rd_domestic") or 0) + (values.get("rd_abroad") or 0)
    if cost is not None and rd > cost:
        problems.append(("rd_domestic", "研发费用合计不能大于成本费用总额"))
    ta, na = values.get("total_assets"), values.get("net_assets")
    if ta is not None and na is not None and na > ta:
        problems.append(("net_assets", "净资产不能大于资产总额"))
    sales, ht, income = values.get("sales_revenue"), values.get("hightech_income"), values.get("total_income")
    if income is not None and ht is not None and ht > income:
        problems.append(("hightech_income", "高新技术产品（服务）收入不能大于总收入"))
    elif income is None and sales is not None and ht is not None and ht > sales:
        problems.append(("hightech_income", "高新技术产品（服务）收入不能大于销售收入（未填总收入时）"))
    if income is not None and sales is not None and income < sales:
        problems.append(("total_income", "总收入不能小于销售收入（总收入包括销售收入和其他收入）"))
    return problems


def year_row_exists_message(year: int) -> str:
    return f"{year}年数据已存在，请在年度数据中修改"


def year_figures_same(row: EnterpriseYear, values: dict[str, Any]) -> bool:
    """True when ``row`` already holds ``values``: saving them again changes nothing."""
    return all(getattr(row, key) == value for key, value in values.items())


def _stored_year(enterprise: Enterprise, year: int) -> EnterpriseYear | None:
    return EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()


@transaction.atomic
def year_figures_save(
    *, enterprise: Enterprise, actor, year: int, version: int | None = None, new: bool = False, **values: Any
) -> EnterpriseYear:
    """Store one year's figures (a new row or an update). ``version``: the version an edit form was read at
    (a stale one is refused with what changed, ``keguan.core.versioning``). ``new``: the user filled in a new
    year; when that year already holds the same figures (a second submit) nothing changes, other figures are
    refused."""
    unknown = set(values) - set(YEAR_STORED)
    if unknown:
        raise TypeError(f"unknown fields: {unknown}")
    this_year = timezone.localdate().year
    if year < 1990 or year > this_year:
        raise ServiceError(f"年度应在1990至{this_year}之间", field="year")
    enterprise_lock(enterprise)  # one writer of a firm's years at a time
    row = _stored_year(enterprise, year)
    if new and row is not None:
        if year_figures_same(row, values):
            return row  # the same form submitted twice
        raise ServiceError(year_row_exists_message(year), field="year")
    if row is not None:
        claim(row, version, fields=list(YEAR_STORED))
    # Check the row as it will be stored: a partial update is checked against the stored figures.
    stored = {key: getattr(row, key) for key in YEAR_STORED} if row else {}
    problems = check_year_figures({**stored, **values})
    if problems:
        field, message = problems[0]
        raise ServiceError(message, field=field)
    reason = "修改年度数据" if row else "填报年度数据"
    if row is None:
        row = EnterpriseYear(enterprise=enterprise, year=year)
    for key, value in values.items():
        setattr(row, key, value)
    row._history_user = actor
    row._change_reason = reason
    try:
        with transaction.atomic():  # a savepoint: a concurrent submit may store the same year first
            row.save()
    except IntegrityError:
        stored = EnterpriseYear.objects.filter(enterprise=enterprise, year=year).first()
        if stored is not None and year_figures_same(stored, values):
            return stored
        raise ServiceError(year_row_exists_message(year), field="year") from None
    return row


@transaction.atomic
def year_figures_delete(*, row: EnterpriseYear, actor) -> None:
    row._history_user = actor
    row._change_reason = "删除年度数据"
    row.delete()


def credit_code_elsewhere(credit_code: str, district) -> str | None:
    """A note when the credit code's registration authority (digits 3–8) lies in another province than
    ``district``: possible (a firm that moved keeps its code) but often a mistyped code or the wrong district.
    None when they agree or the code names no province."""
    province = credit_code_province(credit_code)
    if province is None or not district.code or credit_code[2:4] == district.code[:2]:
        return None
    return (f"统一社会信用代码第3–8位（{credit_code[2:8]}）表示登记机关在{province}，与所属区县{district.name}"
            f"（{PROVINCES.get(district.code[:2], '')}）不在同一省份，请核对代码和所属区县")
