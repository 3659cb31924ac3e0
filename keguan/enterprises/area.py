"""企业库: the enterprise registry, its yearly figures, labels and stages (创新主体培育)."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS, ENTERPRISE, FIELD_STAFF, TOWNSHIP

register(Area(
    code="enterprises", title="创新主体培育", order=20, app="keguan.enterprises",
    urls="keguan.enterprises.urls", url_prefix="enterprises/",
    indicators="keguan.enterprises.indicators", report="keguan.enterprises.report",
    home=("keguan.enterprises.home.stage_panel",), reminders=("keguan.enterprises.home.reminders",),
    scope_walk="keguan.enterprises.scope_walk",
    kinds=("keguan.enterprises.exchange.ENTERPRISES", "keguan.enterprises.exchange_years.YEAR_FIGURES"),
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
