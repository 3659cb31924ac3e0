"""责任状 out to Excel: the letters list as shown (its filters; the current year when none is given), one row a
letter with its goals, signing and year-end assessment. Letters are written in the system, not imported."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from keguan.core.excel import build_xlsx

from ..models import Letter
from ..selectors.letters import STATUS_LABELS, letter_status

EXPORT_HEADERS = [
    "区县",
    "科技特派员",
    "派出单位",
    "年度",
    "目标任务（项）",
    "目标任务",
    "签订日期",
    "状态",
    "完成目标数",
    "考核得分",
    "考核等次",
    "考核意见",
    "考核日期",
]
WIDTHS = [10, 12, 24, 8, 10, 50, 12, 10, 10, 10, 10, 30, 12]


def letter_export_xlsx(qs: QuerySet[Letter], *, filters_note: str = "") -> bytes:
    def rows():
        for x in qs.select_related("commissioner", "district").iterator(chunk_size=1000):
            lines = x.goal_lines
            yield [
                x.district.name,
                x.commissioner.name,
                x.commissioner.employer,
                x.year,
                len(lines),
                "\n".join(lines),
                x.signed_on or "",
                STATUS_LABELS[letter_status(x)],
                "" if x.goals_met is None else x.goals_met,
                "" if x.points is None else x.points,
                x.get_rating_display() if x.rating else "",
                x.assessment_note,
                x.assessed_on or "",
            ]

    lines = ["科技特派员责任状", f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"]
    if filters_note:
        lines.insert(1, f"筛选条件：{filters_note}")
    return build_xlsx(
        title="责任状", headers=EXPORT_HEADERS, rows=rows(), widths=WIDTHS, note="\n".join(lines)
    )
