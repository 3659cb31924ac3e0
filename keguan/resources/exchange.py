"""创新平台与人才 as import/export kinds (``keguan.exchange``): the bureau's Excel lists brought in, each row written
through the area's services, keyed so that importing the same sheet again updates instead of duplicating.

- ``resource_platforms`` (创新平台): keyed by 平台名称 within the district.
- ``resource_evaluations`` (平台考核): keyed by (平台名称, 考核年度); the platform must be registered.
- ``resource_applications`` (平台申报): keyed by (拟建平台名称, 申报日期); 获批 creates the platform (or links the
  district's platform of the same name), as on the page.
- ``resource_talent`` (人才与团队): keyed by (姓名/团队名称, 人才计划, 入选年度).
- ``resource_experts`` (外国专家): keyed by (姓名, 聘请单位).
- ``resource_agreements`` (产学研合作协议): keyed by (本地单位, 合作高校/院所, 签订日期).
- ``resource_recognitions`` (称号申报): keyed by (统一社会信用代码, 称号, 级别, 申报年度). The row's 状态 is reached
  through the flow's steps, each with its date (推荐日期, 公示日期, 认定/结果日期), so 认定 grants the label once,
  as on the page; a status behind the registered one is refused (an import never takes a step back).

A firm is named by its credit code and must be in the district's register.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from django.urls import reverse

from keguan.core import dictionary
from keguan.enterprises.models import Enterprise, LabelLevel
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import Choice, Date, Money, Text, Year, credit_code
from keguan.rules import recognition_flow as flow

from . import services
from .models import (
    Agreement,
    AgreementStatus,
    ForeignExpert,
    Grade,
    Level,
    Outcome,
    Platform,
    PlatformApplication,
    PlatformEvaluation,
    PlatformStatus,
    Recognition,
    RecognitionStatus,
    Talent,
)

WAN = Money("万元")
C_CODE = "统一社会信用代码"
LEVEL = Choice(Level.choices, name="级别", aliases={"国家": "国家级", "省": "省级", "市": "市级", "区级": "区县级",
                                                    "县级": "区县级"})


def _kinds(ctx) -> list[tuple[str, str]]:
    return [(i.code, i.label) for i in dictionary.items("platform_kind")]


KIND = Choice(_kinds, name="平台类型")
CODE_COL = Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), width=24, field="enterprise",
                  note="依托/所在单位是本区县企业库中的企业时填写")


class _Kind(ImportKind):
    """What the kinds share: the district's firms by credit code, the stored rows by key, the back link."""

    import_perm = "resources.import"
    export_perm = "resources.export"
    model: Any = None
    back_url = ""
    back_label = ""

    stored_fields: tuple[str, ...] = ()  # the stored row's attributes (dotted paths) that make its key

    def stored_key(self, obj) -> tuple:
        return tuple(attrgetter(name)(obj) for name in self.stored_fields)

    def stored(self, ctx: Context):
        return self.model.objects.filter(district=ctx.region)

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        ctx.cache["firms"] = {e.credit_code: e for e in Enterprise.objects.filter(district=ctx.region)
                              .only("pk", "name", "credit_code", "district_id")}
        ctx.cache["stored"] = {self.stored_key(o): o for o in self.stored(ctx)}

    def firm(self, row: Row, ctx: Context, header: str = C_CODE, *, required: bool = False):
        code = row[header]
        if code is None:
            if required:
                row.error(header, "请填写统一社会信用代码")
            return None
        firm = ctx.cache["firms"].get(code)
        if firm is None:
            row.error(header, f"{code} 不在本区县的企业库中，请先在企业库中登记该企业")
        return firm

    def back(self, ctx: Context) -> tuple[str, str]:
        return (self.back_label, reverse(self.back_url))


def _plain(value) -> str:
    return value or ""


# --- platforms ------------------------------------------------------------------------------------------


class PlatformKind(_Kind):
    code = "resource_platforms"
    title = "创新平台"
    model = Platform
    back_url, back_label = "resources:platforms", "创新平台"
    key = ("平台名称",)
    columns = (
        Column("平台名称", Text(max_length=150), required=True, width=36, example="（示例）广西某某工程技术研究中心"),
        Column("平台类型", KIND, required=True, width=18, field="kind", example="工程技术研究中心"),
        Column("级别", LEVEL, required=True, width=8, field="level", example="省级"),
        Column("依托单位", Text(max_length=150), required=True, width=30, field="host", example="（示例）某某科技有限公司"),
        CODE_COL,
        Column("认定年度", Year(), required=True, width=10, field="approved_year", example=2023),
        Column("批准文号", Text(max_length=100), width=20),
        Column("状态", Choice(PlatformStatus.choices, name="状态"), width=8, field="status", note="筹建、运行或撤销；空为运行"),
        Column("撤销年度", Year(), width=10, field="revoked_year", note="状态为撤销时必填"),
        Column("技术领域", Text(max_length=50), width=14),
        Column("备注", Text(max_length=500), width=30),
    )
    instructions = ("每行一个创新平台；同一区县内平台名称不能重复，再次导入按平台名称更新。",
                    "依托单位是本区县企业库中的企业时，填写其统一社会信用代码，平台会显示在企业页面上。")

    stored_fields = ("name",)

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = self.firm(row, ctx)
        status = row["状态"] or PlatformStatus.RUNNING
        if status == PlatformStatus.REVOKED and row["撤销年度"] is None:
            row.error("撤销年度", "状态为撤销时请填写撤销年度")
        if status != PlatformStatus.REVOKED and row["撤销年度"] is not None:
            row.error("撤销年度", "只有已撤销的平台填写撤销年度")
        if row["撤销年度"] and row["认定年度"] and row["撤销年度"] < row["认定年度"]:
            row.error("撤销年度", "撤销年度不能早于认定年度")
        if not row.ok:
            return None
        data = {"kind": row["平台类型"], "level": row["级别"], "host": row["依托单位"], "enterprise": firm,
                "approved_year": row["认定年度"], "approval_doc": _plain(row["批准文号"]), "status": status,
                "revoked_year": row["撤销年度"], "field": _plain(row["技术领域"]), "note": _plain(row["备注"])}
        return Plan.decide(ctx.cache["stored"].get((row["平台名称"],)), data, name=row["平台名称"])

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            p = services.platform_create(actor=ctx.user, district=ctx.region, reason=ctx.reason,
                                         name=plan.extra["name"], **plan.data)
            ctx.cache["stored"][(p.name,)] = p
        else:
            services.platform_update(actor=ctx.user, platform=plan.target, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        for p in ctx.limit(Platform.objects.all()).select_related("enterprise").order_by("district__code", "name"):
            yield [p.name, dictionary.label("platform_kind", p.kind), p.get_level_display(), p.host,
                   p.enterprise.credit_code if p.enterprise else None, p.approved_year, p.approval_doc,
                   p.get_status_display(), p.revoked_year, p.field, p.note]


class EvaluationKind(_Kind):
    code = "resource_evaluations"
    title = "平台考核"
    model = PlatformEvaluation
    back_url, back_label = "resources:platforms", "创新平台"
    key = ("平台名称", "考核年度")
    columns = (
        Column("平台名称", Text(max_length=150), required=True, width=36, example="（示例）广西某某工程技术研究中心",
               note="须为本区县已登记的平台"),
        Column("考核年度", Year(), required=True, width=10, field="year", example=2024),
        Column("考核结果", Choice(Grade.choices, name="考核结果"), required=True, width=10, field="grade", example="良好",
               note="优秀、良好、合格或不合格"),
        Column("说明", Text(max_length=300), width=30),
    )
    instructions = ("每行一个平台一个年度的考核结果；同一平台同一年度再次导入即更新。",)

    stored_fields = ("platform.name", "year")

    def stored(self, ctx: Context):
        return PlatformEvaluation.objects.filter(platform__district=ctx.region).select_related("platform")

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        super().prepare(ctx, keys)
        ctx.cache["platforms"] = {p.name: p for p in Platform.objects.filter(district=ctx.region)}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        platform = ctx.cache["platforms"].get(row["平台名称"]) if row["平台名称"] else None
        if row["平台名称"] and platform is None:
            row.error("平台名称", f"本区县没有名为“{row['平台名称']}”的平台，请先登记或导入平台")
        if platform and row["考核年度"] and row["考核年度"] < platform.approved_year:
            row.error("考核年度", f"考核年度不能早于平台的认定年度（{platform.approved_year}年）")
        if not row.ok:
            return None
        data = {"grade": row["考核结果"], "note": _plain(row["说明"])}
        return Plan.decide(ctx.cache["stored"].get((row["平台名称"], row["考核年度"])), data, platform=platform,
                           year=row["考核年度"])

    def write(self, plan: Plan, ctx: Context) -> None:
        services.evaluation_set(actor=ctx.user, platform=plan.extra["platform"], year=plan.extra["year"],
                                reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        rows = ctx.limit(PlatformEvaluation.objects.all()).select_related("platform")
        for e in rows.order_by("platform__name", "-year"):
            yield [e.platform.name, e.year, e.get_grade_display(), e.note]


class ApplicationKind(_Kind):
    code = "resource_applications"
    title = "平台申报"
    model = PlatformApplication
    back_url, back_label = "resources:applications", "平台申报"
    key = ("拟建平台名称", "申报日期")
    columns = (
        Column("拟建平台名称", Text(max_length=150), required=True, width=36, example="（示例）某某市重点实验室"),
        Column("平台类型", KIND, required=True, width=18, field="kind", example="重点实验室"),
        Column("申报级别", LEVEL, required=True, width=8, field="level", example="市级"),
        Column("依托单位", Text(max_length=150), required=True, width=30, field="host", example="（示例）某某科技有限公司"),
        CODE_COL,
        Column("申报日期", Date(not_after_today=True), required=True, width=12, field="applied_on",
               example=lambda ctx: ctx.today),
        Column("结果", Choice(Outcome.choices, name="结果"), width=10, field="outcome", note="评审中、获批或未获批；空为评审中"),
        Column("结果日期", Date(not_after_today=True), width=12, field="decided_on", note="获批、未获批时必填"),
        Column("批准文号", Text(max_length=100), width=20, note="获批时记入新建的平台"),
        Column("备注", Text(max_length=500), width=30),
    )
    instructions = ("每行一个平台申报；按“拟建平台名称+申报日期”对应，再次导入即更新。",
                    "结果为获批时按本行新建平台；本区县已有同名平台时关联该平台。")

    stored_fields = ("name", "applied_on")

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        super().prepare(ctx, keys)
        ctx.cache["platforms"] = {p.name: p for p in Platform.objects.filter(district=ctx.region)}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = self.firm(row, ctx)
        outcome = row["结果"] or Outcome.PENDING
        if outcome != Outcome.PENDING and row["结果日期"] is None:
            row.error("结果日期", "获批、未获批的申报请填写结果日期")
        if row["结果日期"] and row["申报日期"] and row["结果日期"] < row["申报日期"]:
            row.error("结果日期", "结果日期不能早于申报日期")
        if not row.ok:
            return None
        data = {"kind": row["平台类型"], "level": row["申报级别"], "host": row["依托单位"], "enterprise": firm,
                "note": _plain(row["备注"])}
        target = ctx.cache["stored"].get((row["拟建平台名称"], row["申报日期"]))
        changed = target is not None and (target.outcome != outcome or target.decided_on != row["结果日期"])
        return Plan.decide(target, data, changed=changed, name=row["拟建平台名称"], applied_on=row["申报日期"],
                           outcome=outcome, decided_on=row["结果日期"], doc=_plain(row["批准文号"]))

    def write(self, plan: Plan, ctx: Context) -> None:
        x = plan.extra
        if plan.target is None:
            a = services.application_create(actor=ctx.user, district=ctx.region, reason=ctx.reason, name=x["name"],
                                            applied_on=x["applied_on"], **plan.data)
        else:
            a = services.application_update(actor=ctx.user, application=plan.target, reason=ctx.reason, **plan.data)
        if x["outcome"] != a.outcome or x["decided_on"] != a.decided_on:
            same = ctx.cache["platforms"].get(x["name"]) if x["outcome"] == Outcome.APPROVED else None
            if same is not None and PlatformApplication.objects.filter(platform=same).exclude(pk=a.pk).exists():
                same = None
            a = services.application_decide(actor=ctx.user, application=a, outcome=x["outcome"], on=x["decided_on"],
                                            platform=same, approval_doc=x["doc"], reason=ctx.reason)
            if a.platform_id:
                ctx.cache["platforms"][a.platform.name] = a.platform

    def export_rows(self, ctx: Context):
        rows = ctx.limit(PlatformApplication.objects.all()).select_related("enterprise", "platform")
        for a in rows.order_by("-applied_on", "name"):
            yield [a.name, dictionary.label("platform_kind", a.kind), a.get_level_display(), a.host,
                   a.enterprise.credit_code if a.enterprise else None, a.applied_on, a.get_outcome_display(),
                   a.decided_on, a.platform.approval_doc if a.platform else "", a.note]


# --- talent and experts ---------------------------------------------------------------------------------

TEAM = [(False, "个人"), (True, "团队")]


class TalentKind(_Kind):
    code = "resource_talent"
    title = "人才与团队"
    model = Talent
    back_url, back_label = "resources:talent", "人才与团队"
    key = ("姓名/团队名称", "人才计划", "入选年度")
    columns = (
        Column("姓名/团队名称", Text(max_length=100), required=True, width=24, aliases=("姓名", "团队名称"),
               example="（示例）张某某"),
        Column("类别", Choice(TEAM, name="类别", accept_value=False), width=8, note="个人或团队；空为个人"),
        Column("人才计划", Text(max_length=100), required=True, width=24, example="广西特聘专家"),
        Column("批次", Text(max_length=30), width=10),
        Column("入选年度", Year(), required=True, width=10, field="year", example=2024),
        Column("级别", LEVEL, required=True, width=8, field="level", example="省级"),
        Column("所在单位", Text(max_length=150), required=True, width=30, example="（示例）某某科技有限公司"),
        CODE_COL,
        Column("专业领域", Text(max_length=50), width=14),
    )
    instructions = ("每行一名入选人才或一个创新团队；按“姓名/团队名称+人才计划+入选年度”对应，再次导入即更新。",)

    stored_fields = ("name", "program", "year")

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = self.firm(row, ctx)
        if not row.ok:
            return None
        data = {"is_team": bool(row["类别"]), "batch": _plain(row["批次"]), "level": row["级别"],
                "host": row["所在单位"], "enterprise": firm, "field": _plain(row["专业领域"])}
        key = (row["姓名/团队名称"], row["人才计划"], row["入选年度"])
        return Plan.decide(ctx.cache["stored"].get(key), data, key=key)

    def write(self, plan: Plan, ctx: Context) -> None:
        name, program, year = plan.extra["key"]
        if plan.target is None:
            services.talent_create(actor=ctx.user, district=ctx.region, reason=ctx.reason, name=name, program=program,
                                   year=year, **plan.data)
        else:
            services.talent_update(actor=ctx.user, talent=plan.target, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        for t in ctx.limit(Talent.objects.all()).select_related("enterprise").order_by("-year", "name"):
            yield [t.name, "团队" if t.is_team else "个人", t.program, t.batch, t.year, t.get_level_display(), t.host,
                   t.enterprise.credit_code if t.enterprise else None, t.field]


class ExpertKind(_Kind):
    code = "resource_experts"
    title = "外国专家"
    model = ForeignExpert
    back_url, back_label = "resources:experts", "外国专家"
    key = ("姓名", "聘请单位")
    columns = (
        Column("姓名", Text(max_length=100), required=True, width=24, example="（示例）John Smith"),
        Column("国籍", Text(max_length=50), required=True, width=10, example="英国"),
        Column("聘请单位", Text(max_length=150), required=True, width=30, example="（示例）某某科技有限公司"),
        CODE_COL,
        Column("专业领域", Text(max_length=50), width=14),
        Column("服务开始日期", Date(), required=True, width=12, field="start_on", example=lambda ctx: ctx.today),
        Column("服务结束日期", Date(), width=12, field="end_on"),
        Column("工作许可证号", Text(max_length=40), width=20, field="permit_no"),
        Column("工作许可到期日", Date(), width=12, field="permit_expires"),
    )
    instructions = ("每行一名外国专家；按“姓名+聘请单位”对应，再次导入即更新。",
                    "工作许可已过期或60天内到期的在聘专家会列入首页待办。")

    stored_fields = ("name", "host")

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = self.firm(row, ctx)
        if row["服务结束日期"] and row["服务开始日期"] and row["服务结束日期"] < row["服务开始日期"]:
            row.error("服务结束日期", "服务结束日期不能早于开始日期")
        if row["工作许可到期日"] and not row["工作许可证号"]:
            row.error("工作许可证号", "填写了工作许可到期日，请同时填写工作许可证号")
        if not row.ok:
            return None
        data = {"nationality": row["国籍"], "enterprise": firm, "field": _plain(row["专业领域"]),
                "start_on": row["服务开始日期"], "end_on": row["服务结束日期"], "permit_no": _plain(row["工作许可证号"]),
                "permit_expires": row["工作许可到期日"]}
        key = (row["姓名"], row["聘请单位"])
        return Plan.decide(ctx.cache["stored"].get(key), data, key=key)

    def write(self, plan: Plan, ctx: Context) -> None:
        name, host = plan.extra["key"]
        if plan.target is None:
            services.expert_create(actor=ctx.user, district=ctx.region, reason=ctx.reason, name=name, host=host,
                                   **plan.data)
        else:
            services.expert_update(actor=ctx.user, expert=plan.target, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        for e in ctx.limit(ForeignExpert.objects.all()).select_related("enterprise").order_by("-start_on", "name"):
            yield [e.name, e.nationality, e.host, e.enterprise.credit_code if e.enterprise else None, e.field,
                   e.start_on, e.end_on, e.permit_no, e.permit_expires]


class AgreementKind(_Kind):
    code = "resource_agreements"
    title = "产学研合作协议"
    model = Agreement
    back_url, back_label = "resources:agreements", "产学研合作"
    key = ("本地单位", "合作高校/院所", "签订日期")
    columns = (
        Column("本地单位", Text(max_length=150), required=True, width=30, example="（示例）某某科技有限公司"),
        CODE_COL,
        Column("合作高校/院所", Text(max_length=150), required=True, width=30, aliases=("合作单位",), example="广西大学"),
        Column("签订日期", Date(not_after_today=True), required=True, width=12, field="signed_on",
               example=lambda ctx: ctx.today),
        Column("合作领域", Text(max_length=100), width=16),
        Column("协议金额（万元）", WAN, width=14, field="amount", example=50),
        Column("状态", Choice(AgreementStatus.choices, name="状态"), width=10, field="status", note="履行中、已完成或已终止"),
        Column("合作内容", Text(max_length=500), width=40),
    )
    instructions = ("每行一份合作协议；按“本地单位+合作高校/院所+签订日期”对应，再次导入即更新。金额单位为万元。",)

    stored_fields = ("local_party", "partner", "signed_on")

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = self.firm(row, ctx)
        if not row.ok:
            return None
        data = {"enterprise": firm, "field": _plain(row["合作领域"]), "amount": row["协议金额（万元）"],
                "status": row["状态"] or AgreementStatus.ACTIVE, "note": _plain(row["合作内容"])}
        key = (row["本地单位"], row["合作高校/院所"], row["签订日期"])
        return Plan.decide(ctx.cache["stored"].get(key), data, key=key)

    def write(self, plan: Plan, ctx: Context) -> None:
        local, partner, signed = plan.extra["key"]
        if plan.target is None:
            services.agreement_create(actor=ctx.user, district=ctx.region, reason=ctx.reason, local_party=local,
                                      partner=partner, signed_on=signed, **plan.data)
        else:
            services.agreement_update(actor=ctx.user, agreement=plan.target, reason=ctx.reason, **plan.data)

    def export_rows(self, ctx: Context):
        for a in ctx.limit(Agreement.objects.all()).select_related("enterprise").order_by("-signed_on", "local_party"):
            yield [a.local_party, a.enterprise.credit_code if a.enterprise else None, a.partner, a.signed_on, a.field,
                   WAN.to_unit(a.amount), a.get_status_display(), a.note]


# --- recognitions ---------------------------------------------------------------------------------------

STEP_HEADERS = {flow.RECOMMENDED: "推荐日期", flow.PUBLICISED: "公示日期", flow.GRANTED: "认定/结果日期",
                flow.FAILED: "认定/结果日期"}


class RecognitionKind(_Kind):
    code = "resource_recognitions"
    title = "称号申报"
    model = Recognition
    back_url, back_label = "resources:recognitions", "称号申报"
    key = (C_CODE, "称号", "级别", "申报年度")
    columns = (
        Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), required=True, width=24, field="enterprise",
               example="91450103MA5XXXXXXX", note="须为本区县企业库中的企业"),
        Column("企业名称", Text(max_length=128), width=30, note="仅供核对"),
        Column("称号", Choice(services.TITLE_CHOICES, name="称号"), required=True, width=18, field="title",
               example="专精特新"),
        Column("级别", Choice(LabelLevel.choices, name="级别", aliases={"无": "—", "不分级": "—"}), required=True, width=8,
               field="level", example="省级", note="国家级、省级、市级、区县级；不分级别的称号填“—”"),
        Column("申报年度", Year(ahead=1), required=True, width=10, field="year", example=lambda ctx: ctx.today.year),
        Column("批次", Text(max_length=30), width=10),
        Column("状态", Choice(RecognitionStatus.choices, name="状态"), required=True, width=8, example="申报",
               note="申报、推荐、公示、认定或未通过"),
        Column("申报日期", Date(not_after_today=True), required=True, width=12, field="applied_on",
               example=lambda ctx: ctx.today),
        Column("推荐日期", Date(not_after_today=True), width=12, note="推荐及以后的状态必填"),
        Column("公示日期", Date(not_after_today=True), width=12, note="公示、认定必填"),
        Column("认定/结果日期", Date(not_after_today=True), width=12, aliases=("认定日期", "结果日期"),
               note="认定、未通过必填"),
        Column("未通过原因", Text(max_length=200), width=24, note="未通过时必填"),
    )
    instructions = (
        "每行一家企业一个称号一个年度的申报；按“统一社会信用代码+称号+级别+申报年度”对应，再次导入即更新。",
        "状态按申报 → 推荐 → 公示 → 认定逐步登记，已达到的每一步都须填日期；认定后企业自动获得该称号（已有的不重复登记）。",
        "导入不能把已登记的申报退回到之前的状态，也不能改动已认定或未通过的申报。",
    )

    stored_fields = ("enterprise.credit_code", "title", "level", "year")

    def stored(self, ctx: Context):
        return Recognition.objects.filter(district=ctx.region).select_related("enterprise")

    def steps_for(self, status: str, row: Row) -> list[str]:
        """The moves from 申报 to ``status``: 未通过 after the steps whose dates the row gives."""
        if status == flow.FAILED:
            return [s for s in (flow.RECOMMENDED, flow.PUBLICISED) if row[STEP_HEADERS[s]]] + [flow.FAILED]
        return flow.ORDER[1:flow.ORDER.index(status) + 1]

    def check(self, row: Row, ctx: Context) -> Plan | None:
        firm = self.firm(row, ctx, required=True)
        status = row["状态"]
        if status is None:
            return None
        steps = self.steps_for(status, row)
        last = row["申报日期"]
        for step in steps:
            header = STEP_HEADERS[step]
            day = row[header]
            if day is None:
                row.error(header, f"状态为{flow.LABELS[status]}，请填写{header}")
            elif last is not None and day < last:
                row.error(header, f"{header}不能早于上一步的日期（{last:%Y-%m-%d}）")
            last = day or last
        if status == flow.FAILED and not row["未通过原因"]:
            row.error("未通过原因", "未通过须写明原因")
        key = (row[C_CODE], row["称号"], row["级别"], row["申报年度"])
        target = ctx.cache["stored"].get(key)
        if target is not None and status != target.status:
            done = [flow.APPLIED, *self.steps_for(target.status, row)] if target.status != flow.FAILED else []
            if target.status in flow.FINAL:
                row.error("状态", f"该申报已{target.get_status_display()}，导入不能再变更状态")
            elif status in done or (status != flow.FAILED and flow.ORDER.index(status) < flow.ORDER.index(target.status)):
                row.error("状态", f"该申报已登记为{target.get_status_display()}，导入不能退回到{flow.LABELS[status]}")
        if not row.ok:
            return None
        data = {"enterprise": firm, "batch": _plain(row["批次"]), "applied_on": row["申报日期"]}
        moves = [(s, row[STEP_HEADERS[s]]) for s in steps]
        return Plan.decide(target, data, changed=target is not None and target.status != status, key=key,
                           moves=moves, reason=_plain(row["未通过原因"]))

    def write(self, plan: Plan, ctx: Context) -> None:
        _code, title, level, year = plan.extra["key"]
        if plan.target is None:
            r = services.recognition_create(actor=ctx.user, district=ctx.region, reason=ctx.reason, title=title,
                                            level=level, year=year, **plan.data)
        else:
            r = services.recognition_update(actor=ctx.user, recognition=plan.target, reason=ctx.reason,
                                            batch=plan.data["batch"], applied_on=plan.data["applied_on"])
        reached = [flow.APPLIED]
        if r.recommended_on:
            reached.append(flow.RECOMMENDED)
        if r.publicised_on:
            reached.append(flow.PUBLICISED)
        for step, on in plan.extra["moves"]:
            if step in reached or r.status == step:
                continue
            r = services.recognition_move(actor=ctx.user, recognition=r, target=step, on=on,
                                          reason=plan.extra["reason"], today=ctx.today, change_reason=ctx.reason)

    def export_rows(self, ctx: Context):
        rows = ctx.limit(Recognition.objects.all()).select_related("enterprise")
        for r in rows.order_by("-year", "enterprise__name"):
            yield [r.enterprise.credit_code, r.enterprise.name, dict(services.TITLE_CHOICES).get(r.title, r.title),
                   dict(LabelLevel.choices).get(r.level, r.level), r.year, r.batch,
                   r.get_status_display(), r.applied_on, r.recommended_on, r.publicised_on, r.decided_on,
                   r.failed_reason]


PLATFORMS = PlatformKind()
EVALUATIONS = EvaluationKind()
APPLICATIONS = ApplicationKind()
TALENT = TalentKind()
EXPERTS = ExpertKind()
AGREEMENTS = AgreementKind()
RECOGNITIONS = RecognitionKind()
