"""Shared bits of the market views: the districts a user may filter by, query-string helpers, and a record's
delete page (``delete_view``)."""

from __future__ import annotations

from django.utils import timezone

from keguan.core.deletion_views import Removal
from keguan.core.deletion_views import delete_view as core_delete_view
from keguan.core.scope import covers_districts, home_district
from keguan.enterprises.selectors import districts_in_scope

from .. import services


def filter_districts(user):
    """The districts a city user filters by; None for a district user (it sees its own)."""
    return districts_in_scope(user=user) if covers_districts(user) else None


def record_districts(user):
    """The districts a user files new results/awards in: None when it is a district's (its own)."""
    return None if home_district(user) is not None else districts_in_scope(user=user)


def scope_name(user) -> str:
    return user.region.name if getattr(user, "region", None) else "全部"


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def delete_view(removal: Removal):
    """The delete page of one kind of market record (``keguan.core.deletion_views``)."""
    return core_delete_view(removal, deletions=services.DELETIONS, perm="market.manage", area="技术市场与科技成果")
