from __future__ import annotations

from django import template

from keguan.rules.explain import Basis, Status

from ..present import BASIS_CLASSES, STATUS_CLASSES, points_text

register = template.Library()


@register.filter
def status_class(status) -> str:
    try:
        return STATUS_CLASSES[Status(status)]
    except ValueError:
        return "text-bg-secondary"


@register.filter
def status_label(status) -> str:
    try:
        return Status(status).label
    except ValueError:
        return str(status)


@register.filter
def basis_class(basis) -> str:
    return BASIS_CLASSES.get(Basis(basis), "text-bg-light")


@register.filter
def points(part) -> str:
    return points_text(part)
