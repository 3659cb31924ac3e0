"""技术市场与科技成果: technology contracts (吸纳/输出), registered results, awards and competitions."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, CITY, DISTRICT_EDITORS

register(Area(
    code="market", title="技术市场与科技成果", order=55, app="keguan.market",
    scope_walk="keguan.market.scope_walk", urls="keguan.market.urls", url_prefix="market/",
    indicators="keguan.market.indicators", report="keguan.market.report",
    demo="keguan.market.demo.make_market_demo", demo_order=62, demo_wipe="keguan.market.demo.wipe",
    kinds=("keguan.market.exchange.CONTRACTS", "keguan.market.exchange.RESULTS", "keguan.market.exchange.AWARDS"),
    menu=(
        Entry("技术合同登记", "market:contracts", "file-earmark-text", "market.view"),
        Entry("技术合同统计", "market:totals", "table", "market.view"),
        Entry("科技成果登记", "market:results", "lightbulb", "market.view"),
        Entry("获奖与参赛", "market:awards", "trophy", "market.view"),
    ),
    permissions=(
        Permission("market.view", "查看技术合同登记、科技成果和获奖参赛", BUREAU),
        Permission("market.manage", "登记和导入技术合同、科技成果、获奖参赛", CITY | DISTRICT_EDITORS),
        Permission("market.export", "导出技术合同、科技成果和获奖参赛", BUREAU),
        Permission("market.import", "从Excel导入技术合同（含全国技术合同登记系统导出表）、成果和获奖", CITY | DISTRICT_EDITORS),
    ),
))
