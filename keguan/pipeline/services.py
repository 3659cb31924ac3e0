"""The only code that writes the pipeline's qualification records. Each service runs in one transaction,
records its change in the history (who, when, old → new) and then brings the firm's stage in line with its
records (``keguan.pipeline.stages``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.enterprises.models import Enterprise
from keguan.enterprises.services import enterprise_lock
from keguan.regions.models import Region, RegionLevel

from .models import (
    APP_ORDER,
    ESTIMATE_FIELDS,
    ApplicationStep,
    AppStatus,
    CultivationPool,
    ExitReason,
    FactKind,
    HnteApplication,
    HnteBatch,
    HnteCertificate,
    HnteEstimate,
    PoolMember,
    RecordedFact,
    TechSmeRecord,
    TutoringVisit,
)
from .stages import sync_stage

SME_FIRST_YEAR = 2017  # 科技型中小企业评价 began in 2017 (国科发政〔2017〕115号)
SME_NUMBER = re.compile(r"^[0-9A-Za-z]{8,32}$")
CERT_NUMBER = re.compile(r"^G[RF]\d{12}$")


def _save(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()


def _not_future(day: dt.date, field_name: str, label: str) -> None:
    if day > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天", field=field_name)


# --- 科小 evaluation records ------------------------------------------------------------------------------------


def sme_record_check(
    *,
    year: int | None,
    number: str | None,
    registered_on: dt.date | None,
    today: dt.date,
    year_taken: Callable[[int], bool] | None = None,
    number_taken: Callable[[str], bool] | None = None,
) -> list[tuple[str, str]]:
    """The rules of a new 科小 入库 record, stated once for ``sme_record_add`` and the 入库名单 import kind
    (``exchange.SME_RECORDS``): ``(field, message)`` for each problem, in the order they are told (the service refuses with the first).

    ``number`` as stored (stripped, upper case). A value the caller could not read (None) is the caller's to
    report; the rules that need it are skipped. Only when the values themselves are sound are the stored
    records asked about, through the lookups passed in (no database access here): ``year_taken(year)``, the
    firm already has a record of that evaluation year; ``number_taken(number)``, the 入库登记编号 is registered."""
    problems: list[tuple[str, str]] = []
    if year is not None and not SME_FIRST_YEAR <= year <= today.year:
        problems.append(("year", f"评价年度应在{SME_FIRST_YEAR}至{today.year}之间"))
    if number is not None and not SME_NUMBER.match(number):
        problems.append(("number", "入库登记编号应为8至32位数字或字母（以评价系统公告为准）"))
    if registered_on is not None:
        if registered_on > today:
            problems.append(("registered_on", "入库日期不能晚于今天"))
        elif year is not None and registered_on.year != year:
            problems.append(("registered_on", f"入库日期应在评价年度{year}年内"))
    if problems or year is None or number is None or registered_on is None:
        return problems
    if year_taken is not None and year_taken(year):
        problems.append(("year", f"该企业{year}年的科小入库记录已登记"))
    if number_taken is not None and number_taken(number):
        problems.append(("number", f"入库登记编号 {number} 已被登记，请核对"))
    return problems


@transaction.atomic
def sme_record_add(*, enterprise: Enterprise, actor, year: int, number: str, registered_on: dt.date) -> TechSmeRecord:
    enterprise_lock(enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    number = (number or "").strip().upper()
    problems = sme_record_check(
        year=year, number=number, registered_on=registered_on, today=timezone.localdate(),
        year_taken=lambda y: TechSmeRecord.objects.filter(enterprise=enterprise, year=y).exists(),
        number_taken=lambda n: TechSmeRecord.objects.filter(number=n).exists(),
    )
    if problems:
        field_name, message = problems[0]
        raise ServiceError(message, field=field_name)
    record = TechSmeRecord(enterprise=enterprise, district_id=enterprise.district_id, year=year, number=number,
                           registered_on=registered_on, created_by=actor)
    _save(record, actor, "登记科小入库")
    sync_stage(enterprise, actor=actor)
    return record


@transaction.atomic
def sme_record_remove(*, record: TechSmeRecord, actor, on: dt.date, reason: str) -> TechSmeRecord:
    """移出: the record stays (it was true until ``on``); the firm is no longer 入库 from that day."""
    enterprise_lock(record.enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    if record.removed_on is not None:
        raise ServiceError("该入库记录已移出", field="on")
    if not reason.strip():
        raise ServiceError("请填写移出原因", field="reason")
    _not_future(on, "on", "移出日期")
    if on <= record.registered_on:
        raise ServiceError("移出日期应晚于入库日期", field="on")
    record.removed_on, record.removed_reason = on, reason.strip()
    _save(record, actor, "科小移出")
    sync_stage(record.enterprise, actor=actor)
    return record


@transaction.atomic
def sme_record_delete(*, record: TechSmeRecord, actor) -> None:
    """Delete a record entered by mistake."""
    enterprise_lock(record.enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    enterprise = record.enterprise
    record._history_user = actor
    record._change_reason = "删除误录的科小入库记录"
    record.delete()
    sync_stage(enterprise, actor=actor)


# --- 高企 batches, applications, certificates ------------------------------------------------------------------


@transaction.atomic
def batch_create(*, year: int, seq: int, deadline: dt.date | None = None, note: str = "") -> HnteBatch:
    this_year = timezone.localdate().year
    if not 2008 <= year <= this_year + 1:
        raise ServiceError(f"年度应在2008至{this_year + 1}之间", field="year")
    if not 1 <= seq <= 10:
        raise ServiceError("批次应在1至10之间", field="seq")
    if HnteBatch.objects.filter(year=year, seq=seq).exists():
        raise ServiceError(f"{HnteBatch(year=year, seq=seq)}已存在", field="seq")
    return HnteBatch.objects.create(year=year, seq=seq, deadline=deadline, note=note)


@transaction.atomic
def application_create(
    *, enterprise: Enterprise, actor, batch: HnteBatch, on: dt.date, note: str = ""
) -> HnteApplication:
    enterprise_lock(enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    _not_future(on, "on", "登记日期")
    if HnteApplication.objects.filter(enterprise=enterprise, batch=batch).exists():
        raise ServiceError(f"该企业已登记{batch}的申报", field="batch")
    open_app = HnteApplication.objects.filter(enterprise=enterprise).exclude(
        status__in=[AppStatus.RECOGNISED, AppStatus.REJECTED]
    ).select_related("batch").first()
    if open_app is not None:
        raise ServiceError(
            f"该企业{open_app.batch}的申报尚在进行中（{open_app.get_status_display()}），请先办结", field="batch"
        )
    app = HnteApplication(
        enterprise=enterprise, district_id=enterprise.district_id, batch=batch, status=AppStatus.PLANNED, status_on=on, note=note, created_by=actor
    )
    _save(app, actor, "登记高企申报")
    ApplicationStep.objects.create(application=app, from_status="", to_status=AppStatus.PLANNED, on=on,
                                   note=note or "登记拟申报", created_by=actor)
    return app


@transaction.atomic
def application_move(
    *,
    application: HnteApplication,
    actor,
    status: str,
    on: dt.date,
    note: str = "",
    certificate_no: str = "",
    issued_on: dt.date | None = None,
) -> HnteApplication:
    """Move an application to a later status (or to 未通过). Moving to 认定 records the certificate, closes the
    firm's pool membership as "认定为高新技术企业" and moves its stage."""
    enterprise_lock(application.enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    app = HnteApplication.objects.select_for_update().get(pk=application.pk)
    allowed = dict(app.next_statuses())
    if app.is_final:
        raise ServiceError(f"该申报已办结（{app.get_status_display()}），不能再变更", field="status")
    if status not in allowed:
        raise ServiceError("只能推进到后续状态或“未通过”", field="status")
    _not_future(on, "on", "日期")
    if on < app.status_on:
        raise ServiceError(f"日期不能早于上一步（{app.status_on:%Y-%m-%d}）", field="on")
    if status == AppStatus.RECOGNISED:
        issued_on = issued_on or on
        certificate_no = (certificate_no or "").strip().upper()
        if not certificate_no:
            raise ServiceError("认定时请填写高新技术企业证书编号", field="certificate_no")
    step = ApplicationStep(application=app, from_status=app.status, to_status=status, on=on, note=note, created_by=actor)
    app.status, app.status_on = status, on
    if app.submitted_on is None and APP_ORDER[status] >= APP_ORDER[AppStatus.SUBMITTED] and status != AppStatus.REJECTED:
        app.submitted_on = on
    if status in (AppStatus.RECOGNISED, AppStatus.REJECTED):
        app.decided_on = on
    _save(app, actor, f"高企申报：{AppStatus(status).label}")
    step.save()
    if status == AppStatus.RECOGNISED:
        _certificate_create(
            enterprise=app.enterprise, actor=actor, number=certificate_no, issued_on=issued_on, application=app
        )
        member = PoolMember.objects.filter(enterprise=app.enterprise, exited_on__isnull=True).first()
        if member is not None and member.entered_on <= issued_on:
            member.exited_on, member.exit_reason = issued_on, ExitReason.RECOGNISED
            member.exit_note = f"{app.batch}认定"
            _save(member, actor, "认定为高新技术企业，出库")
    sync_stage(app.enterprise, actor=actor)
    return app


def _certificate_create(*, enterprise, actor, number: str, issued_on: dt.date, application=None) -> HnteCertificate:
    number = (number or "").strip().upper()
    if not CERT_NUMBER.match(number):
        raise ServiceError("证书编号格式应为GR加12位数字（如GR202245000123）", field="certificate_no")
    _not_future(issued_on, "issued_on", "发证日期")
    if HnteCertificate.objects.filter(number=number).exists():
        raise ServiceError(f"证书编号 {number} 已登记，请核对", field="certificate_no")
    cert = HnteCertificate(
        enterprise=enterprise, application=application, number=number, issued_on=issued_on,
        expires_on=HnteCertificate.expiry_for(issued_on), created_by=actor,
    )
    _save(cert, actor, "登记高企证书")
    return cert


@transaction.atomic
def certificate_add(*, enterprise: Enterprise, actor, number: str, issued_on: dt.date) -> HnteCertificate:
    """A certificate won before keguan (or recorded late): no application behind it."""
    enterprise_lock(enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    cert = _certificate_create(enterprise=enterprise, actor=actor, number=number, issued_on=issued_on)
    sync_stage(enterprise, actor=actor)
    return cert


@transaction.atomic
def certificate_delete(*, certificate: HnteCertificate, actor) -> None:
    enterprise_lock(certificate.enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    if certificate.application_id is not None:
        raise ServiceError("该证书来自已认定的申报记录，不能单独删除")
    enterprise = certificate.enterprise
    certificate._history_user = actor
    certificate._change_reason = "删除误录的高企证书"
    certificate.delete()
    sync_stage(enterprise, actor=actor)


# --- cultivation pools --------------------------------------------------------------------------------------


@transaction.atomic
def pool_create(
    *, district: Region, actor, start_year: int, end_year: int, name: str = "", note: str = ""
) -> CultivationPool:
    if district.level != RegionLevel.COUNTY:
        raise ServiceError("培育库只能建在区/县", field="district")
    if end_year < start_year:
        raise ServiceError("截止年度不能早于起始年度", field="end_year")
    if end_year - start_year > 5:
        raise ServiceError("培育周期不宜超过6年", field="end_year")
    if CultivationPool.objects.filter(district=district, start_year=start_year, end_year=end_year).exists():
        raise ServiceError(f"{district.name}已建立{start_year}-{end_year}年的培育库", field="start_year")
    years = f"{start_year}-{end_year}" if end_year != start_year else f"{start_year}"
    pool = CultivationPool(
        district=district, name=(name or "").strip() or f"{years}年高企培育库", start_year=start_year,
        end_year=end_year, note=note, created_by=actor,
    )
    _save(pool, actor, "建立培育库")
    return pool


def _check_join(pool: CultivationPool, enterprise: Enterprise, on: dt.date) -> None:
    if enterprise.district_id != pool.district_id:
        raise ServiceError(f"“{enterprise.name}”不属于{pool.district.name}，不能加入该区培育库", field="enterprise")
    if not pool.start_year <= on.year <= pool.end_year:
        raise ServiceError(f"入库日期应在培育库的年度（{pool.years_label}）内", field="on")
    open_member = PoolMember.objects.filter(enterprise=enterprise, exited_on__isnull=True).select_related("pool").first()
    if open_member is not None:
        raise ServiceError(f"“{enterprise.name}”已在{open_member.pool.name}中", field="enterprise")
    last_exit = PoolMember.objects.filter(enterprise=enterprise).order_by("-exited_on").values_list("exited_on", flat=True).first()
    if last_exit is not None and on < last_exit:  # stays never overlap (the indicators count on it)
        raise ServiceError(f"“{enterprise.name}”于{last_exit:%Y-%m-%d}出库，重新入库日期不能早于该日", field="enterprise")
    if enterprise.hnte_certificates.filter(issued_on__lte=on, expires_on__gte=on).exists():
        raise ServiceError(f"“{enterprise.name}”已是有效期内的高新技术企业，无需入库培育", field="enterprise")


@transaction.atomic
def pool_add(*, pool: CultivationPool, enterprise: Enterprise, actor, on: dt.date, reason: str) -> PoolMember:
    enterprise_lock(enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    _not_future(on, "on", "入库日期")
    if not reason.strip():
        raise ServiceError("请填写入库理由（如：预审符合高企条件、研发投入达标）", field="reason")
    _check_join(pool, enterprise, on)
    member = PoolMember(pool=pool, enterprise=enterprise, district_id=enterprise.district_id, entered_on=on, entry_reason=reason.strip(), created_by=actor)
    try:
        with transaction.atomic():
            _save(member, actor, "加入培育库")
    except IntegrityError as exc:  # a concurrent join of the same firm
        raise ServiceError(f"“{enterprise.name}”已在培育库中", field="enterprise") from exc
    sync_stage(enterprise, actor=actor)
    return member


@dataclass
class JoinResult:
    added: list[PoolMember] = field(default_factory=list)
    skipped: list[tuple[Enterprise, str]] = field(default_factory=list)


def pool_add_many(
    *, pool: CultivationPool, enterprises: Iterable[Enterprise], actor, on: dt.date, reason: str
) -> JoinResult:
    """Add several firms (chosen on the pre-check list); the ones that cannot join are reported, not fatal."""
    result = JoinResult()
    for enterprise in enterprises:
        try:
            result.added.append(pool_add(pool=pool, enterprise=enterprise, actor=actor, on=on, reason=reason))
        except ServiceError as exc:
            if exc.field in ("on", "reason"):
                raise
            result.skipped.append((enterprise, exc.message))
    return result


@transaction.atomic
def pool_exit(*, member: PoolMember, actor, on: dt.date, reason: str, note: str = "") -> PoolMember:
    enterprise_lock(member.enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    if member.exited_on is not None:
        raise ServiceError("该企业已出库", field="on")
    if reason not in ExitReason.values:
        raise ServiceError("请选择出库原因", field="reason")
    _not_future(on, "on", "出库日期")
    if on < member.entered_on:
        raise ServiceError(f"出库日期不能早于入库日期（{member.entered_on:%Y-%m-%d}）", field="on")
    member.exited_on, member.exit_reason, member.exit_note = on, reason, note.strip()
    _save(member, actor, f"出库：{ExitReason(reason).label}")
    sync_stage(member.enterprise, actor=actor)
    return member


def follow_move(enterprise: Enterprise) -> None:
    """The firm moved to another district: its records count there from now on (as its stage history does).
    Called by ``keguan.enterprises.services.enterprise_update``."""
    for model in (TechSmeRecord, HnteApplication, PoolMember):
        model.objects.filter(enterprise=enterprise).exclude(district_id=enterprise.district_id).update(
            district_id=enterprise.district_id
        )


# --- recorded facts ---------------------------------------------------------------------------------------


@transaction.atomic
def fact_add(*, enterprise: Enterprise, actor, kind: str, year: int, note: str = "") -> RecordedFact:
    """A fact the official rules ask about (an accident, a national award …), for the self-check and pre-check."""
    enterprise_lock(enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    if kind not in FactKind.values:
        raise ServiceError("请选择事项", field="kind")
    this_year = timezone.localdate().year
    if not 1990 <= year <= this_year:
        raise ServiceError(f"年度应在1990至{this_year}之间", field="year")
    if RecordedFact.objects.filter(enterprise=enterprise, kind=kind, year=year).exists():
        raise ServiceError(f"{year}年的“{FactKind(kind).label}”已登记", field="kind")
    fact = RecordedFact(enterprise=enterprise, kind=kind, year=year, note=note.strip(), created_by=actor)
    _save(fact, actor, "登记事项")
    return fact


@transaction.atomic
def fact_delete(*, fact: RecordedFact, actor) -> None:
    enterprise_lock(fact.enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    fact._history_user = actor
    fact._change_reason = "删除登记事项"
    fact.delete()


# --- tutoring -----------------------------------------------------------------------------------------------


@transaction.atomic
def visit_add(
    *, enterprise: Enterprise, actor, visited_on: dt.date, topic: str, tutor: str, content: str, next_step: str = ""
) -> TutoringVisit:
    enterprise_lock(enterprise)  # one entry for a firm at a time (keguan.enterprises.services)
    _not_future(visited_on, "visited_on", "辅导日期")
    if not content.strip():
        raise ServiceError("请填写辅导情况", field="content")
    if not tutor.strip():
        raise ServiceError("请填写辅导人或机构", field="tutor")
    visit = TutoringVisit(
        enterprise=enterprise, visited_on=visited_on, topic=topic, tutor=tutor.strip(), content=content.strip(),
        next_step=next_step.strip(), created_by=actor,
    )
    _save(visit, actor, "登记辅导")
    return visit


@transaction.atomic
def estimate_save(*, enterprise: Enterprise, actor, year: int, version: int | None = None, **values) -> HnteEstimate:
    """Keep staff's estimates of the expert-judged parts of the 高企 score for ``year`` (the application year);
    a value left out or blank means "not estimated". ``version``: the version the form was read at."""
    from keguan.core.versioning import claim

    unknown = set(values) - set(ESTIMATE_FIELDS)
    if unknown:
        raise TypeError(f"unknown estimates: {sorted(unknown)}")
    enterprise_lock(enterprise)
    row = HnteEstimate.objects.filter(enterprise=enterprise, year=year).first()
    if row is None:
        row = HnteEstimate(enterprise=enterprise, year=year)
    elif version is not None:
        claim(row, version, fields=list(ESTIMATE_FIELDS))
    for name in ESTIMATE_FIELDS:
        value = values.get(name)
        blank = "" if isinstance(HnteEstimate._meta.get_field(name), models.CharField) else None
        setattr(row, name, blank if value in (None, "") else value)
    row.updated_by = actor
    row._history_user = actor
    row.save()
    return row
