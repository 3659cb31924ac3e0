"""研发经费填报金额 as an import/export kind (``keguan.exchange``): the amounts the firms of one round (the
``round`` parameter, a round of the district) reported, one row per firm, identified by its 统一社会信用代码.

The amount is written in 万元 (填报金额（万元）, the unit the bureau keeps its figures in) or in 元 (a column
填报金额（元）; one of the two per row), read by the service's own rule (``services.parse_amount``: not
negative, to the cent). 填报日期 empty: the stored date when the amount is the one stored, else the day of the
import. An empty 备注 leaves the note as it is. A row with an empty amount is passed over (跳过), never
cleared. 企业名称 and any other column (the round page's export has more) are ignored, so the template (the
round's firms with what they reported so far), this kind's export and the round page's export can all be
filled in and imported again. Amounts are written through ``services.rd_amount_record`` (history).

Counts: a firm reporting for the first time is 新增, a changed amount (or date, note) 更新.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.exchange.kinds import Column, Context, ImportKind, Param, Plan, Row
from keguan.exchange.readers import CellError, Date, Number, Text, credit_code, shown

from .models import RdFirm, RdRound
from .services import parse_amount, rd_amount_record

C_NAME, C_CODE, C_WAN, C_YUAN, C_DATE, C_NOTE = (
    "企业名称", "统一社会信用代码", "填报金额（万元）", "填报金额（元）", "填报日期", "备注",
)
NOTE_MAX = 200


class Amount:
    """An amount written in ``unit`` (万元 or 元), as the service takes it (``parse_amount``: yuan, not
    negative, rounded to the cent, not beyond what the column holds)."""

    def __init__(self, unit: str, scale: int):
        self.unit, self.scale = unit, Decimal(scale)
        self.number_format = "#,##0.00####" if scale > 1 else "#,##0.00"
        self._number = Number(places=12, min=None)

    def __call__(self, raw: object, ctx=None) -> Decimal:
        try:
            value = self._number.parse(raw)
        except CellError:
            raise CellError(f"“{shown(raw)}”不是有效的金额，请只填数字（单位：{self.unit}）") from None
        try:
            return parse_amount(value * self.scale)
        except ServiceError as exc:
            raise CellError(exc.message) from None

    def to_unit(self, amount: Decimal | None) -> Decimal | None:
        """A stored amount (yuan) in this column's unit: what this reader reads back to ``amount``."""
        return None if amount is None else (amount / self.scale).normalize()


WAN_AMOUNT = Amount("万元", 10000)


def rounds(ctx: Context):
    """The rounds of the district the import goes to (in the user's scope), newest first."""
    if ctx.region is None:
        return RdRound.objects.none()
    return ctx.limit(RdRound.objects.filter(district=ctx.region)).order_by("-year", "-id")


def _round(ctx: Context) -> RdRound | None:
    pk = ctx.params.get("round")
    return rounds(ctx).filter(pk=pk).first() if pk else None


class RdAmountKind(ImportKind):
    code = "rd_amounts"
    title = "研发经费填报金额"
    import_perm = "rd.import"
    export_perm = "rd.export"
    region_level = 3
    key = (C_CODE,)
    params = (Param("round", "填报轮次", lambda ctx: [(r.pk, r.title) for r in rounds(ctx)]),)
    columns = (
        Column(C_NAME, Text(), width=40, example="（示例）某某科技有限公司", note="仅供核对，导入时不读取"),
        Column(C_CODE, credit_code, aliases=("信用代码", "社会信用代码"), required=True, width=24, example="91450103MA5XXXXXXX",
               note="须为本轮填报名单中的企业"),
        Column(C_WAN, WAN_AMOUNT, field="amount", width=18, example=Decimal("150.5"),
               note="单位万元，可保留小数（精确到分）；留空的行保持原样，不会清除已登记的金额"),
        Column(C_DATE, Date(), field="reported_on", width=14, example=lambda ctx: ctx.today,
               note="如 2025-03-15，不晚于今天；留空按导入当天（金额未变时保留原日期）"),
        Column(C_NOTE, Text(), field="note", width=30, note="最多200字；留空保留原备注"),
        Column(C_YUAN, Amount("元", 1), width=18,
               note="按元填写时用这一列；同一行只填“填报金额（万元）”或本列中的一个"),
    )
    instructions = (
        "模板中已列出本轮填报名单中的全部企业及已登记的金额：按企业填写“填报金额（万元）”和“填报日期”后上传。",
        "统一社会信用代码必填，须为本轮填报名单中的企业；名单外的企业请先在填报页面上“添加企业”。",
        f"金额单位为万元，可保留小数（精确到分）；也可在“{C_YUAN}”列按元填写，同一行两列只能保留一列。",
        "填报日期写成 2025-03-15，不能晚于今天，也不能早于填报年度的1月1日；留空按导入当天（金额未变时保留原日期）。",
        "金额留空的行保持原样（计为跳过），不会清除已登记的金额；已登记的金额会被表中的新金额覆盖，并记入变更记录。",
        "填报的研发经费（统计口径）与企业年度数据中的研发费用（会计口径）是两个数，导入不会修改企业年度数据。",
        "导出的名单（本页导出或填报页面的“导出Excel”）也可直接填写后导入。",
    )

    def prepare(self, ctx: Context, keys: set[tuple]) -> None:
        rd_round = _round(ctx)
        if rd_round is None:
            raise ValueError(f"round {ctx.params.get('round')!r} is not a round of {ctx.region}")
        firms = {
            code: SimpleNamespace(pk=pk, amount=amount, reported_on=reported_on, note=note)
            for pk, code, amount, reported_on, note in RdFirm.objects.filter(round=rd_round).values_list(
                "pk", "enterprise__credit_code", "amount", "reported_on", "note")
        }
        ctx.cache.update(round=rd_round, firms=firms, told_missing=False)

    def check(self, row: Row, ctx: Context) -> Plan | None:
        rd_round = ctx.cache["round"]
        code = row[C_CODE]
        firm = ctx.cache["firms"].get(code) if code else None
        if code and firm is None:
            row.error(C_CODE, f"{code} 不在本轮填报名单中，请先在页面上添加该企业")
        if not row.has(C_WAN) and not row.has(C_YUAN):
            if not ctx.cache["told_missing"]:
                ctx.cache["told_missing"] = True
                row.error(C_WAN, f"缺少列：{C_WAN}（或按元填写的“{C_YUAN}”）（请使用下载的模板，第1行为表头）")
            return None
        if row.raw(C_WAN) is not None and row.raw(C_YUAN) is not None:
            row.error(C_YUAN, f"“{C_WAN}”和“{C_YUAN}”只能保留一列：同一行请只填一个金额")
        on = row[C_DATE]
        if on is not None:
            if on > ctx.today:
                row.error(C_DATE, "填报日期不能晚于今天")
            elif on < dt.date(rd_round.year, 1, 1):
                row.error(C_DATE, f"填报日期不能早于{rd_round.year}年1月1日")
        note = row[C_NOTE]
        if note and len(note) > NOTE_MAX:
            row.error(C_NOTE, f"备注最多{NOTE_MAX}字")
        amount = row[C_WAN] if row[C_WAN] is not None else row[C_YUAN]
        if not row.ok or amount is None or firm is None:
            return None  # (an empty amount: the firm is left as it is)
        when = on or (firm.reported_on if firm.amount == amount and firm.reported_on else ctx.today)
        data = {"amount": amount, "reported_on": when}
        if note:
            data["note"] = note
        # a firm's first amount is an addition (新登记), a changed one an update (更正)
        return Plan.decide(firm if firm.amount is not None else None, data, firm=firm.pk)

    def write(self, plan: Plan, ctx: Context) -> None:
        firm = RdFirm.objects.select_related("round").get(pk=plan.extra["firm"])
        rd_amount_record(firm=firm, actor=ctx.user, amount=plan.data["amount"], reported_on=plan.data["reported_on"],
                         note=plan.data.get("note"))

    def _rows(self, ctx: Context, rd_round: RdRound):
        firms = ctx.limit(RdFirm.objects.filter(round=rd_round)).select_related("enterprise")
        for f in firms.order_by("enterprise__name", "id").iterator(chunk_size=2000):
            yield [f.enterprise.name, f.enterprise.credit_code, WAN_AMOUNT.to_unit(f.amount), f.reported_on,
                   f.note, None]

    def export_rows(self, ctx: Context):
        rd_round = _round(ctx)
        if rd_round is None:
            raise ValueError("请选择区县和填报轮次")
        return self._rows(ctx, rd_round)

    def template_rows(self, ctx: Context):
        """The round's firms with what they reported so far, to be completed."""
        rd_round = _round(ctx)
        return None if rd_round is None else self._rows(ctx, rd_round)

    def back(self, ctx: Context) -> tuple[str, str]:
        rd_round = ctx.params.get("round")
        return ("研发经费填报", reverse("rd:round", kwargs={"pk": rd_round}) if rd_round else reverse("rd:list"))


RD_AMOUNTS = RdAmountKind()
