"""The delete page of a record (``keguan.core.deletion``): a confirm page that says what goes with the record
or why it may not go (and where that is put right), and the deletion on POST."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .deletion import Deletions
from .errors import ServiceError
from .permissions import demand


@dataclass(frozen=True)
class Removal:
    """How a kind of record is deleted from its page: read for writing in the user's scope (404 outside it, 403
    read-only), named on the confirm page, and where the page leads (its list, its own page)."""

    get: Callable[..., Any]  # (user=, pk=, write=) -> the record
    name: Callable[[Any], str]
    list_url: str  # URL name of the list
    list_title: str
    url: str  # URL name of the record's page
    fix: Callable[[Any], tuple[str, str] | None] | None = None  # where a refused deletion is put right (text, URL)


def delete_view(removal: Removal, *, deletions: Deletions, perm: str, area: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """The confirm page (GET) and the deletion (POST) of one kind; ``area`` heads the breadcrumbs."""

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        user = request.user
        demand(user, perm)
        obj = removal.get(user=user, pk=pk, write=True)
        what, name = deletions.of(obj).what, removal.name(obj)
        refusal = deletions.refusal(obj, user)
        if request.method == "POST" and refusal is None:
            try:
                deletions.delete(actor=user, obj=obj)
            except ServiceError as exc:
                refusal = exc.message
            else:
                messages.success(request, f"已删除{what}“{name}”")
                return redirect(removal.list_url)
        return render(request, "core/delete.html", {
            "area": area, "what": what, "name": name, "effects": deletions.effects(obj), "refusal": refusal,
            "url": reverse(removal.url, args=[pk]), "list_url": reverse(removal.list_url),
            "list_title": removal.list_title,
            "fix": removal.fix(obj) if refusal and removal.fix is not None else None})

    return view
