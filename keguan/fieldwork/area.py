"""科技特派员: commissioners and expert service teams, the villages and firms they cover, responsibility
letters and their assessment, trainings, service logs from a phone and the needs dispatched to them."""

from keguan.core.areas import Area, Entry, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, COMMISSIONERS, DISTRICT_EDITORS, ENTERPRISE, TOWNSHIP
from keguan.rules.demand_flow import DECLINE_REASONS

# 服务领域 of a commissioner and of a need: the bureau's own list, editable in 数据字典
SERVICE_FIELDS = (
    ("crops", "种植业"),
    ("fruit_tea", "果蔬茶"),
    ("livestock", "畜牧水产"),
    ("forestry", "林业"),
    ("processing", "农产品加工"),
    ("machinery", "农业机械"),
    ("ecommerce", "农村电商"),
    ("manufacturing", "工业制造"),
    ("biomed", "生物医药"),
    ("it", "信息技术"),
    ("other", "其他"),
)

register(Area(
    code="fieldwork", title="科技特派员", order=40, app="keguan.fieldwork", scope_walk="keguan.fieldwork.scope_walk",
    urls="keguan.fieldwork.urls", url_prefix="fieldwork/",
    menu=(
        Entry("特派员名册", "fieldwork:roster", "person-vcard", "fieldwork.view"),
        Entry("专家服务团", "fieldwork:teams", "people", "fieldwork.view"),
        Entry("村级覆盖", "fieldwork:coverage", "geo-alt", "fieldwork.view"),
        Entry("结对安排", "fieldwork:assignments", "link-45deg", "fieldwork.view"),
        Entry("服务日志", "fieldwork:logs", "journal-text", "fieldwork.view"),
        Entry("日志月度统计", "fieldwork:log_counts", "calendar3", "fieldwork.view"),
        Entry("服务需求", "fieldwork:demands", "send"),  # every side: the bureau, liaisons, commissioners, firms
        Entry("责任状与考核", "fieldwork:letters", "file-earmark-check", "fieldwork.view"),
        Entry("特派员培训", "fieldwork:trainings", "mortarboard", "fieldwork.view"),
        Entry("填报服务日志", "fieldwork:log_create", "journal-plus", "fieldwork.log"),
        Entry("我的服务日志", "fieldwork:my_logs", "journal-text", "fieldwork.log"),
        Entry("我的结对", "fieldwork:mine", "pin-map", "fieldwork.log"),
        Entry("我的责任状", "fieldwork:letters", "file-earmark-check", "fieldwork.own"),
    ),
    reminders=(
        "keguan.fieldwork.reminders.logs.reminders",
        "keguan.fieldwork.reminders.demands.reminders",
        "keguan.fieldwork.reminders.letters.reminders",
    ),
    kinds=(
        "keguan.fieldwork.exchange.roster.COMMISSIONERS",
        "keguan.fieldwork.exchange.roster.TEAMS",
        "keguan.fieldwork.exchange.roster.ASSIGNMENTS",
        "keguan.fieldwork.exchange.roster.VILLAGE_FLAGS",
        "keguan.fieldwork.exchange.logs.SERVICE_LOGS",
    ),
    indicators="keguan.fieldwork.indicators",
    report="keguan.fieldwork.report",
    demo="keguan.fieldwork.demo.make_fieldwork_demo", demo_order=58,
    demo_wipe="keguan.fieldwork.demo.wipe",
    dictionaries=(
        DictKind("service_field", "特派员服务领域", items=SERVICE_FIELDS,
                 usages=("fieldwork.Commissioner.field", "fieldwork.Demand.field"),
                 description="科技特派员的服务领域和服务需求所需领域；派单时按领域推荐特派员"),
        DictKind("demand_decline_reason", "特派员退回派单原因", items=DECLINE_REASONS,
                 usages=("fieldwork.DemandDecline.reason",),
                 description="科技特派员退回派给本人的服务需求时选择的原因；选“其他”时须写明具体原因"),
    ),
    permissions=(
        Permission("fieldwork.view", "查看科技特派员名册、服务团、村级覆盖、服务日志和派单", BUREAU | TOWNSHIP),
        Permission("fieldwork.manage", "管理特派员名册、服务团、结对安排、村级标识、责任状与考核、培训和派单", DISTRICT_EDITORS),
        Permission("fieldwork.export", "导出特派员名册、覆盖情况和服务日志", BUREAU),
        Permission("fieldwork.import", "从Excel导入特派员、服务团、结对安排、村级标识和服务日志", DISTRICT_EDITORS),
        Permission("fieldwork.log", "用手机填报本人的服务日志，处理派给本人的需求", COMMISSIONERS),
        Permission("fieldwork.own", "只看本人的特派员记录（名册、结对、日志、派单、责任状）", COMMISSIONERS),
        Permission("fieldwork.request", "提出服务需求（本村、本企业），评价服务", TOWNSHIP | ENTERPRISE),
    ),
))
