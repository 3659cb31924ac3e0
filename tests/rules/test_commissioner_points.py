"""The assessment points of a 科技特派员 (keguan.rules.commissioner_points): worked examples and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keguan.rules.commissioner_points import Record, Weights, assess

D = Decimal


def test_worked_example_with_the_default_weights():
    # 14 logs × 2 = 28; 3 dispatches × 5 = 15; 6.5 hours × 1 = 6.5; 4 of 5 goals × 30 = 24 → 73.5, 合格
    p = assess(Record(logs=14, dispatches_done=3, training_hours=D("6.5"), goals=5, goals_met=4))
    assert [line.points for line in p.lines] == [D("28.00"), D("15.00"), D("6.50"), D("24.00")]
    assert p.total == D("73.50") and p.rating == "pass" and p.rating_label == "合格"
    assert p.lines[0].basis == "14 条 × 2 分，最高 40 分"


def test_caps_and_the_excellent_line():
    p = assess(Record(logs=60, dispatches_done=9, training_hours=D("30"), goals=3, goals_met=3))
    assert p.total == D("100.00") and p.rating == "excellent"


def test_thresholds_are_inclusive_and_tunable():
    w = Weights(per_log=D("1"), log_cap=D("100"), excellent_from=D("50"), pass_from=D("40"), basic_from=D("30"))
    assert assess(Record(logs=50), w).rating == "excellent"
    assert assess(Record(logs=49), w).rating == "pass"
    assert assess(Record(logs=30), w).rating == "basic"
    assert assess(Record(logs=29), w).rating == "fail"


def test_a_letter_without_goals_scores_none_for_them_and_says_so():
    p = assess(Record(logs=1))
    assert p.lines[3].points == 0 and "未列目标" in p.lines[3].basis


def test_thirds_round_half_up():
    assert assess(Record(goals=3, goals_met=1)).lines[3].points == D("10.00")
    assert assess(Record(goals=3, goals_met=2)).lines[3].points == D("20.00")


def test_impossible_records_and_weights_are_refused():
    with pytest.raises(ValueError):
        assess(Record(goals=2, goals_met=3))
    with pytest.raises(ValueError):
        assess(Record(logs=-1))
    assert Weights(pass_from=D("95")).problems() == ["分数线应满足：优秀分数线 ≥ 合格分数线 ≥ 基本合格分数线 ≥ 0"]
    assert Weights(per_log=D("-1")).problems() == ["每条服务日志不能为负数"]


@given(logs=st.integers(0, 500), disp=st.integers(0, 100), hours=st.decimals(0, 200, places=1),
       goals=st.integers(0, 20), data=st.data())
def test_total_is_the_sum_of_capped_parts_and_never_above_full_marks(logs, disp, hours, goals, data):
    met = data.draw(st.integers(0, goals))
    p = assess(Record(logs=logs, dispatches_done=disp, training_hours=hours, goals=goals, goals_met=met))
    assert p.total == sum(line.points for line in p.lines)
    assert D(0) <= p.total <= Weights().full_marks
    more = assess(Record(logs=logs + 1, dispatches_done=disp, training_hours=hours, goals=goals, goals_met=met))
    assert more.total >= p.total
