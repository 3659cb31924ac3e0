"""Named permissions: the one place that answers "may this user do X".

Each area declares its permissions in its ``area.py`` (``Permission("rd.write", "…", roles=…)``) with the roles
that hold them by default; together they make the one role → permission table, shown to the system
administrator on the 角色权限 page, where a permission can be granted to or withdrawn from a role (the
change is stored by ``keguan.accounts`` with who and when). Views ask ``may(user, code)`` or use
``@require(code)``; templates ask ``{% if may.rd.write %}``; menus name the permission of each entry. No code
outside this module and the role table compares role names.

What rows a user may see stays with ``keguan.core.scope`` (region subtree, own enterprise): a permission says
what kind of thing a user may do, the scope says on which records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied


@dataclass(frozen=True)
class Permission:
    code: str  # "<area>.<action>", e.g. "rd.write"
    label: str  # what it allows, in Chinese: "登记研发经费填报"
    roles: frozenset[str] = frozenset()  # the roles that hold it by default
    description: str = ""
    personal: bool = False  # it shows or exports personal data (names, phones, ID numbers)

    def __post_init__(self) -> None:
        if self.code.count(".") != 1:
            raise ImproperlyConfigured(f"permission code {self.code!r} should read <area>.<action>")
        object.__setattr__(self, "roles", frozenset(self.roles))

    @property
    def area(self) -> str:
        return self.code.split(".", 1)[0]


_PERMS: dict[str, Permission] = {}


def register_permission(perm: Permission, *, area: str) -> Permission:
    """Add ``perm`` to the table; ``area`` is the declaring area, whose code the permission's must start with."""
    if perm.area != area:
        raise ImproperlyConfigured(f"permission {perm.code} declared by area {area}: it should read {area}.<action>")
    if perm.code in _PERMS and _PERMS[perm.code] != perm:
        raise ImproperlyConfigured(f"permission {perm.code} declared twice")
    _PERMS[perm.code] = perm
    return perm


def get_permission(code: str) -> Permission:
    try:
        return _PERMS[code]
    except KeyError:
        raise ImproperlyConfigured(f"未登记的权限：{code}") from None


def all_permissions() -> list[Permission]:
    return list(_PERMS.values())


def defaults_for(role: str) -> set[str]:
    """The permissions a role holds before any grant or withdrawal."""
    return {code for code, perm in _PERMS.items() if role in perm.roles}


def effective(role: str, overrides: Iterable[tuple[str, bool]]) -> frozenset[str]:
    """The role's defaults with the administrator's grants (True) and withdrawals (False) applied."""
    codes = defaults_for(role)
    for code, granted in overrides:
        if code not in _PERMS:
            continue  # a permission of an area that is gone
        if granted:
            codes.add(code)
        else:
            codes.discard(code)
    return frozenset(codes)


def may(user, code: str) -> bool:
    """Whether ``user`` may do ``code``. Unknown codes are a programming error, not a refusal."""
    get_permission(code)
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return code in user.permission_codes()


def demand(user, code: str, message: str | None = None) -> None:
    """Raise 403 with a Chinese message unless ``user`` may do ``code``."""
    if not may(user, code):
        raise PermissionDenied(message or f"您没有“{get_permission(code).label}”的权限")


def require(code: str, message: str | None = None) -> Callable:
    """View decorator: 403 unless the signed-in user may do ``code`` (checked at each request: the areas
    register their permissions after the views' modules may have been imported)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            demand(request.user, code, message)
            return view(request, *args, **kwargs)

        wrapped.kg_permission = code  # type: ignore[attr-defined]
        return wrapped

    return decorator


class _AreaPerms:
    def __init__(self, user, area: str):
        self._user, self._area = user, area

    def __getitem__(self, action: str) -> bool:
        return may(self._user, f"{self._area}.{action}")


class MayProxy:
    """``{% if may.rd.write %}`` in templates."""

    def __init__(self, user):
        self._user = user

    def __getitem__(self, area: str) -> _AreaPerms:
        return _AreaPerms(self._user, area)
