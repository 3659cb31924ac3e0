"""责任状, 考核计分规则 and 特派员培训: the services' rules, the assessment computed from the year's records by the
district's rule, the pages as staff, as the commissioner (its own letters, read-only) and as an outsider, and
the team's annual summary as a Word file."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from keguan.core.errors import ServiceError
from keguan.core.versioning import StaleEdit
from keguan.fieldwork.models import (
    Demand,
    DemandStatus,
    Kind,
    Letter,
    Level,
    PointsRule,
    Rating,
    ServiceKind,
    ServiceLog,
    TrainingAttendance,
)
from keguan.fieldwork.selectors.letters import letter_assessment, weights_of
from keguan.fieldwork.services import letters as svc
from keguan.fieldwork.services import roster
from keguan.fieldwork.team_summary import team_summary_draft
from keguan.regions.services import villages_create
from keguan.rules import commissioner_points as points

TODAY = timezone.localdate()
YEAR = TODAY.year - 1  # a whole year behind us: its records are complete


def _commissioner(world, district=None, *, name="韦特派", user=None, kind=Kind.AGRICULTURE, start=None):
    return roster.commissioner_create(
        actor=None, district=district or world.a, name=name, level=Level.COUNTY, kind=kind, field="crops",
        employer="区农技中心", start_on=start or dt.date(YEAR - 1, 1, 1), user=user)


def _village(town, suffix="201", name="测试村"):
    return villages_create(township=town, villages=[(f"{town.code}{suffix}", name)], source="测试")[0]


def _log(c, village, on, *, kind=ServiceKind.GUIDANCE, served=10, introduced=0, content="田间技术指导"):
    return ServiceLog.objects.create(district=c.district, township=village.parent, commissioner=c, served_on=on,
                                     village=village, kind=kind, content=content, served=served, introduced=introduced)


@pytest.fixture
def fw(world):
    """District A: a commissioner (the expert persona's account) with a village, a year of records, a letter."""
    world.village = _village(world.a_town)
    world.c = _commissioner(world, user=world.expert)
    roster.assignment_create(actor=None, district=world.a, commissioner=world.c, village=world.village,
                             start_on=dt.date(YEAR - 1, 1, 1))
    for month in range(1, 13):  # 12 logs in the year, one in the year before (not counted)
        _log(world.c, world.village, dt.date(YEAR, month, 10))
    _log(world.c, world.village, dt.date(YEAR - 1, 12, 31))
    for i, done_on in enumerate((dt.date(YEAR, 3, 1), dt.date(YEAR, 9, 1), dt.date(YEAR + 1, 1, 2))):
        Demand.objects.create(district=world.a, township=world.a_town, village=world.village, title=f"需求{i}",
                              description="病虫害防治", posted_on=dt.date(YEAR, 1, 1), status=DemandStatus.DONE,
                              commissioner=world.c, done_on=done_on)
    Demand.objects.create(district=world.a, township=world.a_town, village=world.village, title="服务中",
                          description="x", posted_on=dt.date(YEAR, 1, 1), status=DemandStatus.SERVING,
                          commissioner=world.c)
    svc.training_create(actor=world.staff, district=world.a, title="业务培训", held_on=dt.date(YEAR, 5, 1),
                        hours=Decimal("8"), attendees=[(world.c, None)])
    svc.training_create(actor=world.staff, district=world.a, title="政策培训", held_on=dt.date(YEAR, 6, 1),
                        hours=Decimal("4"), attendees=[(world.c, Decimal("2"))])
    world.letter = svc.letter_create(actor=world.staff, commissioner=world.c, year=YEAR,
                                     goals="服务不少于24次\n引进新品种2个\n\n培训农民60人次\n建设示范基地1个",
                                     signed_on=dt.date(YEAR, 2, 15))
    return world


# --- services ---------------------------------------------------------------------------------------------


def test_the_assessment_counts_the_years_records_by_the_rule(fw):
    record, result = letter_assessment(fw.letter, goals_met=3)
    # 12 logs (not the one of the year before), 2 needs done in the year (not the one done after it, nor the
    # one still being served), 8 + 2 training hours, 3 of 4 goals
    assert record == points.Record(logs=12, dispatches_done=2, training_hours=Decimal(10), goals=4, goals_met=3)
    assert [line.points for line in result.lines] == [Decimal("24.00"), Decimal("10.00"), Decimal("10.00"),
                                                       Decimal("22.50")]
    assert result.total == Decimal("66.50") and result.rating == "pass"
    assert result.lines[0].basis == "12 条 × 2 分，最高 40 分"


def test_assessing_stores_the_points_and_a_changed_rule_applies_to_later_assessments(fw):
    letter = svc.letter_assess(actor=fw.staff, letter=fw.letter, goals_met=4, rating=Rating.PASS, note="较好",
                               assessed_on=dt.date(YEAR + 1, 1, 10))
    assert (letter.points, letter.goals_met, letter.assessed_by) == (Decimal("74.00"), 4, fw.staff)
    rule = svc.points_rule_save(actor=fw.staff, district=fw.a,
                                weights=points.Weights(per_log=Decimal(3), log_cap=Decimal(60)))
    assert weights_of(rule).per_log == Decimal(3)
    letter.refresh_from_db()
    assert letter.points == Decimal("74.00")  # stored: the new rule does not rewrite it
    _record, now = letter_assessment(letter)
    assert now.total == Decimal("86.00")  # 12 × 3 = 36 instead of 24
    assert letter.history.first().history_change_reason == "年度考核"


def test_letters_refuse_what_makes_no_sense(fw):
    with pytest.raises(ServiceError, match="已有"):
        svc.letter_create(actor=None, commissioner=fw.c, year=YEAR, goals="x")
    with pytest.raises(ServiceError, match="目标任务") as exc:
        svc.letter_create(actor=None, commissioner=fw.c, year=TODAY.year, goals=" \n ")
    assert exc.value.field == "goals"
    with pytest.raises(ServiceError, match="不在服务期内"):
        svc.letter_create(actor=None, commissioner=fw.c, year=YEAR - 2, goals="x")
    with pytest.raises(ServiceError, match="签订日期"):
        svc.letter_create(actor=None, commissioner=fw.c, year=TODAY.year, goals="x", signed_on=TODAY + dt.timedelta(days=1))
    unsigned = svc.letter_create(actor=None, commissioner=fw.c, year=TODAY.year, goals="a\nb")
    with pytest.raises(ServiceError, match="尚未签订"):
        svc.letter_assess(actor=None, letter=unsigned, goals_met=1, rating=Rating.PASS)
    with pytest.raises(ServiceError, match="0到4之间"):
        svc.letter_assess(actor=None, letter=fw.letter, goals_met=5, rating=Rating.PASS)
    with pytest.raises(ServiceError, match="等次"):
        svc.letter_assess(actor=None, letter=fw.letter, goals_met=1, rating="gold")
    assert Letter.objects.filter(assessed_on__isnull=False).count() == 0


def test_a_stale_letter_edit_is_refused_and_says_who_changed_what(fw):
    opened_at = fw.letter.version
    svc.letter_update(actor=fw.leader, letter=Letter.objects.get(pk=fw.letter.pk), goals="新目标", signed_on=None,
                      version=opened_at)
    with pytest.raises(StaleEdit, match="修改了本记录"):
        svc.letter_update(actor=fw.staff, letter=Letter.objects.get(pk=fw.letter.pk), goals="我的目标",
                          signed_on=None, version=opened_at)
    assert Letter.objects.get(pk=fw.letter.pk).goals == "新目标"


def test_the_rule_is_validated_as_a_whole(fw):
    with pytest.raises(ServiceError, match="优秀分数线 ≥ 合格分数线"):
        svc.points_rule_save(actor=None, district=fw.a, weights=points.Weights(pass_from=Decimal(95)))
    with pytest.raises(ServiceError, match="每条服务日志") as exc:
        svc.parse_weights({**{n: "1" for n in ("log_cap", "per_dispatch", "dispatch_cap", "per_training_hour",
                                               "training_cap", "goals_weight", "excellent_from", "pass_from",
                                               "basic_from")}, "per_log": "abc"})
    assert exc.value.field == "per_log"
    assert not PointsRule.objects.exists()


def test_training_attendance_defaults_to_the_trainings_hours_and_follows_edits(fw):
    other = _commissioner(fw, name="黄特派")
    t = svc.training_create(actor=fw.staff, district=fw.a, title="新技术培训", held_on=dt.date(YEAR, 7, 1),
                            hours=Decimal("6"), attendees=[(fw.c, None), (other, Decimal("3"))])
    assert dict(t.attendances.values_list("commissioner__name", "hours")) == {"韦特派": Decimal("6.0"),
                                                                              "黄特派": Decimal("3.0")}
    svc.training_update(actor=fw.staff, training=t, title="新技术培训", held_on=t.held_on, hours=Decimal("6"),
                        attendees=[(other, None)], version=t.version)
    assert list(t.attendances.values_list("commissioner__name", "hours")) == [("黄特派", Decimal("6.0"))]
    outsider = _commissioner(fw, fw.b, name="乙区特派")
    with pytest.raises(ServiceError, match="不是本区县"):
        svc.training_create(actor=None, district=fw.a, title="x", held_on=TODAY, hours=Decimal(2),
                            attendees=[(outsider, None)])
    with pytest.raises(ServiceError, match="参训学时"):
        svc.training_create(actor=None, district=fw.a, title="x", held_on=TODAY, hours=Decimal(2),
                            attendees=[(fw.c, Decimal(3))])
    assert not TrainingAttendance.objects.filter(training__title="x").exists()


# --- pages ------------------------------------------------------------------------------------------------


def test_staff_list_letters_by_year_with_their_status(fw, login):
    svc.letter_create(actor=None, commissioner=_commissioner(fw, name="覃特派"), year=YEAR, goals="a")
    c = login(fw.staff)
    page = c.get(reverse("fieldwork:letters"), {"year": YEAR})
    assert page.status_code == 200
    text = page.content.decode()
    assert page.context["counts"] == {"total": 2, "unsigned": 1, "signed": 1, "assessed": 0}
    assert "韦特派" in text and "覃特派" in text and "未签订" in text and "已签订" in text
    page = c.get(reverse("fieldwork:letters"), {"year": YEAR, "status": "unsigned"})
    assert [x.commissioner.name for x in page.context["page"].object_list] == ["覃特派"]


def test_staff_create_and_assess_a_letter_through_the_pages(fw, login):
    c = login(fw.staff)
    other = _commissioner(fw, name="蒙特派")
    response = c.post(reverse("fieldwork:letter_create"), {"commissioner": other.pk, "year": YEAR,
                                                           "goals": "目标一\n目标二", "signed_on": ""})
    letter = Letter.objects.get(commissioner=other)
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:letter", args=[letter.pk])
    response = c.post(reverse("fieldwork:letter_create"), {"commissioner": other.pk, "year": YEAR, "goals": "",
                                                           "signed_on": ""})
    assert response.status_code == 200 and "novalidate" in response.content.decode()
    assert "请填写" in response.content.decode() or "必填" in response.content.decode()
    page = c.get(reverse("fieldwork:letter_assess", args=[fw.letter.pk]), {"goals_met": 2})
    assert page.status_code == 200
    assert page.context["result"].total == Decimal("59.00")  # 24 + 10 + 10 + 15
    assert "基本合格" in page.content.decode()  # the suggested rating for 59 points
    response = c.post(reverse("fieldwork:letter_assess", args=[fw.letter.pk]), {
        "goals_met": 4, "rating": Rating.EXCELLENT, "assessed_on": TODAY.isoformat(), "assessment_note": "表现突出",
        "version": fw.letter.version})
    assert response.status_code == 302
    fw.letter.refresh_from_db()
    assert (fw.letter.points, fw.letter.rating) == (Decimal("74.00"), Rating.EXCELLENT)
    detail = c.get(reverse("fieldwork:letter", args=[fw.letter.pk])).content.decode()
    assert "已考核" in detail and "74" in detail and "表现突出" in detail
    response = c.post(reverse("fieldwork:letter_assess", args=[fw.letter.pk]), {
        "goals_met": 9, "rating": Rating.PASS, "assessed_on": TODAY.isoformat(), "version": fw.letter.version})
    assert response.status_code == 200 and "不能超过目标总数 4" in response.content.decode()


def test_the_commissioner_sees_its_own_letters_read_only(fw, login):
    other = svc.letter_create(actor=None, commissioner=_commissioner(fw, name="别人"), year=YEAR, goals="别人的目标")
    c = login(fw.expert)
    page = c.get(reverse("fieldwork:letters"), {"year": YEAR})
    assert page.status_code == 200
    assert [x.pk for x in page.context["page"].object_list] == [fw.letter.pk]
    detail = c.get(reverse("fieldwork:letter", args=[fw.letter.pk]))
    assert detail.status_code == 200 and "服务不少于24次" in detail.content.decode()
    assert reverse("fieldwork:letter_edit", args=[fw.letter.pk]) not in detail.content.decode()
    assert c.get(reverse("fieldwork:letter", args=[other.pk])).status_code == 404
    assert c.get(reverse("fieldwork:letter_edit", args=[fw.letter.pk])).status_code == 403
    assert c.post(reverse("fieldwork:letter_assess", args=[fw.letter.pk]), {"goals_met": 4}).status_code == 403
    assert c.get(reverse("fieldwork:trainings")).status_code == 403


def test_an_outsider_and_an_enterprise_get_nothing(fw, login):
    c = login(fw.outsider)
    assert c.get(reverse("fieldwork:letter", args=[fw.letter.pk])).status_code == 404
    assert c.get(reverse("fieldwork:letters"), {"year": YEAR}).context["counts"]["total"] == 0
    c = login(fw.ent_user)
    assert c.get(reverse("fieldwork:letters")).status_code == 403


def test_the_rule_page_shows_the_rule_in_words_and_staff_change_it(fw, login):
    c = login(fw.staff)
    page = c.get(reverse("fieldwork:points_rule"))
    text = page.content.decode()
    assert page.status_code == 200 and "每条记 2 分，最高 40 分" in text and "满分合计 100 分" in text
    assert "尚未设定计分规则" in text
    data = {"per_log": "1.5", "log_cap": "30", "per_dispatch": "5", "dispatch_cap": "20", "per_training_hour": "1",
            "training_cap": "10", "goals_weight": "40", "excellent_from": "90", "pass_from": "60", "basic_from": "50"}
    assert c.post(reverse("fieldwork:points_rule"), {**data, "pass_from": "95"}).status_code == 200
    assert not PointsRule.objects.exists()
    assert c.post(reverse("fieldwork:points_rule"), data).status_code == 302
    rule = PointsRule.objects.get(district=fw.a)
    assert (rule.per_log, rule.goals_weight) == (Decimal("1.5"), Decimal("40"))
    text = c.get(reverse("fieldwork:points_rule")).content.decode()
    assert "每条记 1.5 分，最高 30 分" in text and "设定考核计分规则" in text  # the history
    expert = login(fw.expert).get(reverse("fieldwork:points_rule"))
    assert expert.status_code == 200 and expert.context["form"] is None
    assert login(fw.expert).post(reverse("fieldwork:points_rule"), data).status_code == 403


def test_trainings_pages(fw, login):
    c = login(fw.staff)
    page = c.get(reverse("fieldwork:trainings"))
    assert page.status_code == 200 and "业务培训" in page.content.decode()
    response = c.post(reverse("fieldwork:training_create"), {
        "title": "茉莉花栽培培训", "held_on": TODAY.isoformat(), "hours": "4", "attendees": [fw.c.pk],
        f"hours_{fw.c.pk}": "2.5"})
    assert response.status_code == 302
    t = fw.c.attendances.get(training__title="茉莉花栽培培训")
    assert t.hours == Decimal("2.5")
    response = c.post(reverse("fieldwork:training_create"), {
        "title": "x", "held_on": TODAY.isoformat(), "hours": "4", "attendees": [fw.c.pk], f"hours_{fw.c.pk}": "abc"})
    assert response.status_code == 200 and "不是数字" in response.content.decode()
    detail = c.get(reverse("fieldwork:training", args=[t.training_id])).content.decode()
    assert "韦特派" in detail and "2.5" in detail


def test_the_team_summary_is_a_word_file_in_the_teams_shape(fw, login):
    team = roster.team_create(actor=None, district=fw.a, name="青秀区科技专家服务团", industries="茉莉花、甘蔗",
                              start_on=dt.date(YEAR - 1, 3, 1))
    roster.team_member_add(actor=None, team=team, commissioner=fw.c, is_chief=True)
    _log(fw.c, fw.village, dt.date(YEAR, 4, 2), kind=ServiceKind.TEACHING, served=80, content="在测试村举办茉莉花栽培培训")
    _log(fw.c, fw.village, dt.date(YEAR, 5, 2), kind=ServiceKind.INTRODUCTION, served=20, introduced=2,
         content="在测试村引进茉莉花新品种")
    draft = team_summary_draft(team, YEAR)
    text = draft.plain_text()
    assert f"一、{YEAR}年青秀区科技专家服务团工作开展情况" in text and f"{YEAR + 1}年青秀区科技专家服务团工作打算" in text
    assert "1.强化组织保障" in text and "成员1人，首席专家为区农技中心韦特派" in text
    assert "开展科技下乡服务14次" in text and "服务群众220人次" in text  # 12 × 10 + 80 + 20
    assert "举办技术培训1场，培训土专家、田秀才80人次" in text and "引进推广新品种、新技术2个" in text
    assert "参加科技特派员业务培训2人次、共10学时" in text
    c = login(fw.staff)
    response = c.get(reverse("fieldwork:team_summary", args=[team.pk]), {"year": YEAR})
    assert response.status_code == 200 and "wordprocessingml" in response["Content-Type"]
    doc = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "强化组织保障" in doc and "田秀才80人次" in doc
    assert c.get(reverse("fieldwork:team_summary", args=[team.pk]), {"year": 1990}).status_code == 404
    assert login(fw.outsider).get(reverse("fieldwork:team_summary", args=[team.pk])).status_code == 404
    assert login(fw.expert).get(reverse("fieldwork:team_summary", args=[team.pk]), {"year": YEAR}).status_code == 200
