from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned


class PlanStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    DOING = "doing", "推进中"
    DONE = "done", "已完成"
    DROPPED = "dropped", "已取消"


class PlanItem(models.Model):
    """下一步工作计划: an item of the bureau's plan, by area, with a due date."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    area = models.CharField("工作领域", max_length=32)
    text = models.TextField("计划内容", max_length=1000)
    due = models.DateField("完成时限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=PlanStatus.choices, default=PlanStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class IssueItem(models.Model):
    """存在的问题 that staff add for a period (beside those drawn from the indicators)."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期间", max_length=12)
    area = models.CharField("工作领域", max_length=32, blank=True)
    text = models.TextField("问题", max_length=1000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "存在的问题"
        verbose_name_plural = "存在的问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class WorkNote(models.Model):
    """工作纪实: something the bureau did on a day (a training it organised, a matchmaking event, a visit by the
    leadership), in one line, under a lead phrase. The summary writes a part's notes of the period as an item
    of their own: "二是积极组织企业参加科技创新培训。3月11日，组织企业参加……；9月1日，……"."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    area = models.CharField("工作领域", max_length=32)
    happened_on = models.DateField("日期")
    lead = models.CharField("小标题", max_length=40)
    text = models.CharField("做了什么", max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "工作纪实"
        verbose_name_plural = "工作纪实"
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["region", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.lead}"


class ReportTemplate(models.Model):
    """A bureau's own Word template (same placeholders as the default)."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    name = models.CharField("模板名称", max_length=100)
    content = models.BinaryField("模板文件")
    active = models.BooleanField("使用中", default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "报告模板"
        verbose_name_plural = "报告模板"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.name


class ReportVersion(models.Model):
    """Each generated or edited version of a summary, with who and when."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    period = models.CharField("期间", max_length=12)
    number = models.PositiveIntegerField("版本号")
    draft = models.JSONField("内容")
    origin = models.CharField("来源", max_length=12, choices=[("generated", "系统生成"), ("edited", "人工修改")])
    note = models.CharField("说明", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "工作总结版本"
        verbose_name_plural = "工作总结版本"
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["region", "period", "number"], name="report_version_number")]

    def __str__(self) -> str:
        return f"{self.period} 第{self.number}版"


class ReportPartLayout(Versioned):
    """总结结构: how a bureau's summary writes one area's part — its heading, its place and whether it is written
    at all. Rows exist only for the parts a bureau has arranged; ``keguan.reports.structure.layout_for`` merges
    them with the registered parts (a part registered later comes last with its default heading)."""

    region = models.ForeignKey("regions.Region", verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    area = models.CharField("部分", max_length=32)
    title = models.CharField("标题", max_length=40)
    position = models.PositiveSmallIntegerField("顺序")
    shown = models.BooleanField("写入总结", default=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords()

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "总结结构"
        verbose_name_plural = "总结结构"
        ordering = ["region", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "area"], name="report_part_layout_area")]

    def __str__(self) -> str:
        return self.title
