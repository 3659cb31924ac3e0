"""Demo data for the ledger (called by the area's ``demo.py``): for each district, a year of visits to its
firms (some with needs raised on the spot), a questionnaire round with its questions and the answers of a few
dozen firms (the answers to the need questions become needs, source 问卷), and needs in every status: new ones
without an owner, ones being followed up (some open longer than 30 days), solved ones with their result and
unsolvable ones with the reason, each with dated follow-ups. ``bulk_create`` (no history rows, like the rest of
the demo data), so it stays fast for large cities."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from keguan.accounts.models import Role, User
from keguan.demo.bulk import raw_delete
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region

from .models import (
    Answer,
    FollowUp,
    Need,
    NeedSource,
    NeedStatus,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    ResponseSource,
    Visit,
    VisitWay,
)

VISITS_PER_DISTRICT = 60
RESPONSES_PER_DISTRICT = 30
NEEDS = {
    "talent": ["引进嵌入式软件工程师2名", "希望对接高校联合培养研发人员", "申报市级领军人才需要政策指导"],
    "transfer": ["寻求高校专利成果转化合作", "希望对接新材料领域科技成果"],
    "platform": ["计划建设市级企业研发中心，需要申报指导", "希望与高校共建联合实验室"],
    "rd": ["关键工艺技术攻关需要专家指导", "产品检测认证需要对接第三方平台"],
    "finance": ["申请科技型中小企业贷款需要对接银行", "希望了解研发费用后补助政策"],
    "policy": ["研发费用加计扣除政策操作有疑问", "高新技术企业认定条件咨询"],
    "other": ["希望参加行业展会对接市场"],
}
RESULTS = ["已对接区内高校，企业与高校签订合作协议", "已协调银行发放科技贷款", "已上门讲解政策，企业完成申报",
           "已推荐参加市级对接会，达成合作意向"]
REASONS = ["企业需求涉及用地规划调整，超出本局职责，已转相关部门", "企业暂停项目，需求取消"]
NOTES = ["电话联系企业负责人，了解需求详情", "上门走访，与企业研发负责人座谈", "协调区人社局、高校对接",
         "汇总上报市科技局，争取支持"]
VISIT_NOTES = ["了解企业研发投入和人才需求，宣讲研发费用加计扣除政策", "调研企业高企申报准备情况，指导完善知识产权布局",
               "座谈了解企业生产经营和技术难题", "宣讲科技型中小企业评价政策，指导企业入库"]


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """Remove the ledger's rows (with their history) of these districts and firms."""
    for model in (FollowUp,):
        raw_delete(model.history.filter(need__district_id__in=district_ids))
        raw_delete(model.objects.filter(need__district_id__in=district_ids))
    raw_delete(Need.history.filter(district_id__in=district_ids))
    raw_delete(Need.objects.filter(district_id__in=district_ids))
    raw_delete(Answer.history.filter(response__district_id__in=district_ids))
    raw_delete(Answer.objects.filter(response__district_id__in=district_ids))
    raw_delete(Response.history.filter(district_id__in=district_ids))
    raw_delete(Response.objects.filter(district_id__in=district_ids))
    raw_delete(Question.history.filter(questionnaire__district_id__in=district_ids))
    raw_delete(Question.objects.filter(questionnaire__district_id__in=district_ids))
    raw_delete(Questionnaire.history.filter(district_id__in=district_ids))
    raw_delete(Questionnaire.objects.filter(district_id__in=district_ids))
    raw_delete(Visit.history.filter(district_id__in=district_ids))
    raw_delete(Visit.objects.filter(district_id__in=district_ids))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59))))


def make(*, districts: list[Region], today: dt.date, seed: int = 2024) -> int:
    """The ledger's demo rows for ``districts``; returns the number of needs made."""
    rng = random.Random(f"ledger-{seed}")
    staff = {}
    for u in User.objects.filter(region__in=districts, role__in=[Role.DISTRICT_STAFF, Role.DISTRICT_LEADER]
                                 ).order_by("role", "id"):
        staff.setdefault(u.region_id, []).append(u)
    liaisons = {u.region_id: u for u in User.objects.filter(region__parent__in=districts, role=Role.TOWNSHIP_LIAISON)}
    year_ago = today - dt.timedelta(days=365)
    total = 0
    for district in districts:
        firms = list(Enterprise.objects.filter(district=district).order_by("pk").values_list("pk", "township_id")[:2000])
        if not firms:
            continue
        people = staff.get(district.pk, [])
        word = people[0].display_name if people else "区科技局"
        visits = []
        for _ in range(VISITS_PER_DISTRICT):
            pk, town = rng.choice(firms)
            visits.append(Visit(district=district, township_id=town, enterprise_id=pk, visited_on=_day(rng, year_ago, today),
                                way=rng.choice([VisitWay.VISIT, VisitWay.VISIT, VisitWay.SURVEY, VisitWay.PHONE]),
                                visitors=f"{district.name}科技局{word}等", met="企业负责人",
                                notes=rng.choice(VISIT_NOTES), created_by=people[0] if people else None))
        visits = Visit.objects.bulk_create(visits)
        # the questionnaire: closed, answered by a few dozen firms
        opens = today - dt.timedelta(days=120)
        q = Questionnaire.objects.create(
            district=district, title=f"{today.year}年{district.name}企业科技需求调查问卷",
            intro="为精准服务企业创新发展，请如实填写贵企业在人才、技术、平台、资金等方面的需求。",
            opens_on=opens, closes_on=opens + dt.timedelta(days=30), status=QuestionnaireStatus.CLOSED,
            created_by=people[0] if people else None)
        q1 = Question.objects.create(questionnaire=q, order=1, text="企业研发人员数量", kind=QuestionKind.NUMBER, required=True)
        q2 = Question.objects.create(questionnaire=q, order=2, text="目前最需要的支持（可多选）", kind=QuestionKind.MULTI,
                                     options="人才引进\n技术攻关\n成果转化\n融资\n政策辅导", required=True)
        q3 = Question.objects.create(questionnaire=q, order=3, text="人才方面的具体需求", kind=QuestionKind.TEXT,
                                     need_category="talent")
        q4 = Question.objects.create(questionnaire=q, order=4, text="技术研发方面的具体需求", kind=QuestionKind.TEXT,
                                     need_category="rd")
        answered = rng.sample(firms, min(RESPONSES_PER_DISTRICT, len(firms)))
        responses = Response.objects.bulk_create([
            Response(questionnaire=q, enterprise_id=pk, district=district, township_id=town,
                     source=rng.choice([ResponseSource.ONLINE, ResponseSource.IMPORT]),
                     submitted_at=_at(_day(rng, opens, opens + dt.timedelta(days=30)), rng)) for pk, town in answered])
        answers, needs = [], []
        for r in responses:
            picked = rng.sample(["人才引进", "技术攻关", "成果转化", "融资", "政策辅导"], rng.randint(1, 3))
            talent = rng.choice(NEEDS["talent"] + ["无"])
            rd = rng.choice(NEEDS["rd"] + ["无", "无"])
            answers += [Answer(response=r, question=q1, value=str(rng.randint(3, 80))),
                        Answer(response=r, question=q2, value="\n".join(o for o in q2.option_list if o in picked)),
                        Answer(response=r, question=q3, value=talent), Answer(response=r, question=q4, value=rd)]
            for question, value, category in ((q3, talent, "talent"), (q4, rd, "rd")):
                if value != "无":
                    needs.append(Need(district=district, township_id=r.township_id, enterprise_id=r.enterprise_id,
                                      category=category, description=f"{question.text}：{value}",
                                      source=NeedSource.QUESTIONNAIRE, response=r, question=question,
                                      raised_on=timezone.localtime(r.submitted_at).date()))
        Answer.objects.bulk_create(answers)
        # needs raised at visits, on the hotline and at events
        for v in rng.sample(visits, min(25, len(visits))):
            category = rng.choice(list(NEEDS))
            needs.append(Need(district=district, township_id=v.township_id, enterprise_id=v.enterprise_id,
                              category=category, description=rng.choice(NEEDS[category]), source=NeedSource.VISIT,
                              visit=v, raised_on=v.visited_on))
        for _ in range(10):
            pk, town = rng.choice(firms)
            category = rng.choice(list(NEEDS))
            needs.append(Need(district=district, township_id=town, enterprise_id=pk, category=category,
                              description=rng.choice(NEEDS[category]),
                              source=rng.choice([NeedSource.HOTLINE, NeedSource.ONLINE, NeedSource.EVENT]),
                              raised_on=_day(rng, year_ago, today)))
        # every status: the oldest mostly closed, recent ones new or being followed up
        follow_ups = []
        needs.sort(key=lambda n: n.raised_on)
        for n in needs:
            age = (today - n.raised_on).days
            roll = rng.random()
            owner = None
            if people or (n.township_id in liaisons):
                owner = liaisons.get(n.township_id) if rng.random() < 0.3 and n.township_id in liaisons else (
                    rng.choice(people) if people else None)
            if age < 10 and roll < 0.6:
                n.status = NeedStatus.NEW  # (no owner yet: a 待办 of the district's staff)
                continue
            n.owner = owner
            if age > 45 and roll < 0.65:
                n.status, n.result = NeedStatus.SOLVED, rng.choice(RESULTS)
                n.closed_on = min(today, n.raised_on + dt.timedelta(days=rng.randint(10, 40)))
            elif age > 45 and roll < 0.75:
                n.status, n.result = NeedStatus.UNSOLVABLE, rng.choice(REASONS)
                n.closed_on = min(today, n.raised_on + dt.timedelta(days=rng.randint(15, 45)))
            else:
                n.status = NeedStatus.FOLLOWING
        needs = Need.objects.bulk_create(needs)
        for n in needs:
            if n.status == NeedStatus.NEW:
                continue
            end = n.closed_on or today
            for k in range(rng.randint(1, 3)):
                follow_ups.append(FollowUp(need=n, on=_day(rng, n.raised_on, end), note=rng.choice(NOTES),
                                           internal=k == 2, by=n.owner))
        FollowUp.objects.bulk_create(follow_ups)
        total += len(needs)
    return total
