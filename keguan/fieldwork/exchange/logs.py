"""服务日志 in and out of Excel: the staff list's export, and an import kind for a bureau that collected the logs
in a sheet. A row names its commissioner by name (and phone, when two share a name), the date, the place — a
village by its 12-digit code, or by its name within its township, or an enterprise by its credit code — the
kind, what was done, the people served and the new varieties/techniques introduced. A row whose commissioner,
date and content are already stored updates that log (a sheet imported twice adds nothing)."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from keguan.core.excel import build_xlsx
from keguan.enterprises.models import Enterprise
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import CellError, Choice, Date, Integer, Text, as_text, credit_code, shown
from keguan.regions.models import Region, RegionLevel

from ..models import Commissioner, ServiceKind, ServiceLog
from ..services.logs import MAX_INTRODUCED, MAX_SERVED, log_create, log_update

C_NAME, C_PHONE, C_DATE = "科技特派员", "特派员联系电话", "服务日期"
C_VCODE, C_VNAME, C_TOWN, C_ECODE = "村/社区代码（12位）", "村/社区名称", "所属乡镇/街道", "企业统一社会信用代码"
C_KIND, C_CONTENT, C_SERVED, C_INTRO = "服务方式", "服务内容", "服务人数", "引进新品种/新技术（个）"

EXPORT_HEADERS = [C_NAME, C_PHONE, C_DATE, C_VCODE, C_VNAME, C_TOWN, C_ECODE, "企业名称", C_KIND, C_CONTENT, C_SERVED,
                  C_INTRO, "照片（张）", "区县", "填报人", "填报时间", "代为登记人"]
WIDTHS = [12, 14, 12, 18, 16, 16, 22, 28, 16, 50, 10, 12, 10, 10, 10, 18, 12]


def log_export_xlsx(qs: QuerySet[ServiceLog], *, filters_note: str = "") -> bytes:
    """The staff list as .xlsx (its filters applied); the first columns are the import's. 代为登记人: the clerk
    who entered the log on the commissioner's behalf (empty: entered by the commissioner)."""
    qs = qs.select_related("created_by", "entered_by").annotate(n_photos=Count("photos"))

    def rows():
        for lg in qs.iterator(chunk_size=2000):
            c, v, e = lg.commissioner, lg.village, lg.enterprise
            yield [c.name, c.phone, lg.served_on, v.code if v else "", v.name if v else "",
                   lg.township.name if lg.township_id else "", e.credit_code if e else "", e.name if e else "",
                   lg.get_kind_display(), lg.content, lg.served, lg.introduced, lg.n_photos, lg.district.name,
                   lg.created_by.display_name if lg.created_by else "",
                   timezone.localtime(lg.created_at).strftime("%Y-%m-%d %H:%M"),
                   lg.entered_by.display_name if lg.entered_by else ""]

    lines = ["科技特派员服务日志", f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"]
    if filters_note:
        lines.insert(1, f"筛选条件：{filters_note}")
    return build_xlsx(title="服务日志", headers=EXPORT_HEADERS, rows=rows(), widths=WIDTHS, note="\n".join(lines))


class VillageCode:
    number_format = "@"

    def __call__(self, raw: object, ctx=None) -> str:
        code = as_text(raw).strip()
        if not (len(code) == 12 and code.isdigit()):
            raise CellError(f"“{shown(raw)}”应为12位数字")
        return code


def _example_village(ctx: Context) -> Region | None:
    if ctx.region is None:
        return None
    return (Region.objects.filter(path__startswith=ctx.region.path, level=RegionLevel.VILLAGE)
            .select_related("parent").order_by("code").first())


class ServiceLogKind(ImportKind):
    code = "fieldwork_logs"
    title = "科技特派员服务日志"
    import_perm = "fieldwork.import"
    export_perm = "fieldwork.export"
    region_level = RegionLevel.COUNTY
    key = (C_NAME, C_DATE, C_CONTENT)
    columns = (
        Column(C_NAME, Text(100), aliases=("特派员", "特派员姓名", "姓名"), required=True, field="commissioner",
               width=12, example="（示例）张三", note="须为本区县名册中的科技特派员"),
        Column(C_PHONE, Text(20), aliases=("联系电话", "手机号"), width=14,
               note="名册中有同名特派员时填写，用来区分"),
        Column(C_DATE, Date(not_after_today=True, earliest=None), aliases=("日期",), required=True, field="served_on",
               width=12, example="2025-03-15", note="不能晚于今天"),
        Column(C_VCODE, VillageCode(), aliases=("村/社区代码", "村代码", "统计用区划代码"), field="place", width=20,
               example=lambda ctx: v.code if (v := _example_village(ctx)) else "",
               note="服务村/社区时填12位代码，或填下两列的名称和乡镇"),
        Column(C_VNAME, Text(64), aliases=("村/社区", "村名称", "服务村"), width=16,
               example=lambda ctx: v.name if (v := _example_village(ctx)) else ""),
        Column(C_TOWN, Text(64), aliases=("乡镇/街道", "所属乡镇"), width=16,
               example=lambda ctx: v.parent.name if (v := _example_village(ctx)) else "",
               note="按名称填村/社区时必填（名称或9位代码）"),
        Column(C_ECODE, credit_code, aliases=("统一社会信用代码", "企业信用代码"), width=22,
               note="服务企业时填写（本区县企业库中的企业）；与村/社区二选一"),
        Column(C_KIND, Choice(ServiceKind.choices, aliases={"咨询": "咨询服务", "引进新品种": "引进新品种/新技术",
                                                            "引进新技术": "引进新品种/新技术", "培训": "培训授课"},
                              name="服务方式"),
               required=True, field="kind", width=16, example="技术指导"),
        Column(C_CONTENT, Text(2000), aliases=("服务内容摘要", "内容"), required=True, field="content", width=50,
               example="（示例）指导芒果园春季修剪和病虫害防治"),
        Column(C_SERVED, Integer(max=MAX_SERVED, unit="人"), aliases=("服务人次", "服务对象人数"), field="served",
               width=10, example=12),
        Column(C_INTRO, Integer(max=MAX_INTRODUCED, unit="个"), aliases=("引进新品种新技术", "引进新品种/新技术"),
               field="introduced", width=12, example=0),
    )
    field_headers = {"place": C_VCODE}
    instructions = (
        "每行一条服务记录：科技特派员、服务日期、服务方式、服务内容必填。",
        "服务地点：村/社区填12位代码（或名称加所属乡镇/街道），企业填统一社会信用代码，二者选一。",
        "特派员须已在本区县名册中；同名时填联系电话区分。服务人数、引进个数不填按0计。",
        "同一特派员、同一日期、同一服务内容的记录再次导入时更新原记录，不会重复添加。照片请在系统中补传。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        district = ctx.region
        people = defaultdict(list)
        for c in Commissioner.objects.filter(district=district).only("pk", "name", "phone", "district_id"):
            people[c.name].append(c)
        ctx.cache["people"] = people
        villages = list(Region.objects.filter(path__startswith=district.path, level=RegionLevel.VILLAGE)
                        .values_list("pk", "code", "name", "parent_id"))
        ctx.cache["by_code"] = {code: pk for pk, code, _n, _p in villages}
        by_name = defaultdict(list)
        for pk, _code, name, parent in villages:
            by_name[name].append((pk, parent))
        ctx.cache["by_name"] = by_name
        towns = Region.objects.filter(parent=district, level=RegionLevel.TOWNSHIP).values_list("pk", "code", "name")
        ctx.cache["towns"] = {k: pk for pk, code, name in towns for k in (code, name)}
        dates = {k[1] for k in keys}
        stored = {}
        for pk, cid, on, content, vid, eid, kind, served, intro in (
                ServiceLog.objects.filter(district=district, served_on__in=dates)
                .values_list("pk", "commissioner_id", "served_on", "content", "village_id", "enterprise_id", "kind",
                             "served", "introduced")):
            stored[(cid, on, content)] = SimpleNamespace(pk=pk, village_id=vid, enterprise_id=eid, kind=kind,
                                                         served=served, introduced=intro)
        ctx.cache["stored"] = stored
        ctx.cache["ents"] = {}

    def _commissioner(self, row: Row, ctx: Context) -> Commissioner | None:
        name = row[C_NAME]
        found = ctx.cache["people"].get(name, [])
        if not found:
            row.error(C_NAME, f"{ctx.region.name}名册中没有名为“{name}”的科技特派员（请先在名册中登记）")
            return None
        if len(found) > 1:
            phone = (row[C_PHONE] or "").replace("-", "").replace(" ", "")
            if not phone:
                row.error(C_PHONE, f"名册中有 {len(found)} 位名为“{name}”的特派员，请填写联系电话以区分")
                return None
            found = [c for c in found if c.phone.replace("-", "").replace(" ", "") == phone]
            if len(found) != 1:
                row.error(C_PHONE, f"名为“{name}”且联系电话为 {row[C_PHONE]} 的特派员"
                                   + ("不在名册中" if not found else "不止一位"))
                return None
        return found[0]

    def _place(self, row: Row, ctx: Context) -> tuple[int | None, Enterprise | None] | None:
        code, name, town, ent_code = row[C_VCODE], row[C_VNAME], row[C_TOWN], row[C_ECODE]
        if ent_code and (code or name):
            row.error(C_ECODE, "村/社区和企业只能填一个")
            return None
        if ent_code:
            ents = ctx.cache["ents"]
            if ent_code not in ents:
                ents[ent_code] = Enterprise.objects.filter(credit_code=ent_code, district=ctx.region).first()
            if ents[ent_code] is None:
                row.error(C_ECODE, f"{ctx.region.name}企业库中没有统一社会信用代码为 {ent_code} 的企业")
                return None
            return None, ents[ent_code]
        if code:
            pk = ctx.cache["by_code"].get(code)
            if pk is None:
                row.error(C_VCODE, f"{code} 不是{ctx.region.name}的村/社区代码")
                return None
            return pk, None
        if name:
            options = ctx.cache["by_name"].get(name, [])
            if town:
                town_pk = ctx.cache["towns"].get(town)
                if town_pk is None:
                    row.error(C_TOWN, f"“{town}”不是{ctx.region.name}的乡镇/街道")
                    return None
                options = [o for o in options if o[1] == town_pk]
            if len(options) == 1:
                return options[0][0], None
            if not options:
                row.error(C_VNAME, f"{town or ctx.region.name}没有名为“{name}”的村/社区")
            else:
                row.error(C_TOWN, f"有 {len(options)} 个名为“{name}”的村/社区，请填写所属乡镇/街道")
            return None
        if row.ok:
            row.error(C_VCODE, "请填写服务的村/社区（代码，或名称和乡镇）或企业统一社会信用代码")
        return None

    def check(self, row: Row, ctx: Context) -> Plan | None:
        commissioner = self._commissioner(row, ctx) if row[C_NAME] else None
        place = self._place(row, ctx)
        if not row.ok or commissioner is None or place is None or row[C_DATE] is None or row[C_KIND] is None:
            return None
        village_id, enterprise = place
        data = {"served_on": row[C_DATE], "kind": row[C_KIND], "content": row[C_CONTENT],
                "served": row.get(C_SERVED, 0), "introduced": row.get(C_INTRO, 0),
                "village_id": village_id, "enterprise_id": enterprise.pk if enterprise else None}
        stored = ctx.cache["stored"].get((commissioner.pk, row[C_DATE], row[C_CONTENT]))
        if stored is None:
            return Plan.decide(None, data, commissioner=commissioner, enterprise=enterprise)
        changed = any(getattr(stored, k) != data[k] for k in ("kind", "served", "introduced", "village_id",
                                                             "enterprise_id"))
        return Plan.decide(stored, {}, changed=changed, values=data, commissioner=commissioner, enterprise=enterprise)

    def write(self, plan: Plan, ctx: Context) -> None:
        data = plan.data if plan.target is None else plan.extra["values"]
        village = Region.objects.select_related("parent").get(pk=data["village_id"]) if data["village_id"] else None
        args = dict(served_on=data["served_on"], kind=data["kind"], content=data["content"], served=data["served"],
                    introduced=data["introduced"], village=village, enterprise=plan.extra["enterprise"],
                    today=ctx.today)
        if plan.target is None:
            log_create(actor=ctx.user, commissioner=plan.extra["commissioner"], reason=ctx.reason, **args)
        else:
            log = ServiceLog.objects.select_related("commissioner", "commissioner__district").get(pk=plan.target.pk)
            log_update(log=log, actor=ctx.user, expected_version=None, **args)

    def export_rows(self, ctx: Context):
        qs = ctx.limit(ServiceLog.objects.all()).select_related("commissioner", "village", "township", "enterprise")
        for lg in qs.order_by("served_on", "id").iterator(chunk_size=2000):
            v, e = lg.village, lg.enterprise
            yield [lg.commissioner.name, lg.commissioner.phone, lg.served_on, v.code if v else "", v.name if v else "",
                   lg.township.name if (v and lg.township_id) else "", e.credit_code if e else "",
                   lg.get_kind_display(), lg.content, lg.served, lg.introduced]

    def back(self, ctx: Context) -> tuple[str, str] | None:
        return "服务日志", reverse("fieldwork:logs")


SERVICE_LOGS = ServiceLogKind()
