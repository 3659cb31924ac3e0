"""Background work of large imports (django-tasks; the database backend's worker is ``keguan worker``)."""

from __future__ import annotations

from django_tasks import task

from .models import ImportRun, RunStatus


@task()
def check_run(run_id: int) -> str:
    from .services import run_check

    run = ImportRun.objects.filter(pk=run_id, status=RunStatus.CHECKING).first()
    if run is None:
        return "skipped"
    return run_check(run).status


@task()
def write_run(run_id: int) -> str:
    from .services import run_write

    run = ImportRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).first()
    if run is None:
        return "skipped"
    return run_write(run).status
