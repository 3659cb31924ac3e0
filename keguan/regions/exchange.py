"""村/社区名单 as an import/export kind (``keguan.exchange``): a district's villages, one row each, as a township
liaison lists them — the 12-digit statistical code, the name and (to check) the township.

The code's first nine digits must be a township of the district the import goes to, its last three 001-399
(001-199 居委会/社区, 200-399 村委会); 所属乡镇/街道, when filled in, must be that township. A code already
listed is updated by name (a 村 that became a 社区) or left alone. New villages are gathered per township and
created at the end (``services.villages_create`` takes a township's villages at once), renamed ones through
``services.village_rename``.

(``keguan.exchange`` sits above ``keguan.regions`` in the layers: this module plugs the area into the engine
the way an area's ``indicators.py`` plugs into the indicator registry; pyproject.toml lets it import the
kind API and the readers, and nothing else of the engine.)
"""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import CellError, Text, as_text, shown

from .models import Region, RegionLevel
from .services import village_rename, villages_create

C_CODE, C_NAME, C_TOWN = "村/社区代码（12位）", "村/社区名称", "所属乡镇/街道"


class VillageCode:
    """A 12-digit statistical code (also when Excel stored it as a number)."""

    number_format = "@"

    def __call__(self, raw: object, ctx=None) -> str:
        code = as_text(raw).strip()
        if not (len(code) == 12 and code.isdigit()):
            raise CellError(f"“{shown(raw)}”应为12位数字")
        return code


def _townships(region: Region | None) -> list[Region]:
    if region is None:
        return []
    return list(Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP).order_by("code"))


def _source(ctx: Context) -> str:
    who = ctx.user.display_name if ctx.user is not None else "命令行"
    return f"{who}导入"[:32]


class VillageKind(ImportKind):
    code = "villages"
    title = "村/社区名单"
    import_perm = "regions.import"
    export_perm = "regions.export"
    region_level = RegionLevel.COUNTY
    key = (C_CODE,)
    columns = (
        Column(C_CODE, VillageCode(), aliases=("村/社区代码", "村(社区)代码", "村社区代码", "统计用区划代码"),
               required=True, field="code", width=22, example=lambda ctx: _example(ctx)[0],
               note="12位统计用区划代码：前9位为所属乡镇/街道代码，后3位 001-199 为社区、200-399 为村"),
        Column(C_NAME, Text(64), aliases=("村(社区)名称", "村社区名称", "村/社区"), required=True, field="name",
               width=24, example="（示例）东风社区", note="最多64字；代码已有的按此更新名称"),
        Column(C_TOWN, Text(64), aliases=("乡镇/街道", "所属乡镇", "所属街道", "乡镇(街道)"), width=20,
               example=lambda ctx: _example(ctx)[1], note="可不填；填写时须为代码前9位对应的乡镇/街道（名称或代码）"),
    )
    instructions = (
        "每行一个村/社区：12位村/社区代码和名称必填；所属乡镇/街道用于核对，可不填。",
        "代码前9位必须是本区县的乡镇/街道代码，后3位 001-199 为居委会/社区，200-399 为村委会。",
        "代码已有的村/社区按名称更新（名称相同的不变）；导出的名单与本模板的列相同，可直接修改后导入。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        codes = sorted(k[0] for k in keys)
        ctx.cache["towns"] = {t.code: t for t in _townships(ctx.region)}
        stored = {}
        for i in range(0, len(codes), 2000):
            for pk, code, name, level, parent_id in Region.objects.filter(code__in=codes[i:i + 2000]).values_list(
                    "pk", "code", "name", "level", "parent_id"):
                stored[code] = SimpleNamespace(pk=pk, code=code, name=name, level=level, parent_id=parent_id)
        ctx.cache["stored"] = stored
        ctx.cache["new"] = {}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        region = ctx.region
        code, name, town_named = row[C_CODE], row[C_NAME], row[C_TOWN]
        if code is None:
            return None
        town = ctx.cache["towns"].get(code[:9])
        if town is None:
            row.error(C_CODE, f"前9位 {code[:9]} 不是{region.name}辖区内的乡镇/街道代码")
            return None
        if not 1 <= int(code[9:]) <= 399:
            row.error(C_CODE, f"后3位 {code[9:]} 不在 001-399 范围内（001-199 社区，200-399 村）")
        if town_named and town_named not in (town.name, town.code):
            row.error(C_TOWN, f"填写的“{town_named}”与代码对应的“{town.name}”不一致")
        stored = ctx.cache["stored"].get(code)
        if stored is not None and (stored.level != RegionLevel.VILLAGE or stored.parent_id != town.pk):
            row.error(C_CODE, f"代码 {code} 已被其他区划使用")
        if not row.ok or name is None:
            return None
        return Plan.decide(stored, {"name": name}, town=town, code=code)

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            ctx.cache["new"].setdefault(plan.extra["town"].code, []).append((plan.extra["code"], plan.data["name"]))
            return
        village = Region.objects.get(pk=plan.target.pk)
        village_rename(village=village, name=plan.data["name"], source=_source(ctx))

    def finish(self, ctx: Context) -> None:
        towns = ctx.cache["towns"]
        for town_code, villages in sorted(ctx.cache.get("new", {}).items()):
            villages_create(township=towns[town_code], villages=villages, source=_source(ctx))

    def export_rows(self, ctx: Context):
        qs = ctx.limit(Region.objects.filter(level=RegionLevel.VILLAGE)).select_related("parent").order_by("code")
        for v in qs.iterator(chunk_size=2000):
            yield [v.code, v.name, v.parent.name if v.parent else ""]

    def back(self, ctx: Context) -> tuple[str, str] | None:
        if ctx.region is None:
            return None
        return "行政区划", reverse("regions:node", args=[ctx.region.pk])


def _example(ctx: Context) -> tuple[str, str]:
    towns = _townships(ctx.region)
    if not towns:
        return "", ""
    return f"{towns[0].code}001", towns[0].name


VILLAGES = VillageKind()
