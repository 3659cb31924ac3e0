"""Test kinds over the enterprise register: profile columns of every reader type plus one year's figures
(an integer and a 万元 amount), written through the enterprise services."""

from __future__ import annotations

import os
import signal
from decimal import Decimal

from keguan.core.errors import ServiceError
from keguan.enterprises.models import Enterprise, EnterpriseYear, SizeClass
from keguan.enterprises.services import enterprise_create, enterprise_update, year_figures_save
from keguan.exchange.kinds import Column, Context, ImportKind, Plan, Row
from keguan.exchange.readers import Choice, Date, Integer, Money, Text, credit_code, phone

NAME, CODE, FOUNDED, SIZE, PHONE, STAFF, SALES = (
    "企业名称", "统一社会信用代码", "成立日期", "企业规模", "联系电话", "从业人员（人）", "销售收入（万元）",
)
YEAR = 2024
IMPORT_PERM, EXPORT_PERM = "exchange.test_import", "exchange.test_export"
MONEY = Money("万元")


class FirmKind(ImportKind):
    code = "testfirms"
    title = "测试企业"
    import_perm, export_perm = IMPORT_PERM, EXPORT_PERM
    key = (CODE,)
    columns = (
        Column(NAME, Text(20), required=True, field="name", example="（示例）某某公司"),
        Column(CODE, credit_code, aliases=("信用代码",), field="credit_code", example="91450103MA5XXXXXXX"),
        Column(FOUNDED, Date(not_after_today=True), aliases=("注册日期",), field="registered_on", example="2020-01-02"),
        Column(SIZE, Choice(SizeClass.choices), field="size_class", example="小型"),
        Column(PHONE, phone, field="contact_phone", example="13800000000"),
        Column(STAFF, Integer(), field="employees", example=12),
        Column(SALES, MONEY, field="sales_revenue", example="12.5"),
    )
    instructions = ("测试用的导入类型。",)
    _PROFILE = ((NAME, "name"), (CODE, "credit_code"), (FOUNDED, "registered_on"), (SIZE, "size_class"),
                (PHONE, "contact_phone"))

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        codes = [k[0] for k in keys]
        ctx.cache["stored"] = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes)}
        ctx.cache["years"] = {
            y.enterprise_id: y for y in EnterpriseYear.objects.filter(enterprise__credit_code__in=codes, year=YEAR)
        }

    def check(self, row: Row, ctx: Context) -> Plan | None:
        data = {name: row[h] for h, name in self._PROFILE if row[h] is not None}
        stored = ctx.cache["stored"].get(row[CODE])
        if stored is not None and stored.district_id != ctx.region.pk:
            row.error(CODE, f"该企业已在{stored.district.name}登记")
            return None
        figures = {k: row[h] for h, k in ((STAFF, "employees"), (SALES, "sales_revenue")) if row[h] is not None}
        year = ctx.cache["years"].get(stored.pk) if stored else None
        changed = bool(figures) and (year is None or any(getattr(year, k) != v for k, v in figures.items()))
        return Plan.decide(stored, data, changed=changed, figures=figures)

    def write(self, plan: Plan, ctx: Context) -> None:
        if plan.target is None:
            firm = enterprise_create(actor=ctx.user, reason=ctx.reason, district=ctx.region, **plan.data)
        else:
            firm = enterprise_update(enterprise=plan.target, actor=ctx.user, reason=ctx.reason, **plan.data)
        figures = plan.extra["figures"]
        if figures:
            if not EnterpriseYear.objects.filter(enterprise=firm, year=YEAR).exists():
                figures = {"employees": 0, "st_staff": 0, "sales_revenue": Decimal(0), "total_cost": Decimal(0),
                           "rd_domestic": Decimal(0), "total_assets": Decimal(0), "net_assets": Decimal(0),
                           **figures}
            year_figures_save(enterprise=firm, actor=ctx.user, year=YEAR, **figures)

    def export_rows(self, ctx: Context):
        years = {y.enterprise_id: y for y in EnterpriseYear.objects.filter(year=YEAR)}
        for e in ctx.limit(Enterprise.objects.all()).order_by("credit_code"):
            y = years.get(e.pk)
            yield [e.name[:20], e.credit_code, e.registered_on, e.get_size_class_display(), e.contact_phone,
                   y.employees if y else None, MONEY.to_unit(y.sales_revenue) if y else None]


class RefusingKind(FirmKind):
    """Its service refuses the third written row (a rule only the service knows)."""

    code = "testrefusing"

    def write(self, plan: Plan, ctx: Context) -> None:
        ctx.cache["written"] = ctx.cache.get("written", 0) + 1
        if ctx.cache["written"] == 3:
            raise ServiceError("联系电话已被其他企业使用", field="contact_phone")
        super().write(plan, ctx)


class KillingKind(FirmKind):
    """Kills its own process (SIGKILL: no cleanup, no rollback by Python) after writing ``KILL_AFTER`` rows."""

    code = "testkilling"
    KILL_AFTER = 20

    def write(self, plan: Plan, ctx: Context) -> None:
        super().write(plan, ctx)
        ctx.cache["written"] = ctx.cache.get("written", 0) + 1
        if ctx.cache["written"] >= self.KILL_AFTER:
            os.kill(os.getpid(), signal.SIGKILL)


FIRMS = FirmKind()
REFUSING = RefusingKind()
KILLING = KillingKind()

HEAD_FOR_KILL = [c.header for c in FirmKind.columns]
