"""研发投入: the yearly R&D reporting round (研发经费填报)."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS

register(Area(
    code="rd", title="研发投入", order=30, app="keguan.rd", urls="keguan.rd.urls", url_prefix="rd/",
    indicators="keguan.rd.indicators", report="keguan.rd.report",
    demo="keguan.rd.demo.make_rd_demo", demo_order=60, demo_wipe="keguan.rd.demo.wipe",
    kinds=("keguan.rd.exchange.RD_AMOUNTS",), reminders=("keguan.rd.home.reminders",),
    scope_walk="keguan.rd.scope_walk",
    permissions=(
        Permission("rd.view", "查看研发经费填报", BUREAU),
        Permission("rd.write", "建立填报轮次、登记金额和催报记录、增删名单", DISTRICT_EDITORS),
        Permission("rd.export", "导出研发经费填报名单", BUREAU),
        Permission("rd.import", "从Excel导入填报金额", DISTRICT_EDITORS),
    ),
    menu=(Entry("研发经费填报", "rd:list", "cash-coin", "rd.view"),),
))
