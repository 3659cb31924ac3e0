"""科技特派员: commissioners and expert service teams, the villages and firms they cover, responsibility
letters and their assessment, trainings, service logs from a phone and the needs dispatched to them."""

from keguan.core.areas import Area, register
from keguan.core.dictionary import DictKind
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, COMMISSIONERS, DISTRICT_EDITORS, ENTERPRISE, TOWNSHIP

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
    menu=(),
    dictionaries=(
        DictKind("service_field", "特派员服务领域", items=SERVICE_FIELDS,
                 usages=("fieldwork.Commissioner.field", "fieldwork.Demand.field"),
                 description="科技特派员的服务领域和服务需求所需领域；派单时按领域推荐特派员"),
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
