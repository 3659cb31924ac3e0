"""The 服务需求 workflow's 退回派单 move (pure rules): only the commissioner, only before accepting, back to
待派单; the reason it must give."""

from __future__ import annotations

from keguan.rules import demand_flow as flow

KNOWN = frozenset(code for code, _ in flow.DECLINE_REASONS)


def test_only_the_commissioner_may_send_back_a_dispatched_need_before_accepting_it():
    assert flow.refusal(flow.DECLINE, flow.DISPATCHED, flow.COMMISSIONER) is None
    assert flow.ACTIONS[flow.DECLINE].target == flow.NEW and flow.ACTIONS[flow.DECLINE].reason
    assert "当前为“服务中”，不能退回派单" in flow.refusal(flow.DECLINE, flow.SERVING, flow.COMMISSIONER)
    assert "当前为“待派单”" in flow.refusal(flow.DECLINE, flow.NEW, flow.COMMISSIONER)
    assert "已已完成" not in flow.refusal(flow.DECLINE, flow.DONE, flow.COMMISSIONER)
    assert "不能再退回派单" in flow.refusal(flow.DECLINE, flow.CANCELLED, flow.COMMISSIONER)
    assert "只能由接单的特派员操作" in flow.refusal(flow.DECLINE, flow.DISPATCHED, flow.STAFF)
    assert "只能由接单的特派员操作" in flow.refusal(flow.DECLINE, flow.DISPATCHED, flow.REQUESTER)


def test_the_commissioner_sees_start_and_decline_on_a_dispatched_need_only():
    assert flow.actions_for(flow.DISPATCHED, {flow.COMMISSIONER}) == [flow.START, flow.DECLINE]
    assert flow.DECLINE not in flow.actions_for(flow.SERVING, {flow.COMMISSIONER})
    assert flow.DECLINE not in flow.actions_for(flow.DISPATCHED, {flow.STAFF, flow.REQUESTER})


def test_a_decline_needs_a_known_reason_and_words_for_other():
    assert flow.decline_problem("time_conflict", "", KNOWN) is None
    assert flow.decline_problem("not_my_field", "  只做畜牧 ", KNOWN) is None
    assert flow.decline_problem("other", "本月外出培训", KNOWN) is None
    assert flow.decline_problem("", "", KNOWN) == ("reason", "请选择退回原因")
    assert flow.decline_problem("moon", "", KNOWN) == ("reason", "所选退回原因不可用，请重新选择")
    assert flow.decline_problem("other", "   ", KNOWN) == ("note", "退回原因选“其他”时，请写明具体原因")
    assert flow.decline_problem("time_conflict", "字" * 201, KNOWN)[0] == "note"
    assert flow.decline_problem("time_conflict", "字" * 200, KNOWN) is None
