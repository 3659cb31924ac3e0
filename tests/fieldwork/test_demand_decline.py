"""退回派单: a commissioner sends a need dispatched to it back with a reason (“其他” with words); the need is
待派单 again with the decline in its history and on its page, the bureau's 待办 counts needs sent back, and the
suggestions put the commissioner that sent it back last, marked “已退回”."""

from __future__ import annotations

import pytest
from django.urls import reverse

from keguan.core.areas import reminders_for
from keguan.core.errors import ServiceError
from keguan.fieldwork.models import Demand, DemandDecline, DemandStatus
from keguan.fieldwork.selectors.demands import suggest
from keguan.fieldwork.services.demands import demand_create, demand_decline, demand_dispatch, demand_start

from .logs_fixtures import TODAY, field_fixture, make_commissioner, media_fixture  # noqa: F401


def dispatched(field, commissioner=None, title="芒果炭疽病防治"):
    d = demand_create(
        actor=field.world.town,
        district=field.world.a,
        title=title,
        description="描述",
        posted_on=TODAY,
        village=field.v2,
        field="crops",
    )
    return demand_dispatch(demand=d, actor=field.world.staff, commissioner=commissioner or field.me)


def decline_url(d):
    return reverse("fieldwork:demand_decline", args=[d.pk])


def test_the_commissioner_sends_it_back_with_a_reason_and_it_waits_for_dispatch_again(field, login):
    w = field.world
    d = dispatched(field)
    me = login(w.expert)
    page = me.get(reverse("fieldwork:demand", args=[d.pk]))
    assert "decline_form" in page.context and "时间冲突" in page.content.decode()
    r = me.post(decline_url(d), {"reason": "time_conflict", "note": "下周在外地培训"})
    assert r.status_code == 302 and r["Location"] == reverse("fieldwork:demands")
    d.refresh_from_db()
    assert (d.status, d.commissioner, d.dispatched_on, d.dispatched_by) == (
        DemandStatus.NEW,
        None,
        None,
        None,
    )
    x = DemandDecline.objects.get()
    assert (x.demand, x.commissioner, x.reason, x.note, x.declined_by, x.dispatched_on) == (
        d,
        field.me,
        "time_conflict",
        "下周在外地培训",
        w.expert,
        TODAY,
    )
    assert x.words == "时间冲突（下周在外地培训）"
    # it is no longer the commissioner's: gone from its list and its 待办
    assert me.get(reverse("fieldwork:demand", args=[d.pk])).status_code == 404
    assert not any("派给您的" in r.text for r in reminders_for(w.expert, TODAY))
    # the bureau: its 待办, the list filter, the page (who, when, why) and the history
    rem = [r for r in reminders_for(w.staff, TODAY) if "退回" in r.text]
    assert [(r.text, r.count, r.url) for r in rem] == [
        ("特派员退回的派单 1 项", 1, reverse("fieldwork:demands") + "?status=returned")
    ]
    assert not [r for r in reminders_for(w.staff, TODAY) if "待派单" in r.text and r.count]  # counted once
    staff = login(w.staff)
    listed = staff.get(reverse("fieldwork:demands"), {"status": "returned"})
    assert [o.pk for o in listed.context["page"].object_list] == [
        d.pk
    ] and "已退回" in listed.content.decode()
    page = staff.get(reverse("fieldwork:demand", args=[d.pk]))
    text = page.content.decode()
    assert (
        "特派员退回了派单，请重新派单" in text and "张三退回" in text and "时间冲突（下周在外地培训）" in text
    )
    history = page.context["history"]
    assert (history[-1]["who"], history[-1]["what"], history[-1]["status"]) == (
        "expert",
        "张三退回派单：时间冲突（下周在外地培训）",
        "待派单",
    )
    # the suggestions: 张三 (assigned to the village, same field) is no longer first, and says why
    ranked = page.context["suggestions"]
    assert ranked[0].commissioner != field.me and ranked[-1].commissioner == field.me
    assert ranked[-1].reasons[0] == "已退回：时间冲突（下周在外地培训）" and 'data-declined="1"' in text
    # dispatched anew: the 待办 is gone, the decline stays on the page
    demand_dispatch(demand=d, actor=w.staff, commissioner=field.colleague)
    assert not [r for r in reminders_for(w.staff, TODAY) if "退回" in r.text and r.count]
    assert "该需求曾被特派员退回" in staff.get(reverse("fieldwork:demand", args=[d.pk])).content.decode()


def test_other_needs_words_and_errors_stand_beside_the_field(field, login):
    d = dispatched(field)
    me = login(field.world.expert)
    r = me.post(decline_url(d), {"reason": "", "note": ""})
    assert r.status_code == 200 and r.context["decline_form"].errors["reason"] == ["请选择退回原因"]
    r = me.post(decline_url(d), {"reason": "other", "note": "  "})
    assert r.status_code == 200 and r.context["decline_form"].errors["note"] == [
        "退回原因选“其他”时，请写明具体原因"
    ]
    assert "提交的内容有 1 处需要修改" in r.content.decode()
    r = me.post(decline_url(d), {"reason": "moon", "note": ""})
    assert r.context["decline_form"].errors["reason"]
    d.refresh_from_db()
    assert d.status == DemandStatus.DISPATCHED and not DemandDecline.objects.exists()
    assert me.post(decline_url(d), {"reason": "other", "note": "家中有事"}).status_code == 302
    assert DemandDecline.objects.get().words == "家中有事"
    assert Demand.objects.get().history.first().history_change_reason == "张三退回派单：家中有事"


def test_only_the_commissioner_it_went_to_and_only_before_accepting(field, login):
    w = field.world
    d = dispatched(field)
    assert login(w.staff).post(decline_url(d), {"reason": "time_conflict"}).status_code == 403
    assert login(w.town).post(decline_url(d), {"reason": "time_conflict"}).status_code == 403
    assert login(field.colleague_user).post(decline_url(d), {"reason": "time_conflict"}).status_code == 404
    demand_start(demand=d, actor=w.expert)
    r = login(w.expert).post(decline_url(d), {"reason": "time_conflict"}, follow=True)
    assert "当前为“服务中”，不能退回派单" in r.content.decode()
    d.refresh_from_db()
    assert d.status == DemandStatus.SERVING and not DemandDecline.objects.exists()
    with pytest.raises(ServiceError, match="不能退回派单"):
        demand_decline(demand=d, actor=w.expert, reason="time_conflict")
    page = login(w.expert).get(reverse("fieldwork:demand", args=[d.pk]))
    assert "decline_form" not in page.context


def test_a_disabled_reason_is_refused_and_declined_twice_keeps_both(field):
    from keguan.core import dictionary
    from keguan.core.models import DictItem

    w = field.world
    d = dispatched(field)
    DictItem.objects.filter(kind="demand_decline_reason", code="not_my_field").update(enabled=False)
    dictionary.forget("demand_decline_reason")
    with pytest.raises(ServiceError, match="不可用"):
        demand_decline(demand=d, actor=w.expert, reason="not_my_field")
    demand_decline(demand=d, actor=w.expert, reason="time_conflict")
    other = make_commissioner(w.a, "周六", field="crops")
    demand_dispatch(demand=d, actor=w.staff, commissioner=other)
    demand_decline(demand=d, actor=None, reason="other", note="不熟悉")
    assert [x.commissioner.name for x in d.declines.order_by("id")] == ["张三", "周六"]
    names = [s.commissioner.name for s in suggest(d, TODAY)]
    assert names[-2:] == ["张三", "周六"] or names[-2:] == ["周六", "张三"]
    assert all(s.declined for s in suggest(d, TODAY)[-2:]) and not suggest(d, TODAY)[0].declined
