from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from . import areas


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The workbench: every area's 待办 for this user, then the areas' cards (``Area.reminders``, ``Area.home``).
    An enterprise user with nothing due goes straight to its own firm's page."""
    user = request.user
    reminders = areas.request_reminders(request)
    if user.is_enterprise_user and not reminders:
        return redirect("enterprises:mine")
    panels = [
        mark_safe(render_to_string(p.template, p.context, request=request))  # noqa: S308 (our own templates)
        for p in areas.home_panels(user)
    ]
    context = {
        "region": user.region,
        "reminders": reminders,
        "today": timezone.localdate(),
        "panels": panels,
    }
    return render(request, "core/home.html", context)


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
