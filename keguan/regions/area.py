"""行政区划: the region tree down to villages; the village list is imported and exported through 导入导出."""

from keguan.core.areas import Area, Entry, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, DISTRICT_EDITORS, FIELD_STAFF, TOWNSHIP

register(Area(
    code="regions", title="行政区划", order=91, app="keguan.regions", urls="keguan.regions.urls",
    url_prefix="regions/", menu_group="系统管理", reports_area=False, scope_walk="keguan.regions.scope_walk",
    kinds=("keguan.regions.exchange.VILLAGES",),
    dictionaries=(DictKind("region", "行政区划代码", official="keguan.regions.dictionary:official_items",
                           source="民政部《中华人民共和国行政区划代码》", description="已载入的省、市、区县、乡镇/街道"),),
    permissions=(
        Permission("regions.view", "查看行政区划", FIELD_STAFF),
        Permission("regions.import", "导入本辖区的村/社区", DISTRICT_EDITORS),
        # everyone who reaches 导入导出 (exchange.view): the bureaus and the township liaisons, each their own
        Permission("regions.export", "导出本辖区的村/社区名单", BUREAU | TOWNSHIP),
    ),
    menu=(Entry("行政区划", "regions:tree", "diagram-3", "regions.view"),),
))
