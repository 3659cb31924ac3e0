"""行政区划: the region tree down to villages, and the village import."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import DISTRICT_EDITORS, FIELD_STAFF

register(Area(
    code="regions", title="行政区划", order=91, app="keguan.regions", urls="keguan.regions.urls",
    url_prefix="regions/", menu_group="系统管理", reports_area=False, scope_walk="keguan.regions.scope_walk",
    permissions=(
        Permission("regions.view", "查看行政区划", FIELD_STAFF),
        Permission("regions.import", "导入本辖区的村/社区", DISTRICT_EDITORS),
    ),
    menu=(Entry("行政区划", "regions:tree", "diagram-3", "regions.view"),),
))
