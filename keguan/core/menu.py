"""The left menu, by area. Each entry names the URL and who sees it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass
class MenuItem:
    label: str
    url_name: str
    icon: str = "circle"
    roles: frozenset[str] | None = None  # None: every signed-in user
    url: str = ""
    active: bool = False


@dataclass
class MenuGroup:
    label: str
    items: list[MenuItem] = field(default_factory=list)


def _menu() -> list[MenuGroup]:
    from keguan.accounts.models import MANAGEABLE_ROLES, Role

    staff = frozenset({Role.CITY_STAFF, Role.DISTRICT_LEADER, Role.DISTRICT_STAFF, Role.TOWNSHIP_LIAISON,
                       Role.COMMISSIONER})
    bureau = frozenset({Role.CITY_STAFF, Role.DISTRICT_LEADER, Role.DISTRICT_STAFF})
    return [
        MenuGroup("工作台", [MenuItem("首页", "core:home", "house")]),
        MenuGroup(
            "创新主体培育",
            [
                MenuItem("企业库", "enterprises:list", "buildings", staff),
                MenuItem("本企业信息", "enterprises:mine", "building", frozenset({Role.ENTERPRISE})),
                MenuItem("科小/高企自评", "pipeline:self_check", "clipboard-check", frozenset({Role.ENTERPRISE})),
                MenuItem("科小/高企预审", "pipeline:precheck", "list-ol", bureau),
                MenuItem("科小入库", "pipeline:sme_records", "patch-check", bureau),
                MenuItem("培育库", "pipeline:pools", "flower2", bureau),
                MenuItem("高企申报", "pipeline:applications", "send-check", bureau),
                MenuItem("高企证书", "pipeline:certificates", "award", bureau),
            ],
        ),
        MenuGroup("研发投入", [MenuItem("研发经费填报", "rd:list", "cash-coin", bureau)]),
        MenuGroup(
            "目标考核",
            [
                MenuItem("指标看板", "indicators:dashboard", "speedometer2", bureau),
                MenuItem("市定目标", "indicators:targets", "bullseye", bureau),
                MenuItem("数据填报", "indicators:reported", "pencil-square", bureau),
            ],
        ),
        MenuGroup(
            "工作总结",
            [
                MenuItem("生成工作总结", "reports:home", "file-earmark-word", bureau),
                MenuItem("工作计划", "reports:plans", "list-check", bureau),
                MenuItem("存在的问题", "reports:issues", "exclamation-diamond", bureau),
                MenuItem("报告模板", "reports:templates", "file-earmark-richtext", bureau),
            ],
        ),
        MenuGroup(
            "系统管理",
            [
                MenuItem("用户管理", "accounts:user_list", "people", frozenset(MANAGEABLE_ROLES)),
                MenuItem("机构管理", "accounts:organisation_list", "bank", staff),
                MenuItem("登录日志", "accounts:login_log", "journal-text", frozenset(MANAGEABLE_ROLES)),
                MenuItem("行政区划", "regions:tree", "diagram-3", staff),
                MenuItem("修改密码", "accounts:password_change", "key", None),
            ],
        ),
    ]


def menu_for(user, path: str) -> list[MenuGroup]:
    groups = []
    best: MenuItem | None = None
    if getattr(user, "enterprise_id", None) and path.startswith(f"/enterprises/{user.enterprise_id}/"):
        path = "/enterprises/mine/"
    if not getattr(user, "enterprise_id", None) and path.startswith("/pipeline/self-check/"):
        path = "/pipeline/precheck/"  # staff open a firm's self-check from the pre-check list
    for group in _menu():
        items = []
        for item in group.items:
            if item.roles is not None and not user.is_superuser and user.role not in item.roles:
                continue
            try:
                item.url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            if path.startswith(item.url) and (best is None or len(item.url) > len(best.url)):
                best = item
            items.append(item)
        if items:
            groups.append(MenuGroup(group.label, items))
    if best is not None:
        best.active = True
    return groups
