"""目标考核: the indicator dashboards, the city's targets and the statistics districts report."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, CITY

register(Area(
    code="indicators", title="目标考核", order=80, app="keguan.indicators", urls="keguan.indicators.urls",
    url_prefix="indicators/", reports_area=False, scope_walk="keguan.indicators.scope_walk",
    reminders=("keguan.indicators.home.reminders",),
    kinds=("keguan.indicators.exchange.TARGETS",),
    permissions=(
        Permission("indicators.dashboard", "查看指标看板", BUREAU),
        Permission("indicators.city", "查看和导出各区县对比表", CITY),
        Permission("indicators.set_targets", "设定市定目标", CITY),
        Permission("indicators.report_values", "填报统计数值（如地区生产总值）", BUREAU),
    ),
    menu=(
        Entry("指标看板", "indicators:dashboard", "speedometer2", "indicators.dashboard"),
        Entry("市定目标", "indicators:targets", "bullseye", "indicators.dashboard"),
        Entry("数据填报", "indicators:reported", "pencil-square", "indicators.report_values"),
    ),
))
