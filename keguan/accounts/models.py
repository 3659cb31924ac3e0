from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from keguan.core.roles import Role
from keguan.core.scope import ScopeSpec

__all__ = ["Role"]

# Which roles a manager may create, by the manager's role.
MANAGEABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.CITY_STAFF: tuple(Role.values),
    Role.DISTRICT_LEADER: (
        Role.DISTRICT_LEADER,
        Role.DISTRICT_STAFF,
        Role.TOWNSHIP_LIAISON,
        Role.ENTERPRISE,
        Role.COMMISSIONER,
    ),
    Role.DISTRICT_STAFF: (Role.DISTRICT_STAFF, Role.TOWNSHIP_LIAISON, Role.ENTERPRISE, Role.COMMISSIONER),
}


class OrganisationKind(models.TextChoices):
    BUREAU = "bureau", "科技主管部门"
    UNIVERSITY = "university", "高等院校"
    INSTITUTE = "institute", "科研院所"
    OTHER = "other", "其他机构"


class Organisation(models.Model):
    """A bureau (one per region that runs keguan), a university or an institute.
    Enterprises have their own, richer register (``enterprises.Enterprise``)."""

    kind = models.CharField("机构类型", max_length=16, choices=OrganisationKind.choices)
    name = models.CharField("机构名称", max_length=128)
    region = models.ForeignKey("regions.Region", verbose_name="所在区划", on_delete=models.PROTECT)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        constraints = [
            models.UniqueConstraint(
                fields=["region"], condition=models.Q(kind="bureau"), name="one_bureau_per_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class KeguanUserManager(UserManager):
    pass


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=24, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name="所属企业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    created_by = models.ForeignKey(
        "self", verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = KeguanUserManager()

    scope = ScopeSpec(regions={1: "region"}, enterprise="enterprise")

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_enterprise_user(self) -> bool:
        """An enterprise contact: its scope is its own enterprise, not a region."""
        return self.role == Role.ENTERPRISE

    def permission_codes(self) -> frozenset[str]:
        """The named permissions of this user's role (defaults with the administrator's grants and
        withdrawals), read once per user object (one request)."""
        cached = getattr(self, "_kg_permission_codes", None)
        if cached is None:
            from keguan.core.permissions import effective

            overrides = RolePermission.objects.filter(role=self.role).values_list("permission", "granted")
            cached = effective(self.role, list(overrides)) if self.role else frozenset()
            self._kg_permission_codes = cached
        return cached


class RolePermission(models.Model):
    """The system administrator's change to the default role → permission table: a permission granted to
    (``granted``) or withdrawn from a role. A role without a row here holds its defaults."""

    role = models.CharField("角色", max_length=24, choices=Role.choices)
    permission = models.CharField("权限", max_length=64)
    granted = models.BooleanField("授予")
    changed_by = models.ForeignKey(
        User, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField("操作时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "角色权限调整"
        verbose_name_plural = "角色权限调整"
        constraints = [models.UniqueConstraint(fields=["role", "permission"], name="one_override_per_role_permission")]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {'授予' if self.granted else '收回'} {self.permission}"


class LoginLog(models.Model):
    """登录日志: every attempt, successful or not."""

    username = models.CharField("用户名", max_length=150)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="login_logs")
    region = models.ForeignKey(
        "regions.Region", verbose_name="所属区划", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    success = models.BooleanField("成功")
    event = models.CharField("事件", max_length=16, default="login")
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    # Real browsers send long strings (WeChat on Android: 300+ characters); longer ones are cut to this length.
    UA_MAX = 1000
    user_agent = models.CharField("客户端", max_length=UA_MAX, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    scope = ScopeSpec(regions={1: "region"}, enterprise="user__enterprise")

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'成功' if self.success else '失败'}"

    @property
    def client(self) -> str:
        """The browser and system in words ("Chrome 120 / Windows 10"); the raw string stays in ``user_agent``."""
        from .useragent import describe

        return describe(self.user_agent)


class OpAction(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    IMPORT = "import", "导入"


class OperationLog(models.Model):
    """操作日志: one line per change a person (or the system) made to a record, system-wide — who, when, from
    which address, to what. Written by ``keguan.accounts.oplog`` from every change history row and once per
    import run; the record's own 变更记录 (old → new values) stays in its history."""

    at = models.DateTimeField("时间", default=timezone.now)
    user = models.ForeignKey(User, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    who = models.CharField("操作人姓名", max_length=150, blank=True)  # kept when the account is gone
    region = models.ForeignKey(  # the operator's region: what the log's scope filters on
        "regions.Region", verbose_name="操作人区划", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    action = models.CharField("操作", max_length=8, choices=OpAction.choices)
    area = models.CharField("业务领域", max_length=32)  # the area (app label) of the record
    model = models.CharField("记录类型代码", max_length=64)  # "enterprises.enterprise"
    model_title = models.CharField("记录类型", max_length=64)
    object_id = models.CharField("记录编号", max_length=64, blank=True)
    object_repr = models.CharField("记录", max_length=200, blank=True)
    summary = models.CharField("内容", max_length=500, blank=True)
    url = models.CharField("链接", max_length=300, blank=True)

    scope = ScopeSpec(regions={1: "region"}, enterprise="user__enterprise")

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="oplog_at"),
            models.Index(fields=["user", "-at"], name="oplog_user_at"),
            models.Index(fields=["area", "-at"], name="oplog_area_at"),
            models.Index(fields=["region", "-at"], name="oplog_region_at"),
            models.Index(fields=["model", "object_id"], name="oplog_record"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.who or '系统'} {self.get_action_display()} {self.object_repr}"

class ListPreference(models.Model):
    """A user's choices on one list (``keguan.core.lists``): page size and shown columns. A personal
    setting, not a record of the bureau: read and written only for the signed-in user, without history."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="list_preferences")
    list_code = models.CharField("列表", max_length=64)
    per_page = models.PositiveSmallIntegerField("每页条数", null=True, blank=True)
    columns = models.JSONField("显示的列", null=True, blank=True)  # None: the list's default columns
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "列表设置"
        verbose_name_plural = "列表设置"
        constraints = [models.UniqueConstraint(fields=["user", "list_code"], name="one_preference_per_user_list")]

    def __str__(self) -> str:
        return f"{self.user} {self.list_code}"
