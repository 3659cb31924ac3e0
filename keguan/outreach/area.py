"""科技活动与企业服务: events and outreach, visits to enterprises, questionnaire rounds and the enterprise needs
ledger (需求台账)."""

from keguan.core.areas import Area, Entry, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS, ENTERPRISE, TOWNSHIP

# 科技活动类型: the summaries' kinds; the bureau may add its own in 数据字典 (the summary writes those as 其他)
EVENT_KINDS = (
    ("science_week", "科技活动周"),
    ("popsci_day", "全国科普日"),
    ("countryside", "科技下乡"),
    ("training", "培训班"),
    ("policy", "政策宣讲"),
    ("symposium", "座谈会/调研会"),
    ("matchmaking", "对接会"),
    ("roadshow", "路演"),
    ("expo", "展会"),
    ("contest", "竞赛"),
    ("other", "其他"),
)

# 企业需求类别
NEED_CATEGORIES = (
    ("talent", "人才"),
    ("transfer", "成果转化"),
    ("platform", "平台建设"),
    ("rd", "技术研发"),
    ("finance", "资金/融资"),
    ("policy", "政策"),
    ("other", "其他"),
)

register(Area(
    code="outreach", title="科技活动与企业服务", order=45, app="keguan.outreach",
    scope_walk="keguan.outreach.scope_walk", urls="keguan.outreach.urls", url_prefix="outreach/",
    indicators="keguan.outreach.indicators", report="keguan.outreach.report",
    menu=(
        Entry("科技活动", "outreach:events", "megaphone", "outreach.view"),
        Entry("活动日历", "outreach:event_calendar", "calendar-event", "outreach.view"),
        Entry("企业走访", "outreach:visits", "geo-alt", "outreach.view"),
        Entry("需求台账", "outreach:needs", "clipboard-check", "outreach.view"),
        Entry("调查问卷", "outreach:questionnaires", "ui-checks", "outreach.view"),
        Entry("调查问卷填报", "outreach:my_questionnaires", "ui-checks", "outreach.respond"),
        Entry("我的需求", "outreach:my_needs", "clipboard-check", "outreach.respond"),
    ),
    reminders=(
        "keguan.outreach.home_ledger.reminders",
    ),
    kinds=(
        "keguan.outreach.exchange.events.EVENTS",
        "keguan.outreach.exchange.ledger.VISITS",
        "keguan.outreach.exchange.ledger.NEEDS",
        "keguan.outreach.exchange.ledger.ANSWERS",
    ),
    demo="keguan.outreach.demo.make", demo_order=70, demo_wipe="keguan.outreach.demo.wipe",
    dictionaries=(
        DictKind("event_kind", "科技活动类型", items=EVENT_KINDS, usages=("outreach.Event.kind",),
                 description="科技活动的类型；工作总结按类型归纳活动（新增的类型按“其他”写入总结）"),
        DictKind("need_category", "企业需求类别", items=NEED_CATEGORIES,
                 usages=("outreach.Need.category", "outreach.Question.need_category"),
                 description="需求台账的需求类别；问卷题目可指定类别，企业的回答自动记入台账"),
    ),
    permissions=(
        Permission("outreach.view", "查看科技活动、企业走访、问卷和需求台账", BUREAU | TOWNSHIP),
        Permission("outreach.manage", "登记科技活动、走访，发布问卷，登记和办理企业需求", DISTRICT_EDITORS),
        Permission("outreach.export", "导出活动、走访、问卷答卷和需求台账", BUREAU),
        Permission("outreach.import", "从Excel导入活动、走访、需求和问卷答卷", DISTRICT_EDITORS),
        Permission("outreach.follow", "跟进本人负责的企业需求（登记跟进情况）", DISTRICT_EDITORS | TOWNSHIP),
        Permission("outreach.respond", "填写本企业的调查问卷，提出和查看本企业的需求", ENTERPRISE),
    ),
))
