"""The only code that writes 创新平台与人才 records. Each service runs in one transaction, checks the record's rules
in Chinese (``ServiceError`` naming the field) and stamps its history row (who, why). Edits made in a form carry
the version the form was read at (``keguan.core.versioning.claim``): a stale save is refused.

A recognition's 认定 grants the enterprise's label through ``keguan.enterprises.services.label_add`` in the same
transaction, once: a label already registered (by hand, or by an earlier import) is not added again.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from keguan.core import dictionary
from keguan.core.deletion import Deletion, Deletions
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.versioning import claim
from keguan.enterprises.models import EnterpriseLabel, LabelKind, LabelLevel
from keguan.enterprises.services import label_add
from keguan.rules import recognition_flow as flow

from .models import (
    Agreement,
    AgreementStatus,
    ForeignExpert,
    Grade,
    JointProject,
    Level,
    Outcome,
    Platform,
    PlatformApplication,
    PlatformEvaluation,
    PlatformStatus,
    Recognition,
    Talent,
)

MAX_AMOUNT = Decimal("99999999999999.99")  # 元: what the amount fields hold
EXCLUDED_TITLES = frozenset({LabelKind.ABOVE_SIZE, LabelKind.FOUR_ABOVE})  # statistical labels, not applied for
TITLE_CHOICES = [(k, v) for k, v in LabelKind.choices if k not in EXCLUDED_TITLES]
TITLE_LEVELS = list(LabelLevel.choices)


def _today() -> dt.date:
    return timezone.localdate()


def _year_ok(year: int | None, field: str, label: str) -> None:
    if year is None:
        raise ServiceError(f"请填写{label}", field=field)
    if year < 1980 or year > _today().year + 1:
        raise ServiceError(f"{label}不合理（1980年至明年）", field=field)


def _date_ok(day: dt.date | None, field: str, label: str, *, required: bool = True) -> None:
    if day is None:
        if required:
            raise ServiceError(f"请填写{label}", field=field)
        return
    if day > _today():
        raise ServiceError(f"{label}不能晚于今天", field=field)
    if day.year < 1980:
        raise ServiceError(f"{label}不合理", field=field)


def _amount_ok(amount: Decimal | None, field: str) -> None:
    if amount is not None and (amount < 0 or amount > MAX_AMOUNT):
        raise ServiceError("金额须在0至约1万亿万元之间，请核对单位（万元）", field=field)


def _firm_ok(enterprise, district) -> None:
    if enterprise is not None and enterprise.district_id != district.pk:
        raise ServiceError(f"“{enterprise.name}”不是{district.name}的企业", field="enterprise")


def _kind_ok(kind: str) -> None:
    if kind not in {i.code for i in dictionary.items("platform_kind")}:
        raise ServiceError("请从数据字典“创新平台类型”中选择平台类型", field="kind")


def _level_ok(level: str) -> None:
    if level not in Level.values:
        raise ServiceError("请选择级别（国家级、省级、市级、区县级）", field="level")


def _save(obj, *, actor, reason: str, data: dict[str, Any], version: int | None = None):
    """Apply ``data`` to a stored ``obj`` (locked and version-checked) and save it with its history stamp."""
    if obj.pk is not None and hasattr(obj, "version"):
        claim(obj, version, fields=[k for k in data if k != "version"])
    for key, value in data.items():
        setattr(obj, key, value)
    stamp(obj, actor, reason)
    obj.save()
    return obj


# --- platforms ------------------------------------------------------------------------------------------

PLATFORM_FIELDS = ("kind", "level", "name", "host", "enterprise", "approved_year", "approval_doc", "status",
                   "revoked_year", "field", "note")


def _platform_check(district, data: dict[str, Any]) -> None:
    _kind_ok(data.get("kind", ""))
    _level_ok(data.get("level", ""))
    if not (data.get("name") or "").strip():
        raise ServiceError("请填写平台名称", field="name")
    if not (data.get("host") or "").strip():
        raise ServiceError("请填写依托单位", field="host")
    _year_ok(data.get("approved_year"), "approved_year", "认定/批准年度")
    _firm_ok(data.get("enterprise"), district)
    status = data.get("status") or PlatformStatus.RUNNING
    if status not in PlatformStatus.values:
        raise ServiceError("请选择状态", field="status")
    revoked = data.get("revoked_year")
    if status == PlatformStatus.REVOKED:
        _year_ok(revoked, "revoked_year", "撤销年度")
        if revoked < data["approved_year"]:
            raise ServiceError("撤销年度不能早于认定/批准年度", field="revoked_year")
    elif revoked:
        raise ServiceError("只有已撤销的平台填写撤销年度", field="revoked_year")


@transaction.atomic
def platform_create(*, actor, district, reason: str = "登记创新平台", **data: Any) -> Platform:
    data = {k: data.get(k) for k in PLATFORM_FIELDS if k in data}
    data.setdefault("status", PlatformStatus.RUNNING)
    _platform_check(district, data)
    clean = {k: ("" if v is None and k in ("approval_doc", "field", "note") else v) for k, v in data.items()}
    return _save(Platform(district=district), actor=actor, reason=reason, data=clean)


@transaction.atomic
def platform_update(*, actor, platform: Platform, version: int | None = None, reason: str = "修改创新平台",
                    **data: Any) -> Platform:
    merged = {k: getattr(platform, k) for k in PLATFORM_FIELDS}
    merged.update({k: v for k, v in data.items() if k in PLATFORM_FIELDS})
    _platform_check(platform.district, merged)
    return _save(platform, actor=actor, reason=reason, data=merged, version=version)


@transaction.atomic
def platform_revoke(*, actor, platform: Platform, year: int, note: str = "", version: int | None = None) -> Platform:
    if platform.status == PlatformStatus.REVOKED:
        raise ServiceError("该平台已撤销", field="year")
    _year_ok(year, "year", "撤销年度")
    if year < platform.approved_year:
        raise ServiceError("撤销年度不能早于认定/批准年度", field="year")
    data: dict[str, Any] = {"status": PlatformStatus.REVOKED, "revoked_year": year}
    if note.strip():
        data["note"] = f"{platform.note}；{note.strip()}".strip("；")[:500]
    return _save(platform, actor=actor, reason="撤销创新平台", data=data, version=version)


@transaction.atomic
def evaluation_set(*, actor, platform: Platform, year: int, grade: str, note: str = "",
                   reason: str = "登记平台考核") -> tuple[PlatformEvaluation, bool]:
    """The platform's evaluation of ``year`` (one per year): added, or the year's one changed."""
    _year_ok(year, "year", "考核年度")
    if year < platform.approved_year:
        raise ServiceError("考核年度不能早于平台的认定/批准年度", field="year")
    if grade not in Grade.values:
        raise ServiceError("请选择考核结果（优秀、良好、合格、不合格）", field="grade")
    Platform.objects.select_for_update().filter(pk=platform.pk).first()
    row = PlatformEvaluation.objects.filter(platform=platform, year=year).first()
    created = row is None
    row = row or PlatformEvaluation(platform=platform, year=year)
    _save(row, actor=actor, reason=reason, data={"grade": grade, "note": (note or "")[:300]})
    return row, created


# --- platform applications ------------------------------------------------------------------------------

APPLICATION_FIELDS = ("kind", "level", "name", "host", "enterprise", "applied_on", "note")


def _application_check(district, data: dict[str, Any]) -> None:
    _kind_ok(data.get("kind", ""))
    _level_ok(data.get("level", ""))
    if not (data.get("name") or "").strip():
        raise ServiceError("请填写拟建平台名称", field="name")
    if not (data.get("host") or "").strip():
        raise ServiceError("请填写依托单位", field="host")
    _date_ok(data.get("applied_on"), "applied_on", "申报日期")
    _firm_ok(data.get("enterprise"), district)


@transaction.atomic
def application_create(*, actor, district, reason: str = "登记平台申报", **data: Any) -> PlatformApplication:
    data = {k: data.get(k) for k in APPLICATION_FIELDS if k in data}
    data["note"] = data.get("note") or ""
    _application_check(district, data)
    return _save(PlatformApplication(district=district), actor=actor, reason=reason, data=data)


@transaction.atomic
def application_update(*, actor, application: PlatformApplication, version: int | None = None,
                       reason: str = "修改平台申报", **data: Any) -> PlatformApplication:
    merged = {k: getattr(application, k) for k in APPLICATION_FIELDS}
    merged.update({k: v for k, v in data.items() if k in APPLICATION_FIELDS})
    merged["note"] = merged.get("note") or ""
    _application_check(application.district, merged)
    return _save(application, actor=actor, reason=reason, data=merged, version=version)


@transaction.atomic
def application_decide(*, actor, application: PlatformApplication, outcome: str, on: dt.date | None,
                       platform: Platform | None = None, approval_doc: str = "", version: int | None = None,
                       reason: str = "登记平台申报结果") -> PlatformApplication:
    """The outcome of an application. 获批 creates the platform in the same step (运行, approved in ``on``'s year,
    with the application's kind, level, name and host), or links ``platform`` when it is already registered
    (the same district's). 评审中 takes a decided application back (its platform stays, unlinked)."""
    if outcome not in Outcome.values:
        raise ServiceError("请选择结果", field="outcome")
    if outcome == Outcome.PENDING:
        return _save(application, actor=actor, reason=reason, version=version,
                     data={"outcome": outcome, "decided_on": None, "platform": None})
    _date_ok(on, "decided_on", "结果日期")
    if on < application.applied_on:
        raise ServiceError("结果日期不能早于申报日期", field="decided_on")
    data: dict[str, Any] = {"outcome": outcome, "decided_on": on}
    if outcome == Outcome.APPROVED:
        if platform is not None:
            if platform.district_id != application.district_id:
                raise ServiceError("只能关联本区县的平台", field="platform")
            taken = PlatformApplication.objects.filter(platform=platform).exclude(pk=application.pk).first()
            if taken is not None:
                raise ServiceError(f"该平台已关联申报“{taken.name}”", field="platform")
        elif application.platform_id is None:
            platform = platform_create(
                actor=actor, district=application.district, reason="平台申报获批", kind=application.kind,
                level=application.level, name=application.name, host=application.host,
                enterprise=application.enterprise, approved_year=on.year, approval_doc=approval_doc,
                status=PlatformStatus.RUNNING)
        else:
            platform = application.platform
        data["platform"] = platform
    else:
        data["platform"] = None
    return _save(application, actor=actor, reason=reason, data=data, version=version)


# --- talent and foreign experts -------------------------------------------------------------------------

TALENT_FIELDS = ("is_team", "name", "program", "batch", "year", "level", "host", "enterprise", "field")


def _talent_check(district, data: dict[str, Any]) -> None:
    for key, label in (("name", "姓名/团队名称"), ("program", "人才计划"), ("host", "所在单位")):
        if not (data.get(key) or "").strip():
            raise ServiceError(f"请填写{label}", field=key)
    _year_ok(data.get("year"), "year", "入选年度")
    _level_ok(data.get("level", ""))
    _firm_ok(data.get("enterprise"), district)


def _blanks(data: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: ("" if v is None and k in names else v) for k, v in data.items()}


@transaction.atomic
def talent_create(*, actor, district, reason: str = "登记人才", **data: Any) -> Talent:
    data = _blanks({k: data.get(k) for k in TALENT_FIELDS if k in data}, "batch", "field")
    data["is_team"] = bool(data.get("is_team"))
    _talent_check(district, data)
    return _save(Talent(district=district), actor=actor, reason=reason, data=data)


@transaction.atomic
def talent_update(*, actor, talent: Talent, version: int | None = None, reason: str = "修改人才", **data: Any) -> Talent:
    merged = {k: getattr(talent, k) for k in TALENT_FIELDS}
    merged.update(_blanks({k: v for k, v in data.items() if k in TALENT_FIELDS}, "batch", "field"))
    _talent_check(talent.district, merged)
    return _save(talent, actor=actor, reason=reason, data=merged, version=version)


EXPERT_FIELDS = ("name", "nationality", "host", "enterprise", "field", "start_on", "end_on", "permit_no",
                 "permit_expires")


def _expert_check(district, data: dict[str, Any]) -> None:
    for key, label in (("name", "姓名"), ("nationality", "国籍"), ("host", "聘请单位")):
        if not (data.get(key) or "").strip():
            raise ServiceError(f"请填写{label}", field=key)
    start, end = data.get("start_on"), data.get("end_on")
    if start is None:
        raise ServiceError("请填写服务开始日期", field="start_on")
    if end is not None and end < start:
        raise ServiceError("服务结束日期不能早于开始日期", field="end_on")
    if data.get("permit_expires") and not (data.get("permit_no") or "").strip():
        raise ServiceError("填写了工作许可到期日，请同时填写工作许可证号", field="permit_no")
    _firm_ok(data.get("enterprise"), district)


@transaction.atomic
def expert_create(*, actor, district, reason: str = "登记外国专家", **data: Any) -> ForeignExpert:
    data = _blanks({k: data.get(k) for k in EXPERT_FIELDS if k in data}, "field", "permit_no")
    _expert_check(district, data)
    return _save(ForeignExpert(district=district), actor=actor, reason=reason, data=data)


@transaction.atomic
def expert_update(*, actor, expert: ForeignExpert, version: int | None = None, reason: str = "修改外国专家",
                  **data: Any) -> ForeignExpert:
    merged = {k: getattr(expert, k) for k in EXPERT_FIELDS}
    merged.update(_blanks({k: v for k, v in data.items() if k in EXPERT_FIELDS}, "field", "permit_no"))
    _expert_check(expert.district, merged)
    return _save(expert, actor=actor, reason=reason, data=merged, version=version)


# --- cooperation agreements -----------------------------------------------------------------------------

AGREEMENT_FIELDS = ("local_party", "enterprise", "partner", "signed_on", "field", "amount", "status", "note")


def _agreement_check(district, data: dict[str, Any]) -> None:
    for key, label in (("local_party", "本地单位"), ("partner", "合作高校/院所")):
        if not (data.get(key) or "").strip():
            raise ServiceError(f"请填写{label}", field=key)
    _date_ok(data.get("signed_on"), "signed_on", "签订日期")
    _amount_ok(data.get("amount"), "amount")
    if (data.get("status") or AgreementStatus.ACTIVE) not in AgreementStatus.values:
        raise ServiceError("请选择状态", field="status")
    _firm_ok(data.get("enterprise"), district)


@transaction.atomic
def agreement_create(*, actor, district, reason: str = "登记合作协议", **data: Any) -> Agreement:
    data = _blanks({k: data.get(k) for k in AGREEMENT_FIELDS if k in data}, "field", "note")
    data["status"] = data.get("status") or AgreementStatus.ACTIVE
    _agreement_check(district, data)
    return _save(Agreement(district=district), actor=actor, reason=reason, data=data)


@transaction.atomic
def agreement_update(*, actor, agreement: Agreement, version: int | None = None, reason: str = "修改合作协议",
                     **data: Any) -> Agreement:
    merged = {k: getattr(agreement, k) for k in AGREEMENT_FIELDS}
    merged.update(_blanks({k: v for k, v in data.items() if k in AGREEMENT_FIELDS}, "field", "note"))
    _agreement_check(agreement.district, merged)
    return _save(agreement, actor=actor, reason=reason, data=merged, version=version)


@transaction.atomic
def joint_project_add(*, actor, agreement: Agreement, title: str, starts_on: dt.date, amount: Decimal | None = None,
                      status: str = AgreementStatus.ACTIVE, reason: str = "登记合作项目") -> JointProject:
    if not (title or "").strip():
        raise ServiceError("请填写项目名称", field="title")
    if starts_on is None:
        raise ServiceError("请填写开始日期", field="starts_on")
    if starts_on < agreement.signed_on:
        raise ServiceError("合作项目的开始日期不能早于协议签订日期", field="starts_on")
    _amount_ok(amount, "amount")
    if status not in AgreementStatus.values:
        raise ServiceError("请选择状态", field="status")
    return _save(JointProject(agreement=agreement), actor=actor, reason=reason,
                 data={"title": title.strip(), "starts_on": starts_on, "amount": amount, "status": status})


@transaction.atomic
def joint_project_remove(*, actor, project: JointProject) -> None:
    stamp(project, actor, "删除合作项目")
    project.delete()


# --- recognitions (称号申报) -----------------------------------------------------------------------------

RECOGNITION_FIELDS = ("enterprise", "title", "level", "year", "batch", "applied_on")


def _recognition_check(district, data: dict[str, Any], *, pk: int | None = None) -> None:
    firm = data.get("enterprise")
    if firm is None:
        raise ServiceError("请填写企业", field="enterprise")
    _firm_ok(firm, district)
    if data.get("title") not in dict(TITLE_CHOICES):
        raise ServiceError("请选择称号（规上企业、四上企业不经申报）", field="title")
    if data.get("level") not in LabelLevel.values:
        raise ServiceError("请选择级别", field="level")
    _year_ok(data.get("year"), "year", "申报年度")
    _date_ok(data.get("applied_on"), "applied_on", "申报日期")
    same = Recognition.objects.filter(enterprise=firm, title=data["title"], level=data["level"], year=data["year"])
    if pk is not None:
        same = same.exclude(pk=pk)
    if same.exists():
        raise ServiceError("该企业本年度已登记同一称号的申报", field="title")


@transaction.atomic
def recognition_create(*, actor, district, reason: str = "登记称号申报", **data: Any) -> Recognition:
    data = {k: data.get(k) for k in RECOGNITION_FIELDS if k in data}
    data["batch"] = data.get("batch") or ""
    _recognition_check(district, data)
    return _save(Recognition(district=district, created_by=actor, status=flow.APPLIED), actor=actor, reason=reason,
                 data=data)


@transaction.atomic
def recognition_update(*, actor, recognition: Recognition, version: int | None = None,
                       reason: str = "修改称号申报", **data: Any) -> Recognition:
    merged = {k: getattr(recognition, k) for k in RECOGNITION_FIELDS}
    merged.update({k: v for k, v in data.items() if k in RECOGNITION_FIELDS})
    merged["batch"] = merged.get("batch") or ""
    if recognition.status != flow.APPLIED and any(merged[k] != getattr(recognition, k) for k in
                                                  ("enterprise", "title", "level", "year")):
        raise ServiceError("已推荐的申报不能更换企业、称号、级别或年度", field="title")
    _recognition_check(recognition.district, merged, pk=recognition.pk)
    later = [d for d in (recognition.recommended_on, recognition.publicised_on, recognition.decided_on) if d]
    if later and merged["applied_on"] > min(later):
        raise ServiceError("申报日期不能晚于后续步骤的日期", field="applied_on")
    return _save(recognition, actor=actor, reason=reason, data=merged, version=version)


def last_step_on(recognition: Recognition) -> dt.date | None:
    days = [d for d in (recognition.applied_on, recognition.recommended_on, recognition.publicised_on,
                        recognition.decided_on) if d]
    return max(days) if days else None


def grants_label(recognition: Recognition) -> EnterpriseLabel | None:
    """The label a granted recognition stands for, when it is registered."""
    if recognition.decided_on is None:
        return None
    return EnterpriseLabel.objects.filter(enterprise_id=recognition.enterprise_id, kind=recognition.title,
                                          level=recognition.level, year=recognition.decided_on.year).first()


@transaction.atomic
def recognition_move(*, actor, recognition: Recognition, target: str, on: dt.date | None, reason: str = "",
                     version: int | None = None, today: dt.date | None = None,
                     change_reason: str = "") -> Recognition:
    """One step of the flow (``keguan.rules.recognition_flow``), dated ``on``. 认定 grants the enterprise's label
    (kind = title, level, year of ``on``) in the same transaction unless the firm already holds it."""
    claim(recognition, version)
    problem = flow.check_move(recognition.status, target, on=on, last_on=last_step_on(recognition),
                              today=today or _today(), reason=reason)
    if problem:
        raise ServiceError(problem, field="reason" if target == flow.FAILED and not reason.strip() else "on")
    setattr(recognition, flow.DATE_OF[target], on)
    recognition.status = target
    if target == flow.FAILED:
        recognition.failed_reason = reason.strip()[:200]
    stamp(recognition, actor, change_reason or f"称号申报：{flow.LABELS[target]}")
    recognition.save()
    if target == flow.GRANTED and grants_label(recognition) is None:
        label_add(enterprise=recognition.enterprise, actor=actor, kind=recognition.title, level=recognition.level,
                  year=on.year)
    return recognition


# --- deletion -------------------------------------------------------------------------------------------
# A record entered by mistake is removed with the rows that hang on it (each stamped, so the history and the
# operation log keep what was removed, by whom and why). What may not be removed says so in words and what to
# do instead: a platform built from an approved application (take the application's outcome back first), a
# recognition whose 认定 stands as the firm's label (remove the label on the firm's page first: the label may
# have been registered before the application, and it drives the firm's stage, so it is not removed silently).


def _platform_refusal(p: Platform) -> str | None:
    app = PlatformApplication.objects.filter(platform=p).first()
    if app is None:
        return None
    return (f"该平台由平台申报“{app.name}”获批建成，不能直接删除。如该申报并未获批，请先在该申报中把结果改回“评审中”"
            f"或改为“未获批”，再删除平台；如平台确已建成、只是信息有误，请“修改”平台信息。")


def _application_notes(a: PlatformApplication) -> list[str]:
    return [f"由此申报建成的平台“{a.platform.name}”保留（不再关联此申报）"] if a.platform_id else []


def _recognition_refusal(r: Recognition) -> str | None:
    label = grants_label(r) if r.status == flow.GRANTED else None
    if label is None:
        return None
    return (f"该申报已认定，{r.enterprise.name}已登记“{label}”称号，不能只删除申报而留下称号。如认定登记有误，"
            f"请先在企业页面的“称号”中删除该称号（称号可能早于本申报登记，并影响企业的培育阶段，所以不随申报自动删除），"
            f"再删除本申报。")


DELETIONS = Deletions({
    Platform: Deletion("创新平台", children=(("条年度考核", lambda p: p.evaluations.all()),),
                       refuse=lambda p, _actor: _platform_refusal(p)),
    PlatformApplication: Deletion("平台申报", notes=_application_notes),
    Talent: Deletion("人才与团队记录"),
    ForeignExpert: Deletion("外国专家记录"),
    Agreement: Deletion("产学研合作协议", children=(("个合作项目", lambda a: a.projects.all()),)),
    Recognition: Deletion("称号申报", refuse=lambda r, _actor: _recognition_refusal(r)),
})
deletion_effects = DELETIONS.effects
record_delete = DELETIONS.delete


def deletion_refusal(obj) -> str | None:
    """Why ``obj`` may not be deleted (Chinese, with what to do instead), or None."""
    return DELETIONS.refusal(obj)
