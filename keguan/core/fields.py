"""Model fields the areas' records share: who did something, and the district / township a row belongs to
(for the access scope and the per-district counts)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def user_fk(label: str) -> models.ForeignKey:
    """Who created, changed or decided a record (kept when the account is removed: set to empty)."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=label, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")


def district_fk(label: str = "区县") -> models.ForeignKey:
    return models.ForeignKey("regions.Region", verbose_name=label, on_delete=models.PROTECT, related_name="+")


def township_fk(label: str = "乡镇/街道") -> models.ForeignKey:
    return models.ForeignKey("regions.Region", verbose_name=label, null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
