"""科技项目 brought in from Excel: the bureau's programs and its project list (own projects and upward
recommendations with outcomes) through the shared import engine — bad rows named by row and column, nothing
written on error, the same sheet imported twice updates instead of duplicating."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.projects.exchange.projects import (
    C_APPLICANT,
    C_APPROVED,
    C_APPROVED_ON,
    C_CODE,
    C_FIELD,
    C_LEVEL,
    C_PROGRAM,
    C_RECOMMENDED_ON,
    C_REQUESTED,
    C_STATUS,
    C_TITLE,
    C_YEAR,
    PROGRAMS_KIND,
    PROJECT_LIST,
)
from keguan.projects.models import Application, Funding, Program

HEAD = [C_YEAR, C_PROGRAM, C_LEVEL, C_TITLE, C_APPLICANT, C_CODE, C_FIELD, C_STATUS, C_REQUESTED, C_APPROVED,
        C_APPROVED_ON, C_RECOMMENDED_ON]
YEAR = dt.date.today().year - 1


def book(rows, headers) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append([r.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rows(world):
    return [
        {C_YEAR: YEAR, C_PROGRAM: "青秀区科技计划项目", C_LEVEL: "区县级", C_TITLE: "智能制造关键技术研发",
         C_CODE: world.ent_a.credit_code, C_FIELD: "先进制造与自动化", C_STATUS: "立项", C_REQUESTED: 30,
         C_APPROVED: "20", C_APPROVED_ON: dt.date(YEAR, 6, 1)},
        {C_YEAR: YEAR, C_PROGRAM: "广西重点研发计划", C_LEVEL: "省级", C_TITLE: "茉莉花精深加工技术研究",
         C_APPLICANT: "青秀区农业科学研究所", C_FIELD: "现代农业", C_STATUS: "推荐上级", C_REQUESTED: "150万元",
         C_RECOMMENDED_ON: dt.date(YEAR, 4, 2)},
        {C_YEAR: YEAR, C_PROGRAM: "广西重点研发计划", C_TITLE: "新型环保材料制备工艺", C_CODE: world.ent_a2.credit_code,
         C_FIELD: "新材料", C_STATUS: "立项", C_REQUESTED: 200, C_APPROVED: 100, C_APPROVED_ON: dt.date(YEAR, 9, 30),
         C_RECOMMENDED_ON: dt.date(YEAR, 4, 2)},
    ]


def test_project_list_imports_own_and_upward_projects_and_updates_on_a_second_import(world):
    ctx = Context(user=world.staff, region=world.a)
    checked = run_import(PROJECT_LIST, book(rows(world), HEAD), "项目清单.xlsx", ctx)
    assert checked.added == 3
    own = Application.objects.get(title="智能制造关键技术研发")
    assert (own.status, own.approved, own.enterprise) == ("approved", Decimal("200000.00"), world.ent_a)
    assert own.call.program.level == "county" and own.funds.get().source == "county"
    upward = Application.objects.get(title="新型环保材料制备工艺")
    assert upward.call.program.level == "province"  # the program the row before created
    assert upward.funds.get().source == "province" and upward.funds.get().amount == Decimal("1000000.00")
    assert upward.steps.filter(to_status="recommended").get().on == dt.date(YEAR, 4, 2)
    institute = Application.objects.get(title="茉莉花精深加工技术研究")
    assert institute.organisation.name == "青秀区农业科学研究所" and institute.requested == Decimal("1500000.00")
    assert institute.history.first().history_user == world.staff
    # again, with one outcome changed: an update, no duplicate, the funds follow
    again = rows(world)
    again[1].update({C_STATUS: "立项", C_APPROVED: 80, C_APPROVED_ON: dt.date(YEAR, 10, 8)})
    checked = run_import(PROJECT_LIST, book(again, HEAD), "项目清单.xlsx", Context(user=world.staff, region=world.a))
    assert (checked.added, checked.updated) == (0, 1)
    assert Application.objects.count() == 3 and Program.objects.count() == 2
    institute.refresh_from_db()
    assert institute.status == "approved" and institute.funds.get().amount == Decimal("800000.00")
    assert Funding.objects.count() == 3


@pytest.mark.parametrize(("change", "header", "words"), [
    ({C_CODE: "91450103MA5XXXXXX1"}, C_CODE, "统一社会信用代码"),
    ({C_FIELD: "火星探测"}, C_FIELD, "不是技术领域"),
    ({C_APPROVED: None}, C_APPROVED, "须填写立项资助"),
    ({C_REQUESTED: "-5"}, C_REQUESTED, "负数"),
    ({C_APPROVED_ON: dt.date.today() + dt.timedelta(days=2)}, C_APPROVED_ON, "不能晚于今天"),
    ({C_PROGRAM: "全新计划", C_LEVEL: None}, C_LEVEL, "请填写级别"),
    ({C_STATUS: "推荐上级"}, C_STATUS, "不推荐上级"),
])
def test_a_bad_row_is_named_and_nothing_is_written(world, change, header, words):
    bad = rows(world)
    bad[0].update(change)
    checked = check_file(PROJECT_LIST, book(bad, HEAD), "项目清单.xlsx", Context(user=world.staff, region=world.a))
    assert not checked.ok
    problems = [(e[0], e[1], e[2]) for e in checked.errors]
    assert any(row == 2 and col == header and words in msg for row, col, msg in problems), problems
    with pytest.raises(Exception):  # noqa: B017 - the engine's ImportRejected
        run_import(PROJECT_LIST, book(bad, HEAD), "项目清单.xlsx", Context(user=world.staff, region=world.a))
    assert not Application.objects.exists() and not Program.objects.exists()


def test_programs_kind_creates_and_updates_by_name(world):
    head = [C_PROGRAM, C_LEVEL, "主管部门", "说明"]
    data = [{C_PROGRAM: "青秀区科技计划项目", C_LEVEL: "区县级", "主管部门": "青秀区科学技术局"},
            {C_PROGRAM: "国家重点研发计划", C_LEVEL: "国家级", "主管部门": "科学技术部"}]
    assert run_import(PROGRAMS_KIND, book(data, head), "计划.xlsx", Context(user=world.staff, region=world.a)).added == 2
    data[1]["说明"] = "本局推荐申报"
    checked = run_import(PROGRAMS_KIND, book(data, head), "计划.xlsx", Context(user=world.staff, region=world.a))
    assert (checked.added, checked.updated) == (0, 1)
    assert Program.objects.get(name="国家重点研发计划").note == "本局推荐申报"
