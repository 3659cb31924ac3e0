"""Shared bits of the market views: the districts a user may filter by, query-string helpers, and a record's
delete page (``delete_view``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand
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


@dataclass(frozen=True)
class Removal:
    """How a kind of record is deleted from its page: read for writing in the user's scope (404 outside it, 403
    read-only), named on the confirm page, and where the page leads (its list, its own page)."""

    get: Callable[..., Any]  # (user=, pk=, write=) -> the record
    name: Callable[[Any], str]
    list_url: str  # URL name of the list
    list_title: str
    url: str  # URL name of the record's page


def delete_view(removal: Removal) -> Callable[[HttpRequest, int], HttpResponse]:
    """A confirm page (GET: what goes with the record, or why it may not go) and the deletion (POST)."""

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        demand(user, "market.manage")
        obj = removal.get(user=user, pk=pk, write=True)
        what, name = services.DELETIONS[type(obj)].what, removal.name(obj)
        refusal = services.deletion_refusal(obj, user)
        if request.method == "POST" and refusal is None:
            try:
                services.record_delete(actor=user, obj=obj)
            except ServiceError as exc:
                refusal = exc.message
            else:
                messages.success(request, f"已删除{what}“{name}”")
                return redirect(removal.list_url)
        return render(request, "market/delete.html", {
            "what": what, "name": name, "effects": services.deletion_effects(obj), "refusal": refusal,
            "url": reverse(removal.url, args=[pk]), "list_url": reverse(removal.list_url),
            "list_title": removal.list_title})

    return view
