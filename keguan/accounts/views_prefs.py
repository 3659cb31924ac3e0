"""The signed-in user's list preferences: page size and shown columns, posted from a list's toolbar."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from keguan.core.lists import get_list

from .preferences import list_preference_set


@require_POST
def list_prefs_view(request: HttpRequest) -> HttpResponse:
    spec = get_list(request.POST.get("list", ""))
    if spec is None:
        raise Http404("未知的列表")
    list_preference_set(
        user=request.user,
        spec=spec,
        per_page=request.POST.get("per_page") or None,
        columns=request.POST.getlist("columns") if request.POST.get("choose_columns") else None,
        reset=bool(request.POST.get("reset")),
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)
