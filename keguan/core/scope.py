"""Access scope: the one place that decides which rows a user may see and which it may change.

Every selector that lists, shows, edits, exports or counts records starts from ``scoped(queryset, user)``.
A model declares how its rows relate to a region and to an enterprise with a ``ScopeSpec`` class attribute
named ``scope``:

* ``regions`` maps a region level to the lookup of a ``Region`` foreign key on that model. A user whose
  region is at level L is matched on the finest lookup whose level is ≤ L (a city user on the district
  field, a township liaison on the township field). The rows are those whose region is the user's region
  or lies under it (its materialised ``path`` starts with the user's), never a sibling's.
* ``enterprise`` is the lookup of the enterprise the row belongs to ("pk" for the enterprise itself);
  an enterprise contact sees only rows of its own enterprise.
* ``write`` (optional) names the permission (``keguan.core.permissions``) that lets a user change the rows
  in its scope; a model may instead define ``writable_by(user)`` for a finer rule. Without either, rows in
  scope are read-only to everyone but the system administrator.
* ``own`` (optional): ``(permission, lookups)`` for rows that belong to a person. A user holding that
  permission (a 科技特派员 holds ``fieldwork.own``) sees, within its region, only the rows where one of the
  ``lookups`` (``"commissioner__user"``, ``"team__members__commissioner__user"``) is itself: its own service
  logs, its own assignments. Users without the permission are not narrowed by it.
* ``region_levels`` (optional) names the one region level a lookup holds, for lookups whose level the
  model's services enforce (an enterprise's ``district`` is always a county, its ``township`` a township).
  It changes which rows match only for rows that break that rule; declare it nowhere else.

The user's subtree is resolved to region ids first (one small query on regions), and the rows are filtered
with ``<lookup>__in=[ids]`` — with ``region_levels`` only the ids of that level, so a district user's
enterprises are ``district_id = 42`` — rather than joined to regions and filtered with ``path LIKE``:
the database can then count and page from the indexes on the foreign key.

Single objects go through ``get_for_user``: 404 outside the scope, 403 when the user may only read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connection, models
from django.http import Http404

if TYPE_CHECKING:
    from keguan.accounts.models import User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ScopeSpec:
    regions: dict[int, str] = field(default_factory=dict)
    enterprise: str | None = None
    region_levels: dict[str, int] = field(default_factory=dict)
    write: str | None = None
    own: tuple[str, tuple[str, ...]] | None = None

    def region_lookup(self, level: int) -> str:
        if not self.regions:
            raise ImproperlyConfigured("ScopeSpec has no region lookup")
        candidates = [lvl for lvl in self.regions if lvl <= level]
        chosen = max(candidates) if candidates else min(self.regions)
        return self.regions[chosen]


def spec_for(model: type[models.Model]) -> ScopeSpec:
    spec = getattr(model, "scope", None)
    if not isinstance(spec, ScopeSpec):
        raise ImproperlyConfigured(f"{model.__name__} 未声明访问范围 (scope = ScopeSpec(...))")
    return spec


def within(path: str) -> models.Q:
    """Regions whose materialised ``path`` starts with ``path``: a region and everything under it.

    On SQLite ``startswith`` is a case-insensitive ``LIKE``, which cannot use the index on ``path``; there
    the same rows are asked for as the range ``path <= x < path'`` (``path'``: the last character
    incremented), which under SQLite's byte-order comparison is exactly "starts with" and reads the index.
    Only for prefixes without letters, where case cannot matter (region paths are digits and "/")."""
    if connection.vendor == "sqlite" and path and path.lower() == path.upper():
        return models.Q(path__gte=path, path__lt=path[:-1] + chr(ord(path[-1]) + 1))
    return models.Q(path__startswith=path)


def _region_filter(spec: ScopeSpec, lookup: str, region) -> models.Q:
    """Rows whose region (``lookup``) is ``region`` or lies under it."""
    if not lookup:  # the Region model itself
        return within(region.path)
    subtree = type(region)._default_manager.filter(within(region.path))
    level = spec.region_levels.get(lookup)
    if level is not None:
        subtree = subtree.filter(level=level)
    return models.Q(**{f"{lookup}__in": list(subtree.order_by("pk").values_list("pk", flat=True))})


def scope_q(model: type[models.Model], user: User) -> models.Q | None:
    """The filter for ``user`` on ``model``; ``None`` means everything (superuser)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return models.Q(pk__in=[])
    if user.is_superuser:
        return None
    spec = spec_for(model)
    if user.is_enterprise_user:
        if spec.enterprise is None or user.enterprise_id is None:
            return models.Q(pk__in=[])
        return models.Q(**{spec.enterprise: user.enterprise_id})
    region = user.region
    if region is None or not user.role:
        return models.Q(pk__in=[])
    if not spec.regions:
        return models.Q(pk__in=[])
    q = _region_filter(spec, spec.region_lookup(region.level), region)
    return q if spec.own is None else q & _own_filter(model, spec.own, user)


def _own_filter(model: type[models.Model], own: tuple[str, tuple[str, ...]], user: User) -> models.Q:
    """The rows of ``model`` that are ``user``'s own, when it holds the permission that narrows it to them."""
    from .permissions import may

    code, lookups = own
    if not may(user, code):
        return models.Q()
    if len(lookups) == 1 and not _crosses_many(model, lookups[0]):
        return models.Q(**{lookups[0]: user.pk})
    either = models.Q()
    for lookup in lookups:
        either |= models.Q(**{lookup: user.pk})
    return models.Q(pk__in=model._default_manager.filter(either).values("pk"))


def _crosses_many(model: type[models.Model], lookup: str) -> bool:
    """Whether ``lookup`` passes through a to-many relation (filtering on it directly would repeat rows)."""
    for name in lookup.split("__"):
        field = model._meta.get_field(name)
        if field.one_to_many or field.many_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def scoped(qs: models.QuerySet[M] | type[M], user: User) -> models.QuerySet[M]:
    """``qs`` reduced to the rows ``user`` may see."""
    if isinstance(qs, type):
        qs = qs._default_manager.all()
    q = scope_q(qs.model, user)
    return qs if q is None else qs.filter(q)


def get_for_user(
    qs: models.QuerySet[M] | type[M], user: User, pk: Any, *, write: bool = False
) -> M:
    """One row in the user's scope: 404 when it is outside (or missing), 403 when ``write`` is asked
    and the user may only read it."""
    try:
        obj = scoped(qs, user).get(pk=pk)
    except (ValueError, TypeError) as exc:
        raise Http404("记录不存在") from exc
    except models.ObjectDoesNotExist as exc:
        raise Http404("记录不存在或不在您的管辖范围内") from exc
    if write and not can_write(user, obj):
        raise PermissionDenied("您对该记录只有查看权限")
    return obj


def can_write(user: User, obj: models.Model) -> bool:
    """Whether ``user`` may change ``obj`` (which is already known to be in its scope)."""
    from .permissions import may

    if user.is_superuser:
        return True
    writer = getattr(obj, "writable_by", None)
    if callable(writer):
        return bool(writer(user))
    code = spec_for(type(obj)).write
    return code is not None and may(user, code)


# keguan.regions.models.RegionLevel.COUNTY and .TOWNSHIP (a test checks they agree).
COUNTY_LEVEL = 3
TOWNSHIP_LEVEL = 4


def home_district(user: User):
    """The district (区县) a user works in, when its region is one: where its new records and imports go.
    None for city staff, township liaisons and users without a region."""
    region = getattr(user, "region", None)
    return region if region is not None and region.level == COUNTY_LEVEL else None


def in_scope(user: User, obj: models.Model) -> bool:
    return scoped(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def covers_districts(user: User) -> bool:
    """Whether the user's region spans several districts (a city, or no region at all)."""
    region = getattr(user, "region", None)
    return region is None or region.level < COUNTY_LEVEL


def within_township(user: User) -> bool:
    """Whether the user's region is a township (or finer): it has no townships to choose among."""
    region = getattr(user, "region", None)
    return region is not None and region.level >= TOWNSHIP_LEVEL
