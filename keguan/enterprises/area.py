"""企业库: the enterprise registry, its yearly figures, labels and stages (创新主体培育)."""

from keguan.core.areas import Area, Entry, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS, ENTERPRISE, FIELD_STAFF, TOWNSHIP

# 企业标签: the default items of the bureau's tag list (the administrator renames, reorders, adds, disables)
ENTERPRISE_TAGS = (
    ("key_watch", "重点跟踪"),
    ("investment", "招商引资"),
    ("srdi_candidate", "专精特新培育"),
    ("ipo_reserve", "上市后备"),
)


def tech_fields() -> list[tuple[str, str]]:
    from .models import TechField

    return list(TechField.choices)


register(Area(
    code="enterprises", title="创新主体培育", order=20, app="keguan.enterprises",
    urls="keguan.enterprises.urls", url_prefix="enterprises/",
    indicators="keguan.enterprises.indicators", report="keguan.enterprises.report",
    home=("keguan.enterprises.home.stage_panel",), reminders=("keguan.enterprises.home.reminders",),
    scope_walk="keguan.enterprises.scope_walk",
    kinds=("keguan.enterprises.exchange.ENTERPRISES", "keguan.enterprises.exchange_years.YEAR_FIGURES"),
    dictionaries=(
        DictKind("enterprise_tag", "企业标签", items=ENTERPRISE_TAGS, usages=("enterprises.Enterprise.tags",),
                 description="局里给企业打的工作标签，企业页面上设置，企业库可按标签筛选"),
        DictKind("industry", "国民经济行业分类", official="keguan.enterprises.industry:dictionary_items",
                 source="GB/T 4754-2017", description="门类与大类"),
        DictKind("tech_field", "国家重点支持的高新技术领域", official="keguan.enterprises.area:tech_fields",
                 source="《国家重点支持的高新技术领域》", description="八大领域"),
    ),
    permissions=(
        Permission("enterprises.view", "查看企业库", FIELD_STAFF),
        Permission("enterprises.edit", "新建、编辑、删除企业，变更培育阶段，登记称号和年度数据", DISTRICT_EDITORS),
        Permission("enterprises.edit_own", "维护本企业的信息和年度数据", ENTERPRISE),
        Permission("enterprises.export", "导出企业名录", BUREAU | TOWNSHIP),
        Permission("enterprises.import", "从Excel导入本区县企业", DISTRICT_EDITORS),
        Permission("enterprises.personal", "查看和导出企业联系人、电话等个人信息", DISTRICT_EDITORS | TOWNSHIP | ENTERPRISE,
                   "没有此权限时，联系人和电话在页面上隐去、导出时留空", personal=True),
    ),
    menu=(
        Entry("企业库", "enterprises:list", "buildings", "enterprises.view"),
        Entry("本企业信息", "enterprises:mine", "building", "enterprises.edit_own"),
    ),
))
