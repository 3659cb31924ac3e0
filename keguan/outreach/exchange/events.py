"""科技活动 as an import/export kind (``keguan.exchange``): one row per event — 活动名称, 活动类型 (by its label in
the dictionary 科技活动类型), 本局角色, 开始/结束日期, 乡镇/街道, 地点, 主办单位, 承办/协办单位, 主题, the figures (参与人数,
培训人数, 解答咨询), the materials handed out (one column per kind), the firms taking part by their credit codes
separated by 、 and the write-up. An event is keyed by (活动名称, 开始日期) in the district: importing the same sheet
again updates, never duplicates; an empty cell leaves what is stored (an empty material cell keeps its count,
an empty 参与企业 cell keeps the firms). The list page's export (``events_xlsx``) has the same columns, so it
can be edited and imported again."""

from __future__ import annotations

import re

from django.db.models import QuerySet
from django.urls import reverse

from keguan.core import dictionary
from keguan.core.excel import build_xlsx
from keguan.enterprises.models import Enterprise
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import Choice, Date, Integer, Text
from keguan.regions.models import Region, RegionLevel

from ..models import Event, EventRole, FirmRole, MaterialKind
from ..services.events import MAX_COUNT, EventData, FirmEntry, event_create, event_update

C_TITLE, C_KIND, C_ROLE, C_STARTS, C_ENDS = "活动名称", "活动类型", "本局角色", "开始日期", "结束日期"
C_TOWN, C_PLACE, C_ORG, C_CO, C_THEME = "乡镇/街道", "地点", "主办单位", "承办/协办单位", "主题"
C_PEOPLE, C_TRAINEES, C_QUESTIONS = "参与人数（人次）", "培训人数（人次）", "解答咨询（个）"
C_FIRMS, C_WRITE_UP = "参与企业（统一社会信用代码）", "活动简述"
UNITS = {"brochure": "本", "leaflet": "份", "book": "册", "board": "块", "other": "份"}
MATERIAL_HEADERS = {k: f"{label}（{UNITS[k]}）" for k, label in MaterialKind.choices}
SEPARATORS = re.compile(r"[、,，;；\s]+")
COUNT = Integer(max=MAX_COUNT)


def _kinds(ctx) -> list[tuple[str, str]]:
    return [(i.code, i.label) for i in dictionary.items("event_kind") if i.enabled]


def _townships(ctx) -> list[tuple[int, str]]:
    if ctx is None or ctx.region is None:
        return []
    return list(Region.objects.filter(parent=ctx.region, level=RegionLevel.TOWNSHIP).order_by("code")
                .values_list("pk", "name"))


def _codes(raw, ctx=None) -> list[str]:
    return [c.upper() for c in SEPARATORS.split(str(raw).strip()) if c]


_codes.number_format = "@"  # type: ignore[attr-defined]


class EventKind(ImportKind):
    code = "outreach_events"
    title = "科技活动"
    import_perm = "outreach.import"
    export_perm = "outreach.export"
    key = (C_TITLE, C_STARTS)
    columns = (
        Column(C_TITLE, Text(max_length=150), required=True, field="title", width=32, example="2025年科技活动周启动仪式"),
        Column(C_KIND, Choice(_kinds, name="科技活动类型"), required=True, field="kind", width=14, example="科技活动周",
               note="数据字典“科技活动类型”中的名称"),
        Column(C_ROLE, Choice(EventRole.choices, name="本局角色"), field="role", width=10, example="主办",
               note="主办、承办/协办，或组织参加（他人主办、本局组织企业参加），留空为主办"),
        Column(C_STARTS, Date(), required=True, field="starts_on", width=12, example="2025-05-20"),
        Column(C_ENDS, Date(), field="ends_on", width=12, note="一天的活动可不填"),
        Column(C_TOWN, Choice(_townships, name="本区县的乡镇/街道"), field="township", width=14,
               note="在某个乡镇/街道举办时填写"),
        Column(C_PLACE, Text(max_length=150), field="place", width=20, example="区科技馆广场"),
        Column(C_ORG, Text(max_length=300), field="organisers", width=24, example="区科技局、区科协"),
        Column(C_CO, Text(max_length=300), field="co_organisers", width=24),
        Column(C_THEME, Text(max_length=150), field="theme", width=20),
        Column(C_PEOPLE, COUNT, field="participants", width=12, example=1200),
        Column(C_TRAINEES, COUNT, field="trainees", width=12),
        Column(C_QUESTIONS, COUNT, field="questions", width=12, example=150),
        *(Column(h, COUNT, field=f"material_{k}", width=12, example=3000 if k == "brochure" else None)
          for k, h in MATERIAL_HEADERS.items()),
        Column(C_FIRMS, _codes, field="firms", width=40, note="本区县企业库中企业的统一社会信用代码，多家以顿号“、”分隔"),
        Column(C_WRITE_UP, Text(max_length=3000), field="write_up", width=40),
    )
    instructions = (
        "每行一项科技活动（科技活动周、科普日、科技下乡、培训班、政策宣讲、座谈会、对接会、路演、展会、竞赛等）。",
        "活动名称和开始日期相同的活动视为同一项：再次导入时更新该活动，留空的单元格保留原有内容。",
        "他人主办、本局组织企业参加的活动（如省里的路演），本局角色填“组织参加”，参与企业填所组织的企业。",
        "参与企业须为本区县企业库中的企业，按统一社会信用代码填写，多家以顿号“、”分隔。",
    )
    field_headers = {"materials": MATERIAL_HEADERS["brochure"],
                     **{f"material_{k}": h for k, h in MATERIAL_HEADERS.items()}}

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        titles = {k[0] for k in keys if k[0]}
        stored = Event.objects.filter(region=ctx.region, title__in=titles).prefetch_related("materials", "firms")
        ctx.cache["stored"] = {(e.title, e.starts_on): e for e in stored}
        ctx.cache["firms"] = dict(Enterprise.objects.filter(district=ctx.region).values_list("credit_code", "pk"))

    def check(self, row: Row, ctx: Context) -> Plan | None:
        stored: Event | None = ctx.cache["stored"].get((row[C_TITLE], row[C_STARTS]))
        if row[C_ENDS] is not None and row[C_STARTS] is not None and row[C_ENDS] < row[C_STARTS]:
            row.error(C_ENDS, "结束日期不能早于开始日期")
        codes = row[C_FIRMS]
        if codes:
            unknown = [c for c in codes if c not in ctx.cache["firms"]]
            if unknown:
                row.error(C_FIRMS, f"不是{ctx.region.name}企业库中的企业：{'、'.join(unknown[:5])}")
            if len(set(codes)) != len(codes):
                row.error(C_FIRMS, "企业重复填写")
        if not row.ok:
            return None

        def keep(header: str, attr: str, default=""):
            value = row[header]
            if value is None:
                return getattr(stored, attr) if stored is not None else default
            return value

        fields = {
            "title": row[C_TITLE], "starts_on": row[C_STARTS], "kind": row[C_KIND],
            "role": keep(C_ROLE, "role", EventRole.HOST), "ends_on": keep(C_ENDS, "ends_on", None),
            "place": keep(C_PLACE, "place"), "organisers": keep(C_ORG, "organisers"),
            "co_organisers": keep(C_CO, "co_organisers"), "theme": keep(C_THEME, "theme"),
            "participants": keep(C_PEOPLE, "participants", 0), "trainees": keep(C_TRAINEES, "trainees", 0),
            "questions": keep(C_QUESTIONS, "questions", 0), "write_up": keep(C_WRITE_UP, "write_up"),
        }
        township_id = row[C_TOWN] if row[C_TOWN] is not None else (stored.township_id if stored else None)
        current = {m.kind: m.count for m in stored.materials.all()} if stored else {}
        materials = dict(current)
        for k, h in MATERIAL_HEADERS.items():
            if row[h] is not None:
                materials[k] = row[h]
        firms_now = {f.enterprise_id: f for f in stored.firms.all()} if stored else {}
        firm_ids = [ctx.cache["firms"][c] for c in codes] if codes else list(firms_now)
        changed = stored is not None and (
            any(getattr(stored, k) != v for k, v in fields.items()) or stored.township_id != township_id
            or {k: v for k, v in materials.items() if v} != {k: v for k, v in current.items() if v}
            or set(firm_ids) != set(firms_now))
        if stored is None:
            return Plan.decide(None, fields, township=township_id, materials=materials, firms=firm_ids)
        return Plan.decide(stored, {}, changed=changed, fields=fields, township=township_id, materials=materials,
                           firms=firm_ids)

    def write(self, plan: Plan, ctx: Context) -> None:
        e = plan.extra
        fields = plan.data if plan.target is None else e["fields"]
        township = Region.objects.get(pk=e["township"]) if e["township"] else None
        data = EventData(township=township, **fields)
        stored = plan.target
        old = {f.enterprise_id: f for f in stored.firms.all()} if stored else {}
        credit = dict(Enterprise.objects.filter(pk__in=e["firms"]).values_list("pk", "credit_code"))
        firms = [FirmEntry(credit[pk], old[pk].role if pk in old else FirmRole.ATTEND,
                           old[pk].outcome if pk in old else "") for pk in e["firms"]]
        if stored is None:
            event_create(actor=ctx.user, region=ctx.region, data=data, materials=e["materials"], firms=firms)
        else:
            event_update(actor=ctx.user, event=stored, data=data, materials=e["materials"], firms=firms)

    def export_rows(self, ctx: Context):
        yield from _rows(ctx.limit(Event.objects.select_related("township").order_by("-starts_on", "-id")))

    def back(self, ctx: Context) -> tuple[str, str] | None:
        return ("返回科技活动", reverse("outreach:events"))


def _rows(qs: QuerySet[Event]):
    kinds = {i.code: i.label for i in dictionary.items("event_kind")}
    qs = qs.prefetch_related("materials", "firms__enterprise")
    for e in qs.iterator(chunk_size=2000):
        counts = {m.kind: m.count for m in e.materials.all()}
        codes = "、".join(f.enterprise.credit_code for f in sorted(e.firms.all(), key=lambda f: f.pk))
        yield [e.title, kinds.get(e.kind, e.kind), e.get_role_display(), e.starts_on, e.ends_on,
               e.township.name if e.township else "", e.place, e.organisers, e.co_organisers, e.theme,
               e.participants, e.trainees, e.questions, *(counts.get(k) for k in MATERIAL_HEADERS), codes,
               e.write_up]


EVENTS = EventKind()


def events_xlsx(qs: QuerySet[Event], *, note: str = "") -> bytes:
    """The list page's export: the import's columns (edit and import again), the filter in the 说明 sheet."""
    return build_xlsx(title="科技活动", headers=EVENTS.headers, rows=_rows(qs.select_related("township")),
                      widths=[c.width for c in EVENTS.columns],
                      note=f"{note}\n可修改后经“导入导出 › 科技活动”再导入（活动名称和开始日期相同的视为同一项活动）。")
