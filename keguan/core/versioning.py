"""Optimistic locking for the records staff edit in forms: a stale save is refused, never silently applied.

A model that staff edit in a form inherits ``Versioned``: an integer ``version`` that every save through the
services raises by one. The edit form carries the version it was read at (``VersionField``, a hidden input);
the service calls ``claim(instance, expected)`` first, inside its transaction: it locks the row, and when the
stored version is not the one the form was read at, it raises ``StaleEdit`` — a ``ServiceError`` whose message
says who changed what since, taken from the change history (django-simple-history keeps the version in each
historical row), e.g. "保存失败：您打开此页面后，张三于12:03修改了本记录（企业名称：甲 → 乙）。页面已显示最新内容，
请核对后再次保存。" The view puts it above the form, keeps what the user typed and
carries the current version, so a second save, made knowingly, goes through.

A save without an expected version (imports, the command line, services called by other services) still
locks the row and raises the version, so a form opened before an import is refused afterwards too.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils import timezone

from .errors import ServiceError


class Versioned(models.Model):
    version = models.PositiveIntegerField("版本", default=1, db_default=1, editable=False)

    class Meta:
        abstract = True


class StaleEdit(ServiceError):
    """The record changed since the form was read. ``changes``: (field label, value then, value now)."""

    def __init__(self, message: str, changes: list[tuple[str, str, str]], *, current: int | None = None):
        super().__init__(message, field=None)
        self.changes = changes
        self.current = current  # the stored version: a form shown again carries it


class VersionField(forms.IntegerField):
    """The version an edit form was read at (hidden)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


def _shown(instance: models.Model, field: models.Field, value: Any) -> str:
    if value in (None, ""):
        return "空"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    return str(value)


def changes_since(instance: models.Model, expected: int, fields: list[str]) -> tuple[list[tuple[str, str, str]], str]:
    """What differs between the version ``expected`` (from the change history) and the row now, and who made
    the latest change and when ("张三于12:03"), for the message of a stale save."""
    model = type(instance)
    history = getattr(instance, "history", None)
    then = history.filter(version=expected).order_by("-history_date").first() if history is not None else None
    now_row = model._default_manager.get(pk=instance.pk)
    latest = history.order_by("-history_date").first() if history is not None else None
    changes: list[tuple[str, str, str]] = []
    if then is not None:
        for name in fields:
            field = model._meta.get_field(name)
            attname = field.attname
            old, new = getattr(then, attname, None), getattr(now_row, attname)
            if old != new:
                changes.append((str(field.verbose_name), _shown(instance, field, old), _shown(instance, field, new)))
    who = ""
    if latest is not None:
        user = getattr(latest, "history_user", None)
        name = getattr(user, "display_name", "") or (str(user) if user else "他人")
        when = timezone.localtime(latest.history_date)
        same_day = when.date() == timezone.localdate()
        who = f"{name}于{when:%H:%M}" if same_day else f"{name}于{when:%Y-%m-%d %H:%M}"
    return changes, who


def claim(instance: models.Model, expected: int | None, *, fields: list[str] | None = None) -> int:
    """Lock ``instance``'s row for the rest of the transaction and check it is still at version ``expected``
    (None: whatever version). Sets ``instance.version`` to the next version, which the caller's save writes.
    Returns the stored version. Raises ``StaleEdit``."""
    model = type(instance)
    stored = model._default_manager.select_for_update().values_list("version", flat=True).get(pk=instance.pk)
    if expected is not None and stored != expected:
        names = fields or [f.name for f in model._meta.concrete_fields
                           if f.editable and not f.primary_key and f.name not in ("version", "updated_at")]
        changes, who = changes_since(instance, expected, names)
        detail = "；".join(f"{label}：{old} → {new}" for label, old, new in changes[:8])
        message = f"保存失败：您打开此页面后，{who or '他人'}修改了本记录"
        message += f"（{detail}）" if detail else ""
        message += "。您填写的内容仍在下方，请核对后再次保存（再次保存即以您填写的为准）。"
        raise StaleEdit(message, changes, current=stored)
    instance.version = stored + 1
    return stored
