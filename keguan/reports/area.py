"""工作总结: the generated work summary, its versions, plans, problems and Word templates."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU

register(Area(
    code="reports", title="工作总结", order=85, app="keguan.reports", urls="keguan.reports.urls",
    url_prefix="reports/", reports_area=False, scope_walk="keguan.reports.scope_walk",
    permissions=(
        Permission("reports.generate", "生成和修改本单位的工作总结、工作计划、存在的问题和报告模板", BUREAU),
        Permission("reports.structure", "调整本单位工作总结的结构（各部分标题、顺序、是否写入）", BUREAU),
    ),
    menu=(
        Entry("生成工作总结", "reports:home", "file-earmark-word", "reports.generate"),
        Entry("工作计划", "reports:plans", "list-check", "reports.generate"),
        Entry("工作纪实", "reports:notes", "journal-text", "reports.generate"),
        Entry("存在的问题", "reports:issues", "exclamation-diamond", "reports.generate"),
        Entry("总结结构", "reports:structure", "list-ol", "reports.structure"),
        Entry("报告模板", "reports:templates", "file-earmark-richtext", "reports.generate"),
        Entry("各区县总结对比", "reports:compare", "layout-three-columns", "indicators.city"),
    ),
))
