"""The enterprise register as an import/export kind (``keguan.exchange``): the same columns, checks and
meaning as the register's own importer (``imports.py``), so an exported list can be edited in Excel and
imported again.

A row is an enterprise of the district the import goes to, identified by its 统一社会信用代码. A new code
creates the firm (stage as given, else 招引企业); a known one updates the columns the file fills in (an
empty cell never clears a stored value) and, when 培育阶段 differs, records a stage change dated today. A
firm registered in another district, or whose stage follows from its qualification records, is an error of
that row. Writes go through ``services`` (history, stage counter).
"""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

from keguan.core import dictionary
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import CellError, Choice, Date, Text, as_text, credit_code, phone, shown
from keguan.regions.models import Region, RegionLevel

from . import hooks
from .industry import DIVISIONS, division_label
from .models import TAG_KIND, Enterprise, SizeClass, Stage, TechField
from .services import (
    counts_deferred,
    credit_code_elsewhere,
    enterprise_change_stage,
    enterprise_create,
    enterprise_update,
    set_tags,
)

C_NAME, C_CODE, C_REP, C_DATE = "企业名称", "统一社会信用代码", "法定代表人", "注册日期"
C_DISTRICT, C_TOWN, C_INDUSTRY, C_FIELD = "所属区县", "所属乡镇/街道", "行业", "高新技术领域"
C_SIZE, C_STAGE, C_CONTACT, C_PHONE, C_ADDRESS = "企业规模", "培育阶段", "联系人", "联系电话", "注册地址"
C_TAGS = "企业标签"
PERSONAL = "enterprises.personal"
CHUNK = 2000  # credit codes per query
STORED = ("pk", "district_id", "stage", "name", "credit_code", "legal_rep", "registered_on", "township_id",
          "industry_code", "tech_field", "size_class", "contact_name", "contact_phone", "address")


class Industry:
    """国民经济行业大类: the two-digit code (39, 039 → 39), "C39", "C39 计算机、通信和其他电子设备制造业" (the
    export's form) or the division's name alone."""

    number_format = "@"
    _names = {name: code for code, name in DIVISIONS.items()}

    def options(self, ctx) -> list[str]:
        return [division_label(code) for code in DIVISIONS]

    def __call__(self, raw: object, ctx=None) -> str:
        text = as_text(raw).strip()
        head = text.split()[0] if text.split() else ""
        code = head[1:] if head[:1].isalpha() else head
        code = code.zfill(2)[-2:] if code.isdigit() and len(code) <= 3 else code
        if code in DIVISIONS:
            return code
        if text in self._names:
            return self._names[text]
        raise CellError(f"“{shown(raw)}”不是国民经济行业大类（应为两位代码，如 39，或下拉列表中的一项）")


class Tags:
    """企业标签: several names (or codes) of the 数据字典 list, separated by 、 , ; or spaces → their codes."""

    number_format = "@"
    _split = re.compile(r"[、,，;；\s]+")

    def __call__(self, raw: object, ctx=None) -> tuple[str, ...]:
        by_name = {}
        for item in dictionary.items(TAG_KIND):
            by_name.setdefault(item.label, item.code)
            by_name.setdefault(item.code, item.code)
        codes, unknown = [], []
        for part in self._split.split(as_text(raw).strip()):
            if not part:
                continue
            code = by_name.get(part)
            if code is None:
                unknown.append(part)
            elif code not in codes:
                codes.append(code)
        if unknown:
            offered = "、".join(label for _, label in dictionary.choices(TAG_KIND))
            raise CellError(f"“{'、'.join(unknown)}”不是企业标签（可用：{offered}；多个标签用顿号分隔）")
        return tuple(codes)


def _townships(ctx: Context):
    if ctx.region is None:
        return []
    return [(t, t.name) for t in Region.objects.filter(parent=ctx.region, level=RegionLevel.TOWNSHIP).order_by("code")]


def _example_town(ctx: Context) -> str:
    towns = _townships(ctx)
    return towns[0][1] if towns else ""


class EnterpriseKind(ImportKind):
    code = "enterprises"
    title = "企业名录"
    import_perm = "enterprises.import"
    export_perm = "enterprises.export"
    key = (C_CODE,)
    columns = (
        Column(C_NAME, Text(128), required=True, field="name", width=36, example="（示例）某某科技有限公司",
               note="最多128字"),
        Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), field="credit_code", width=22,
               example="91450103MA5XXXXXXX", note="18位，系统校验校验位；已登记的企业按此更新"),
        Column(C_REP, Text(32), aliases=("法人代表", "法定代表人姓名"), field="legal_rep", width=10, example="张三"),
        Column(C_DATE, Date(not_after_today=True), aliases=("成立日期", "注册时间"), field="registered_on", width=12,
               example=dt.date(2018, 5, 1), note="如 2018-05-01，不能晚于今天"),
        Column(C_DISTRICT, Text(64), aliases=("区县",), field="district", width=12,
               example=lambda ctx: ctx.region.name if ctx.region else "", note="可不填；填写时须为本区县"),
        Column(C_TOWN, Choice(_townships, accept_value=False,
                              name=lambda ctx: f"{ctx.region.name if ctx.region else ''}的乡镇/街道"),
               aliases=("乡镇/街道", "所属街道", "所属乡镇"), field="township", width=16, example=_example_town,
               note="从下拉列表中选择本区县的乡镇/街道"),
        Column(C_INDUSTRY, Industry(), aliases=("所属行业", "行业代码", "国民经济行业"), field="industry_code", width=30,
               example="C39 计算机、通信和其他电子设备制造业", note="行业大类：两位代码（如 39）或从下拉列表中选择"),
        Column(C_FIELD, Choice(TechField.choices), field="tech_field", width=16, example="电子信息"),
        Column(C_SIZE, Choice(SizeClass.choices), field="size_class", width=10, example="小型"),
        Column(C_STAGE, Choice(Stage.choices), field="stage", width=16, example="科技型中小企业",
               note="不同于现有阶段时按今天记一次阶段变更；有科小、高企、培育库记录的企业由记录确定，不能在此修改"),
        Column(C_CONTACT, Text(32), field="contact_name", width=10, example="李四", perm=PERSONAL),
        Column(C_PHONE, phone, aliases=("电话", "手机"), field="contact_phone", width=16, example="0771-5551234",
               note="手机11位或座机如 0771-5551234", perm=PERSONAL),
        Column(C_ADDRESS, Text(200), aliases=("地址", "住所"), field="address", width=36, example="某某路1号"),
        Column(C_TAGS, Tags(), aliases=("标签",), field="tags", width=24, example="重点跟踪、招商引资",
               note="多个标签用顿号分隔；填写后替换该企业原有标签，留空不改"),
    )
    field_headers = {"on": C_STAGE}
    instructions = (
        "每行一家企业。企业名称、统一社会信用代码必填，其余列可留空；空白单元格不会清除已登记的内容。",
        "统一社会信用代码已在本区县登记的企业将更新其信息，已在其他区县登记的企业不能导入。",
        "培育阶段与现有阶段不同的，按今天的日期记一次阶段变更；已有科小入库、高企证书或培育库记录的企业，阶段由这些记录确定。",
        "导出的企业名录与本模板的列相同，可直接修改后导入。",
    )

    _TEXT_FIELDS = ((C_NAME, "name"), (C_REP, "legal_rep"), (C_DATE, "registered_on"), (C_TOWN, "township"),
                    (C_INDUSTRY, "industry_code"), (C_FIELD, "tech_field"), (C_SIZE, "size_class"),
                    (C_CONTACT, "contact_name"), (C_PHONE, "contact_phone"), (C_ADDRESS, "address"))

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        # The stored firms as plain values (the model instance is loaded only for the rows that are written:
        # building 50,000 instances would cost more than checking the whole file).
        codes = sorted(k[0] for k in keys)
        stored: dict[str, SimpleNamespace] = {}
        for i in range(0, len(codes), CHUNK):
            for values in Enterprise.objects.filter(credit_code__in=codes[i:i + CHUNK]).values_list(*STORED):
                firm = SimpleNamespace(**dict(zip(STORED, values, strict=True)))
                stored[firm.credit_code] = firm
        # Firms whose stage their records decide (the areas say so through the registry's hooks): only this
        # district's matter (the others are refused).
        ours = [f.pk for f in stored.values() if f.district_id == ctx.region.pk]
        ctx.cache["stored"] = stored
        ctx.cache["stage_locks"] = hooks.stage_locks(ours) if ours else {}
        tags: dict[int, set[str]] = {}
        through = Enterprise.tags.through.objects
        for i in range(0, len(ours), CHUNK):
            for pk, code in through.filter(enterprise_id__in=ours[i:i + CHUNK]).values_list("enterprise_id",
                                                                                              "dictitem__code"):
                tags.setdefault(pk, set()).add(code)
        ctx.cache["tags"] = tags

    def check(self, row: Row, ctx: Context) -> Plan | None:
        district = ctx.region
        named = row[C_DISTRICT]
        if named and named not in (district.name, district.code):
            row.error(C_DISTRICT, f"“{named}”不是本区县（{district.name}），只能导入本区县的企业")
        code = row[C_CODE]
        data = {"credit_code": code}
        for header, name in self._TEXT_FIELDS:
            value = row[header]
            if value is not None and value != "":
                data[name] = value
        if code and code[2:4] != ctx.cache.setdefault("province", district.code[:2]):
            note = credit_code_elsewhere(code, district)
            if note:
                row.warn(C_CODE, note)
        stored = ctx.cache["stored"].get(code)
        if stored is not None and stored.district_id != district.pk:
            other = Region.objects.filter(pk=stored.district_id).values_list("name", flat=True).first()
            row.error(C_CODE, f"该企业已在{other}登记，不能导入到{district.name}")
            return None
        stage = row[C_STAGE]
        move = stored is not None and stage is not None and stage != stored.stage
        locked = ctx.cache["stage_locks"].get(stored.pk) if move else None
        if locked:
            row.error(C_STAGE, f"{locked.split('；')[0]}，不能在导入中修改")
        if not row.ok:
            return None
        tags = row[C_TAGS]
        retag = stored is not None and tags is not None and set(tags) != ctx.cache["tags"].get(stored.pk, set())
        return Plan.decide(stored, data, changed=move or retag, stage=stage, tags=tags)

    def write(self, plan: Plan, ctx: Context) -> None:
        stage = plan.extra.get("stage")
        tags = plan.extra.get("tags")
        if plan.target is None:
            created = enterprise_create(actor=ctx.user, reason=f"{ctx.reason}新建", district=ctx.region,
                                        stage=stage or Stage.ATTRACTED, **plan.data)
            if tags:
                set_tags([created], tags, by=ctx.user, reason=ctx.reason)
            return
        enterprise = Enterprise.objects.get(pk=plan.target.pk)
        enterprise_update(enterprise=enterprise, actor=ctx.user, reason=f"{ctx.reason}更新", **plan.data)
        if tags is not None:
            set_tags([enterprise], tags, by=ctx.user, reason=ctx.reason)
        if stage and stage != enterprise.stage:
            enterprise_change_stage(enterprise=enterprise, actor=ctx.user, stage=stage, on=ctx.today, note=ctx.reason)

    def writing(self, ctx: Context):
        return counts_deferred()  # the district's counter rows are moved once, at the end

    def back(self, ctx: Context) -> tuple[str, str]:
        from django.urls import reverse

        return "企业库", reverse("enterprises:list")

    def export_rows(self, ctx: Context):
        qs = ctx.limit(Enterprise.objects.select_related("district", "township")).order_by("name", "id")
        qs = qs.prefetch_related("tags")
        stage = ctx.filters.get("stage")
        if stage:
            if stage not in Stage.values:
                raise ValueError("培育阶段应为：" + "、".join(f"{v}（{label}）" for v, label in Stage.choices))
            qs = qs.filter(stage=stage)
        for e in qs.iterator(chunk_size=2000):
            yield [
                e.name, e.credit_code, e.legal_rep, e.registered_on, e.district.name,
                e.township.name if e.township else "", division_label(e.industry_code), e.get_tech_field_display(),
                e.get_size_class_display(), e.get_stage_display(), e.contact_name, e.contact_phone, e.address,
                "、".join(t.label for t in e.tags.all()),
            ]


ENTERPRISES = EnterpriseKind()
