"""创新平台与人才: platforms, talent and foreign experts, 产学研 cooperation, and recognitions other than 高企."""

from keguan.core.areas import Area, Entry, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS

PLATFORM_KINDS = (
    ("erc", "工程技术研究中心"),
    ("key_lab", "重点实验室"),
    ("enterprise_center", "企业技术中心/研发中心"),
    ("new_rd", "新型研发机构"),
    ("makerspace", "众创空间"),
    ("incubator", "科技企业孵化器"),
    ("star_space", "星创天地"),
    ("agri_park", "农业科技园区"),
    ("postdoc", "博士(后)工作站/服务站"),
    ("talent_base", "引智基地"),
    ("alliance", "产业技术创新联盟"),
    ("demo_base", "示范基地"),
)

register(Area(
    code="resources", title="创新平台与人才", order=50, app="keguan.resources",
    scope_walk="keguan.resources.scope_walk", urls="keguan.resources.urls", url_prefix="resources/",
    indicators="keguan.resources.indicators", report="keguan.resources.report",
    reminders=("keguan.resources.home.reminders",),
    demo="keguan.resources.demo.make_resources_demo", demo_order=65, demo_wipe="keguan.resources.demo.wipe",
    kinds=tuple(f"keguan.resources.exchange.{k}" for k in (
        "PLATFORMS", "EVALUATIONS", "APPLICATIONS", "TALENT", "EXPERTS", "AGREEMENTS", "RECOGNITIONS")),
    menu=(
        Entry("创新平台", "resources:platforms", "building-gear", "resources.view"),
        Entry("平台申报", "resources:applications", "send-plus", "resources.view"),
        Entry("人才与团队", "resources:talent", "people", "resources.view"),
        Entry("外国专家", "resources:experts", "globe2", "resources.view"),
        Entry("产学研合作", "resources:agreements", "diagram-3", "resources.view"),
        Entry("称号申报", "resources:recognitions", "patch-check", "resources.view"),
    ),
    dictionaries=(
        DictKind("platform_kind", "创新平台类型", items=PLATFORM_KINDS, usages=("resources.Platform.kind",
                                                                         "resources.PlatformApplication.kind"),
                 description="创新平台和平台申报的类型；工作总结按类型和级别统计平台"),
    ),
    permissions=(
        Permission("resources.view", "查看创新平台、人才、外国专家、产学研合作和称号申报", BUREAU),
        Permission("resources.manage", "登记创新平台及考核、平台申报、人才、外国专家、合作协议和称号申报", DISTRICT_EDITORS),
        Permission("resources.export", "导出平台、人才、合作和称号申报清单", BUREAU),
        Permission("resources.import", "从Excel导入平台、人才、外国专家、合作协议和称号申报", DISTRICT_EDITORS),
    ),
))
