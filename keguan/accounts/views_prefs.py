"""The signed-in user's list preferences: page size and shown columns, posted from a list's toolbar."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from keguan.core.lists import get_list

from .preferences import list_preference_set, list_state


def _back(request: HttpRequest) -> str:
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return "/"
    return back


@require_http_methods(["GET", "POST"])
def list_prefs_view(request: HttpRequest) -> HttpResponse:
    """GET: the column chooser of a list (its own page, so its check boxes never share a name with the list's
    filters); POST: store the page size and/or the columns, back to the list."""
    spec = get_list(request.POST.get("list", "") if request.method == "POST" else request.GET.get("list", ""))
    if spec is None:
        raise Http404("未知的列表")
    if request.method == "GET":
        return render(request, "accounts/list_columns.html", {"kit": list_state(request, spec), "next": _back(request)})
    list_preference_set(
        user=request.user,
        spec=spec,
        per_page=request.POST.get("per_page") or None,
        columns=request.POST.getlist("columns") if request.POST.get("choose_columns") else None,
        reset=bool(request.POST.get("reset")),
    )
    return redirect(_back(request))
