"""导入导出: the import engine's pages (history, upload and check, confirm, error file, templates and exports)
for every area's kinds (``Area.kinds``). Who may import or export a kind is the kind's own permission."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, TOWNSHIP

register(Area(
    code="exchange", title="导入导出", order=92, app="keguan.exchange", menu_group="系统管理",
    urls="keguan.exchange.urls", url_prefix="exchange/", reports_area=False,
    scope_walk="keguan.exchange.scope_walk", reminders=("keguan.exchange.home.reminders",),
    permissions=(
        Permission("exchange.view", "进入导入导出（导入记录、模板和导出；能导入导出哪些数据由各业务的导入、导出权限决定）",
                   BUREAU | TOWNSHIP),
    ),
    menu=(Entry("数据导入导出", "exchange:history", "arrow-left-right", "exchange.view"),),
))
