"""The round's list as .xlsx: what the round page's table shows (its filters applied), with the firms'
accounting 研发费用 beside the reported figure for reference. The amount columns are those of the import,
so the export can be filled in and uploaded again."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from keguan.core.excel import build_xlsx
from keguan.rules.periods import percent

from .exchange import C_CODE, C_DATE, C_NAME, C_NOTE, C_WAN
from .models import CallOutcome, RdFirm, RdRound
from .selectors import RoundSummary

WAN = Decimal(10000)
HEADERS = [
    C_NAME, C_CODE, "乡镇/街道", "填报状态", C_WAN, C_DATE, C_NOTE, "企业年度数据研发费用（万元，参考）",
    "列入方式", "跟进次数", "最近跟进日期", "最近跟进结果", "最近跟进情况", "登记人",
]
WIDTHS = [40, 24, 16, 10, 18, 14, 24, 22, 12, 10, 14, 16, 40, 10]
OUTCOMES = dict(CallOutcome.choices)


def rd_round_export_xlsx(rd_round: RdRound, qs: QuerySet[RdFirm], *, summary: RoundSummary, filters_note: str = "") -> bytes:
    def rows():
        for f in qs.iterator(chunk_size=2000):
            e = f.enterprise
            yield [
                e.name,
                e.credit_code,
                e.township.name if e.township_id else "",
                "已填报" if f.amount is not None else "未填报",
                f.amount / WAN if f.amount is not None else None,
                f.reported_on,
                f.note,
                f.ref_rd / WAN if f.ref_rd is not None else None,
                f.get_source_display(),
                f.n_calls or 0,
                f.last_call_on,
                OUTCOMES.get(f.last_call_outcome, ""),
                f.last_call_note or "",
                f.recorded_by.display_name if f.recorded_by else "",
            ]

    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    target = f"{summary.target:f}万元，完成{percent(summary.completion)}" if summary.target else "未设定"
    lines = [
        f"{rd_round.district.name} {rd_round.title}（{rd_round.year}年度）",
        f"应填报企业 {summary.firms} 家，已填报 {summary.reported} 家，未填报 {summary.missing} 家；"
        f"已填报研发经费合计 {summary.total_wan.quantize(Decimal('0.01'))} 万元；市定目标 {target}。",
        "“企业年度数据研发费用”为企业年报中的研发费用（会计口径），仅供核对参考，与填报的研发经费（统计口径）不是同一个数。",
        f"导出时间：{stamp}",
    ]
    if filters_note:
        lines.insert(1, f"筛选条件：{filters_note}")
    return build_xlsx(title="研发经费填报名单", headers=HEADERS, rows=rows(), widths=WIDTHS, note="\n".join(lines))
