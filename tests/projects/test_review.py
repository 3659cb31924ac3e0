"""专家库与专家评审: assignment written for a call (field, conflicts, shortfalls), overrides with a reason and
never a conflict, scoring math and the lock at close, what an expert sees (its own, while open: else 404),
the pages, and the expert pool's import. The rule's hypothesis property is tests/projects/test_review_rules.py."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.accounts.services import organisation_create
from keguan.core.errors import ServiceError
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.registry import get_kind
from keguan.projects.exchange.experts import EXPERTS
from keguan.projects.models import (
    Application,
    Assignment,
    Call,
    Conflict,
    Criterion,
    Expert,
    Level,
    Program,
    Score,
    Status,
)
from keguan.projects.selectors.review import expert_assignments, review_results
from keguan.projects.services import review as rs


@pytest.fixture
def call(world):
    today = timezone.localdate()
    program = Program.objects.create(region=world.a, name="区科技计划", level=Level.COUNTY, managing_body="区科技局")
    c = Call.objects.create(program=program, region=world.a, year=today.year, title="2026年区科技计划申报通知",
                            opens_on=today - dt.timedelta(days=40), closes_on=today - dt.timedelta(days=10),
                            reviewers_per_application=2)
    Criterion.objects.create(call=c, name="创新性", weight=70, position=1)
    Criterion.objects.create(call=c, name="可行性", weight=30, position=2)
    return c


def app(call, title, field="electronics", enterprise=None, organisation=None, status=Status.REVIEW):
    return Application.objects.create(call=call, year=call.year, enterprise=enterprise, organisation=organisation,
                                      district=call.region, title=title, field=field, status=status,
                                      status_on=timezone.localdate())


def expert(region, name, fields="electronics", **kw):
    return Expert.objects.create(region=region, name=name, employer=kw.pop("employer", "广西大学"), fields=fields, **kw)


def test_assign_matches_fields_avoids_conflicts_and_reports_shortfalls(world, call):
    a1 = app(call, "智能传感器研发", enterprise=world.ent_a)
    a2 = app(call, "新型合金材料", field="materials", enterprise=world.ent_a2)
    app(call, "还在形式审查", enterprise=world.ent_a, status=Status.SCREENING)  # not under review: left alone
    own = expert(world.a, "甲", enterprise=world.ent_a)  # works at the applicant of a1
    conflicted = expert(world.a, "乙")
    Conflict.objects.create(expert=conflicted, enterprise=world.ent_a2)
    expert(world.a, "丙")
    expert(world.a, "丁", fields="materials")
    expert(world.a, "戊", available=False)
    expert(world.b, "邻区专家")  # another bureau's pool
    result = rs.assign_reviewers(actor=world.staff, call=call)
    got = {a: set(Assignment.objects.filter(application_id=a).values_list("expert__name", flat=True))
           for a in (a1.pk, a2.pk)}
    assert got[a1.pk] == {"乙", "丙"}  # 甲 is the applicant's own, 丁 another field but not needed
    assert "丁" in got[a2.pk] and "乙" not in got[a2.pk] and len(got[a2.pk]) == 2
    assert result.fallback == {a2.pk: 1} and not result.shortfalls
    assert not own.assignments.filter(application=a1).exists()  # (it may review a2: another applicant)
    # run again: nothing new; a third reviewer per application leaves shortfalls
    assert rs.assign_reviewers(actor=world.staff, call=call).assigned == {}
    Call.objects.filter(pk=call.pk).update(reviewers_per_application=4)
    call.refresh_from_db()
    result = rs.assign_reviewers(actor=world.staff, call=call)
    assert set(result.shortfalls) == {a1.pk, a2.pk}
    assert "还差" in result.notes()[-1]
    assert not Assignment.objects.filter(expert=own, application=a1).exists()
    assert not Assignment.objects.filter(expert=conflicted, application=a2).exists()


def test_override_needs_a_reason_and_refuses_a_conflict(world, call):
    a1 = app(call, "智能传感器研发", enterprise=world.ent_a)
    other_field = expert(world.a, "跨领域", fields="agriculture")
    with pytest.raises(ServiceError, match="须填写理由"):
        rs.assignment_override(actor=world.staff, application=a1, expert=other_field, reason="  ")
    a = rs.assignment_override(actor=world.staff, application=a1, expert=other_field, reason="熟悉传感器在农业中的应用")
    assert a.override == "熟悉传感器在农业中的应用"
    own = expert(world.a, "本单位", enterprise=world.ent_a)
    with pytest.raises(ServiceError, match="申报单位的人员"):
        rs.assignment_override(actor=world.staff, application=a1, expert=own, reason="人手不够")
    declared = expert(world.a, "声明回避")
    Conflict.objects.create(expert=declared, enterprise=world.ent_a)
    with pytest.raises(ServiceError, match="利益关系"):
        rs.assignment_override(actor=world.staff, application=a1, expert=declared, reason="人手不够")
    with pytest.raises(ServiceError, match="已是本项目"):
        rs.assignment_override(actor=world.staff, application=a1, expert=other_field, reason="再来一次")


def test_institute_applicant_and_its_staff(world, call):
    inst = organisation_create(actor=None, kind="institute", name="青秀研究院", region=world.a)
    a1 = app(call, "院所项目", organisation=inst)
    inside = expert(world.a, "院内专家", organisation=inst)
    outside = expert(world.a, "院外专家")
    rs.assign_reviewers(actor=world.staff, call=call)
    assert list(a1.assignments.values_list("expert", flat=True)) == [outside.pk]
    with pytest.raises(ServiceError, match="申报单位的人员"):
        rs.assignment_override(actor=world.staff, application=a1, expert=inside, reason="熟悉")


def test_scores_are_weighted_and_lock_after_submit_and_close(world, call):
    a1 = app(call, "智能传感器研发", enterprise=world.ent_a)
    e = expert(world.a, "评审人", user=world.expert)
    e2 = expert(world.a, "第二人")
    rs.assign_reviewers(actor=world.staff, call=call)
    mine = Assignment.objects.get(application=a1, expert=e)
    c1, c2 = call.criteria.all()
    with pytest.raises(ServiceError, match="0–100"):
        rs.score_submit(actor=world.expert, assignment=mine, scores={c1.pk: 101, c2.pk: 50}, comment="好")
    with pytest.raises(ServiceError, match="请为“可行性”打分"):
        rs.score_submit(actor=world.expert, assignment=mine, scores={c1.pk: 80}, comment="好")
    with pytest.raises(ServiceError, match="分配给自己"):
        rs.score_submit(actor=world.staff, assignment=mine, scores={c1.pk: 80, c2.pk: 60}, comment="好")
    done = rs.score_submit(actor=world.expert, assignment=mine, scores={c1.pk: 80, c2.pk: 60}, comment="创新性较强")
    assert done.total == Decimal("74.00")  # 80×70% + 60×30%
    with pytest.raises(ServiceError, match="已提交"):
        rs.score_submit(actor=world.expert, assignment=mine, scores={c1.pk: 90, c2.pk: 90}, comment="改")
    with pytest.raises(ServiceError, match="已提交评分"):
        rs.assignment_remove(actor=world.staff, assignment=mine)
    other = Assignment.objects.get(application=a1, expert=e2)
    Expert.objects.filter(pk=e2.pk).update(user=world.leader)  # (any account: the rule is Expert.user)
    rs.score_submit(actor=world.leader, assignment=other, scores={c1.pk: 90, c2.pk: 100}, comment="很好")
    (row,) = review_results(call)
    assert row.average == pytest.approx(83.5) and row.spread == pytest.approx(19.0) and row.rank == 1
    rs.review_close(actor=world.staff, call=call)
    call.refresh_from_db()
    with pytest.raises(ServiceError, match="评审已于"):
        rs.assign_reviewers(actor=world.staff, call=call)
    Score.objects.filter(assignment=other).delete()
    Assignment.objects.filter(pk=other.pk).update(submitted_at=None, total=None)
    with pytest.raises(ServiceError, match="评审已于"):
        rs.score_submit(actor=world.leader, assignment=other, scores={c1.pk: 1, c2.pk: 1}, comment="晚了")


def test_ranks_share_ties_and_unscored_come_last(world, call):
    apps = [app(call, f"项目{i}", enterprise=world.ent_a) for i in range(3)]
    e = expert(world.a, "评审人")
    for a, total in zip(apps, (80, 90, None), strict=True):
        Assignment.objects.create(application=a, expert=e, total=total,
                                  submitted_at=timezone.now() if total else None)
    rows = review_results(call)
    assert [(r.application.title, r.rank) for r in rows] == [("项目1", 1), ("项目0", 2), ("项目2", None)]
    assert [r.application.title for r in review_results(call, "title")] == ["项目0", "项目1", "项目2"]


def test_expert_sees_only_its_own_assignments_and_nothing_after_close(world, call, client):
    a1 = app(call, "分给我的项目", enterprise=world.ent_a)
    a2 = app(call, "分给别人的项目", enterprise=world.ent_a2)
    me = expert(world.a, "我", user=world.expert)
    someone = expert(world.a, "别人")
    mine = Assignment.objects.create(application=a1, expert=me)
    theirs = Assignment.objects.create(application=a2, expert=someone)
    client.force_login(world.expert)
    page = client.get(reverse("projects:my_reviews")).content.decode()
    assert "分给我的项目" in page and "分给别人的项目" not in page
    assert client.get(reverse("projects:my_review", args=[mine.pk])).status_code == 200
    assert client.get(reverse("projects:my_review", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("projects:my_review", args=[theirs.pk]), {"comment": "x"}).status_code == 404
    # staff pages are closed to the expert
    assert client.get(reverse("projects:review_assign", args=[call.pk])).status_code == 403
    c1, c2 = call.criteria.all()
    response = client.post(reverse("projects:my_review", args=[mine.pk]),
                           {f"c{c1.pk}": 70, f"c{c2.pk}": 100, "comment": "可行"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.total == Decimal("79.00")
    page = client.get(reverse("projects:my_review", args=[mine.pk])).content.decode()
    assert "不能再修改" in page and "disabled" in page
    rs.review_close(actor=world.staff, call=call)
    assert list(expert_assignments(world.expert)) == []
    assert client.get(reverse("projects:my_review", args=[mine.pk])).status_code == 404
    assert "分给我的项目" not in client.get(reverse("projects:my_reviews")).content.decode()


def test_staff_pages(world, call, client):
    a1 = app(call, "智能传感器研发", enterprise=world.ent_a)
    e = expert(world.a, "张教授")
    client.force_login(world.staff)
    assert client.post(reverse("projects:review_run", args=[call.pk])).status_code == 302
    page = client.get(reverse("projects:review_assign", args=[call.pk])).content.decode()
    assert "张教授" in page and "任务 1" in page and "1 / 2" in page and "评审专家不足" in page
    # override without a reason: the form says so, nothing written
    other = expert(world.a, "李研究员", fields="agriculture")
    response = client.post(reverse("projects:review_override", args=[call.pk]),
                           {"application": a1.pk, "expert": other.pk, "reason": ""})
    assert response.status_code == 200 and 'name="reason"' in (text := response.content.decode())
    assert "is-invalid" in text
    assert not Assignment.objects.filter(expert=other).exists()
    client.post(reverse("projects:review_override", args=[call.pk]),
                {"application": a1.pk, "expert": other.pk, "reason": "跨领域补充"})
    assert Assignment.objects.get(expert=other).override == "跨领域补充"
    assignment = Assignment.objects.get(expert=e)
    client.post(reverse("projects:assignment_remove", args=[assignment.pk]))
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert "智能传感器研发" in client.get(reverse("projects:review_results", args=[call.pk])).content.decode()
    export = client.get(reverse("projects:review_export", args=[call.pk]))
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]
    assert client.post(reverse("projects:review_close", args=[call.pk])).status_code == 302
    call.refresh_from_db()
    assert call.review_closed_at is not None
    # another district's staff: 404
    client.force_login(world.outsider)
    assert client.get(reverse("projects:review_assign", args=[call.pk])).status_code == 404


def test_expert_pool_pages(world, client):
    client.force_login(world.staff)
    response = client.post(reverse("projects:expert_create"), {
        "name": "王工", "employer": "青秀测试科技有限公司", "fields_": ["electronics", "materials"],
        "employer_firm": world.ent_a.credit_code, "user": world.expert.pk, "available": "on"})
    assert response.status_code == 302, response.content.decode()
    e = Expert.objects.get(name="王工")
    assert e.region == world.a and e.enterprise == world.ent_a and e.user == world.expert
    assert e.fields == "electronics,materials"
    # a stale edit is refused with who changed what
    form = {"name": "王工程师", "employer": e.employer, "fields_": ["electronics"], "available": "on",
            "version": e.version}
    Expert.objects.filter(pk=e.pk).update(version=e.version + 1)
    response = client.post(reverse("projects:expert_edit", args=[e.pk]), form)
    assert response.status_code == 200 and "保存失败" in response.content.decode()
    form["version"] = e.version + 1
    assert client.post(reverse("projects:expert_edit", args=[e.pk]), form).status_code == 302
    client.post(reverse("projects:conflict_add", args=[e.pk]), {"firm": world.ent_a2.credit_code, "reason": "顾问"})
    conflict = Conflict.objects.get(expert=e)
    assert conflict.enterprise == world.ent_a2
    client.post(reverse("projects:conflict_add", args=[e.pk]), {"firm": world.ent_b.credit_code})  # not in scope
    assert Conflict.objects.filter(expert=e).count() == 1
    client.post(reverse("projects:expert_available", args=[e.pk]))
    e.refresh_from_db()
    assert not e.available
    page = client.get(reverse("projects:experts"), {"available": "no", "field": "materials"}).content.decode()
    assert "王工程师" in page
    assert "王工程师" not in client.get(reverse("projects:experts"), {"field": "agriculture"}).content.decode()
    client.post(reverse("projects:conflict_remove", args=[conflict.pk]))
    assert not Conflict.objects.filter(expert=e).exists()
    client.force_login(world.outsider)
    assert client.get(reverse("projects:expert", args=[e.pk])).status_code == 404


def book(rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["姓名", "工作单位", "职称", "专业领域", "联系电话", "可参加评审"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_expert_import_good_bad_and_all_or_nothing(world):
    assert get_kind("project_experts") is EXPERTS
    ctx = Context(user=world.staff, region=world.a)
    good = book([["张三", "广西大学", "教授", "电子信息、新材料", "13800000001", "是"],
                 ["李四", "广西科学院", "", "生物与新医药,现代农业", "", "否"]])
    checked = run_import(EXPERTS, good, "专家.xlsx", ctx)
    assert checked.added == 2
    zhang = Expert.objects.get(name="张三")
    assert (zhang.fields, zhang.region, zhang.available) == ("electronics,materials", world.a, True)
    assert Expert.objects.get(name="李四").fields == "biomed,agriculture"
    # again with a change: an update, found by 姓名 + 工作单位
    checked = run_import(EXPERTS, book([["张三", "广西大学", "研究员", "电子信息", "", ""]]), "专家.xlsx", ctx)
    assert (checked.added, checked.updated) == (0, 1)
    assert Expert.objects.get(name="张三").title == "研究员"
    bad = book([["王五", "某单位", "", "电子信息", "", "是"],
                ["赵六", "某单位", "", "量子玄学", "", ""],
                ["", "某单位", "", "电子信息", "", ""],
                ["钱七", "某单位", "", "新材料", "12345", "也许"]])
    checked = check_file(EXPERTS, bad, "专家.xlsx", ctx)
    problems = {(r, c): m for r, c, m in checked.errors}
    assert "不是项目技术领域" in problems[(3, "专业领域")]
    assert (4, "姓名") in problems
    assert (5, "联系电话") in problems and "不是是或否" in problems[(5, "可参加评审")]
    with pytest.raises(Exception, match="导入失败"):
        run_import(EXPERTS, bad, "专家.xlsx", ctx)
    assert not Expert.objects.filter(name="王五").exists()
