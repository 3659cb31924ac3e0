from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

APP_STATUS_CLASSES = {
    "planned": "text-bg-light border",
    "submitted": "text-bg-info",
    "district": "text-bg-primary",
    "city": "text-bg-primary",
    "province": "text-bg-primary",
    "publicised": "text-bg-warning",
    "recognised": "text-bg-success",
    "rejected": "text-bg-danger",
}


@register.filter
def app_status_class(status: str) -> str:
    return APP_STATUS_CLASSES.get(str(status), "text-bg-secondary")


@register.simple_tag
def firm_records_url(pk: int) -> str:
    """The firm's qualifications page (资质与培育), or its registry page where that page is not installed."""
    try:
        return reverse("pipeline:records", kwargs={"pk": pk})
    except NoReverseMatch:
        return reverse("enterprises:detail", kwargs={"pk": pk})
