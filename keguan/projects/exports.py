"""The bureau's application list as .xlsx (its filters applied): money in 万元, text formula-safe
(``keguan.core.excel``)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone

from keguan.core.excel import build_xlsx
from keguan.projects.models import Application

WAN = Decimal(10000)
HEADERS = ["年度", "计划级别", "科技计划", "申报通知", "项目名称", "申报单位", "统一社会信用代码", "区县", "状态", "状态日期",
           "申请资助（万元）", "自筹资金（万元）", "立项资助（万元）", "已拨付（万元）", "任务书编号", "中期检查时间", "验收时间"]
WIDTHS = [8, 10, 24, 36, 36, 32, 22, 10, 10, 12, 14, 14, 14, 14, 16, 14, 14]


def _wan(value):
    return None if value is None else (value / WAN).quantize(Decimal("0.000001")).normalize()


def applications_xlsx(qs: QuerySet[Application], *, scope_name: str, filters: str = "") -> bytes:
    def rows():
        for a in qs.iterator(chunk_size=2000):
            applicant = a.applicant
            yield [
                a.call.year, a.call.program.get_level_display(), a.call.program.name, a.call.title, a.title,
                applicant.name if applicant else "", getattr(applicant, "credit_code", "") or "",
                a.district.name, a.get_status_display(), a.status_on,
                _wan(a.requested), _wan(a.own_funds), _wan(a.approved), _wan(a.paid),
                a.contract_no, a.midterm_due, a.acceptance_due,
            ]

    lines = [f"{scope_name} 科技项目申报清单", f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"]
    if filters:
        lines.insert(1, f"筛选条件：{filters}")
    return build_xlsx(title="科技项目", headers=HEADERS, rows=rows(), widths=WIDTHS, note="\n".join(lines))
