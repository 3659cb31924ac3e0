"""Readable change history from django-simple-history rows: who, when, what changed (old → new)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

ACTIONS = {"+": "新建", "~": "修改", "-": "删除"}
MASKED_FIELDS = {"contact_phone", "phone", "id_number"}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: Any
    who: str
    action: str
    subject: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def stamp(obj, actor, reason: str) -> None:
    """Who makes the coming save of ``obj`` and why, for its history row (django-simple-history reads these)."""
    obj._history_user = actor
    obj._change_reason = reason


def _display(model: type[models.Model], name: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    try:
        f = model._meta.get_field(name)
    except Exception:
        return str(value)
    if isinstance(f, models.ManyToManyField):  # simple-history's rows of the through table, as dicts
        key = f.m2m_reverse_field_name()
        pks = [row.get(key) for row in value]
        names = {o.pk: str(o) for o in f.related_model._default_manager.filter(pk__in=pks)}
        return "、".join(names.get(pk, f"#{pk}") for pk in pks) or "（空）"
    if f.choices:
        flat = {}
        for k, v in f.flatchoices:
            flat[k] = v
        return str(flat.get(value, value))
    if isinstance(f, models.ForeignKey):
        target = f.related_model._default_manager.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    if name in MASKED_FIELDS and isinstance(value, str) and len(value) >= 7:
        return value[:3] + "****" + value[-4:]
    if isinstance(f, models.DecimalField):  # 100.00 → 100, 45.50 → 45.5 (as people write them)
        text = f"{Decimal(str(value)):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def entries_for(history_qs, *, subject, model: type[models.Model], skip: frozenset[str] = frozenset()) -> list[HistoryEntry]:
    records = list(history_qs.select_related("history_user").order_by("history_date", "history_id"))
    out: list[HistoryEntry] = []
    previous: dict[Any, Any] = {}
    for rec in records:
        key = rec.id
        prev = previous.get(key)
        changes: list[Change] = []
        if rec.history_type == "~" and prev is not None:
            delta = rec.diff_against(prev)
            for c in delta.changes:
                if c.field in skip:
                    continue
                label = str(model._meta.get_field(c.field).verbose_name)
                changes.append(Change(label, _display(model, c.field, c.old), _display(model, c.field, c.new)))
            if not changes:
                previous[key] = rec
                continue
        who = rec.history_user.display_name if rec.history_user else "系统"
        out.append(
            HistoryEntry(
                when=rec.history_date,
                who=who,
                action=ACTIONS.get(rec.history_type, rec.history_type),
                subject=subject(rec) if callable(subject) else subject,
                reason=rec.history_change_reason or "",
                changes=changes,
            )
        )
        previous[key] = rec
    return out
