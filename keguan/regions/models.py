from __future__ import annotations

from django.db import models

from keguan.core.scope import ScopeSpec


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, "省级"
    CITY = 2, "地市级"
    COUNTY = 3, "区县级"
    TOWNSHIP = 4, "乡镇/街道"
    VILLAGE = 5, "村/社区"


class Region(models.Model):
    """One administrative division. ``path`` is the materialised path of codes from the province down,
    so "this region and everything under it" is one ``path LIKE 'prefix%'`` query."""

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("级别", choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=80, unique=True)
    source = models.CharField("来源", max_length=32, default="民政部区划表")

    scope = ScopeSpec(regions={1: ""})

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]
        indexes = [models.Index(fields=["parent", "code"]), models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def statistical_code(self) -> str:
        """The 12-digit statistical code (padded with zeros)."""
        return self.code.ljust(12, "0")

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)
