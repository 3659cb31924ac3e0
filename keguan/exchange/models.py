"""ImportRun: one uploaded file of one kind, from its check to its outcome (the import history).

The upload itself is kept (``data``, at most 10 MB): the confirmed import re-reads it, the error file is
built from its check, and the history can tell what was imported. Written only by ``services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keguan.core.scope import ScopeSpec


class RunStatus(models.TextChoices):
    CHECKING = "checking", "检查中"
    READY = "ready", "待确认"
    FAILED = "failed", "检查未通过"
    QUEUED = "queued", "排队等待导入"
    RUNNING = "running", "正在导入"
    DONE = "done", "已导入"
    ERROR = "error", "导入失败"


ACTIVE = (RunStatus.CHECKING, RunStatus.QUEUED, RunStatus.RUNNING)


class ImportRun(models.Model):
    kind = models.CharField("导入类型", max_length=64)
    region = models.ForeignKey("regions.Region", verbose_name="导入到", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认导入人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("文件大小（字节）", default=0)
    data = models.BinaryField("上传的文件", editable=False)
    status = models.CharField("状态", max_length=12, choices=RunStatus.choices, default=RunStatus.CHECKING)
    background = models.BooleanField("后台执行", default=False)
    rows = models.PositiveIntegerField("数据行数", default=0)
    added = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("不变", default=0)
    skipped = models.PositiveIntegerField("跳过", default=0)
    failed = models.PositiveIntegerField("出错行数", default=0)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    errors = models.JSONField("问题", default=list, blank=True)  # [[row, column, message], …], at most MAX_STORED
    error_count = models.PositiveIntegerField("问题数", default=0)
    warnings = models.JSONField("提示", default=list, blank=True)  # [[row, column, message], …]: to check, not errors
    warning_count = models.PositiveIntegerField("提示数", default=0)
    ignored_columns = models.JSONField("忽略的列", default=list, blank=True)  # headers the kind does not read
    params = models.JSONField("导入参数", default=dict, blank=True)  # the kind's ``params`` (round, year …)
    error_file = models.BinaryField("错误行文件", null=True, blank=True, editable=False)
    message = models.TextField("说明", blank=True)
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    started_at = models.DateTimeField("上传时间", auto_now_add=True)
    checked_at = models.DateTimeField("检查完成时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认导入时间", null=True, blank=True)
    finished_at = models.DateTimeField("导入完成时间", null=True, blank=True)

    scope = ScopeSpec(regions={1: "region"})

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["region", "kind", "started_at"]), models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE

    @property
    def kind_title(self) -> str:
        from .registry import get_kind

        try:
            return get_kind(self.kind).title
        except KeyError:
            return self.kind
