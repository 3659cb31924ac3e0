"""The only code that writes import runs: upload → check (now or in the background) → confirm → write.

``run_start`` stores the upload and checks that it is the kind's layout at once (a wrong file is refused
before anything waits in a queue). Files with fewer than ``KEGUAN_IMPORT_BACKGROUND_ROWS`` rows (10,000)
are checked in the request; larger ones by the background worker (``tasks.check_run``). A clean check
leaves the run READY with its counts; the user confirms (``run_confirm``), and the import is written now or
by the worker (``tasks.write_run``), re-checked inside the writing transaction against the database as it is
then (``run_write``). Every outcome, including a crash, ends in the run's status; nothing of the file is
written unless the whole file is.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from keguan.accounts import oplog
from keguan.accounts.models import OpAction
from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.reading import MAX_UPLOAD
from keguan.core.scope import scoped
from keguan.notices.services import send_message
from keguan.regions.models import Region

from . import progress
from .engine import Checked, apply, check_file, count_rows
from .kinds import Context, ImportKind, ParamError, resolve_params
from .models import ImportRun, RunStatus
from .registry import get_kind
from .sheets import errors_xlsx

log = logging.getLogger(__name__)

MAX_STORED_ERRORS = 5000  # problems kept on the run for the page; the error file has every failed row


def background_rows() -> int:
    return int(getattr(settings, "KEGUAN_IMPORT_BACKGROUND_ROWS", 10_000))


def target_regions(user, kind: ImportKind):
    """The regions of the kind's level in the user's scope: where the user's imports may go."""
    return scoped(Region, user).filter(level__in=kind.levels).order_by("level", "code")


def context_for(run: ImportRun, kind: ImportKind) -> Context:
    """The import runs as the user who confirmed it (the uploader until then): their scope, their name in the
    records' history."""
    return Context(user=run.confirmed_by or run.user, region=run.region, reason=f"Excel导入（{run.file_name}）",
                   params=dict(run.params or {}))


def _store_check(run: ImportRun, kind: ImportKind, checked: Checked) -> None:
    run.rows = checked.rows
    run.ignored_columns = checked.layout.ignored if checked.layout else []
    run.added, run.updated, run.unchanged = checked.added, checked.updated, checked.unchanged
    run.skipped = checked.skipped
    run.failed = checked.failed
    run.error_count = len(checked.errors)
    run.errors = [list(e) for e in checked.errors[:MAX_STORED_ERRORS]]
    run.warning_count = len(checked.warnings)
    run.warnings = [list(w) for w in checked.warnings[:MAX_STORED_ERRORS]]
    run.error_file = errors_xlsx(kind, checked) if checked.failed_rows else None
    run.checked_at = timezone.now()
    run.status = RunStatus.READY if checked.ok else RunStatus.FAILED
    run.progress = 100


def _fail(run: ImportRun, errors: list, status: str = RunStatus.FAILED, message: str = "") -> None:
    run.status = status
    run.errors = [list(e) for e in errors[:MAX_STORED_ERRORS]]
    run.error_count = len(errors)
    run.message = message
    run.progress = 100


@transaction.atomic
def run_create(*, kind: ImportKind, user, region: Region, data: bytes, filename: str,
               params: dict[str, str] | None = None) -> ImportRun:
    if region.level not in kind.levels:
        raise ServiceError("导入的目标区划级别不对", field="region")
    if len(data) > MAX_UPLOAD:
        raise ServiceError(f"文件不能超过{MAX_UPLOAD // 1048576}MB", field="file")
    return ImportRun.objects.create(
        kind=kind.code, region=region, user=user, file_name=(filename or "未命名")[:255], size=len(data), data=data,
        params=_checked_params(kind, user, region, params or {}),
    )


def _checked_params(kind: ImportKind, user, region: Region, given: dict[str, str]) -> dict[str, str]:
    try:
        return resolve_params(kind, Context(user=user, region=region), given)
    except ParamError as exc:
        raise ServiceError(str(exc), field="params") from exc


def run_start(*, kind: ImportKind, user, region: Region, data: bytes, filename: str,
              params: dict[str, str] | None = None) -> ImportRun:
    """Store the upload and check it (or queue the check). Returns the run; its status tells what happened."""
    run = run_create(kind=kind, user=user, region=region, data=data, filename=filename, params=params)
    try:
        rows = count_rows(kind, data, run.file_name)
    except ImportRejected as exc:
        _fail(run, exc.errors)
        run.checked_at = timezone.now()
        run.save()
        return run
    if rows >= background_rows():
        from .tasks import check_run

        run.rows, run.background = rows, True
        run.save(update_fields=["rows", "background"])
        result = check_run.enqueue(run.pk)
        ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        run.task_id = str(result.id)
        return run
    run_check(run)
    return run


def run_check(run: ImportRun) -> ImportRun:
    """The dry run of a stored upload: READY with the counts, or FAILED with every problem."""
    kind = get_kind(run.kind)
    ctx = context_for(run, kind)
    try:
        checked = check_file(kind, bytes(run.data), run.file_name, ctx,
                             progress=progress.reporter(run.pk, "checking") if run.background else None)
    except Exception as exc:  # a bug in a kind must not leave the run "checking" forever
        log.exception("import check %s failed", run.pk)
        _fail(run, [], RunStatus.FAILED, f"检查时发生意外错误（{type(exc).__name__}），请联系系统管理员")
    else:
        _store_check(run, kind, checked)
    run.save()
    progress.clear(run.pk)
    return run


def run_confirm(*, run: ImportRun, user) -> ImportRun:
    """The user's 确认导入: write now, or queue the write for the worker when the file is large."""
    updated = ImportRun.objects.filter(pk=run.pk, status=RunStatus.READY).update(
        status=RunStatus.QUEUED if run.background else RunStatus.RUNNING, confirmed_at=timezone.now(), progress=0,
        confirmed_by=user if getattr(user, "pk", None) else None,
    )
    if not updated:
        raise ServiceError("这次导入当前不能确认（已确认过，或检查未通过）")
    run.refresh_from_db()
    if run.background:
        from .tasks import write_run

        result = write_run.enqueue(run.pk)
        ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
        run.task_id = str(result.id)
        return run
    return run_write(run)


class _Stale(Exception):
    def __init__(self, checked: Checked):
        self.checked = checked


def run_write(run: ImportRun) -> ImportRun:
    """Check the file again and write it, in one transaction. DONE with the counts; FAILED when the data
    changed since the check so that rows no longer pass; ERROR when a service refused a row or the write
    broke (with nothing written in every case)."""
    kind = get_kind(run.kind)
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    run.status = RunStatus.RUNNING
    ctx = context_for(run, kind)
    report = run.background
    if report:
        progress.report(run.pk, 0, "checking")
    try:
        with transaction.atomic():
            checked = check_file(kind, bytes(run.data), run.file_name, ctx,
                                 progress=progress.reporter(run.pk, "checking", end=30) if report else None)
            if not checked.ok:
                raise _Stale(checked)
            apply(kind, checked, ctx, progress=progress.reporter(run.pk, "writing", start=30) if report else None)
    except _Stale as stale:
        _store_check(run, kind, stale.checked)
        run.message = "确认导入时重新检查发现问题（检查之后数据已有变化），未导入任何数据。请按下列问题修改后重新上传。"
    except ImportRejected as exc:
        _fail(run, exc.errors, RunStatus.ERROR, "导入被拒绝，已全部撤销，未导入任何数据。")
    except Exception as exc:
        log.exception("import %s failed", run.pk)
        _fail(run, [], RunStatus.ERROR, f"导入时发生意外错误（{type(exc).__name__}），已全部撤销，未导入任何数据。")
    else:
        run.added, run.updated, run.unchanged = checked.added, checked.updated, checked.unchanged
        run.rows, run.failed, run.skipped = checked.rows, 0, checked.skipped
        run.status = RunStatus.DONE
        run.progress = 100
        _log(run, kind)
    run.finished_at = timezone.now()
    run.save()
    progress.clear(run.pk)
    if run.background:
        _tell_finished(run, kind)
    return run


def _tell_finished(run: ImportRun, kind: ImportKind) -> None:
    """A background import has ended: its user (who left the page) gets a message in 我的消息."""
    if run.status == RunStatus.DONE:
        text = (f"{kind.title}导入已完成（{run.file_name}）：新增{run.added}条、更新{run.updated}条、"
                f"不变{run.unchanged}条")
    else:
        text = f"{kind.title}导入未成功（{run.file_name}），未导入任何数据，请查看原因"
    send_message([run.confirmed_by or run.user], text, reverse("exchange:run", args=[run.pk]))


def _log(run: ImportRun, kind: ImportKind) -> None:
    """The run's one line in the 操作日志 (its rows were written without a line each)."""
    counts = "，".join(f"{label} {n:,}" for label, n in (("新增", run.added), ("更新", run.updated),
                                                          ("不变", run.unchanged)) if n)
    oplog.record(
        action=OpAction.IMPORT, area=run._meta.app_label, model=run._meta.label_lower, model_title="Excel导入",
        object_id=run.pk, object_repr=f"{kind.title}（{run.file_name}）",
        summary=f"导入{kind.title} {run.rows:,} 行" + (f"（{counts}）" if counts else ""),
        url=reverse("exchange:run", args=[run.pk]), user=run.confirmed_by or run.user,
    )


def runs_recover() -> int:
    """Runs left working by a worker that died (no progress for ``progress.STALE_AFTER`` seconds): a write
    ends as ERROR (its transaction was rolled back), a background check is queued again. Called when a worker
    starts. Returns how many runs were recovered."""
    from .tasks import check_run

    n = 0
    for run in ImportRun.objects.filter(status__in=[RunStatus.RUNNING, RunStatus.CHECKING]).defer("data"):
        beat = progress.read(run.pk)
        since = beat[2] if beat else (timezone.now() - (run.confirmed_at or run.started_at)).total_seconds()
        if since < progress.STALE_AFTER:
            continue
        if run.status == RunStatus.RUNNING:
            _fail(run, [], RunStatus.ERROR, "导入过程被中断（服务重启或进程被终止），整个导入已撤销，未导入任何数据。请重新上传。")
            run.finished_at = timezone.now()
            run.save()
        else:
            result = check_run.enqueue(run.pk)
            ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id), background=True)
        progress.clear(run.pk)
        n += 1
    return n
