"""操作日志: who did what to which record, when and from where, one line per change, for every area.

Every model staff edit keeps a django-simple-history (``history = HistoricalRecords()``); each history row
simple-history writes sends ``post_create_historical_record``, and ``_on_history`` turns it into one
``OperationLog`` insert: the operator (the history's user, else the request's), the address of the request
``HistoryRequestMiddleware`` keeps, the record's area, type, id and name, 新建/修改/删除 with the names of the
fields that changed, and a link when the model has ``get_absolute_url``. A new area needs no code of its own.

Bulk writes log one line per run instead of a line per row: the import engine writes its rows inside
``quiet()`` and the run's service calls ``record(action=IMPORT, …)`` once ("导入企业名录 1,234 行"). Demo data
is written without history and so without log lines (the demo step adds a few lines of its own).

The login log (``LoginLog``: sign-ins, failures, lockouts, unlocks) is kept apart and shown beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from .models import OpAction, OperationLog
from .throttle import client_ip

_QUIET: ContextVar[bool] = ContextVar("keguan_oplog_quiet", default=False)

_ACTIONS = {"+": OpAction.CREATE, "~": OpAction.UPDATE, "-": OpAction.DELETE}
# bookkeeping fields whose change alone is not an operation a person did
_SKIP_FIELDS = frozenset({"version", "updated_at", "last_login", "changed_at"})


@contextmanager
def quiet() -> Iterator[None]:
    """Write without a log line per record (the caller logs one summarising line)."""
    token = _QUIET.set(True)
    try:
        yield
    finally:
        _QUIET.reset(token)


def current_request():
    """The request being served on this thread, kept by simple-history's middleware (None in a job)."""
    return getattr(HistoricalRecords.context, "request", None)


def _actor(user, request):
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    return user


def record(*, action: str, area: str, model: str, model_title: str, object_id: object = "", object_repr: str = "",
           summary: str = "", url: str = "", user=None, request=None) -> OperationLog:
    """Write one line. ``user`` defaults to the signed-in user of the current request, ``request`` to the
    current one (for the address)."""
    request = request if request is not None else current_request()
    user = _actor(user, request)
    return OperationLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        who=(user.display_name if getattr(user, "pk", None) else "系统")[:150],
        region_id=getattr(user, "region_id", None),
        ip=client_ip(request),
        action=action, area=area[:32], model=model[:64], model_title=model_title[:64],
        object_id=str(object_id or "")[:64], object_repr=(object_repr or "")[:200], summary=(summary or "")[:500],
        url=url[:300],
    )


def _changed_fields(history_instance) -> list[str] | None:
    """The verbose names of the fields this history row changed; None when there is no earlier row."""
    prev = history_instance.prev_record
    if prev is None:
        return None
    model = history_instance.instance_type
    names = []
    for change in history_instance.diff_against(prev).changes:
        if change.field in _SKIP_FIELDS:
            continue
        try:
            names.append(str(model._meta.get_field(change.field).verbose_name))
        except Exception:
            names.append(change.field)
    return names


@receiver(post_create_historical_record)
def _on_history(sender, instance, history_instance, history_user=None, **kwargs) -> None:
    if _QUIET.get():
        return
    meta = instance._meta.concrete_model._meta
    action = _ACTIONS.get(history_instance.history_type)
    if action is None:
        return
    summary = ""
    if action == OpAction.UPDATE:
        names = _changed_fields(history_instance)
        if names is not None and not names:
            return  # only bookkeeping changed (a sign-in's last_login, a version number)
        summary = "修改：" + "、".join(names) if names else ""
    reason = history_instance.history_change_reason or ""
    if reason:
        summary = f"{summary}（{reason}）" if summary else reason
    url = ""
    if action != OpAction.DELETE and hasattr(instance, "get_absolute_url"):
        try:
            url = instance.get_absolute_url()
        except Exception:
            url = ""
    record(action=action, area=meta.app_label, model=meta.label_lower, model_title=str(meta.verbose_name),
           object_id=instance.pk, object_repr=str(instance), summary=summary, url=url, user=history_user)
