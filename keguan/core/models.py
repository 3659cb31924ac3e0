from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class DictItem(models.Model):
    """One item of an editable 数据字典 kind (``keguan.core.dictionary``): its code, the label the pages show,
    its place in the list and whether forms still offer it."""

    kind = models.CharField("字典", max_length=32)
    code = models.CharField("代码", max_length=32)
    label = models.CharField("名称", max_length=64)
    order = models.PositiveIntegerField("排序", default=0)
    enabled = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "字典项"
        verbose_name_plural = "字典项"
        ordering = ["kind", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="dict_item_code_once_per_kind")]

    def __str__(self) -> str:
        return self.label if self.enabled else f"{self.label}（已停用）"
