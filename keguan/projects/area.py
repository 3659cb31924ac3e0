"""科技项目: programs and calls, applications from the call to acceptance, funds, and the expert pool."""

from keguan.core.areas import Area, Entry, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, COMMISSIONERS, DISTRICT_EDITORS, ENTERPRISE

# 技术领域 of a project and of an expert's fields: the bureau's own list, editable in 数据字典
PROJECT_FIELDS = (
    ("electronics", "电子信息"),
    ("biomed", "生物与新医药"),
    ("aerospace", "航空航天"),
    ("materials", "新材料"),
    ("hightech_service", "高技术服务"),
    ("energy", "新能源与节能"),
    ("environment", "资源与环境"),
    ("manufacturing", "先进制造与自动化"),
    ("agriculture", "现代农业"),
    ("social", "社会发展"),
)

register(Area(
    code="projects", title="科技项目", order=15, app="keguan.projects", scope_walk="keguan.projects.scope_walk",
    demo="keguan.projects.demo.make_projects_demo", demo_order=55, demo_wipe="keguan.projects.demo.wipe",
    urls="keguan.projects.urls", url_prefix="projects/",
    indicators="keguan.projects.indicators", report="keguan.projects.report",
    reminders=("keguan.projects.home.reminders",),
    kinds=("keguan.projects.exchange.projects.PROGRAMS_KIND", "keguan.projects.exchange.projects.PROJECT_LIST",
           "keguan.projects.exchange.experts.EXPERTS"),
    menu=(
        Entry("项目申报办理", "projects:applications", "kanban", "projects.view"),
        Entry("申报通知", "projects:calls", "megaphone", "projects.view"),
        Entry("申报日历", "projects:calendar", "calendar3", "projects.view"),
        Entry("科技计划", "projects:programs", "collection", "projects.view"),
        Entry("代为填报", "projects:org_list", "building-add", "projects.manage"),
        Entry("专家库", "projects:experts", "person-badge", "projects.view"),
        Entry("专家评审", "projects:reviews", "clipboard-check", "projects.view"),
        Entry("申报项目", "projects:apply", "send", "projects.apply"),
        Entry("我的评审", "projects:my_reviews", "pencil-square", "projects.review"),
    ),
    dictionaries=(
        DictKind("project_field", "项目技术领域", items=PROJECT_FIELDS,
                 usages=("projects.Application.field", "projects.Expert.fields"),
                 description="项目申报和专家的专业领域；专家评审按领域匹配"),
    ),
    permissions=(
        Permission("projects.view", "查看科技计划、申报通知和项目", BUREAU),
        Permission("projects.manage", "发布申报通知，审查、推荐、立项、签约、验收项目，登记资金", DISTRICT_EDITORS),
        Permission("projects.experts", "管理专家库，指派评审专家，结束评审", DISTRICT_EDITORS),
        Permission("projects.export", "导出项目清单", BUREAU),
        Permission("projects.import", "从Excel导入计划、项目、推荐结果和专家", DISTRICT_EDITORS),
        Permission("projects.apply", "在线申报本单位的项目，查看进展", ENTERPRISE),
        Permission("projects.review", "评审分配给自己的项目", COMMISSIONERS),
    ),
))
