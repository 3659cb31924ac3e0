"""通知公告: notices a city or district bureau publishes to chosen role groups in chosen regions, their
attachments and read receipts; and the system's messages to single users (我的消息).

Who a notice is addressed to is decided in one place, ``keguan.notices.selectors`` (``audience_users`` and
``addressed_to``): the users of the chosen role groups whose region (for an enterprise user, its firm's
township or district) lies within one of the chosen regions. The publisher's side (the bureau's list,
editing, read counts) goes through ``keguan.core.scope`` like every other record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from keguan.core.roles import AUDIENCE_GROUPS
from keguan.core.scope import ScopeSpec
from keguan.core.versioning import Versioned


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class Notice(Versioned):
    title = models.CharField("标题", max_length=120)
    body = models.TextField("正文", help_text="纯文本，空一行分段")
    region = models.ForeignKey("regions.Region", verbose_name="发布单位", on_delete=models.PROTECT, related_name="+")
    audience = models.CharField("发送对象", max_length=200, help_text="角色组代码，以逗号分隔，前后带逗号")
    regions = models.ManyToManyField("regions.Region", verbose_name="发送范围", related_name="+")
    status = models.CharField("状态", max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    pinned = models.BooleanField("置顶", default=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="起草人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("起草时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    scope = ScopeSpec(write="notices.publish", regions={1: "region"})

    class Meta:
        verbose_name = "通知公告"
        verbose_name_plural = "通知公告"
        ordering = ["-pinned", "-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def writable_by(self, user) -> bool:
        """Only the publishing bureau changes its notices (the city reads its districts' notices)."""
        from keguan.core.permissions import may

        return may(user, "notices.publish") and user.region_id == self.region_id

    @property
    def groups(self) -> list[str]:
        return [g for g in self.audience.split(",") if g in AUDIENCE_GROUPS]

    @property
    def roles(self) -> list[str]:
        return [r for g in self.groups for r in AUDIENCE_GROUPS[g][1]]

    @property
    def audience_display(self) -> str:
        return "、".join(AUDIENCE_GROUPS[g][0] for g in self.groups)

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _attachment_path(instance: NoticeAttachment, filename: str) -> str:
    return f"notices/{instance.notice_id}/{filename}"


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=_attachment_path, max_length=255)
    name = models.CharField("文件名", max_length=150)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class NoticeRead(models.Model):
    """A read receipt: ``user`` opened ``notice`` first at ``read_at``."""

    notice = models.ForeignKey(Notice, verbose_name="通知", on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="阅读人", on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField("阅读时间", auto_now_add=True)

    class Meta:
        verbose_name = "阅读记录"
        verbose_name_plural = "阅读记录"
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.notice}"


class Message(models.Model):
    """A system message to one user (导入已完成 …), in its 我的消息 list."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="+")
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True)
    kind = models.CharField("类别", max_length=16, blank=True, default="", db_default="",
                            help_text="digest：每日待办提醒（keguan digest）；空：其他系统消息")
    created_at = models.DateTimeField("发送时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "系统消息"
        verbose_name_plural = "系统消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text
