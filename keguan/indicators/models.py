from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.scope import ScopeSpec


class ReportedValue(models.Model):
    """A figure staff report (GDP, survey R&D, …) for a region and period."""

    indicator = models.CharField("指标", max_length=40)
    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期间", max_length=12)
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)
    note = models.CharField("来源说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("填报时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "填报数值"
        verbose_name_plural = "填报数值"
        constraints = [models.UniqueConstraint(fields=["indicator", "region", "period"], name="one_reported_value")]

    def __str__(self) -> str:
        return f"{self.region} {self.period} {self.indicator}={self.value}"


class Target(models.Model):
    """市定目标: a yearly target the city sets for one district and indicator."""

    indicator = models.CharField("指标", max_length=40)
    region = models.ForeignKey("regions.Region", verbose_name="区县", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    value = models.DecimalField("目标值", max_digits=20, decimal_places=4)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设定人", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("设定时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "市定目标"
        verbose_name_plural = "市定目标"
        constraints = [models.UniqueConstraint(fields=["indicator", "region", "year"], name="one_target_per_year")]
        indexes = [models.Index(fields=["year", "indicator"])]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.indicator} 目标 {self.value}"
