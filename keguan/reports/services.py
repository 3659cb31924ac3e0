"""Writing report versions, plan items, problems and templates."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.regions.models import Region
from keguan.rules.periods import Period

from .builder import build_draft
from .draft import Draft, Paragraph, Run
from .models import IssueItem, PlanItem, PlanStatus, ReportTemplate, ReportVersion


def check_reporter(actor, region: Region) -> None:
    if actor is None or actor.is_superuser:
        return
    if not may(actor, "reports.generate") or actor.region_id != region.pk:
        raise PermissionDenied("只能为本单位编写工作总结")


def _next_number(region: Region, period: str) -> int:
    top = ReportVersion.objects.filter(region=region, period=period).aggregate(n=Max("number"))["n"]
    return (top or 0) + 1


@transaction.atomic
def report_generate(*, actor, region: Region, period: Period) -> ReportVersion:
    check_reporter(actor, region)
    draft = build_draft(region, period)
    return ReportVersion.objects.create(
        region=region, period=period.key, number=_next_number(region, period.key), draft=draft.to_json(),
        origin="generated", note="由业务记录生成", created_by=actor if actor and actor.pk else None,
    )


# Edited text: a paragraph, a title and a whole version (a generated summary runs to a few thousand characters).
PARAGRAPH_LIMIT = 5_000
TITLE_LIMIT = 200
VERSION_LIMIT = 200_000


@transaction.atomic
def report_edit(*, actor, version: ReportVersion, texts: dict[str, str], note: str = "") -> ReportVersion:
    """A new version with edited paragraph texts (keys from ``paragraph_keys``). A paragraph whose text is
    unchanged keeps its figures and their provenance; a changed one becomes plain text marked as edited."""
    region = version.region
    check_reporter(actor, region)
    draft = Draft.from_json(version.draft)
    changed = 0
    for number, (key, para) in enumerate(paragraph_keys(draft), start=1):
        if key not in texts:
            continue
        new = texts[key].replace("\r\n", "\n").strip()
        if new != para.text.strip():
            if len(new) > PARAGRAPH_LIMIT:
                raise ServiceError(
                    f"段落 {number} 有 {len(new)} 字，每段最多 {PARAGRAPH_LIMIT} 字，请分段或删减", field=key
                )
            para.runs = [Run(new)]
            changed += 1
    for key, attr_owner, attr in title_keys(draft):
        if key in texts and len(texts[key].strip()) > TITLE_LIMIT and texts[key].strip() != getattr(attr_owner, attr):
            raise ServiceError(f"标题最多 {TITLE_LIMIT} 字", field=key)
        if key in texts and texts[key].strip() and texts[key].strip() != getattr(attr_owner, attr):
            setattr(attr_owner, attr, texts[key].strip())
            changed += 1
    if not changed:
        raise ServiceError("没有修改任何内容")
    total = sum(len(p.text) for _, p in paragraph_keys(draft)) + sum(
        len(getattr(owner, attr) or "") for _, owner, attr in title_keys(draft)
    )
    if total > VERSION_LIMIT:
        raise ServiceError(f"全文有 {total} 字，一个版本最多 {VERSION_LIMIT} 字，请删减")
    return ReportVersion.objects.create(
        region=region, period=version.period, number=_next_number(region, version.period), draft=draft.to_json(),
        origin="edited", note=note or f"在第{version.number}版基础上修改{changed}处", created_by=actor,
    )


def paragraph_keys(draft: Draft) -> list[tuple[str, Paragraph]]:
    out = [("opening", draft.opening)]
    for ci, ch in enumerate(draft.chapters):
        for pi, p in enumerate(ch.paragraphs):
            out.append((f"c{ci}-p{pi}", p))
        for ti, part in enumerate(ch.parts):
            for pi, p in enumerate(part.paragraphs):
                out.append((f"c{ci}-t{ti}-p{pi}", p))
    return out


def title_keys(draft: Draft) -> list[tuple[str, object, str]]:
    out: list[tuple[str, object, str]] = [("title", draft, "title")]
    for ci, ch in enumerate(draft.chapters):
        out.append((f"c{ci}-title", ch, "title"))
        for ti, part in enumerate(ch.parts):
            out.append((f"c{ci}-t{ti}-title", part, "title"))
    return out


@transaction.atomic
def plan_item_create(*, actor, region: Region, area: str, text: str, due=None) -> PlanItem:
    check_reporter(actor, region)
    if not text.strip():
        raise ServiceError("计划内容不能为空", field="text")
    item = PlanItem(region=region, area=area, text=text.strip(), due=due, created_by=actor)
    item._history_user = actor
    item.save()
    return item


@transaction.atomic
def plan_item_set_status(*, actor, item: PlanItem, status: str) -> PlanItem:
    check_reporter(actor, item.region)
    if status not in PlanStatus.values:
        raise ServiceError("未知状态")
    item.status = status
    item._history_user = actor
    item._change_reason = f"状态改为{PlanStatus(status).label}"
    item.save(update_fields=["status"])
    return item


@transaction.atomic
def issue_item_create(*, actor, region: Region, period: str, text: str, area: str = "") -> IssueItem:
    check_reporter(actor, region)
    if not text.strip():
        raise ServiceError("问题内容不能为空", field="text")
    item = IssueItem(region=region, period=Period.parse(period).key, area=area, text=text.strip(), created_by=actor)
    item._history_user = actor
    item.save()
    return item


@transaction.atomic
def issue_item_delete(*, actor, item: IssueItem) -> None:
    check_reporter(actor, item.region)
    item._history_user = actor
    item.delete()


@transaction.atomic
def template_upload(*, actor, region: Region, name: str, content: bytes) -> ReportTemplate:
    from .docx.render import check_template

    check_reporter(actor, region)
    problems = check_template(content)
    if problems:
        raise ServiceError("；".join(problems), field="file")
    ReportTemplate.objects.filter(region=region, active=True).update(active=False)
    return ReportTemplate.objects.create(region=region, name=name or "本单位模板", content=content, active=True,
                                         uploaded_by=actor)


def active_template(region: Region) -> bytes | None:
    t = ReportTemplate.objects.filter(region=region, active=True).first()
    return bytes(t.content) if t else None
