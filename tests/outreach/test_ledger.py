"""The ledger part of 科技活动与企业服务: visits (with needs raised on the spot), the needs ledger (status flow in
words, owners, follow-ups, what the firm sees), questionnaires (online answers, required questions, needs from
answers once, summary, export, import by credit code), reminders, indicators, the firm's page, and scope."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.core.areas import reminders_for
from keguan.core.errors import ImportRejected, ServiceError
from keguan.exchange.engine import check_file, run_import
from keguan.exchange.kinds import Context
from keguan.exchange.sheets import template_xlsx
from keguan.indicators import registry
from keguan.outreach import indicators_ledger as ind
from keguan.outreach.exchange.ledger import ANSWERS, NEEDS, VISITS
from keguan.outreach.models import Need, NeedSource, NeedStatus, QuestionnaireStatus, Response, ResponseSource
from keguan.outreach.rules import need_flow as flow
from keguan.outreach.services import ledger as svc
from keguan.rules.periods import Period
from tests.conftest import workbook

TODAY = timezone.localdate()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture
def survey(world):
    q = svc.questionnaire_create(actor=world.staff, district=world.a, title="企业需求调查", intro="请如实填写",
                                 opens_on=TODAY, closes_on=TODAY + dt.timedelta(days=30))
    world.q_staff = svc.question_add(questionnaire=q, actor=world.staff, text="研发人员数量", kind="number", required=True)
    world.q_help = svc.question_add(questionnaire=q, actor=world.staff, text="需要哪些支持", kind="multi",
                                    options="人才引进\n技术攻关\n融资", required=True)
    world.q_talent = svc.question_add(questionnaire=q, actor=world.staff, text="人才方面的需求", kind="text",
                                      need_category="talent")
    svc.questionnaire_open(questionnaire=q, actor=world.staff)
    q.refresh_from_db()
    return q


# --- the status flow -----------------------------------------------------------------------------------------


def test_flow_refuses_illegal_moves_in_words():
    assert flow.refusal("new", "following") is None
    assert "须先开始跟进" in flow.refusal("new", "solved")
    assert "请先重新跟进" in flow.refusal("solved", "unsolvable")
    assert "不能退回" in flow.refusal("following", "new")
    assert flow.states_a_need("引进工程师") and not flow.states_a_need("无") and not flow.states_a_need(" 否。")


def test_need_moves_assign_follow_and_close(world):
    need = svc.need_create(actor=world.staff, enterprise=world.ent_a, category="talent", description="引进工程师",
                           source=NeedSource.HOTLINE, raised_on=days_ago(3))
    with pytest.raises(ServiceError, match="须先开始跟进"):
        svc.need_move(need=need, actor=world.staff, to="solved", result="已解决")
    with pytest.raises(ServiceError, match="跟进人须为"):
        svc.need_assign(need=need, actor=world.staff, owner=world.outsider)
    svc.need_assign(need=need, actor=world.staff, owner=world.town)  # the firm's township liaison
    assert need.status == NeedStatus.FOLLOWING and need.owner == world.town
    with pytest.raises(ServiceError, match="请填写无法解决的原因"):
        svc.need_move(need=need, actor=world.town, to="unsolvable", result=" ")
    svc.followup_add(need=need, actor=world.town, on=TODAY, note="已对接高校", internal=False)
    svc.followup_add(need=need, actor=world.staff, on=TODAY, note="领导批示内部协调", internal=True)
    svc.need_move(need=need, actor=world.town, to="solved", result="已与高校签订联合培养协议")
    need.refresh_from_db()
    assert (need.status, need.closed_on, need.result) == ("solved", TODAY, "已与高校签订联合培养协议")
    with pytest.raises(ServiceError, match="已办结"):
        svc.followup_add(need=need, actor=world.staff, on=TODAY, note="再跟进")
    assert need.history.count() == 3  # created, assigned (taken up), solved


def test_needs_pages_and_what_the_firm_sees(world, login, client):
    need = svc.need_create(actor=world.staff, enterprise=world.ent_a, category="finance", description="科技贷款对接",
                           raised_on=days_ago(2))
    svc.followup_add(need=need, actor=world.staff, on=TODAY, note="已联系银行客户经理", internal=False)
    svc.followup_add(need=need, actor=world.staff, on=TODAY, note="内部：额度紧张需领导协调", internal=True)
    login(world.staff)
    page = client.get(reverse("outreach:need", args=[need.pk])).content.decode()
    assert "内部：额度紧张需领导协调" in page and "指定跟进人" in page
    # an illegal move through the form is refused in words beside the form
    r = client.post(reverse("outreach:need_move", args=[need.pk]), {"move-to": "new", "move-version": need.version})
    assert r.status_code == 200
    need.refresh_from_db()
    assert need.status == "following"
    r = client.post(reverse("outreach:need_move", args=[need.pk]), {"move-to": "solved", "move-result": "",
                                                                     "move-version": need.version})
    assert "请填写办理结果" in r.content.decode()
    r = client.post(reverse("outreach:need_move", args=[need.pk]), {"move-to": "solved", "move-result": "已放贷100万元",
                                                                     "move-version": need.version})
    assert r.status_code == 302
    client.logout()
    login(world.ent_user)
    page = client.get(reverse("outreach:need", args=[need.pk])).content.decode()
    assert "已联系银行客户经理" in page and "内部：额度紧张需领导协调" not in page
    assert "已放贷100万元" in page and "已解决" in page and "指定跟进人" not in page
    assert "科技贷款对接" in client.get(reverse("outreach:my_needs")).content.decode()
    # another firm's need answers 404, as does a staff write
    other = svc.need_create(actor=world.outsider, enterprise=world.ent_b, category="talent", description="乙区需求")
    assert client.get(reverse("outreach:need", args=[other.pk])).status_code == 404
    assert client.post(reverse("outreach:need_followup", args=[need.pk]), {"fu-on": TODAY, "fu-note": "x"}).status_code == 403
    # the firm raises its own need
    r = client.post(reverse("outreach:my_need_new"), {"category": "policy", "description": "加计扣除政策咨询"})
    assert r.status_code == 302
    mine = Need.objects.get(description="加计扣除政策咨询")
    assert (mine.enterprise, mine.source, mine.status) == (world.ent_a, NeedSource.ONLINE, NeedStatus.NEW)


def test_visit_with_needs_on_the_spot(world, login, client):
    login(world.staff)
    data = {"enterprise": world.ent_a.credit_code, "visited_on": TODAY.isoformat(), "way": "visit",
            "visitors": "局长张三", "met": "总经理", "notes": "了解研发投入", "need0-category": "talent",
            "need0-description": "引进博士1名", "need1-category": "", "need1-description": "",
            "need2-category": "rd", "need2-description": ""}
    r = client.post(reverse("outreach:visit_new"), data)
    assert r.status_code == 200 and "请填写需求内容" in r.content.decode()  # a category without text
    data["need2-category"] = ""
    r = client.post(reverse("outreach:visit_new"), data)
    assert r.status_code == 302
    need = Need.objects.get(description="引进博士1名")
    assert need.visit is not None and need.source == "visit" and need.visit.visitors == "局长张三"
    # a future date is refused beside the field; a foreign firm is not found
    r = client.post(reverse("outreach:visit_new"), {**data, "visited_on": (TODAY + dt.timedelta(days=2)).isoformat()})
    assert "不能晚于今天" in r.content.decode()
    r = client.post(reverse("outreach:visit_new"), {**data, "enterprise": world.ent_b.credit_code})
    assert "找不到该企业" in r.content.decode()
    # the list filters by way and keyword; the firm's page shows the section with its actions
    assert "了解研发投入" in client.get(reverse("outreach:visits"), {"way": "visit", "q": "青秀"}).content.decode()
    assert "了解研发投入" not in client.get(reverse("outreach:visits"), {"way": "phone"}).content.decode()
    page = client.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    assert "企业需求与走访" in page and "登记走访" in page and "引进博士1名" in page
    # a stale edit is refused
    visit = need.visit
    r = client.post(reverse("outreach:visit_edit", args=[visit.pk]), {**data, "version": visit.version + 5})
    assert "保存失败" in r.content.decode()


def test_questionnaire_online_answers_and_needs_once(world, survey, login, client):
    login(world.ent_user)
    url = reverse("outreach:my_questionnaire", args=[world.ent_a.pk, survey.pk])
    assert client.get(url).status_code == 200
    # required questions are checked beside them on submit; a draft may leave them
    r = client.post(url, {f"q{world.q_talent.pk}": "引进软件工程师", "action": "submit"})
    text = r.content.decode()
    assert r.status_code == 200 and text.count("此题为必答题，请作答") == 2
    r = client.post(url, {f"q{world.q_staff.pk}": "十二", "action": "submit"})
    assert "不是数字" in r.content.decode()
    assert client.post(url, {f"q{world.q_talent.pk}": "引进软件工程师", "action": "draft"}).status_code == 302
    assert Response.objects.get(enterprise=world.ent_a).submitted_at is None
    assert not Need.objects.filter(source="questionnaire").exists()
    answers = {f"q{world.q_staff.pk}": "12", f"q{world.q_help.pk}": ["融资", "人才引进"],
               f"q{world.q_talent.pk}": "引进软件工程师", "action": "submit"}
    assert client.post(url, answers).status_code == 302
    need = Need.objects.get(source="questionnaire")
    assert need.enterprise == world.ent_a and need.category == "talent" and "引进软件工程师" in need.description
    assert client.post(url, answers).status_code == 302  # submitted again: still one need
    assert Need.objects.filter(source="questionnaire").count() == 1
    # another firm's page, or another district's questionnaire, is not found
    assert client.get(reverse("outreach:my_questionnaire", args=[world.ent_a2.pk, survey.pk])).status_code == 404
    client.logout()
    login(world.staff)
    summary = client.get(reverse("outreach:questionnaire_summary", args=[survey.pk])).content.decode()
    assert 'data-option="融资">1<' in summary and 'data-option="技术攻关">0<' in summary
    xlsx = client.get(reverse("outreach:questionnaire_export", args=[survey.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(ws.values)
    assert rows[0][:5] == ("统一社会信用代码", "企业名称", "第1题", "第2题", "第3题")
    assert rows[1][2:5] == ("12", "人才引进、融资", "引进软件工程师")


def test_answers_import_by_credit_code(world, survey):
    ctx = Context(user=world.staff, region=world.a, params={"questionnaire": str(survey.pk)})
    tpl = openpyxl.load_workbook(io.BytesIO(template_xlsx(ANSWERS, ctx))).active
    assert "研发人员数量" in tpl["C2"].value and "人才引进、技术攻关、融资" in tpl["D2"].value
    head = ["统一社会信用代码", "企业名称", "第1题", "第2题", "第3题"]
    bad = workbook([[world.ent_a.credit_code, "", "8", "人才引进、上市辅导", ""],
                    [world.ent_b.credit_code, "", "3", "融资", ""]], headers=head)
    checked = check_file(ANSWERS, bad, "a.xlsx", ctx)
    errors = {(row, col): msg for row, col, msg in checked.errors}
    assert "“上市辅导”不是本题的选项" in errors[(2, "第2题")]
    assert "不在青秀区的企业库中" in errors[(3, "统一社会信用代码")] or any(
        c == "统一社会信用代码" and r == 3 for r, c in errors)
    good = workbook([[world.ent_a.credit_code, "", "8", "人才引进、融资", "需要引进硕士2名"],
                     [world.ent_a2.credit_code, "", "5", "技术攻关", "无"]], headers=head)
    run_import(ANSWERS, good, "a.xlsx", ctx)
    assert Response.objects.filter(questionnaire=survey, source=ResponseSource.IMPORT).count() == 2
    assert Need.objects.filter(source="questionnaire").count() == 1  # "无" states no need
    run_import(ANSWERS, good, "a.xlsx", ctx)  # again: no duplicate
    assert Need.objects.filter(source="questionnaire").count() == 1
    with pytest.raises(ImportRejected):
        run_import(ANSWERS, bad, "a.xlsx", ctx)


def test_visits_and_needs_import(world):
    ctx = Context(user=world.staff, region=world.a)
    v = workbook([[world.ent_a.credit_code, "", TODAY, "上门走访", "科员李四", "王总", "调研研发情况"]],
                 headers=["统一社会信用代码", "企业名称", "走访日期", "方式", "走访人员", "接待人", "走访情况"])
    run_import(VISITS, v, "v.xlsx", ctx)
    run_import(VISITS, v, "v.xlsx", ctx)
    assert world.ent_a.pk in set(svc.Visit.objects.values_list("enterprise_id", flat=True))
    assert svc.Visit.objects.count() == 1
    head = ["统一社会信用代码", "需求类别", "需求内容", "来源", "提出日期", "状态", "跟进人（用户名）", "办理结果/原因", "办结日期"]
    rows = [[world.ent_a.credit_code, "人才", "引进工程师", "热线/来电", days_ago(40), "跟进中", "town", "", None],
            [world.ent_a2.credit_code, "资金/融资", "科技贷款", "走访", days_ago(20), "已解决", "", "", None]]
    checked = check_file(NEEDS, workbook(rows, headers=head), "n.xlsx", ctx)
    messages = [m for _r, _c, m in checked.errors]
    assert any("请填写办理结果" in m for m in messages)
    rows[1][7] = "已放贷"
    run_import(NEEDS, workbook(rows, headers=head), "n.xlsx", ctx)
    need = Need.objects.get(description="引进工程师")
    assert need.owner == world.town and need.status == "following"
    rows[0][5] = "新提出"  # backwards: refused in words
    checked = check_file(NEEDS, workbook(rows, headers=head), "n.xlsx", ctx)
    assert any("不能退回" in m for _r, _c, m in checked.errors)
    # the owner's 待办: open longer than 30 days
    texts = [r.text for r in reminders_for(world.town, TODAY)]
    assert any("超过30天" in t for t in texts)


def test_staff_reminder_for_unowned_new_needs(world):
    svc.need_create(actor=world.staff, enterprise=world.ent_a, category="rd", description="工艺攻关")
    texts = [(r.text, r.count) for r in reminders_for(world.staff, TODAY)]
    assert ("1 项新提出的企业需求尚未指定跟进人", 1) in texts
    assert not [t for t, _ in reminders_for(world.outsider, TODAY) if "跟进人" in t]


def test_indicators_count_and_link(world):
    svc.visit_create(actor=world.staff, enterprise=world.ent_a, visited_on=days_ago(5), visitors="甲", notes="走访")
    svc.visit_create(actor=world.staff, enterprise=world.ent_a, visited_on=days_ago(4), visitors="乙", notes="走访")
    a = svc.need_create(actor=world.staff, enterprise=world.ent_a, category="rd", description="一", raised_on=days_ago(5))
    svc.need_create(actor=world.staff, enterprise=world.ent_a2, category="rd", description="二", raised_on=days_ago(50))
    svc.need_assign(need=a, actor=world.staff, owner=world.staff)
    svc.need_move(need=a, actor=world.staff, to="solved", result="已解决")
    period = Period(TODAY.year, 1, 12, "Y")
    ids = [world.a.pk]
    assert ind.visits(ids, period)[world.a.pk] == 2 and ind.visited_firms(ids, period)[world.a.pk] == 1
    whole = Period(days_ago(60).year, 1, 12, "Y")
    if days_ago(60).year == TODAY.year:
        assert ind.needs_raised(ids, whole)[world.a.pk] == 2 and ind.needs_solved(ids, whole)[world.a.pk] == 1
    assert ind.needs_stale(ids, Period(TODAY.year, 1, 12, "Y")).get(world.a.pk) == 1
    url = registry.get("ow_needs_solved").records_url(world.a, period)
    assert url.startswith(reverse("outreach:needs")) and "status=solved" in url


def test_questionnaire_rules(world, survey):
    with pytest.raises(ServiceError, match="已发布"):
        svc.question_add(questionnaire=survey, actor=world.staff, text="x", kind="text")
    q2 = svc.questionnaire_create(actor=world.staff, district=world.a, title="草稿", opens_on=TODAY, closes_on=TODAY)
    with pytest.raises(ServiceError, match="至少要有两个选项"):
        svc.question_add(questionnaire=q2, actor=world.staff, text="单选", kind="single", options="是")
    with pytest.raises(ServiceError, match="还没有题目"):
        svc.questionnaire_open(questionnaire=q2, actor=world.staff)
    svc.questionnaire_close(questionnaire=survey, actor=world.staff)
    assert survey.status == QuestionnaireStatus.CLOSED
    with pytest.raises(ServiceError, match="不在填报期内"):
        svc.response_save(questionnaire=survey, enterprise=world.ent_a, actor=world.ent_user, values={}, submit=False)
