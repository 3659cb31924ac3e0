from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from keguan.core.errors import ServiceError
from keguan.core.permissions import may
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import validate_phone

from . import throttle
from .models import MANAGEABLE_ROLES, LoginLog, Organisation, OrganisationKind, Role, RolePermission, User

# The region level each role works at.
ROLE_LEVELS: dict[str, tuple[int, ...]] = {
    Role.CITY_STAFF: (RegionLevel.CITY,),
    Role.DISTRICT_LEADER: (RegionLevel.COUNTY,),
    Role.DISTRICT_STAFF: (RegionLevel.COUNTY,),
    Role.TOWNSHIP_LIAISON: (RegionLevel.TOWNSHIP,),
    Role.ENTERPRISE: (RegionLevel.COUNTY,),
    Role.COMMISSIONER: (RegionLevel.COUNTY, RegionLevel.TOWNSHIP),
}


def _check_manage(actor: User | None, role: str, region: Region) -> None:
    if actor is None or actor.is_superuser:
        return
    if not may(actor, "accounts.manage"):
        raise PermissionDenied("您没有账号管理权限")
    if role not in MANAGEABLE_ROLES.get(actor.role, ()):
        raise PermissionDenied(f"您不能创建“{Role(role).label}”账号")
    if actor.region is None or not region.is_within(actor.region):
        raise PermissionDenied("只能为本辖区创建账号")


def _set_password(user: User, password: str) -> None:
    """Check ``password`` against the site's rules (Chinese messages on the password field), then hash it."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ServiceError("；".join(exc.messages), field="password") from exc
    user.set_password(password)


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    role: str,
    region: Region,
    full_name: str = "",
    phone: str = "",
    enterprise=None,
    organisation: Organisation | None = None,
    hashed_password: str | None = None,
) -> User:
    if role not in Role.values:
        raise ServiceError("未知角色", field="role")
    _check_manage(actor, role, region)
    if region.level not in ROLE_LEVELS[role]:
        levels = "、".join(RegionLevel(lv).label for lv in ROLE_LEVELS[role])
        raise ServiceError(f"“{Role(role).label}”的所属区划应为{levels}", field="region")
    if User.objects.filter(username=username).exists():
        raise ServiceError(f"用户名“{username}”已存在", field="username")
    if role == Role.ENTERPRISE:
        if enterprise is None:
            raise ServiceError("企业用户必须关联一家企业", field="enterprise")
        if enterprise.district_id != region.pk:
            raise ServiceError("企业不在所选区县内", field="enterprise")
    elif enterprise is not None:
        raise ServiceError("只有企业用户可以关联企业", field="enterprise")
    if phone:
        checked = validate_phone(phone)
        if not checked.ok:
            raise ServiceError(checked.errors[0], field="phone")
        phone = checked.value
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        region=region,
        phone=phone,
        enterprise=enterprise,
        organisation=organisation,
        created_by=actor if actor and actor.pk else None,
    )
    if hashed_password is not None:
        # Bulk set-up (demo data) passes an already validated and hashed password.
        user.password = hashed_password
    else:
        _set_password(user, password)
    user._history_user = actor
    user._change_reason = "创建账号"
    user.save()
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    if user.pk == actor.pk:
        raise ServiceError("不能停用自己的账号")
    _check_manage(actor, user.role, user.region)
    user.is_active = active
    user._history_user = actor
    user._change_reason = "启用账号" if active else "停用账号"
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def user_unlock(*, actor: User, user: User, ip: str | None = None) -> User:
    """Lift the login lockout of ``user`` (its failures are forgotten), with a line in the login log and
    in the account's history ("由XX解锁")."""
    _check_manage(actor, user.role, user.region)
    if not throttle.is_locked(user.username):
        raise ServiceError(f"账号 {user.username} 未被锁定")
    throttle.unlock(user.username)
    LoginLog.objects.create(username=user.username, user=user, region=user.region, success=True, event="unlock",
                            ip=ip, user_agent=f"由{actor.display_name}解锁"[:255])
    user._history_user = actor
    user._change_reason = f"由{actor.display_name}解锁"
    user.save(update_fields=["is_active"])  # nothing changes but the history line
    return user


@transaction.atomic
def user_reset_password(*, actor: User, user: User, password: str) -> User:
    _check_manage(actor, user.role, user.region)
    _set_password(user, password)
    user._history_user = actor
    user._change_reason = "重置密码"
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def bureau_ensure(*, region: Region) -> Organisation:
    name = f"{region.name}科学技术局"
    org, _ = Organisation.objects.get_or_create(
        kind=OrganisationKind.BUREAU, region=region, defaults={"name": name}
    )
    return org


@transaction.atomic
def organisation_create(*, actor: User, kind: str, name: str, region: Region, credit_code: str = "") -> Organisation:
    from keguan.rules.identifiers import validate_credit_code

    if kind not in OrganisationKind.values or kind == OrganisationKind.BUREAU:
        raise ServiceError("科技主管部门由系统按区划自动建立，这里只能登记高校、科研院所等机构", field="kind")
    if actor is not None and not may(actor, "accounts.organisation_create"):
        raise PermissionDenied("您没有登记机构的权限")
    if actor is not None and not actor.is_superuser and (actor.region is None or not region.is_within(actor.region)):
        raise PermissionDenied("只能登记本辖区的机构")
    name = name.strip()
    if not name:
        raise ServiceError("机构名称不能为空", field="name")
    if Organisation.objects.filter(name=name, region=region).exists():
        raise ServiceError(f"{region.name}已登记同名机构“{name}”", field="name")
    if credit_code:
        checked = validate_credit_code(credit_code)
        if not checked.ok:
            raise ServiceError(checked.errors[0], field="credit_code")
        credit_code = checked.value
        if Organisation.objects.filter(credit_code=credit_code).exists():
            raise ServiceError(f"统一社会信用代码 {credit_code} 已登记", field="credit_code")
    org = Organisation(kind=kind, name=name, region=region, credit_code=credit_code)
    org._history_user = actor
    org._change_reason = "登记机构"
    org.save()
    return org


@transaction.atomic
def role_permission_set(*, actor: User, role: str, permission: str, granted: bool) -> None:
    """Grant (``granted``) a permission to a role or withdraw it. Only the system administrator may; a
    change back to the default removes the override. Recorded with who and when (change history)."""
    from django.core.exceptions import ImproperlyConfigured

    from keguan.core.permissions import defaults_for, get_permission

    if actor is None or not actor.is_superuser:
        raise PermissionDenied("只有系统管理员可以调整角色权限")
    if role not in Role.values:
        raise ServiceError(f"未知角色：{role}", field="role")
    try:
        get_permission(permission)
    except ImproperlyConfigured as exc:
        raise ServiceError(f"未知权限：{permission}", field="permission") from exc
    current = RolePermission.objects.select_for_update().filter(role=role, permission=permission).first()
    if granted == (permission in defaults_for(role)):
        if current is not None:
            current._change_reason = "恢复默认"
            current.changed_by = actor
            current._history_user = actor
            current.delete()
        return
    if current is None:
        current = RolePermission(role=role, permission=permission)
    elif current.granted == granted:
        return
    current.granted = granted
    current.changed_by = actor
    current._history_user = actor
    current.save()
