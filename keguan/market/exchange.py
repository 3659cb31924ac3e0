"""技术市场与科技成果 as import/export kinds (``keguan.exchange``).

``market_contracts``: the export of the national technology contract registration system (全国技术合同登记系统)
as it comes. Its headers vary between versions and provinces, so each column accepts the usual aliases
(合同登记号/登记编号, 合同类别/技术合同类别, 登记日期/认定登记日期, 成交金额/合同成交额 …); amounts are read in the unit
their header names (…（万元） or …（元）; a header without a unit is read as 万元) and a cell may name its own
("12.5万元"). A party's 所在地区 is a 6-digit region code (or the 9/12-digit statistical code) or a name: names
are looked up within the province of the region imported to ("青秀区", "南宁市青秀区", "广西壮族自治区南宁市青秀区"),
and in full anywhere in the region tree; a place not in the tree (another province) is accepted and counts for
no city. A contract is keyed by 合同登记号: importing it again updates it, and its sides follow its parties.
The import goes to a city (the whole register) or to a district, whose bureau imports only contracts its
district is a party to.

``market_results`` (科技成果登记) and ``market_awards`` (获奖与参赛) are the bureau's own sheets, by district.
"""

from __future__ import annotations

from django.urls import reverse

from keguan.enterprises.models import Enterprise
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import Choice, Date, Money, Text, Year, credit_code
from keguan.regions.models import Region, RegionLevel

from .models import Award, AwardKind, AwardLevel, ContractKind, Result, ResultKind, TechContract
from .places import RegionFinder
from .services import (
    award_create,
    award_update,
    contract_create,
    contract_update,
    result_create,
    result_update,
)

C_NUMBER, C_NAME, C_KIND = "合同登记号", "合同名称", "合同类别"
C_SELLER, C_SELLER_AREA, C_SELLER_CODE = "卖方名称", "卖方所在地区", "卖方统一社会信用代码"
C_BUYER, C_BUYER_AREA, C_BUYER_CODE = "买方名称", "买方所在地区", "买方统一社会信用代码"
C_DATE, C_CONTRACT, C_TRANSACTION, C_REGISTRAR = "登记日期", "合同成交额（万元）", "技术交易额（万元）", "登记机构"
KIND_ALIASES = {"开发": "技术开发", "转让": "技术转让", "许可": "技术许可", "咨询": "技术咨询", "服务": "技术服务",
                "技术开发合同": "技术开发", "技术转让合同": "技术转让", "技术许可合同": "技术许可",
                "技术咨询合同": "技术咨询", "技术服务合同": "技术服务", "技术秘密转让": "技术转让",
                "专利权转让": "技术转让", "专利实施许可": "技术许可", "技术培训": "技术服务", "技术中介": "技术服务"}
WAN = Money("万元")
YUAN = Money("元")


class ContractKindImport(ImportKind):
    code = "market_contracts"
    title = "技术合同登记（全国技术合同登记系统导出表）"
    import_perm = "market.import"
    export_perm = "market.export"
    region_level = RegionLevel.COUNTY
    also_levels = (RegionLevel.CITY,)
    key = (C_NUMBER,)
    columns = (
        Column(C_NUMBER, Text(max_length=40), aliases=("合同登记编号", "登记编号", "登记号", "合同编号"), required=True,
               field="number", width=22, example="2024450100000123"),
        Column(C_NAME, Text(max_length=200), aliases=("项目名称", "合同项目名称"), required=True, field="name", width=36,
               example="（示例）智能装备控制系统技术开发"),
        Column(C_KIND, Choice(ContractKind.choices, aliases=KIND_ALIASES, name="合同类别"),
               aliases=("技术合同类别", "合同类型", "技术合同类型"), required=True, field="kind", width=12, example="技术开发",
               note="技术开发、技术转让、技术许可、技术咨询、技术服务（也认“技术开发合同”“专利实施许可”等写法）"),
        Column(C_SELLER, Text(max_length=150), aliases=("卖方", "卖方单位", "卖方名称（受托方）", "受托方名称"),
               required=True, field="seller_name", width=30, example="（示例）某某科技有限公司"),
        Column(C_SELLER_AREA, Text(max_length=100), aliases=("卖方地区", "卖方所在地", "卖方所在区域", "卖方行政区划",
                                                             "卖方所在地区代码", "卖方行政区划代码"),
               field="seller_region", width=18, example="450103",
               note="6位行政区划代码，或本省内的地区名称（如 青秀区、南宁市青秀区）；外省地区也可写全称"),
        Column(C_SELLER_CODE, credit_code, aliases=("卖方信用代码", "卖方社会信用代码", "卖方统一代码"),
               field="seller_code", width=24, note="可不填；填写后关联企业库中的企业"),
        Column(C_BUYER, Text(max_length=150), aliases=("买方", "买方单位", "买方名称（委托方）", "委托方名称"),
               required=True, field="buyer_name", width=30, example="（示例）某某制造有限公司"),
        Column(C_BUYER_AREA, Text(max_length=100), aliases=("买方地区", "买方所在地", "买方所在区域", "买方行政区划",
                                                            "买方所在地区代码", "买方行政区划代码"),
               field="buyer_region", width=18, example="南宁市江南区"),
        Column(C_BUYER_CODE, credit_code, aliases=("买方信用代码", "买方社会信用代码", "买方统一代码"),
               field="buyer_code", width=24),
        Column(C_DATE, Date(), aliases=("认定登记日期", "合同登记日期", "登记时间"), required=True, field="registered_on",
               width=12, example=lambda ctx: ctx.today),
        Column(C_CONTRACT, WAN, aliases=("合同成交额", "成交金额（万元）", "成交金额", "合同金额（万元）", "合同金额",
                                         "成交额（万元）", "成交额"),
               field="contract_amount", width=16, example="120.5", note="单位万元；按元填写时用“合同成交额（元）”列"),
        Column("合同成交额（元）", YUAN, aliases=("成交金额（元）", "合同金额（元）", "成交额（元）"), field="contract_amount",
               width=16),
        Column(C_TRANSACTION, WAN, aliases=("技术交易额", "技术交易金额（万元）", "技术交易金额"), field="transaction_amount",
               width=16, example="100", note="不能大于合同成交额；按元填写时用“技术交易额（元）”列"),
        Column("技术交易额（元）", YUAN, aliases=("技术交易金额（元）",), field="transaction_amount", width=16),
        Column(C_REGISTRAR, Text(max_length=100), aliases=("登记机构名称", "认定登记机构", "登记点"), field="registrar",
               width=20),
    )
    instructions = (
        "可直接上传全国技术合同登记系统导出的Excel：表头写法不同（合同登记号/登记编号、技术合同类别、认定登记日期、成交金额等）均可识别，多余的列不读取。",
        "合同登记号必填且不能重复；再次导入同一合同登记号会更新该合同（包括买卖双方地区变化后的吸纳/输出计数）。",
        "金额按表头的单位读取：表头写“（万元）”或不写单位按万元，写“（元）”按元；单元格也可写“12.5万元”“125000元”。技术交易额不能大于合同成交额。",
        "所在地区：6位行政区划代码（如 450103），或本省内的地区名称（青秀区、南宁市青秀区）；外省地区写全称或代码，计入该方所在地、不计入本市。地区为空且填写了信用代码的，按企业库中该企业所在区县计。",
        "买方所在区县计吸纳、卖方所在区县计输出；只写到地市的一方计入市本级；双方同在一个区县的合同，该区县吸纳、输出各计一次。",
        "导入到区县时，只能导入本区县为买方或卖方的合同；市局导入到本市可导入全市的登记表。",
        "有任何一行出错时整个文件都不导入：请按错误文件中标出的行和列修改后重新上传。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        region = ctx.region
        province = None
        if region is not None:
            code = region.path.strip("/").split("/")[0]
            province = Region.objects.filter(code=code, level=RegionLevel.PROVINCE).first()
        ctx.cache["finder"] = RegionFinder(province)
        numbers = [k[0] for k in keys if k and k[0]]
        stored = {}
        for i in range(0, len(numbers), 500):
            for c in TechContract.objects.filter(number__in=numbers[i:i + 500]):
                stored[c.number] = c
        ctx.cache["stored"] = stored

    def _region(self, row: Row, header: str, ctx: Context):
        text = row[header]
        if text is None:
            return None, ""
        region, problem, fatal = ctx.cache["finder"].find(text)
        if fatal:
            row.error(header, problem)
        elif problem:
            row.warn(header, problem)
        return region, text if region is None else ""

    def check(self, row: Row, ctx: Context) -> Plan | None:
        seller, seller_area = self._region(row, C_SELLER_AREA, ctx)
        buyer, buyer_area = self._region(row, C_BUYER_AREA, ctx)
        amounts = {}
        for field, wan_h, yuan_h, label in (("contract_amount", C_CONTRACT, "合同成交额（元）", "合同成交额"),
                                            ("transaction_amount", C_TRANSACTION, "技术交易额（元）", "技术交易额")):
            if row.raw(wan_h) is not None and row.raw(yuan_h) is not None:
                row.error(yuan_h, f"{label}按万元和按元只能填一列")
            value = row[wan_h] if row[wan_h] is not None else row[yuan_h]
            if value is None and row.raw(wan_h) is None and row.raw(yuan_h) is None:
                row.error(wan_h, f"请填写{label}")
            amounts[field] = value
        if (amounts["contract_amount"] is not None and amounts["transaction_amount"] is not None
                and amounts["transaction_amount"] > amounts["contract_amount"]):
            row.error(C_TRANSACTION, "技术交易额不能大于合同成交额")
        if row[C_DATE] is not None and row[C_DATE] > ctx.today:
            row.error(C_DATE, "登记日期不能晚于今天")
        place = ctx.region
        if place is not None and row.ok:
            mine = [r for r in (seller, buyer) if r is not None and r.path.startswith(place.path)]
            if not mine:
                codes = [c for c in (row[C_SELLER_CODE], row[C_BUYER_CODE]) if c]
                local = codes and Enterprise.objects.filter(credit_code__in=codes,
                                                            district__path__startswith=place.path).exists()
                if not local:
                    row.error(C_BUYER_AREA, f"买方、卖方都不在{place.name}：只能导入{place.name}为买方或卖方的合同")
        if not row.ok:
            return None
        data = {
            "number": row[C_NUMBER], "name": row[C_NAME], "kind": row[C_KIND],
            "seller_name": row[C_SELLER], "seller_region": seller, "seller_area": seller_area,
            "buyer_name": row[C_BUYER], "buyer_region": buyer, "buyer_area": buyer_area,
            "registered_on": row[C_DATE], **amounts,
        }
        for header, key in ((C_SELLER_CODE, "seller_code"), (C_BUYER_CODE, "buyer_code"), (C_REGISTRAR, "registrar")):
            if row.has(header):
                data[key] = row[header] or ""
        stored = ctx.cache["stored"].get(row[C_NUMBER])
        if stored is not None:
            compare = dict(data)
            compare.pop("seller_area"), compare.pop("buyer_area")  # (derived from the regions when they are known)
            changed = (seller_area or (seller.name if seller else "")) != stored.seller_area or \
                      (buyer_area or (buyer.name if buyer else "")) != stored.buyer_area
            return Plan.decide(stored, compare, changed=changed, full=data)
        return Plan.decide(None, data, full=data)

    def write(self, plan: Plan, ctx: Context) -> None:
        data = plan.extra["full"]
        if plan.target is None:
            contract_create(actor=ctx.user, reason=ctx.reason, **data)
        else:
            contract = TechContract.objects.get(pk=plan.target.pk)
            contract_update(contract=contract, actor=ctx.user, reason=ctx.reason, **data)

    def export_rows(self, ctx: Context):
        qs = ctx.limit(TechContract.objects.all()).order_by("registered_on", "number")
        for c in qs.iterator(chunk_size=2000):
            yield [c.number, c.name, c.get_kind_display(), c.seller_name,
                   c.seller_region.code if c.seller_region_id else c.seller_area, c.seller_code or None,
                   c.buyer_name, c.buyer_region.code if c.buyer_region_id else c.buyer_area, c.buyer_code or None,
                   c.registered_on, WAN.to_unit(c.contract_amount), None, WAN.to_unit(c.transaction_amount), None,
                   c.registrar]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("技术合同登记", reverse("market:contracts"))


def _firm_by_code(ctx: Context, code: str | None):
    if not code:
        return None
    cache = ctx.cache.setdefault("firms", {})
    if code not in cache:
        cache[code] = Enterprise.objects.filter(credit_code=code).first()
    return cache[code]


class ResultImport(ImportKind):
    code = "market_results"
    title = "科技成果登记"
    import_perm = "market.import"
    export_perm = "market.export"
    region_level = RegionLevel.COUNTY
    key = ("成果名称", "登记日期")
    columns = (
        Column("成果名称", Text(max_length=200), required=True, field="name", width=36, example="（示例）某某新型材料制备技术"),
        Column("登记号", Text(max_length=40), aliases=("成果登记号",), field="number", width=20),
        Column("成果类别", Choice(ResultKind.choices, name="成果类别"), field="kind", width=14, example="应用技术成果",
               note="应用技术成果、基础理论成果、软科学成果；空按应用技术成果"),
        Column("技术领域", Text(max_length=50), field="field", width=14),
        Column("完成单位", Text(max_length=300), aliases=("第一完成单位",), required=True, field="holders", width=30,
               example="（示例）某某科技有限公司"),
        Column("统一社会信用代码", credit_code, aliases=("信用代码",), field="enterprise", width=24,
               note="第一完成单位是本区县企业库中的企业时填写"),
        Column("登记日期", Date(), required=True, field="registered_on", width=12, example=lambda ctx: ctx.today),
        Column("简介", Text(max_length=500), field="note", width=40),
    )
    instructions = ("每行一项科技成果；同一成果名称和登记日期再次导入会更新该成果。",
                    "填写统一社会信用代码时须为本区县企业库中的企业。")

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        ctx.cache["stored"] = {(r.name, r.registered_on): r for r in Result.objects.filter(district=ctx.region)}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = _firm_by_code(ctx, row["统一社会信用代码"])
        if row["统一社会信用代码"] and (firm is None or firm.district_id != ctx.region.pk):
            row.error("统一社会信用代码", f"{ctx.region.name}企业库中没有该企业")
        if row["登记日期"] is not None and row["登记日期"] > ctx.today:
            row.error("登记日期", "登记日期不能晚于今天")
        if not row.ok:
            return None
        data = {"name": row["成果名称"], "number": row["登记号"] or "", "kind": row["成果类别"] or ResultKind.APPLIED,
                "field": row["技术领域"] or "", "holders": row["完成单位"], "enterprise": firm,
                "registered_on": row["登记日期"], "note": row["简介"] or ""}
        return Plan.decide(ctx.cache["stored"].get((row["成果名称"], row["登记日期"])), data)

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            result_create(actor=ctx.user, reason=ctx.reason, district=ctx.region, **plan.data)
        else:
            result_update(result=Result.objects.get(pk=plan.target.pk), actor=ctx.user, reason=ctx.reason,
                          district=ctx.region, **plan.data)

    def export_rows(self, ctx: Context):
        for r in ctx.limit(Result.objects.select_related("enterprise")).order_by("registered_on", "id"):
            yield [r.name, r.number, r.get_kind_display(), r.field, r.holders,
                   r.enterprise.credit_code if r.enterprise_id else None, r.registered_on, r.note]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("科技成果登记", reverse("market:results"))


class AwardImport(ImportKind):
    code = "market_awards"
    title = "获奖与参赛"
    import_perm = "market.import"
    export_perm = "market.export"
    region_level = RegionLevel.COUNTY
    key = ("年度", "奖项/赛事名称", "项目名称")
    columns = (
        Column("年度", Year(), required=True, field="year", width=8, example=lambda ctx: ctx.today.year),
        Column("类别", Choice(AwardKind.choices, name="类别", aliases={"大赛": "创新创业大赛", "科技奖": "科学技术奖"}),
               required=True, field="kind", width=14, example="创新创业大赛", note="科学技术奖、创新创业大赛、其他竞赛/评选"),
        Column("奖项/赛事名称", Text(max_length=150), aliases=("奖项名称", "赛事名称", "大赛名称"), required=True, field="name",
               width=36, example="第十二届中国创新创业大赛（广西赛区）"),
        Column("级别", Choice(AwardLevel.choices, name="级别",
                            aliases={"国家": "国家级", "省": "省级", "自治区级": "省级", "市": "市级", "区级": "区县级",
                                     "县级": "区县级"}),
               required=True, field="level", width=10, example="省级"),
        Column("项目名称", Text(max_length=200), aliases=("获奖项目", "参赛项目"), required=True, field="project", width=36,
               example="（示例）高效节能电机控制系统"),
        Column("奖次", Text(max_length=50), aliases=("获奖等级", "奖项等级"), field="prize", width=12, example="二等奖",
               note="参赛未获奖的留空"),
        Column("获奖单位/个人", Text(max_length=300), aliases=("获奖单位", "参赛单位", "完成单位"), required=True,
               field="winners", width=30, example="（示例）某某科技有限公司"),
        Column("统一社会信用代码", credit_code, aliases=("信用代码",), field="enterprise", width=24),
        Column("获奖/参赛日期", Date(), aliases=("获奖日期", "参赛日期"), field="awarded_on", width=12),
    )
    instructions = ("每行一个获奖或参赛项目；同一年度、同一奖项/赛事下的项目名称再次导入会更新该记录。",
                    "奖次留空表示参赛未获奖（计入参赛项目数，不计入获奖数）。")

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        ctx.cache["stored"] = {(a.year, a.name, a.project): a for a in Award.objects.filter(district=ctx.region)}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = _firm_by_code(ctx, row["统一社会信用代码"])
        if row["统一社会信用代码"] and (firm is None or firm.district_id != ctx.region.pk):
            row.error("统一社会信用代码", f"{ctx.region.name}企业库中没有该企业")
        on = row["获奖/参赛日期"]
        if on is not None and row["年度"] is not None and on.year != row["年度"]:
            row.error("获奖/参赛日期", "日期须在所填年度内")
        if not row.ok:
            return None
        data = {"year": row["年度"], "kind": row["类别"], "name": row["奖项/赛事名称"], "level": row["级别"],
                "project": row["项目名称"], "prize": row["奖次"] or "", "winners": row["获奖单位/个人"],
                "enterprise": firm, "awarded_on": on}
        return Plan.decide(ctx.cache["stored"].get((row["年度"], row["奖项/赛事名称"], row["项目名称"])), data)

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            award_create(actor=ctx.user, reason=ctx.reason, district=ctx.region, **plan.data)
        else:
            award_update(award=Award.objects.get(pk=plan.target.pk), actor=ctx.user, reason=ctx.reason,
                         district=ctx.region, **plan.data)

    def export_rows(self, ctx: Context):
        for a in ctx.limit(Award.objects.select_related("enterprise")).order_by("year", "id"):
            yield [a.year, a.get_kind_display(), a.name, a.get_level_display(), a.project, a.prize, a.winners,
                   a.enterprise.credit_code if a.enterprise_id else None, a.awarded_on]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("获奖与参赛", reverse("market:awards"))


CONTRACTS = ContractKindImport()
RESULTS = ResultImport()
AWARDS = AwardImport()
