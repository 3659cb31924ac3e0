from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.scope import ScopeSpec


class Role(models.TextChoices):
    CITY_STAFF = "city_staff", "市局人员"
    DISTRICT_LEADER = "district_leader", "区局领导"
    DISTRICT_STAFF = "district_staff", "区局科员"
    TOWNSHIP_LIAISON = "township_liaison", "乡镇专干"
    ENTERPRISE = "enterprise", "企业用户"
    COMMISSIONER = "commissioner", "科技特派员/专家"


BUREAU_ROLES = frozenset({Role.CITY_STAFF, Role.DISTRICT_LEADER, Role.DISTRICT_STAFF})
DISTRICT_EDITOR_ROLES = frozenset({Role.DISTRICT_LEADER, Role.DISTRICT_STAFF})

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
    def is_bureau(self) -> bool:
        return self.role in BUREAU_ROLES

    @property
    def is_district_editor(self) -> bool:
        return self.role in DISTRICT_EDITOR_ROLES

    @property
    def can_manage_users(self) -> bool:
        return self.is_superuser or self.role in MANAGEABLE_ROLES


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
    user_agent = models.CharField("客户端", max_length=255, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    scope = ScopeSpec(regions={1: "region"}, enterprise="user__enterprise")

    class Meta:
        verbose_name = "登录日志"
        verbose_name_plural = "登录日志"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {'成功' if self.success else '失败'}"
