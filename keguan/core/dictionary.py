"""数据字典: the coded lists keguan's pages offer, one registry for every area.

An area declares its lists in its ``area.py``, beside its permissions::

    from keguan.core.dictionary import DictKind

    register(Area(..., dictionaries=(
        DictKind("enterprise_tag", "企业标签", items=(("key", "重点跟踪"), ("invest", "招商引资")),
                 usages=("enterprises.Enterprise.tags",), description="…"),
        DictKind("industry", "国民经济行业分类", official="keguan.enterprises.industry:dictionary_items",
                 source="GB/T 4754-2017"),
    )))

Two kinds of list:

* **editable** (``items=`` the default items): stored as ``keguan.core.models.DictItem`` rows the system
  administrator adjusts on 系统管理 → 数据字典 — labels, order, enable/disable, new items. The default items
  are written once, when a kind has no rows yet (after ``migrate``, ``seed_defaults``); a kind added later
  gets its items on the next ``migrate``. The code of an item that records use (``usages``: "app.Model.field"
  of a field holding codes, or a many-to-many/foreign key to ``DictItem``) cannot be changed and the item cannot
  be deleted, only disabled. Every change keeps a history (变更记录) and a line in the 操作日志.
* **official** (``official=`` a dotted callable returning ``[(code, label), …]``): national code lists
  (行政区划, GB/T 4754 行业, 高新技术领域) shown read-only on the same page; they change only with the
  standard (a data load or a code change).

Reading (cheap: a kind's items are read once and kept in the process for ``CACHE_SECONDS``; an edit clears the
copy of the process that made it at once, other processes pick it up within ``CACHE_SECONDS``):

* ``label(kind, code)``: the label of a code, also of a disabled item (old records still show it), the code
  itself when unknown;
* ``choices(kind, current=())``: ``[(code, label), …]`` of the enabled items in order, plus the codes in
  ``current`` that are disabled (the record being edited keeps them). Call it when the form is made
  (``__init__``), never at import time, so an edit shows on the next page;
* ``item_queryset(kind, current=())``: the same as a ``DictItem`` queryset, for a ``ModelChoiceField`` or
  ``ModelMultipleChoiceField`` on a foreign key or many-to-many to ``DictItem`` (labels edited there show
  everywhere the record is shown, since pages print ``str(item)``).

Writing goes through ``item_create``, ``item_update`` and ``item_delete`` (they refuse official lists and
codes in use with a Chinese message naming the field).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from simple_history.utils import bulk_create_with_history

from .errors import ServiceError

CACHE_SECONDS = 30
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


@dataclass(frozen=True)
class DictKind:
    code: str  # "enterprise_tag"
    title: str  # "企业标签"
    items: tuple[tuple[str, str], ...] = ()  # default items (code, label) of an editable list
    official: str = ""  # dotted callable () -> [(code, label), …] of a read-only national list
    usages: tuple[str, ...] = ()  # "app_label.Model.field" storing its codes or referring to its items
    description: str = ""
    source: str = ""  # the standard an official list follows: "GB/T 4754-2017"
    area: str = field(default="", compare=False)  # the declaring area, set by ``register``

    @property
    def editable(self) -> bool:
        return not self.official


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    enabled: bool = True
    order: int = 0
    pk: int | None = None


_KINDS: dict[str, DictKind] = {}
_CACHE: dict[str, tuple[float, list[Item]]] = {}


def register(kind: DictKind, *, area: str) -> DictKind:
    if kind.items and kind.official:
        raise ImproperlyConfigured(f"字典 {kind.code}: items (editable) and official (read-only) exclude each other")
    if kind.code in _KINDS and _KINDS[kind.code] != kind:
        raise ImproperlyConfigured(f"字典 {kind.code} declared twice")
    object.__setattr__(kind, "area", area)
    _KINDS[kind.code] = kind
    return kind


def kinds() -> list[DictKind]:
    from .areas import area_order

    return sorted(_KINDS.values(), key=lambda k: (not k.editable, area_order(k.area), k.code))


def get_kind(code: str) -> DictKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise ImproperlyConfigured(f"未登记的数据字典：{code}") from None


def _model():
    from .models import DictItem

    return DictItem


def items(kind: str) -> list[Item]:
    """Every item of ``kind`` in order, disabled ones included (cached)."""
    spec = get_kind(kind)
    now = time.monotonic()
    hit = _CACHE.get(kind)
    if hit is not None and hit[0] > now:
        return hit[1]
    if spec.editable:
        rows = _model().objects.filter(kind=kind).order_by("order", "id")
        found = [Item(r.code, r.label, r.enabled, r.order, r.pk) for r in rows]
    else:
        from .areas import resolve

        found = [Item(str(code), str(lbl), True, i) for i, (code, lbl) in enumerate(resolve(spec.official)())]
    _CACHE[kind] = (now + CACHE_SECONDS, found)
    return found


def forget(kind: str | None = None) -> None:
    """Drop the cached items of ``kind`` (every kind: None)."""
    if kind is None:
        _CACHE.clear()
    else:
        _CACHE.pop(kind, None)


def label(kind: str, code: str) -> str:
    for item in items(kind):
        if item.code == code:
            return item.label
    return code


def choices(kind: str, current: Iterable[str] = ()) -> list[tuple[str, str]]:
    keep = set(current)
    return [(i.code, i.label if i.enabled else f"{i.label}（已停用）") for i in items(kind)
            if i.enabled or i.code in keep]


def item_queryset(kind: str, current: Iterable[Any] = ()) -> models.QuerySet:
    """The enabled ``DictItem`` rows of an editable ``kind`` with the rows ``current`` (items or pks) kept."""
    get_kind(kind)
    pks = [getattr(c, "pk", c) for c in current]
    return _model().objects.filter(kind=kind).filter(models.Q(enabled=True) | models.Q(pk__in=pks)).order_by(
        "order", "id")


def codes_in_use(kind: DictKind, item) -> bool:
    """Whether any record refers to ``item`` (through the kind's ``usages``)."""
    from django.apps import apps

    for usage in kind.usages:
        model_label, field_name = usage.rsplit(".", 1)
        model = apps.get_model(model_label)
        f = model._meta.get_field(field_name)
        value = item if f.is_relation else item.code
        if model._default_manager.filter(**{field_name: value}).exists():
            return True
    return False


def _editable(kind: str) -> DictKind:
    spec = get_kind(kind)
    if not spec.editable:
        raise ServiceError(f"“{spec.title}”是国家标准代码表，只能查看，不能修改")
    return spec


def _check_label(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ServiceError("请填写名称", field="label")
    if len(text) > 64:
        raise ServiceError("名称不能超过64个字", field="label")
    return text


def _check_code(kind: str, code: str, exclude_pk: int | None = None) -> str:
    code = (code or "").strip()
    if not code:
        raise ServiceError("请填写代码", field="code")
    if not CODE_RE.match(code):
        raise ServiceError("代码只能由字母、数字、下划线、点或短横线组成，最多32位", field="code")
    clash = _model().objects.filter(kind=kind, code=code).exclude(pk=exclude_pk)
    if clash.exists():
        raise ServiceError(f"代码“{code}”已被本字典的其他项使用", field="code")
    return code


def _saved(obj, actor, reason: str) -> None:
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()
    transaction.on_commit(lambda: forget(obj.kind))
    forget(obj.kind)


@transaction.atomic
def item_create(*, actor, kind: str, code: str, label: str, enabled: bool = True, order: int | None = None):
    _editable(kind)
    model = _model()
    if order is None:
        last = model.objects.filter(kind=kind).aggregate(m=models.Max("order"))["m"]
        order = (last or 0) + 10
    obj = model(kind=kind, code=_check_code(kind, code), label=_check_label(label), enabled=enabled, order=order)
    _saved(obj, actor, "新增字典项")
    return obj


@transaction.atomic
def item_update(*, actor, item, label: str | None = None, code: str | None = None, order: int | None = None,
                enabled: bool | None = None):
    spec = _editable(item.kind)
    if code is not None and code.strip() != item.code:
        if codes_in_use(spec, item):
            raise ServiceError("该项已被记录使用，代码不能修改（可以修改名称，或停用后新增一项）", field="code")
        item.code = _check_code(item.kind, code, exclude_pk=item.pk)
    if label is not None:
        item.label = _check_label(label)
    if order is not None:
        item.order = order
    if enabled is not None:
        item.enabled = enabled
    _saved(item, actor, "修改字典项")
    return item


@transaction.atomic
def item_delete(*, actor, item) -> None:
    spec = _editable(item.kind)
    if codes_in_use(spec, item):
        raise ServiceError(f"“{item.label}”已被记录使用，不能删除，只能停用")
    item._history_user = actor
    item._change_reason = "删除字典项"
    kind = item.kind
    item.delete()
    forget(kind)


def seed_defaults(**_: Any) -> int:
    """Write the default items of every editable kind that has no rows yet (a ``post_migrate`` receiver).
    Returns how many items were written."""
    model = _model()
    written = 0
    present = set(model.objects.values_list("kind", flat=True).distinct())
    for spec in _KINDS.values():
        if spec.editable and spec.items and spec.code not in present:
            # with their 新建 history rows, so the first edit shows old → new in the item's 变更记录
            bulk_create_with_history(
                [model(kind=spec.code, code=c, label=lbl, order=(i + 1) * 10) for i, (c, lbl) in enumerate(spec.items)],
                model, default_change_reason="默认项",
            )
            written += len(spec.items)
            forget(spec.code)
    return written
