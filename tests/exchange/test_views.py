"""The pages: upload → check page (counts or error table) → 确认导入; history; template, export and error
file downloads; permissions and scope; the background path with its progress partial."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from keguan.enterprises.models import Enterprise
from keguan.exchange import progress
from keguan.exchange.models import ImportRun, RunStatus

from .conftest import code, xlsx
from .kinds import EXPORT_PERM, IMPORT_PERM, NAME, STAFF
from .test_engine import HEAD, good


def upload(client, rows, *, kind="testfirms", name="firms.xlsx", **extra):
    data = xlsx(rows)
    return client.post(reverse("exchange:kind", args=[kind]), {"file": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def staff(world, grant, login):
    grant(IMPORT_PERM, EXPORT_PERM)
    return login(world.staff)


def test_upload_check_confirm(world, staff):
    response = upload(staff, [HEAD, good(1), good(2)])
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("exchange:run", args=[run.pk])
    assert run.status == RunStatus.READY and run.region == world.a and run.user == world.staff
    page = staff.get(response["Location"]).content.decode()
    assert "将新增 2、更新 0、不变 0" in page and "确认导入" in page
    assert not Enterprise.objects.filter(credit_code=code(1)).exists()
    response = staff.post(reverse("exchange:confirm", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and (run.added, run.updated, run.unchanged) == (2, 0, 0)
    assert Enterprise.objects.get(credit_code=code(1)).history.first().history_user == world.staff
    # confirming twice does nothing
    staff.post(reverse("exchange:confirm", args=[run.pk]))
    assert Enterprise.objects.filter(credit_code__in=[code(1), code(2)]).count() == 2
    history = staff.get(reverse("exchange:history")).content.decode()
    assert "firms.xlsx" in history and "已导入" in history
    # the same file again: all unchanged
    upload(staff, [HEAD, good(1), good(2)])
    assert "将新增 0、更新 0、不变 2" in staff.get(reverse("exchange:run", args=[ImportRun.objects.first().pk])).content.decode()


def test_a_bad_file_shows_every_problem_and_offers_the_error_rows(world, staff):
    upload(staff, [HEAD, good(1), good(2, **{STAFF: "很多"}), good(3, **{NAME: None})])
    run = ImportRun.objects.get()
    assert run.status == RunStatus.FAILED and run.failed == 2 and run.error_count == 2
    page = staff.get(reverse("exchange:run", args=[run.pk])).content.decode()
    assert "第3行" in page and "“很多”不是整数" in page and "第4行" in page and "确认导入" not in page
    response = staff.post(reverse("exchange:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and not Enterprise.objects.filter(credit_code=code(1)).exists()
    response = staff.get(reverse("exchange:errors", args=[run.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[1]][-2:] == ["错误说明", "原行号"] and ws.max_row == 3


def test_a_wrong_file_is_refused_at_once(world, staff):
    staff.post(reverse("exchange:kind", args=["testfirms"]), {"file": SimpleUploadedFile("a.xlsx", b"hello")})
    run = ImportRun.objects.get()
    assert run.status == RunStatus.FAILED and "不是有效的 Excel 文件" in run.errors[0][2]


def test_template_and_export_downloads(world, staff):
    response = staff.get(reverse("exchange:template", args=["testfirms"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    response = staff.get(reverse("exchange:export", args=["testfirms"]))
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    codes = {row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert codes == {world.ent_a.credit_code, world.ent_a2.credit_code}  # not district B's firm


def test_permissions_and_scope(world, grant, login, client):
    grant()  # no permissions at all
    c = login(world.staff)
    assert c.get(reverse("exchange:kind", args=["testfirms"])).status_code == 403
    assert c.get(reverse("exchange:template", args=["testfirms"])).status_code == 403
    assert c.get(reverse("exchange:export", args=["testfirms"])).status_code == 403
    assert c.get(reverse("exchange:history")).status_code == 403
    assert c.get(reverse("exchange:kind", args=["nosuchkind"])).status_code == 404
    grant(IMPORT_PERM)
    upload(c, [HEAD, good(1)])
    run = ImportRun.objects.get()
    c.logout()
    outsider = login(world.outsider)  # district B: another district's run is not found
    assert outsider.get(reverse("exchange:run", args=[run.pk])).status_code == 404
    assert outsider.post(reverse("exchange:confirm", args=[run.pk])).status_code == 404
    assert outsider.get(reverse("exchange:errors", args=[run.pk])).status_code == 404


def test_a_city_user_chooses_the_district(world, grant, login):
    grant(IMPORT_PERM)
    c = login(world.city_user)
    page = c.get(reverse("exchange:kind", args=["testfirms"])).content.decode()
    assert "请选择" in page and world.b.name in page
    assert upload(c, [HEAD, good(1)]).status_code == 400  # no district chosen
    upload(c, [HEAD, good(1)], region=world.b.code)
    assert ImportRun.objects.get().region == world.b


def test_large_files_run_in_the_background_with_progress(world, staff, settings):
    settings.KEGUAN_IMPORT_BACKGROUND_ROWS = 5
    upload(staff, [HEAD, *(good(n) for n in range(1, 8))])
    run = ImportRun.objects.get()
    assert run.status == RunStatus.CHECKING and run.background
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.task_path == "keguan.exchange.tasks.check_run"
    url = reverse("exchange:run", args=[run.pk])
    assert "progress-bar" in staff.get(url).content.decode()
    progress.report(run.pk, 40, "checking")
    part = staff.get(url + "?part=status", HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and "40%" in part.content.decode() and "hx-trigger" in part.content.decode()
    run_task(task)
    run.refresh_from_db()
    assert run.status == RunStatus.READY and run.added == 7 and progress.read(run.pk) is None
    # finished while polled: the partial asks the page to reload
    assert staff.get(url + "?part=status", HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"
    staff.post(reverse("exchange:confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED and not Enterprise.objects.filter(credit_code=code(1)).exists()
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.task_path == "keguan.exchange.tasks.write_run"
    run_task(task)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.added == 7 and run.finished_at
    assert Enterprise.objects.filter(credit_code__in=[code(n) for n in range(1, 8)]).count() == 7


def test_an_interrupted_background_write_is_settled(world, staff, settings):
    from django.utils import timezone

    from keguan.exchange.services import runs_recover

    settings.KEGUAN_IMPORT_BACKGROUND_ROWS = 1
    upload(staff, [HEAD, good(1)])
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING,
                                               confirmed_at=timezone.now() - timezone.timedelta(hours=1))
    assert runs_recover() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.ERROR and "中断" in run.message


def run_task(db_task: DBTaskResult) -> None:
    """What ``keguan worker`` does with one queued task (its loop also claims it and sleeps)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="test", excluded_queue_names=[])
    worker.run_task(db_task)
    db_task.refresh_from_db()
    assert db_task.status == "SUCCESSFUL", db_task.traceback


def test_the_check_page_names_the_columns_it_ignores(world, staff):
    upload(staff, [["序号", *HEAD, "备注"], [1, *good(1), "无"]])
    run = ImportRun.objects.get()
    assert run.status == RunStatus.READY and run.ignored_columns == ["序号", "备注"]
    assert "未导入的列（测试企业不读取）：序号、备注" in staff.get(reverse("exchange:run", args=[run.pk])).content.decode()
