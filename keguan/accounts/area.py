"""系统管理: accounts, organisations, the login log and the role → permission table."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import BUREAU, CITY, FIELD_STAFF

register(Area(
    code="accounts", title="系统管理", order=90, app="keguan.accounts", urls="keguan.accounts.urls",
    url_prefix="accounts/", reports_area=False, scope_walk="keguan.accounts.scope_walk",
    permissions=(
        Permission("accounts.manage", "管理账号（新建、停用、重置密码）", BUREAU,
                   "在本辖区内按角色层级新建账号、停用和重置密码", personal=True),
        Permission("accounts.login_log", "查看登录日志", BUREAU, personal=True),
        Permission("accounts.oplog", "查看、导出操作日志", CITY, "全系统谁在何时、从哪里改了哪条记录（本辖区账号的操作）",
                   personal=True),
        Permission("accounts.organisations", "查看机构名录", FIELD_STAFF),
        Permission("accounts.organisation_create", "登记高校、科研院所等机构", BUREAU),
        Permission("accounts.dictionary", "维护数据字典", CITY,
                   "调整企业标签等局内代码表的名称、顺序和启用状态；国家标准代码表只能查看"),
        Permission("accounts.roles", "调整角色权限", frozenset(), "仅系统管理员"),
    ),
    menu=(
        Entry("用户管理", "accounts:user_list", "people", "accounts.manage"),
        Entry("机构管理", "accounts:organisation_list", "bank", "accounts.organisations"),
        Entry("登录日志", "accounts:login_log", "journal-text", "accounts.login_log"),
        Entry("操作日志", "accounts:oplog", "clock-history", "accounts.oplog"),
        Entry("角色权限", "accounts:roles", "shield-lock", "accounts.roles"),
        Entry("数据字典", "accounts:dictionary", "list-ul", "accounts.dictionary"),
        Entry("修改密码", "accounts:password_change", "key"),
    ),
))
