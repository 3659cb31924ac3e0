"""操作日志: every change through a page leaves one line with who, when, from which address and what changed;
the administrator searches and exports them; imports log one line per run; others get 403."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from keguan.accounts.models import OpAction, OperationLog
from keguan.accounts.oplog import quiet, record
from keguan.enterprises.models import Enterprise
from keguan.enterprises.services import enterprise_update
from tests.test_enterprise_services import form_data


def test_an_edit_through_a_page_logs_user_ip_and_changed_fields(world, login):
    OperationLog.objects.all().delete()
    r = login(world.staff).post(reverse("enterprises:edit", args=[world.ent_a.pk]),
                                form_data(world.ent_a, legal_rep="李四"), REMOTE_ADDR="10.20.30.40")
    assert r.status_code == 302
    line = OperationLog.objects.get()
    assert line.user == world.staff and line.who == "staff" and line.ip == "10.20.30.40"
    assert line.region == world.a  # the operator's region: what the log's scope filters on
    assert line.action == OpAction.UPDATE and line.area == "enterprises" and line.model == "enterprises.enterprise"
    assert line.model_title == "企业" and line.object_id == str(world.ent_a.pk)
    assert line.object_repr == str(world.ent_a)
    assert "法定代表人" in line.summary and "李四" not in line.summary  # names the field, the values stay in 变更记录
    assert line.url == reverse("enterprises:detail", args=[world.ent_a.pk])


def test_a_save_that_changes_nothing_a_person_sees_logs_nothing(world):
    OperationLog.objects.all().delete()
    world.staff.last_login = timezone.now()
    world.staff.save(update_fields=["last_login"])  # a sign-in
    assert not OperationLog.objects.exists()


def test_writes_inside_quiet_log_nothing_and_record_writes_one_line(world):
    OperationLog.objects.all().delete()
    with quiet():
        enterprise_update(actor=world.staff, enterprise=world.ent_a, legal_rep="王五")
    assert not OperationLog.objects.exists()
    record(action=OpAction.IMPORT, area="exchange", model="exchange.importrun", model_title="Excel导入",
           summary="导入企业名录 1,234 行", user=world.staff)
    line = OperationLog.objects.get()
    assert line.who == "staff" and line.ip is None and line.summary == "导入企业名录 1,234 行"


def _line(world, user, *, days_ago=0, action=OpAction.UPDATE, area="enterprises", repr_="甲公司", summary="修改：名称"):
    log = record(action=action, area=area, model=f"{area}.x", model_title="企业", object_id=1, object_repr=repr_,
                 summary=summary, user=user)
    OperationLog.objects.filter(pk=log.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return log


def test_search_filters(world, login):
    OperationLog.objects.all().delete()
    a = _line(world, world.staff, repr_="青秀一号公司")
    b = _line(world, world.leader, days_ago=10, action=OpAction.DELETE, repr_="青秀二号公司")
    c = _line(world, world.outsider, area="rd", repr_="江南公司", summary="=HYPERLINK(\"x\")")
    client = login(world.city_user)
    url = reverse("accounts:oplog")

    def found(**params):
        r = client.get(url, params)
        assert r.status_code == 200
        return {log.pk for log in r.context["page"].object_list}

    assert found() == {a.pk, b.pk, c.pk}
    assert found(who="leader") == {b.pk}
    assert found(action="delete") == {b.pk}
    assert found(area="rd") == {c.pk}
    assert found(q="二号") == {b.pk}
    today = timezone.localdate()
    assert found(date_from=(today - dt.timedelta(days=1)).isoformat()) == {a.pk, c.pk}
    assert found(date_to=(today - dt.timedelta(days=5)).isoformat()) == {b.pk}
    r = client.get(url, {"date_from": today.isoformat(), "date_to": (today - dt.timedelta(days=1)).isoformat()})
    assert "截止日期不能早于起始日期" in r.content.decode()
    # a district granted the permission would see its own accounts' lines only
    assert {log.pk for log in OperationLog.objects.filter(region=world.b)} == {c.pk}


def test_export_is_an_xlsx_with_formula_text_kept_as_text(world, login):
    OperationLog.objects.all().delete()
    _line(world, world.staff, repr_="=cmd|' /C calc'!A0", summary="@SUM(1)")
    _line(world, world.leader, area="rd", repr_="研发公司")
    r = login(world.city_user).get(reverse("accounts:oplog_export"), {"area": "enterprises"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("时间", "操作人", "用户名")
    assert len(rows) == 2  # the filter applies to the export
    cells = {c.value: c for c in ws[2]}
    assert cells["=cmd|' /C calc'!A0"].data_type == "s" and cells["@SUM(1)"].data_type == "s"


def test_only_the_administrator_sees_the_log(world, login, client):
    for user in (world.leader, world.staff, world.town, world.expert, world.ent_user, world.outsider):
        c = login(user)
        assert c.get(reverse("accounts:oplog")).status_code == 403, user.role
        assert c.get(reverse("accounts:oplog_export")).status_code == 403, user.role
    page = login(world.city_user).get(reverse("accounts:oplog")).content.decode()
    assert "登录日志（含锁定）" in page  # the login log is the page's second tab


def test_an_import_logs_one_line_per_run(world, login):
    from keguan.exchange.models import ImportRun, RunStatus
    from keguan.exchange.registry import get_kind
    from keguan.exchange.services import run_write
    from tests.conftest import credit_code, workbook

    kind = get_kind("enterprises")
    headers = [c.header for c in kind.columns][:3]
    assert headers[:2] == ["企业名称", "统一社会信用代码"], headers
    OperationLog.objects.all().delete()
    rows = [[f"导入测试{i}有限公司", credit_code("450103", 900 + i), "青秀区"] for i in range(3)]
    run = ImportRun.objects.create(kind="enterprises", region=world.a, user=world.staff, file_name="名录.xlsx",
                                   data=workbook(rows, headers), status=RunStatus.RUNNING)
    run = run_write(run)
    assert run.status == RunStatus.DONE, run.errors
    assert Enterprise.objects.filter(name__startswith="导入测试").count() == 3
    line = OperationLog.objects.get()
    assert line.action == OpAction.IMPORT and line.user == world.staff
    assert line.summary.startswith("导入") and "3 行" in line.summary and "新增 3" in line.summary


@pytest.mark.django_db
def test_the_demo_leaves_lines_by_its_staff_and_a_reload_replaces_them():
    from keguan.demo.generator import generate_demo

    with transaction.atomic():
        generate_demo(seed=3, enterprises=120, with_users=True, today=dt.date(2026, 11, 1))
        lines = OperationLog.objects.filter(who__isnull=False, user__username__startswith="staff_")
        assert lines.count() >= 3 and all(line.region_id == line.user.region_id for line in lines)
        assert not OperationLog.objects.filter(model="accounts.user").exists()  # setting up accounts is quiet
        assert Enterprise.tags.through.objects.exists()  # some demo firms carry 企业标签
        last = OperationLog.objects.order_by("-pk").values_list("pk", flat=True).first()
        generate_demo(seed=4, enterprises=100, with_users=True, today=dt.date(2026, 11, 1))
        again = OperationLog.objects.filter(user__username__startswith="staff_")
        assert again.count() >= 3 and not again.filter(pk__lte=last).exists()  # the old accounts' lines went
