from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keguan.core.permissions import demand, may
from keguan.core.scope import get_for_user, scoped

from .models import Region
from .selectors import region_ancestors


@require_GET
def region_tree_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Browse the division tree from the user's own region downwards."""
    demand(request.user, "regions.view")
    root = request.user.region
    if pk is not None:
        node = get_for_user(Region, request.user, pk)
    elif root is not None:
        node = root
    else:
        node = Region.objects.filter(level=1).order_by("code").first()
    children = (
        scoped(Region, request.user).filter(parent=node).annotate(n_children=Count("children")).order_by("code")
        if node is not None
        else Region.objects.none()
    )
    crumbs = [r for r in region_ancestors(node) if root is None or r.is_within(root)] if node else []
    can_import = may(request.user, "regions.import") and request.user.region is not None
    can_export = may(request.user, "regions.export") and node is not None
    return render(request, "regions/tree.html", {
        "node": node, "children": children, "crumbs": crumbs, "can_import": can_import, "can_export": can_export,
    })
