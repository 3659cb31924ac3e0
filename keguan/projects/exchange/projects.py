"""科技项目 as import/export kinds (``keguan.exchange``): how a bureau brings in what it keeps in Excel.

- ``project_programs`` (科技计划): 计划名称, 级别, 主管部门, 说明 — one row per program; the name is the key.
- ``project_list`` (项目清单): a year of projects — 年度, 计划名称, 级别, 项目名称, 承担单位, 统一社会信用代码, 技术领域,
  状态, 申请资助（万元）, 立项资助（万元）, 立项日期, 推荐日期, 备注. It covers the bureau's own projects and the ones it
  recommended upward (状态 推荐上级 / 立项 / 不予立项, with the funds won as 立项资助). A firm is found by its
  credit code in the bureau's register; without a code, 承担单位 names an institute (created when new). The
  program is created when it is new (with the row's 级别); each program-year gets one call holding the imported
  projects ("2024年度…（导入）"). A project is keyed by (年度, 计划名称, 项目名称): importing the same sheet
  again updates, never duplicates. Imported projects are set to their status with one step "Excel导入" (their
  earlier history is not in the sheet); funds won are recorded as the program level's funds on the 立项日期.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from keguan.accounts.models import Organisation, OrganisationKind
from keguan.core import dictionary
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import Choice, Date, Money, Text, Year, credit_code
from keguan.projects.models import (
    Application,
    ApplicationStep,
    Call,
    Funding,
    FundSource,
    Level,
    Program,
)
from keguan.rules import project_flow as flow

C_YEAR, C_PROGRAM, C_LEVEL, C_BODY, C_NOTE = "年度", "计划名称", "级别", "主管部门", "备注"
C_TITLE, C_APPLICANT, C_CODE, C_FIELD, C_STATUS = "项目名称", "承担单位", "统一社会信用代码", "技术领域", "状态"
C_REQUESTED, C_APPROVED, C_APPROVED_ON, C_RECOMMENDED_ON = "申请资助（万元）", "立项资助（万元）", "立项日期", "推荐日期"
LEVEL_SOURCE = {Level.NATIONAL: FundSource.CENTRAL, Level.PROVINCE: FundSource.PROVINCE, Level.CITY: FundSource.CITY,
                Level.COUNTY: FundSource.COUNTY}
# The statuses a list may carry (the workflow's others belong to applications made in keguan)
LIST_STATUSES = [(s, flow.LABELS[s]) for s in (flow.SUBMITTED, flow.REVIEW, flow.RECOMMENDED, flow.APPROVED,
                                               flow.REJECTED, flow.SIGNED, flow.RUNNING, flow.ACCEPTANCE, flow.CLOSED)]
WAN = Money("万元")


def _fields(ctx) -> list[tuple[str, str]]:
    return [(i.code, i.label) for i in dictionary.items("project_field")]


class ProgramKind(ImportKind):
    code = "project_programs"
    title = "科技计划"
    import_perm = "projects.import"
    export_perm = "projects.export"
    key = (C_PROGRAM,)
    columns = (
        Column(C_PROGRAM, Text(max_length=100), required=True, width=36, example="某某区科技计划项目"),
        Column(C_LEVEL, Choice(Level.choices, name="计划级别"), required=True, width=10, example="区县级",
               note="国家级、省级、市级或区县级"),
        Column(C_BODY, Text(max_length=100), required=True, width=30, example="某某区科学技术局"),
        Column("说明", Text(max_length=500), width=40),
    )
    instructions = (
        "每行一个科技计划：本局组织的区县级计划，以及本局推荐申报的市级、省级、国家级计划。",
        "计划名称在本单位内不能重复；已有的计划按名称更新级别、主管部门和说明。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        ctx.cache["programs"] = {p.name: p for p in Program.objects.filter(region=ctx.region)}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        if not row.ok:
            return None
        data = {"level": row[C_LEVEL], "managing_body": row[C_BODY], "note": row["说明"] or ""}
        return Plan.decide(ctx.cache["programs"].get(row[C_PROGRAM]), data, name=row[C_PROGRAM])

    def write(self, plan: Plan, ctx: Context) -> None:
        program = plan.target or Program(region=ctx.region, name=plan.extra["name"], created_by=ctx.user)
        for k, v in plan.data.items():
            setattr(program, k, v)
        program._history_user = ctx.user
        program.save()

    def export_rows(self, ctx: Context):
        for p in ctx.limit(Program.objects.all()).order_by("level", "name"):
            yield [p.name, p.get_level_display(), p.managing_body, p.note]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("科技项目", reverse("projects:applications"))


class ProjectListKind(ImportKind):
    code = "project_list"
    title = "科技项目清单"
    import_perm = "projects.import"
    export_perm = "projects.export"
    key = (C_YEAR, C_PROGRAM, C_TITLE)
    columns = (
        Column(C_YEAR, Year(), required=True, width=8, example=lambda ctx: ctx.today.year),
        Column(C_PROGRAM, Text(max_length=100), required=True, width=30, example="某某区科技计划项目",
               note="已有的计划按名称对应；新计划按本行的级别建立"),
        Column(C_LEVEL, Choice(Level.choices, name="计划级别"), width=10, example="区县级",
               note="新计划必填：国家级、省级、市级或区县级"),
        Column(C_TITLE, Text(max_length=150), required=True, width=40, example="（示例）某某关键技术研发及产业化"),
        Column(C_APPLICANT, Text(max_length=128), width=30, example="（示例）某某科技有限公司",
               note="填写了统一社会信用代码时仅供核对；科研院所、高校不填代码，按名称对应"),
        Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), width=24, example="91450103MA5XXXXXXX",
               note="企业必填，须为本区县企业库中的企业"),
        Column(C_FIELD, Choice(_fields, name="技术领域"), required=True, width=14, example="先进制造与自动化"),
        Column(C_STATUS, Choice(LIST_STATUSES, name="状态"), required=True, width=10, example="立项",
               note="已提交、专家评审、推荐上级、立项、不予立项、签约、实施、验收、结题"),
        Column(C_REQUESTED, WAN, field="requested", width=14, example=Decimal("30")),
        Column(C_APPROVED, WAN, field="approved", width=14, example=Decimal("20"),
               note="立项及以后的状态必填；推荐上级的项目填获得的上级资金"),
        Column(C_APPROVED_ON, Date(), width=12, example=lambda ctx: ctx.today, note="立项及以后的状态必填，不晚于今天"),
        Column(C_RECOMMENDED_ON, Date(), width=12, note="推荐上级的项目填写，不晚于今天"),
        Column(C_NOTE, Text(max_length=500), width=30),
    )
    instructions = (
        "每行一个项目：本局组织的区县级项目，以及推荐到市级、省级、国家级计划的项目（状态填推荐上级、立项或不予立项）。",
        "同一年度、同一计划下的项目名称不能重复；再次导入同一张表会更新已导入的项目，不会重复。",
        "企业填写统一社会信用代码（须为本区县企业库中的企业）；科研院所、高校不填代码，按承担单位名称对应，新单位自动建立。",
        "金额单位为万元，可保留小数；立项及以后的状态须填立项资助和立项日期，立项资助记为该计划级别下达的资金。",
        "导入的项目直接处于所填状态（系统记一条“Excel导入”的状态记录）；此前的申报、评审过程不在表中，不做补录。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        from keguan.enterprises.models import Enterprise

        region = ctx.region
        ctx.cache["programs"] = {p.name: p for p in Program.objects.filter(region=region)}
        ctx.cache["firms"] = dict(Enterprise.objects.filter(district=region).values_list("credit_code", "pk"))
        ctx.cache["orgs"] = {o.name: o for o in Organisation.objects.filter(region=region)
                             .exclude(kind=OrganisationKind.BUREAU)}
        existing = Application.objects.filter(call__region=region).select_related("call__program")
        ctx.cache["apps"] = {(a.call.year, a.call.program.name, a.title): a for a in existing}

    def check(self, row: Row, ctx: Context) -> Plan | None:
        program = ctx.cache["programs"].get(row[C_PROGRAM]) if row[C_PROGRAM] else None
        declared = ctx.cache.setdefault("new_levels", {})  # new programs an earlier row of the file names
        if program is None and row[C_PROGRAM] and row[C_LEVEL] is None and row[C_PROGRAM] not in declared:
            row.error(C_LEVEL, f"计划“{row[C_PROGRAM]}”是新计划，请填写级别")
        level = program.level if program else (row[C_LEVEL] or declared.get(row[C_PROGRAM]))
        if program is None and row[C_PROGRAM] and row[C_LEVEL] is not None:
            declared.setdefault(row[C_PROGRAM], row[C_LEVEL])
        firm = None
        if row[C_CODE]:
            firm = ctx.cache["firms"].get(row[C_CODE])
            if firm is None:
                row.error(C_CODE, f"{row[C_CODE]} 不在本区县的企业库中，请先在企业库中登记该企业")
        elif not row[C_APPLICANT]:
            row.error(C_APPLICANT, "请填写承担单位（企业另填统一社会信用代码）")
        status = row[C_STATUS]
        if status in flow.APPROVED_OR_LATER:
            if row[C_APPROVED] is None:
                row.error(C_APPROVED, "立项及以后的项目须填写立项资助（万元）")
            if row[C_APPROVED_ON] is None:
                row.error(C_APPROVED_ON, "立项及以后的项目须填写立项日期")
        for header in (C_APPROVED_ON, C_RECOMMENDED_ON):
            if row[header] is not None and row[header] > ctx.today:
                row.error(header, f"{header}不能晚于今天")
        if status == flow.RECOMMENDED and level == Level.COUNTY:
            row.error(C_STATUS, "区县级计划的项目不推荐上级：状态请填专家评审、立项或不予立项")
        if status == flow.REVIEW and level is not None and level != Level.COUNTY:
            row.error(C_STATUS, "上级计划的项目由上级评审：状态请填推荐上级、立项或不予立项")
        if not row.ok:
            return None
        data = {"field": row[C_FIELD], "status": status, "requested": row[C_REQUESTED] or Decimal(0),
                "approved": row[C_APPROVED], "approved_on": row[C_APPROVED_ON]}
        key = (row[C_YEAR], row[C_PROGRAM], row[C_TITLE])
        return Plan.decide(ctx.cache["apps"].get(key), data, key=key, level=level, firm=firm,
                           applicant=row[C_APPLICANT], recommended_on=row[C_RECOMMENDED_ON], note=row[C_NOTE] or "")

    def write(self, plan: Plan, ctx: Context) -> None:
        year, program_name, title = plan.extra["key"]
        program = ctx.cache["programs"].get(program_name)
        if program is None:
            program = Program(region=ctx.region, name=program_name, level=plan.extra["level"],
                              managing_body="", created_by=ctx.user)
            program.save()
            ctx.cache["programs"][program_name] = program
        call = Call.objects.filter(program=program, year=year, title__endswith="（导入）").first()
        if call is None:
            call = Call.objects.create(program=program, region=ctx.region, year=year,
                                       title=f"{year}年度{program.name}（导入）", opens_on=dt.date(year, 1, 1),
                                       closes_on=dt.date(year, 12, 31), created_by=ctx.user)
        app = plan.target
        source = app.status if app else ""
        if app is None:
            org = None
            if plan.extra["firm"] is None:
                org = ctx.cache["orgs"].get(plan.extra["applicant"])
                if org is None:
                    org = Organisation.objects.create(kind=OrganisationKind.INSTITUTE, name=plan.extra["applicant"],
                                                      region=ctx.region)
                    ctx.cache["orgs"][org.name] = org
            app = Application(call=call, year=call.year, enterprise_id=plan.extra["firm"], organisation=org,
                              district=ctx.region, title=title, created_by=ctx.user)
        for k, v in plan.data.items():
            setattr(app, k, v)
        on = plan.data["approved_on"] or plan.extra["recommended_on"] or ctx.today
        app.status_on = on
        if app.submitted_at is None:
            app.submitted_at = timezone.make_aware(dt.datetime.combine(min(on, ctx.today), dt.time(9, 0)))
        app._history_user, app._change_reason = ctx.user, ctx.reason
        app.save()
        if source != app.status:
            ApplicationStep.objects.create(application=app, from_status=source, to_status=app.status, on=on,
                                           reason=ctx.reason, by=ctx.user)
        if plan.extra["recommended_on"] and not app.steps.filter(to_status=flow.RECOMMENDED).exists():
            ApplicationStep.objects.create(application=app, from_status="", to_status=flow.RECOMMENDED,
                                           on=plan.extra["recommended_on"], reason=ctx.reason, by=ctx.user)
        if app.approved and app.status in flow.APPROVED_OR_LATER:
            source_level = LEVEL_SOURCE[program.level]
            funding = app.funds.filter(source=source_level, note=ctx.reason).first()
            if funding is None:
                Funding.objects.create(application=app, source=source_level, amount=app.approved, on=app.approved_on,
                                       note=ctx.reason, created_by=ctx.user)
            elif funding.amount != app.approved:
                funding.amount = app.approved
                funding.save(update_fields=["amount"])

    def export_rows(self, ctx: Context):
        apps = ctx.limit(Application.objects.all()).select_related("call__program", "enterprise", "organisation")
        for a in apps.order_by("-call__year", "call__program__name", "title").iterator(chunk_size=2000):
            recommended = a.steps.filter(to_status=flow.RECOMMENDED).values_list("on", flat=True).first()
            yield [a.call.year, a.call.program.name, a.call.program.get_level_display(), a.title,
                   a.applicant.name, a.enterprise.credit_code if a.enterprise else None,
                   dictionary.label("project_field", a.field), a.get_status_display(), WAN.to_unit(a.requested),
                   WAN.to_unit(a.approved), a.approved_on, recommended, ""]

    def back(self, ctx: Context) -> tuple[str, str]:
        return ("科技项目", reverse("projects:applications"))


PROGRAMS_KIND = ProgramKind()
PROJECT_LIST = ProjectListKind()
