"""科技项目, the bureau's side: the list (filters, counts, export), an application's page with every move through
the views and the services, the back step, 立项/签约/funds/disbursements and their limits, checks and acceptance,
the upper level's outcome, reminders and the calendar (with a 高企 batch from the pipeline)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.core.areas import reminders_for
from keguan.core.errors import ServiceError
from keguan.pipeline import services as pipeline_services
from keguan.projects.models import (
    Application,
    ApplicationStep,
    Call,
    CheckKind,
    Level,
    Program,
    ProjectCheck,
    Status,
)
from keguan.projects.services import applications as svc
from keguan.projects.views.calendar import calendar_windows
from keguan.rules import project_flow as flow

TODAY = timezone.localdate()


def program_call(region, level=Level.COUNTY, name="区级科技计划", closes_in=5, title=None):
    program = Program.objects.create(region=region, name=f"{name}{region.code}{level}", level=level,
                                     managing_body="科技局")
    return Call.objects.create(program=program, region=region, year=TODAY.year, title=title or f"{program.name}申报通知",
                               opens_on=TODAY - dt.timedelta(days=10), closes_on=TODAY + dt.timedelta(days=closes_in))


def submitted(world, call, *, enterprise=None, user=None, title="智能传感器研发"):
    enterprise = enterprise or world.ent_a
    user = user or world.ent_user
    a = svc.application_save(actor=user, application=Application(call=call, enterprise=enterprise,
                                                                  district=enterprise.district),
                             title=title, field="electronics", budget={"equipment": ("100000", "300000")})
    return svc.application_move(actor=user, application=a, target=Status.SUBMITTED)


def walk(a, actor, *targets, **kw):
    for t in targets:
        a = svc.application_move(actor=actor, application=a, target=t, **kw)
    return a


@pytest.fixture
def p(world):
    world.call = program_call(world.a)
    world.up_call = program_call(world.a, Level.PROVINCE, name="自治区重点研发")
    world.call_b = program_call(world.b)
    return world


def post(client, name, a, data):
    return client.post(reverse(f"projects:{name}", args=[a.pk]), data)


# --- moves through the views ---------------------------------------------------------------------------------


def test_every_bureau_move_through_the_views(p, login):
    c = login(p.staff)
    a = submitted(p, p.call)
    for target in ("screening", "review"):
        r = post(c, "application_move", a, {f"{target}-target": target, f"{target}-version": ""})
        assert r.status_code == 302, r.content.decode()[:2000]
        a.refresh_from_db()
        assert a.status == target
    r = post(c, "application_approve", a, {"amount_wan": "20", "on": TODAY.isoformat(), "version": a.version})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.APPROVED and a.approved == Decimal("200000")
    r = post(c, "application_sign", a, {"contract_no": "QX-2025-01", "goals": "样机一台", "signed_on": TODAY.isoformat(),
                                        "midterm_due": (TODAY + dt.timedelta(days=90)).isoformat(),
                                        "acceptance_due": (TODAY + dt.timedelta(days=365)).isoformat()})
    assert r.status_code == 302
    for target in ("running", "acceptance"):
        assert post(c, "application_move", a, {f"{target}-target": target}).status_code == 302
    a.refresh_from_db()
    assert a.status == Status.ACCEPTANCE
    r = post(c, "application_check", a, {"kind": "acceptance", "on": TODAY.isoformat(), "result": "pass", "note": ""})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.CLOSED
    steps = list(a.steps.values_list("from_status", "to_status"))
    assert steps[-1] == ("acceptance", "closed") and len(steps) == 8
    page = c.get(reverse("projects:application", args=[a.pk])).content.decode()
    assert "验收 → 结题" in page and "QX-2025-01" in page


def test_return_needs_a_reason_and_illegal_moves_show_the_rules_message(p, login):
    c = login(p.staff)
    a = submitted(p, p.call)
    r = post(c, "application_move", a, {"returned-target": "returned", "returned-reason": ""})
    assert r.status_code == 422 and "“退回申请人”须填写理由" in r.content.decode()
    r = post(c, "application_move", a, {"closed-target": "closed"})
    assert r.status_code == 422 and "项目当前为“已提交”，不能直接变为“结题”" in r.content.decode()
    r = post(c, "application_move", a, {"returned-target": "returned", "returned-reason": "预算附件缺失"})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.RETURNED
    assert a.steps.last().reason == "预算附件缺失"
    # the applicant's move is not the bureau's
    with pytest.raises(ServiceError, match="只能由申请人操作"):
        svc.application_move(actor=p.staff, application=a, target=Status.SUBMITTED)
    # an own program is not recommended upward, an upward one not reviewed here
    b = walk(submitted(p, p.call, title="第二个"), p.staff, "screening")
    with pytest.raises(ServiceError, match="不推荐上级"):
        svc.application_move(actor=p.staff, application=b, target=Status.RECOMMENDED)
    u = walk(submitted(p, p.up_call, title="上级"), p.staff, "screening")
    with pytest.raises(ServiceError, match="上级组织评审"):
        svc.application_move(actor=p.staff, application=u, target=Status.REVIEW)


def test_every_legal_bureau_move_is_accepted_by_the_service(p):
    """Each bureau move of the rules, from an application brought to its source status."""
    paths = {"submitted": [], "screening": ["screening"], "review": ["screening", "review"],
             "recommended": ["screening", "recommended"], "approved": ["screening", "review", "approved"],
             "signed": None, "running": None, "acceptance": None}
    for m in flow.MOVES:
        if m.by != flow.BUREAU or paths.get(m.source) is None or m.target in (Status.SIGNED, Status.CLOSED):
            continue
        call = p.up_call if m.upward_only or m.source == "recommended" else p.call
        a = walk(submitted(p, call, title=f"{m.source}-{m.target}"), p.staff, *paths[m.source])
        a = svc.application_move(actor=p.staff, application=a, target=m.target, reason="理由" if m.reason else "")
        assert a.status == m.target


def test_back_step_needs_a_reason(p, login):
    c = login(p.staff)
    a = walk(submitted(p, p.call), p.staff, "screening", "review")
    r = post(c, "application_back", a, {"back-reason": "", "back-version": a.version})
    assert r.status_code == 422 and "撤销上一步须填写理由" in r.content.decode()
    r = post(c, "application_back", a, {"back-reason": "误点了专家评审", "back-version": a.version})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.SCREENING
    step = a.steps.last()
    assert (step.from_status, step.to_status, step.reason) == ("review", "screening", "误点了专家评审")


def test_a_stale_form_is_refused(p, login):
    c = login(p.staff)
    a = walk(submitted(p, p.call), p.staff, "screening")
    stale = a.version
    walk(a, p.leader, "review")
    r = post(c, "application_back", a, {"back-reason": "重复", "back-version": stale})
    assert r.status_code == 422 and "保存失败" in r.content.decode()
    a.refresh_from_db()
    assert a.status == Status.REVIEW


def test_only_the_district_bureau_moves_and_city_only_reads(p, login):
    a = walk(submitted(p, p.call), p.staff, "screening")
    assert post(login(p.city_user), "application_move", a, {"review-target": "review"}).status_code == 403
    assert login(p.city_user).get(reverse("projects:application", args=[a.pk])).status_code == 200
    assert post(login(p.outsider), "application_move", a, {"review-target": "review"}).status_code == 404
    assert login(p.ent_user).get(reverse("projects:application", args=[a.pk])).status_code == 403


# --- money -----------------------------------------------------------------------------------------------------


def test_funds_never_above_approved_and_disbursements_never_above_a_source(p, login):
    c = login(p.staff)
    a = walk(submitted(p, p.call), p.staff, "screening", "review")
    r = post(c, "application_funding", a, {"source": "county", "amount_wan": "5", "on": TODAY.isoformat()})
    assert r.status_code == 422 and "项目立项后才能登记资金" in r.content.decode()
    a = svc.application_approve(actor=p.staff, application=a, amount=Decimal("200000"))
    assert post(c, "application_funding", a, {"source": "county", "amount_wan": "15", "on": TODAY.isoformat()}).status_code == 302
    r = post(c, "application_funding", a, {"source": "city", "amount_wan": "6", "on": TODAY.isoformat()})
    assert r.status_code == 422 and "超过立项资助20.00万元" in r.content.decode()
    assert post(c, "application_funding", a, {"source": "own", "amount_wan": "50", "on": TODAY.isoformat()}).status_code == 302
    assert post(c, "application_disbursement", a, {"source": "county", "amount_wan": "10", "on": TODAY.isoformat()}).status_code == 302
    r = post(c, "application_disbursement", a, {"source": "county", "amount_wan": "5.01", "on": TODAY.isoformat()})
    assert r.status_code == 422 and "超出" in r.content.decode()
    r = post(c, "application_disbursement", a, {"source": "city", "amount_wan": "1", "on": TODAY.isoformat()})
    assert r.status_code == 422
    r = post(c, "application_disbursement", a, {"source": "county", "amount_wan": "1",
                                                 "on": (TODAY + dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "不能晚于今天" in r.content.decode()
    page = c.get(reverse("projects:application", args=[a.pk])).content.decode()
    assert "65.00" in page and "55.00" in page  # funds 15+50, remaining 5+50


def test_upward_outcome_records_the_funds_won_or_the_reason(p, login):
    c = login(p.staff)
    a = walk(submitted(p, p.up_call), p.staff, "screening", "recommended")
    r = post(c, "application_outcome", a, {"won": "0", "reason": "", "on": TODAY.isoformat()})
    assert r.status_code == 422 and "上级未立项须填写原因" in r.content.decode()
    r = post(c, "application_outcome", a, {"won": "1", "amount_wan": "50", "on": TODAY.isoformat()})
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.status == Status.APPROVED and a.approved == Decimal("500000")
    assert list(a.funds.values_list("source", "amount")) == [("province", Decimal("500000.00"))]
    b = walk(submitted(p, p.up_call, title="未中"), p.staff, "screening", "recommended")
    assert post(c, "application_outcome", b, {"won": "0", "reason": "名额有限", "on": TODAY.isoformat()}).status_code == 302
    b.refresh_from_db()
    assert b.status == Status.REJECTED and b.steps.last().reason == "名额有限"


def test_sign_checks_its_dates(p, login):
    c = login(p.staff)
    a = svc.application_approve(actor=p.staff, application=walk(submitted(p, p.call), p.staff, "screening", "review"),
                                amount=Decimal("100000"))
    r = post(c, "application_sign", a, {"contract_no": "", "goals": "", "signed_on": TODAY.isoformat(),
                                        "acceptance_due": ""})
    assert r.status_code == 422 and "这个字段是必填项" in r.content.decode()
    r = post(c, "application_sign", a, {"contract_no": "X1", "goals": "目标", "signed_on": TODAY.isoformat(),
                                        "acceptance_due": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert r.status_code == 422 and "验收时间不能早于签约日期" in r.content.decode()


# --- checks ----------------------------------------------------------------------------------------------------


def _running(p):
    a = svc.application_approve(actor=p.staff, application=walk(submitted(p, p.call), p.staff, "screening", "review"),
                                amount=Decimal("100000"))
    a = svc.application_sign(actor=p.staff, application=a, contract_no="T1", goals="目标", signed_on=TODAY,
                             midterm_due=TODAY + dt.timedelta(days=10), acceptance_due=TODAY + dt.timedelta(days=40))
    return walk(a, p.staff, "running")


def test_acceptance_fail_keeps_it_in_acceptance_and_pass_closes(p):
    a = _running(p)
    with pytest.raises(ServiceError, match="须先“申请验收”"):
        svc.projectcheck_add(actor=p.staff, application=a, kind=CheckKind.ACCEPTANCE, on=TODAY, result="pass")
    svc.projectcheck_add(actor=p.staff, application=a, kind=CheckKind.MIDTERM, on=TODAY, result="pass")
    assert a.status == Status.RUNNING
    a = walk(a, p.staff, "acceptance")
    with pytest.raises(ServiceError, match="结题须先登记验收结论"):
        svc.application_move(actor=p.staff, application=a, target=Status.CLOSED)
    with pytest.raises(ServiceError, match="须填写理由"):
        svc.projectcheck_add(actor=p.staff, application=a, kind=CheckKind.ACCEPTANCE, on=TODAY, result="fail")
    svc.projectcheck_add(actor=p.staff, application=a, kind=CheckKind.ACCEPTANCE, on=TODAY, result="fail",
                         note="测试报告不全")
    a.refresh_from_db()
    assert a.status == Status.ACCEPTANCE
    with pytest.raises(ServiceError, match="写明条件"):
        svc.projectcheck_add(actor=p.staff, application=a, kind=CheckKind.ACCEPTANCE, on=TODAY, result="conditional")
    svc.projectcheck_add(actor=p.staff, application=a, kind=CheckKind.ACCEPTANCE, on=TODAY, result="conditional",
                         note="三个月内补交报告")
    a.refresh_from_db()
    assert a.status == Status.CLOSED and a.steps.last().reason.startswith("验收有条件通过")
    assert ProjectCheck.objects.filter(application=a).count() == 3


# --- list, export, scope --------------------------------------------------------------------------------------


def test_list_filters_counts_and_scope(p, login):
    a1 = submitted(p, p.call, title="甲区传感器")
    walk(submitted(p, p.up_call, title="甲区上级项目"), p.staff, "screening")
    submitted(p, p.call_b, enterprise=p.ent_b, user=p.outsider_ent, title="乙区机械臂")
    svc.application_save(actor=p.ent_user, application=Application(call=p.call, enterprise=p.ent_a, district=p.a),
                         title="甲区草稿", field="electronics")
    url = reverse("projects:applications")
    staff = login(p.staff).get(url)
    page = staff.content.decode()
    assert "甲区传感器" in page and "甲区上级项目" in page and "乙区机械臂" not in page and "甲区草稿" not in page
    counts = {s: n for s, _, n in staff.context["counts"]}
    assert counts["submitted"] == 1 and counts["screening"] == 1
    assert "乙区机械臂" in login(p.city_user).get(url).content.decode()
    city = login(p.city_user).get(url, {"district": p.b.pk}).content.decode()
    assert "乙区机械臂" in city and "甲区传感器" not in city
    c = login(p.staff)
    for params, shown, hidden in (
        ({"level": "province"}, "甲区上级项目", "甲区传感器"),
        ({"status": "submitted"}, "甲区传感器", "甲区上级项目"),
        ({"q": "传感"}, "甲区传感器", "甲区上级项目"),
        ({"q": p.ent_a.name[:4]}, "甲区传感器", "乙区机械臂"),
        ({"call": p.call.pk}, "甲区传感器", "甲区上级项目"),
        ({"program": p.up_call.program_id}, "甲区上级项目", "甲区传感器"),
        ({"year": TODAY.year}, "甲区传感器", "乙区机械臂"),
    ):
        body = c.get(url, params).content.decode()
        assert shown in body and hidden not in body, params
    assert "查询条件有误" in c.get(url, {"year": "abc"}).content.decode()
    assert a1.pk


def test_list_paid_amounts_counts_and_search_without_joins(p, login):
    """已拨付 (a hidden column until chosen) sums the page's own disbursements; the count above the table is the
    status counts' sum; the keyword finds the title, the firm's and the institute's names, letters in any case;
    neither the count nor the page's keys join the firms or the disbursements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from keguan.accounts.preferences import list_preference_set
    from keguan.accounts.services import organisation_create
    from keguan.projects.views.manage import APPLICATION_LIST

    a = _running(p)  # approved 100,000 from the county
    svc.funding_add(actor=p.staff, application=a, source="county", amount="100000", on=TODAY)
    svc.disbursement_add(actor=p.staff, application=a, source="county", amount="30000", on=TODAY)
    svc.disbursement_add(actor=p.staff, application=a, source="county", amount="20000", on=TODAY)
    unpaid = submitted(p, p.call, title="AI视觉检测")
    url = reverse("projects:applications")
    c = login(p.staff)
    list_preference_set(user=p.staff, spec=APPLICATION_LIST, columns=["applicant", "status", "paid"])
    with CaptureQueriesContext(connection) as ctx:
        r = c.get(url)
    rows = {x.pk: x for x in r.context["page"].object_list}
    assert rows[a.pk].paid == Decimal("50000") and rows[unpaid.pk].paid is None
    assert "已拨付（万元）" in r.content.decode()
    assert r.context["page"].paginator.count == r.context["counts_total"] == 2
    listed = [q["sql"] for q in ctx.captured_queries if "projects_application" in q["sql"]]
    assert not any('JOIN "projects_disbursement"' in q for q in listed)
    assert not any("COUNT(" in q and "enterprises_enterprise" in q for q in listed)
    assert c.get(url, {"status": "running"}).context["page"].paginator.count == 1
    # the keyword: the title (ASCII letters in any case), the firm's name, the institute's name
    assert [x.pk for x in c.get(url, {"q": "ai视觉"}).context["page"].object_list] == [unpaid.pk]
    assert {x.pk for x in c.get(url, {"q": p.ent_a.name[2:6]}).context["page"].object_list} == {a.pk, unpaid.pk}
    org = organisation_create(actor=None, kind="institute", name="广西农业科学院", region=p.a_town)
    by_org = svc.application_save(actor=p.staff, application=Application(call=p.call, organisation=org, district=p.a),
                                  title="甘蔗良种繁育", field="electronics",
                                  budget={"equipment": ("100000", "300000")})
    Application.objects.filter(pk=by_org.pk).update(status=Status.SUBMITTED)  # (the entry pages' submit)
    found = c.get(url, {"q": "农业科学"})
    assert [x.pk for x in found.context["page"].object_list] == [by_org.pk]
    assert found.context["page"].paginator.count == 1 and "甘蔗良种繁育" in found.content.decode()


def test_export_is_formula_safe(p, login):
    submitted(p, p.call, title="=HYPERLINK(\"http://x\")")
    r = login(p.staff).get(reverse("projects:applications_export"))
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert any(c.value == '=HYPERLINK("http://x")' for c in cells)
    assert all(c.data_type != "f" for c in cells)
    assert login(p.town).get(reverse("projects:applications_export")).status_code == 403


# --- reminders and calendar -------------------------------------------------------------------------------------


def test_reminders_for_the_bureau_and_the_applicant(p):
    submitted(p, p.call)  # p.call closes in 5 days: one submission
    program_call(p.a, name="远期计划", closes_in=30)
    a = _running(p)  # midterm in 10 days, acceptance in 40
    late = _running(p)
    Application.objects.filter(pk=late.pk).update(midterm_due=TODAY - dt.timedelta(days=3),
                                                   acceptance_due=TODAY + dt.timedelta(days=20))
    texts = {r.text: r for r in reminders_for(p.staff, TODAY) if "项目" in r.text or "通知" in r.text}
    closing = next(r for t, r in texts.items() if "截止" in t)
    assert closing.count == 2 and "已收到申报" in closing.text  # the county and provincial calls close in 5 days
    soon = next(r for t, r in texts.items() if "中期检查将在" in t)
    assert soon.count == 1 and "due=midterm_soon" in soon.url
    overdue = next(r for t, r in texts.items() if "中期检查已逾期" in t)
    assert overdue.count == 1 and overdue.level == "danger"
    assert next(r for t, r in texts.items() if "验收时间" in t).count == 1
    # the filtered list shows what the reminder counts
    body = pytest.importorskip("django.test").Client()
    body.force_login(p.staff)
    page = body.get(soon.url)
    assert [x.pk for x in page.context["page"].object_list] == [a.pk]
    # after the mid-term check, it is no longer due
    svc.projectcheck_add(actor=p.staff, application=late, kind=CheckKind.MIDTERM, on=TODAY, result="pass")
    assert not any("中期检查已逾期" in r.text for r in reminders_for(p.staff, TODAY))
    assert not any("项目" in r.text for r in reminders_for(p.outsider, TODAY))
    # the applicant: a draft under a call closing soon
    svc.application_save(actor=p.ent_user, application=Application(call=p.call, enterprise=p.ent_a, district=p.a),
                         title="未提交的草稿", field="electronics")
    mine = [r for r in reminders_for(p.ent_user, TODAY) if "未提交的草稿" in r.text]
    assert len(mine) == 1 and mine[0].due == p.call.closes_on


def test_calendar_includes_calls_and_a_pipeline_batch(p, login):
    submitted(p, p.call)
    batch = pipeline_services.batch_create(year=TODAY.year, seq=1, deadline=TODAY + dt.timedelta(days=20), note="")
    pipeline_services.application_create(enterprise=p.ent_a, batch=batch, actor=p.staff, on=TODAY)
    windows = calendar_windows(p.staff, year=TODAY.year)
    titles = [w.title for w in windows]
    assert p.call.title in titles and f"高新技术企业认定 {batch}" in titles
    hnte = next(w for w in windows if w.title == f"高新技术企业认定 {batch}")
    assert hnte.concerns == "1家企业" and hnte.closes == batch.deadline and "batch=" in hnte.url
    call_window = next(w for w in windows if w.title == p.call.title)
    assert call_window.concerns == "1家企业申报1项" and call_window.level == "区县级"
    assert [w.title for w in calendar_windows(p.staff, year=TODAY.year, level="province")] == [
        t for t in titles if "自治区" in t or "高新技术企业" in t]
    assert p.call_b.title not in titles  # another district's call
    r = login(p.staff).get(reverse("projects:calendar"))
    assert r.status_code == 200 and "高新技术企业认定" in r.content.decode()
    assert login(p.staff).get(reverse("projects:calendar"), {"level": "national"}).status_code == 200


def test_steps_are_recorded_with_who_and_when(p):
    a = walk(submitted(p, p.call), p.staff, "screening")
    step = ApplicationStep.objects.filter(application=a).last()
    assert step.by == p.staff and step.on == TODAY


def test_the_list_sorts_by_the_calls_year_kept_on_each_application(p, login):
    older = program_call(p.a, name="往年计划")
    a_new = submitted(p, p.call, title="今年的项目")
    a_old = submitted(p, older, title="往年的项目")
    assert a_new.year == a_old.year == TODAY.year
    svc.call_update(actor=p.staff, call=older, program=older.program, year=TODAY.year - 1, title=older.title,
                    opens_on=older.opens_on, closes_on=older.closes_on, criteria=[("创新性", 100)])
    a_old.refresh_from_db()
    assert a_old.year == TODAY.year - 1
    rows = list(login(p.staff).get(reverse("projects:applications")).context["page"].object_list)
    assert [a.pk for a in rows][:2] == [a_new.pk, a_old.pk]
