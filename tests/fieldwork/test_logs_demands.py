"""服务需求: posting (a township liaison for its villages, a firm for itself, staff on behalf), the dispatch
suggestions and their reasons, the moves 待派单 → 已派 → 服务中 → 已完成 with illegal ones refused in words, the
requester's feedback, cancel with a reason, the history of moves, and the 待办 of each side."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from keguan.core.areas import reminders_for
from keguan.core.errors import ServiceError
from keguan.fieldwork.models import Assignment, Demand, DemandStatus
from keguan.fieldwork.services.demands import (
    demand_cancel,
    demand_complete,
    demand_create,
    demand_dispatch,
    demand_feedback,
    demand_start,
)
from keguan.fieldwork.services.logs import log_create
from keguan.rules import demand_flow as flow

from .logs_fixtures import TODAY, field_fixture, make_commissioner, media_fixture  # noqa: F401

# --- the rule ---------------------------------------------------------------------------------------------------


def test_every_action_from_every_status_by_every_side_is_allowed_or_refused_in_words():
    allowed = {(DemandStatus.NEW, flow.DISPATCH, flow.STAFF), (DemandStatus.DISPATCHED, flow.DISPATCH, flow.STAFF),
               (DemandStatus.DISPATCHED, flow.START, flow.COMMISSIONER),
               (DemandStatus.DISPATCHED, flow.DECLINE, flow.COMMISSIONER),
               (DemandStatus.SERVING, flow.COMPLETE, flow.COMMISSIONER), (DemandStatus.SERVING, flow.COMPLETE, flow.STAFF),
               (DemandStatus.NEW, flow.CANCEL, flow.REQUESTER),
               *((s, flow.CANCEL, flow.STAFF) for s in flow.OPEN)}
    for status, action, side in itertools.product(flow.LABELS, flow.ACTIONS, flow.SIDES):
        why = flow.refusal(action, status, side)
        if (status, action, side) in allowed:
            assert why is None, (status, action, side)
        else:
            assert why and any("\u4e00" <= ch <= "\u9fff" for ch in why), (status, action, side)
    assert "只能由科技局操作" in flow.refusal(flow.DISPATCH, DemandStatus.NEW, flow.REQUESTER)
    assert "当前为“待派单”" in flow.refusal(flow.START, DemandStatus.NEW, flow.COMMISSIONER)
    assert set(flow.actions_for(DemandStatus.NEW, {flow.STAFF})) == {flow.DISPATCH, flow.CANCEL}


# --- posting ------------------------------------------------------------------------------------------------------


def post(client, url="fieldwork:demand_create", **data):
    base = {"title": "芒果炭疽病防治", "description": "今年雨水多，炭疽病重", "field": "crops", "posted_on": TODAY.isoformat(),
            "contact": "黄支书", "phone": "13800001111"}
    return client.post(reverse(url), {**base, **data})


def test_a_township_liaison_posts_for_a_village_of_its_township_only(field, login):
    c = login(field.world.town)
    page = c.get(reverse("fieldwork:demand_create")).content.decode()
    assert field.v1.name in page and "enterprise_text" not in page
    assert post(c, village=field.v3.pk).status_code == 200  # a_town2's village: not a choice
    assert not Demand.objects.exists()
    response = post(c, village=field.v1.pk)
    d = Demand.objects.get()
    assert response.status_code == 302 and (d.village, d.township, d.district, d.status) == (
        field.v1, field.world.a_town, field.world.a, DemandStatus.NEW)
    assert d.posted_by == field.world.town and d.history.get().history_user == field.world.town


def test_a_firm_posts_for_itself_and_staff_on_behalf(field, login):
    c = login(field.world.ent_user)
    assert c.get(reverse("fieldwork:demands")).context["post_url"] == reverse("fieldwork:demand_request")
    assert c.get(reverse("fieldwork:demand_create")).status_code == 403
    assert post(c, "fieldwork:demand_request", village=field.v1.pk).status_code == 302  # (a village is ignored)
    d = Demand.objects.get()
    assert d.enterprise == field.world.ent_a and d.village is None
    c = login(field.world.staff)
    assert post(c, village="", enterprise_text=field.world.ent_a2.credit_code, title="代企业").status_code == 302
    assert Demand.objects.get(title="代企业").enterprise == field.world.ent_a2
    response = post(c, village="", enterprise_text=field.world.ent_b.credit_code, title="外区企业")
    assert response.status_code == 200 and "企业库中没有" in response.content.decode()
    response = post(c, village=field.v1.pk, enterprise_text=field.world.ent_a.credit_code, title="两个都填")
    assert response.status_code == 200 and "只能选一个" in response.content.decode()
    assert login(field.world.city_user).get(reverse("fieldwork:demand_create")).status_code == 403
    assert login(field.world.expert).get(reverse("fieldwork:demand_create")).status_code == 403
    assert login(field.world.staff).get(reverse("fieldwork:demand_request")).status_code == 403


def test_a_future_date_is_refused_beside_the_field(field, login):
    c = login(field.world.town)
    response = post(c, village=field.v1.pk, posted_on=(TODAY + dt.timedelta(days=1)).isoformat())
    assert "提出日期不能晚于今天" in response.context["form"].errors["posted_on"][0]


# --- suggestions ----------------------------------------------------------------------------------------------------


def need(field, **kw):
    kw.setdefault("village", field.v2)
    return demand_create(actor=field.world.town, district=field.world.a, title=kw.pop("title", "需求"),
                         description="描述", posted_on=TODAY, field=kw.pop("field_code", "crops"), **kw)


def test_suggestions_rank_assigned_then_township_then_field_then_load(field):
    from keguan.fieldwork.selectors.demands import suggest

    a = field.world.a
    same_field = make_commissioner(a, "赵种植", field="crops")
    town_mate = make_commissioner(a, "钱同镇", field="it")
    busy = make_commissioner(a, "孙种植忙", field="crops")
    make_commissioner(a, "过期的", field="crops", start=TODAY - dt.timedelta(days=900)).__class__.objects.filter(
        name="过期的").update(end_on=TODAY - dt.timedelta(days=1))
    Assignment.objects.create(district=a, township=field.world.a_town, commissioner=town_mate, village=field.v1,
                              start_on=TODAY - dt.timedelta(days=5))
    Assignment.objects.create(district=a, township=field.world.a_town, commissioner=same_field, village=field.v1,
                              start_on=TODAY - dt.timedelta(days=50), end_on=TODAY - dt.timedelta(days=20))  # ended
    for i in range(2):
        demand_dispatch(demand=need(field, title=f"忙{i}"), actor=field.world.staff, commissioner=busy)
    d = need(field)  # in v2, to which 张三 (field "crops") is assigned now
    ranked = suggest(d, TODAY)
    names = [s.commissioner.name for s in ranked]
    assert names[:4] == ["张三", "钱同镇", "赵种植", "孙种植忙"] and "过期的" not in names and "王五" not in names
    reasons = {s.commissioner.name: s.reasons for s in ranked}
    assert reasons["张三"][0] == "现结对服务那马村" and "服务领域相同（种植业）" in reasons["张三"]
    assert reasons["钱同镇"][0].startswith("在") and "有结对村/企业" in reasons["钱同镇"][0]
    assert "在办需求 2 件" in reasons["孙种植忙"]


def test_the_page_shows_suggestions_to_staff_only(field, login):
    d = need(field)
    page = login(field.world.staff).get(reverse("fieldwork:demand", args=[d.pk]))
    assert page.status_code == 200 and "现结对服务那马村" in page.content.decode()
    assert "suggestions" not in login(field.world.town).get(reverse("fieldwork:demand", args=[d.pk])).context


# --- the moves through the pages --------------------------------------------------------------------------------------


def test_from_posting_to_feedback_with_history(field, login, media):
    w = field.world
    d = need(field)
    staff, me, town = login(w.staff), None, None
    r = staff.post(reverse("fieldwork:demand_dispatch", args=[d.pk]), {"commissioner": field.me.pk, "version": d.version})
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.status, d.commissioner, d.dispatched_by) == (DemandStatus.DISPATCHED, field.me, w.staff)
    # the commissioner sees it (and its 待办), accepts, logs the visit and completes linking the log
    assert [t for t in (r.text for r in reminders_for(w.expert, TODAY)) if "派给您的" in t] == ["1 项派给您的服务需求尚未完成"]
    me = login(w.expert)
    assert me.get(reverse("fieldwork:demands")).context["page"].paginator.count == 1
    assert me.post(reverse("fieldwork:demand_start", args=[d.pk])).status_code == 302
    log = log_create(actor=w.expert, commissioner=field.me, served_on=TODAY, kind="guidance", content="防治指导",
                     served=8, village=field.v2)
    r = me.post(reverse("fieldwork:demand_complete", args=[d.pk]), {"done_on": TODAY.isoformat(), "log": log.pk})
    assert r.status_code == 302
    d.refresh_from_db()
    log.refresh_from_db()
    assert d.status == DemandStatus.DONE and log.demand == d
    # the requester is reminded, then gives feedback
    assert any("请评价服务" in r.text for r in reminders_for(w.town, TODAY))
    town = login(w.town)
    r = town.post(reverse("fieldwork:demand_feedback", args=[d.pk]), {"satisfaction": "satisfied", "feedback": "很及时"})
    assert r.status_code == 302
    d.refresh_from_db()
    assert (d.satisfaction, d.feedback) == ("satisfied", "很及时")
    assert not any("请评价服务" in r.text for r in reminders_for(w.town, TODAY))
    page = staff.get(reverse("fieldwork:demand", args=[d.pk]))
    history = page.context["history"]
    assert [(h["who"], h["status"]) for h in history] == [
        ("town", "待派单"), ("staff", "已派"), ("expert", "服务中"), ("expert", "已完成"), ("town", "已完成")]
    assert history[1]["what"] == "派单给张三" and "服务日志" in history[3]["what"]


def test_illegal_moves_are_refused_with_a_message(field, login):
    w = field.world
    d = need(field)
    me = login(w.expert)
    # not dispatched to it: it cannot even see it
    assert me.post(reverse("fieldwork:demand_start", args=[d.pk])).status_code == 404
    demand_dispatch(demand=d, actor=w.staff, commissioner=field.me)
    r = me.post(reverse("fieldwork:demand_complete", args=[d.pk]), {"done_on": TODAY.isoformat()}, follow=True)
    assert "当前为“已派”，不能服务完成" in r.content.decode()
    d.refresh_from_db()
    assert d.status == DemandStatus.DISPATCHED
    # the requester cannot cancel once dispatched, nor give feedback before it is done
    town = login(w.town)
    r = town.post(reverse("fieldwork:demand_cancel", args=[d.pk]), {"reason": "不要了"}, follow=True)
    assert "不能撤销" in r.content.decode()
    r = town.post(reverse("fieldwork:demand_feedback", args=[d.pk]), {"satisfaction": "satisfied"}, follow=True)
    assert "需求完成后才能评价" in r.content.decode()
    # a colleague commissioner cannot start it; staff cannot start it (the commissioner's move)
    assert login(field.colleague_user).post(reverse("fieldwork:demand_start", args=[d.pk])).status_code == 404
    assert login(w.staff).post(reverse("fieldwork:demand_start", args=[d.pk])).status_code == 403
    # a commissioner of another district cannot be chosen
    r = login(w.staff).post(reverse("fieldwork:demand_dispatch", args=[d.pk]), {"commissioner": field.other_b.pk})
    assert r.status_code == 200 and "不在可派范围内" in r.content.decode()
    with pytest.raises(ServiceError, match="只能派给本区县"):
        demand_dispatch(demand=d, actor=w.staff, commissioner=field.other_b)
    with pytest.raises(ServiceError, match="已派给张三"):
        demand_dispatch(demand=d, actor=w.staff, commissioner=field.me)
    assert demand_dispatch(demand=d, actor=w.staff, commissioner=field.colleague).commissioner == field.colleague
    assert d.history.order_by("-history_date").first().history_change_reason == "改派：张三 → 李四"


def test_cancel_needs_a_reason_and_ends_the_need(field, login):
    w = field.world
    d = need(field)
    town = login(w.town)
    r = town.post(reverse("fieldwork:demand_cancel", args=[d.pk]), {"reason": ""})
    assert r.status_code == 200 and r.context["cancel_form"].errors["reason"]
    assert town.post(reverse("fieldwork:demand_cancel", args=[d.pk]), {"reason": "已自行解决"}).status_code == 302
    d.refresh_from_db()
    assert (d.status, d.cancel_reason) == (DemandStatus.CANCELLED, "已自行解决")
    with pytest.raises(ServiceError, match="该需求已已撤销，不能再派单|不能再派单"):
        demand_dispatch(demand=d, actor=w.staff, commissioner=field.me)


def test_complete_checks_dates_and_the_log(field):
    w = field.world
    d = need(field)
    demand_dispatch(demand=d, actor=w.staff, commissioner=field.me)
    demand_start(demand=d, actor=w.expert)
    theirs = log_create(actor=None, commissioner=field.colleague, served_on=TODAY, kind="guidance", content="x",
                        served=1, village=field.v1)
    with pytest.raises(ServiceError, match="只能关联接单特派员本人的服务日志"):
        demand_complete(demand=d, actor=w.expert, side=flow.COMMISSIONER, done_on=TODAY, log=theirs)
    with pytest.raises(ServiceError, match="完成日期不能晚于今天"):
        demand_complete(demand=d, actor=w.expert, side=flow.COMMISSIONER, done_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="不能早于开始服务日期"):
        demand_complete(demand=d, actor=w.expert, side=flow.COMMISSIONER, done_on=TODAY - dt.timedelta(days=1))
    demand_complete(demand=d, actor=w.staff, side=flow.STAFF, done_on=TODAY)
    with pytest.raises(ServiceError, match="请选择满意度"):
        demand_feedback(demand=d, actor=w.town, satisfaction="great", feedback="")
    with pytest.raises(ServiceError, match="不能再撤销|已完成"):
        demand_cancel(demand=d, actor=w.staff, side=flow.STAFF, reason="x")


def test_staff_reminder_counts_needs_waiting_for_dispatch(field):
    need(field)
    need(field, title="二")
    rem = [r for r in reminders_for(field.world.staff, TODAY) if "待派单" in r.text]
    assert [(r.count, r.url) for r in rem] == [(2, reverse("fieldwork:demands") + "?status=new")]
    assert not [r for r in reminders_for(field.world.outsider, TODAY) if "待派单" in r.text]
    assert not [r for r in reminders_for(field.world.city_user, TODAY) if "待派单" in r.text]


def test_the_list_filters_and_scope(field, login):
    a = need(field)
    b = demand_create(actor=None, district=field.world.b, title="外区", description="x", posted_on=TODAY,
                      village=field.vb)
    ent = demand_create(actor=None, district=field.world.a, title="企业的", description="x", posted_on=TODAY,
                        enterprise=field.world.ent_a2)
    def ids(user, **params):
        return {d.pk for d in login(user).get(reverse("fieldwork:demands"), params).context["page"].object_list}

    w = field.world
    assert ids(w.staff) == {a.pk, ent.pk} and ids(w.outsider) == {b.pk} and ids(w.city_user) == {a.pk, ent.pk, b.pk}
    assert ids(w.town) == {a.pk}  # its township's
    assert ids(w.ent_user) == set()  # ent_a has none
    assert ids(w.expert) == set()  # nothing dispatched to it
    assert ids(w.staff, status="new", q="企业") == {ent.pk}
    assert ids(w.staff, township=w.b_town.pk) == set()
