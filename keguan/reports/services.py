"""Writing report versions, plan items, problems and templates."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.core.versioning import StaleEdit
from keguan.regions.models import Region
from keguan.rules.periods import Period

from .builder import build_draft
from .draft import Draft, Paragraph, Run
from .models import IssueItem, PlanItem, PlanStatus, ReportPartLayout, ReportTemplate, ReportVersion, WorkNote


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
def work_note_create(*, actor, region: Region, happened_on, area: str, lead: str, text: str) -> WorkNote:
    check_reporter(actor, region)
    lead, text = lead.strip().rstrip("。；，"), text.strip()
    if not lead:
        raise ServiceError("请填写小标题", field="lead")
    if not text:
        raise ServiceError("请填写做了什么", field="text")
    note = WorkNote(region=region, area=area, happened_on=happened_on, lead=lead, text=text, created_by=actor)
    note._history_user = actor
    note.save()
    return note


@transaction.atomic
def work_note_delete(*, actor, note: WorkNote) -> None:
    check_reporter(actor, note.region)
    note._history_user = actor
    note.delete()


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


# 总结结构 ------------------------------------------------------------------------------------------------------

def check_structure_editor(actor, region: Region) -> None:
    if actor is None or actor.is_superuser:
        return
    if not may(actor, "reports.structure") or actor.region_id != region.pk:
        raise PermissionDenied("只能调整本单位工作总结的结构")


def _shown_word(shown: bool) -> str:
    return "写入" if shown else "不写入"


def _check_fresh(region: Region, stored: dict[str, ReportPartLayout], versions: dict[str, int]) -> None:
    """Refuse a save made on a structure page read before someone else changed it (``versions``: each part's
    stored version when the page was read, 0 for a part then not arranged)."""
    from .structure import layout_for

    stale = [area for area, expected in versions.items()
             if expected != (stored[area].version if area in stored else 0)]
    if not stale:
        return
    defaults = {lp.area: lp for lp in layout_for(region)}
    details = []
    for area in stale:
        lp = defaults.get(area)
        if lp is None:
            continue
        then = (ReportPartLayout.history.filter(region_id=region.pk, area=area, version=versions[area])
                .order_by("-history_date").first() if versions[area] else None)
        now = stored.get(area)
        old = (then.title, then.shown) if then is not None else (lp.default_title, True)
        new = (now.title, now.shown) if now is not None else (lp.default_title, True)
        what = []
        if old[0] != new[0]:
            what.append(f"标题 {old[0]} → {new[0]}")
        if old[1] != new[1]:
            what.append(f"{_shown_word(old[1])} → {_shown_word(new[1])}")
        if now is None:
            what.append("恢复默认")
        details.append(f"{lp.name}：{'，'.join(what) or '调整顺序'}")
    latest = (ReportPartLayout.history.filter(region_id=region.pk).select_related("history_user")
              .order_by("-history_date").first())
    who = "他人"
    if latest is not None:
        user = latest.history_user
        name = getattr(user, "display_name", "") or (str(user) if user else "他人")
        when = timezone.localtime(latest.history_date)
        who = f"{name}于{when:%H:%M}" if when.date() == timezone.localdate() else f"{name}于{when:%Y-%m-%d %H:%M}"
    message = f"保存失败：您打开此页面后，{who}修改了总结结构"
    message += f"（{'；'.join(details[:8])}）" if details else ""
    message += "。您填写的内容仍在下方，请核对后再次保存（再次保存即以您填写的为准）。"
    raise StaleEdit(message, [])


def _lock_structure(region: Region) -> dict[str, ReportPartLayout]:
    # one save of a region's structure at a time, including the first (which creates its rows)
    Region.objects.select_for_update().filter(pk=region.pk).exists()
    return {r.area: r for r in ReportPartLayout.objects.select_for_update().filter(region=region)}


@transaction.atomic
def layout_save(*, actor, region: Region, rows: list[dict], versions: dict[str, int] | None = None,
                reason: str = "修改总结结构") -> int:
    """Store the region's structure: ``rows`` of {area, title, position, shown}, one per registered part (the
    positions only order them: they are stored as 1, 2, …). Returns how many parts changed."""
    from .registry import HEADING_LIMIT, parts

    check_structure_editor(actor, region)
    registered = {p.area: p for p in parts()}
    stored = _lock_structure(region)
    if versions is not None:
        _check_fresh(region, stored, versions)
    for row in rows:
        if row["area"] not in registered:
            raise ServiceError(f"未知的总结部分：{row['area']}")
        title = " ".join(str(row["title"]).split())
        if not title:
            raise ServiceError("请填写标题", field=f"{row['area']}-title")
        if len(title) > HEADING_LIMIT:
            raise ServiceError(f"标题最多 {HEADING_LIMIT} 字（现有 {len(title)} 字）", field=f"{row['area']}-title")
        row["title"] = title
    ordered = sorted(enumerate(rows), key=lambda e: (int(e[1]["position"]), e[0]))
    changed = 0
    for position, (_, row) in enumerate(ordered, start=1):
        obj = stored.get(row["area"])
        why = reason
        if obj is None:
            obj = ReportPartLayout(region=region, area=row["area"], version=0)
            why = f"第{position}部分：{row['title']}{'' if row['shown'] else '（不写入）'}"
        elif (obj.title, obj.position, obj.shown) == (row["title"], position, bool(row["shown"])):
            continue
        obj.title, obj.position, obj.shown = row["title"], position, bool(row["shown"])
        obj.version += 1
        obj.updated_by = actor if actor and actor.pk else None
        obj._history_user = obj.updated_by
        obj._change_reason = why
        obj.save()
        changed += 1
    return changed


@transaction.atomic
def layout_reset(*, actor, region: Region, versions: dict[str, int] | None = None) -> int:
    """恢复默认: forget the region's arrangement (its rows are deleted, with history). Returns how many."""
    check_structure_editor(actor, region)
    stored = _lock_structure(region)
    if versions is not None:
        _check_fresh(region, stored, versions)
    if not stored:
        raise ServiceError("总结结构已是默认，无需恢复")
    for obj in stored.values():
        obj._history_user = actor if actor and actor.pk else None
        obj._change_reason = "恢复默认"
        obj.delete()
    return len(stored)
