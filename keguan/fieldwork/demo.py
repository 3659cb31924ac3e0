"""Demo data for 科技特派员: for each demo district, commissioners at three levels (省/市/区县) and of three kinds
(农业/工业/三区人才) — the district's demo commissioner account (``expert_<code>``) is one of them — two expert
service teams with members and a chief expert, flags on about 30% of the villages, assignments to villages
and firms that leave a gap in coverage (85–95% of villages; the first district covers them all), service
logs from the start of last year to today (photos left out; 1–4 a month per commissioner, a few who log
nothing), needs in every status with the requesters' feedback, trainings with attendance, the district's
points rule, last year's letters assessed and this year's letters signed (a few not yet).

Rows are inserted in bulk (no history rows, like the rest of the demo data), in a fixed order from the seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from keguan.accounts.models import Role, User
from keguan.demo import names
from keguan.demo.bulk import raw_delete
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel
from keguan.rules import commissioner_points as points

from .models import (
    Assignment,
    Commissioner,
    Demand,
    DemandDecline,
    DemandStatus,
    Form,
    Kind,
    Letter,
    Level,
    LogPhoto,
    PointsRule,
    Rating,
    Satisfaction,
    ServiceKind,
    ServiceLog,
    Team,
    TeamKind,
    TeamMember,
    Training,
    TrainingAttendance,
    VillageInfo,
)

BATCH = 1000
EMPLOYERS = {
    Kind.AGRICULTURE: ["广西农业科学院", "广西大学农学院", "市农业科学研究所", "区农业技术推广中心", "区水产畜牧兽医站",
                       "市林业科学研究所", "广西亚热带作物研究所"],
    Kind.INDUSTRY: ["广西大学机械工程学院", "桂林电子科技大学", "广西科学院", "广西机械工业研究院", "广西化工研究院",
                    "南宁职业技术学院"],
    Kind.THREE_AREAS: ["区农业农村局", "广西职业技术学院", "区中医医院", "市农产品质量安全检测中心"],
}
TITLES = ["研究员", "副研究员", "高级农艺师", "农艺师", "高级工程师", "工程师", "副教授", "教授", "高级畜牧师"]
FIELDS = {Kind.AGRICULTURE: ["crops", "fruit_tea", "livestock", "forestry", "processing"],
          Kind.INDUSTRY: ["manufacturing", "biomed", "it", "processing"],
          Kind.THREE_AREAS: ["ecommerce", "machinery", "crops", "other"]}
SPECIALTIES = {"crops": "水稻、甘蔗高产栽培", "fruit_tea": "柑橘、火龙果、茉莉花栽培与病虫害防治", "livestock": "生猪、肉牛健康养殖",
               "forestry": "林下经济、中药材种植", "processing": "农产品精深加工", "machinery": "农业机械化",
               "ecommerce": "农村电商与品牌营销", "manufacturing": "机械制造工艺改进", "biomed": "生物医药工艺",
               "it": "工业互联网与数字化改造", "other": "乡村规划"}
INDUSTRIES = ["甘蔗", "茉莉花", "火龙果", "沃柑", "桑蚕", "香蕉", "中药材", "生猪养殖", "肉牛养殖", "食用菌", "蔬菜", "茶叶"]
CONTENT = {
    ServiceKind.GUIDANCE: ["到{place}指导{crop}{stage}管理，现场讲解病虫害识别与绿色防控", "深入{place}{crop}基地开展田间技术指导，"
                           "解决水肥管理问题", "到{place}指导{crop}标准化种植，帮助合作社制定生产技术规程"],
    ServiceKind.TEACHING: ["在{place}举办{crop}实用技术培训班，讲授高产栽培和病虫害防治技术",
                           "在{place}村民活动室开展{crop}种养技术培训，培训种植养殖大户和合作社骨干",
                           "在{place}田间课堂开展“土专家、田秀才”培训，现场示范{crop}修剪和施肥"],
    ServiceKind.CONSULTING: ["为{place}群众解答{crop}种植中遇到的技术问题", "电话和上门解答{place}农户关于{crop}市场和技术的咨询"],
    ServiceKind.INTRODUCTION: ["在{place}引进{crop}新品种并建立试种示范点", "向{place}推广{crop}水肥一体化新技术"],
    ServiceKind.DEMONSTRATION: ["在{place}建设{crop}科技示范基地，带动周边农户应用新技术",
                                "指导{place}{crop}示范基地完善标准化生产设施"],
}
FIRM_INTRODUCTION = ["向{place}推广{tech}新技术，完成首批试生产", "为{place}引进{tech}新工艺，降低生产能耗"]
TECHS = ["智能检测", "工业机器人上下料", "余热回收", "数字化车间", "低温发酵", "无损检测"]
FIRM_CONTENT = ["到{place}开展生产工艺诊断，提出设备改造建议", "帮助{place}梳理技术需求，对接高校研发团队",
                "指导{place}申报科技项目和研发费用加计扣除", "到{place}开展质量管理和新产品研发技术指导"]
STAGES = ["春季", "花期", "挂果期", "秋冬季", "苗期"]
KIND_WEIGHTS = [(ServiceKind.GUIDANCE, 40), (ServiceKind.TEACHING, 15), (ServiceKind.CONSULTING, 25),
                (ServiceKind.INTRODUCTION, 8), (ServiceKind.DEMONSTRATION, 12)]
DEMANDS = [("{crop}病虫害防治技术需求", "今年{crop}病害较重，希望特派员上门指导防治"),
           ("{crop}新品种引进需求", "村里计划调整种植结构，希望引进适合本地的{crop}新品种"),
           ("{crop}种植技术培训需求", "希望组织一次{crop}种植技术培训，参加农户约30人"),
           ("农产品电商销售指导需求", "合作社的{crop}销路不畅，希望得到电商销售方面的指导")]
FIRM_DEMANDS = [("生产线自动化改造技术需求", "企业计划对生产线进行自动化改造，需要专家评估方案"),
                ("新产品研发技术咨询", "企业开发新产品遇到工艺难题，希望对接高校专家")]
FEEDBACK = {Satisfaction.SATISFIED: ["专家上门及时，问题得到解决，非常满意", "技术指导实用，农户很受益"],
            Satisfaction.BASIC: ["问题基本解决，希望后续继续跟踪指导"],
            Satisfaction.UNSATISFIED: ["上门时间较晚，错过了最佳防治期"]}
GOALS = ["全年开展技术服务不少于{logs}次", "联系服务{villages}个村（社区），帮助解决产业发展技术难题",
         "举办实用技术培训不少于{trainings}场，培训农民{trainees}人次", "引进推广新品种、新技术{introduced}个",
         "建设科技示范基地1个", "完成派单服务需求，群众满意率不低于90%", "参加科技特派员业务培训不少于8学时"]
TRAININGS = [("科技特派员业务能力提升培训班", "区科技局"), ("“三服务一促进”科技特派员助力乡村振兴培训会", "区科技局"),
             ("农业科技特派员新品种新技术培训", "市科技局"), ("科技特派员创新创业政策培训", "省科技厅"),
             ("工业科技特派员服务企业专题培训", "市科技局")]


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """Remove the districts' 科技特派员 records (with their history) before a reload."""
    d = district_ids
    for model, lookup in ((LogPhoto, "log__district_id__in"), (ServiceLog, "district_id__in"),
                          (DemandDecline, "demand__district_id__in"), (Demand, "district_id__in"), (TrainingAttendance, "training__district_id__in"),
                          (Training, "district_id__in"), (Letter, "district_id__in"), (PointsRule, "district_id__in"),
                          (Assignment, "district_id__in"), (TeamMember, "team__district_id__in"),
                          (Team, "district_id__in"), (VillageInfo, "district_id__in"), (Commissioner, "district_id__in")):
        if hasattr(model, "history"):
            raw_delete(model.history.filter(**{lookup: d}))
        raw_delete(model.objects.filter(**{lookup: d}))
    if enterprise_ids:  # a firm of these districts served by another district's commissioner
        raw_delete(DemandDecline.objects.filter(demand__enterprise_id__in=enterprise_ids))
        for model in (ServiceLog, Demand, Assignment):
            raw_delete(model.objects.filter(enterprise_id__in=enterprise_ids))


def _person(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _pick(rng: random.Random, weighted):
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _bulk(model, rows: list) -> list:
    return model.objects.bulk_create(rows, batch_size=BATCH)


def make_fieldwork_demo(*, districts: list[Region], today: dt.date | None = None, seed: int = 2024) -> int:
    """The districts' 科技特派员 records. Returns the service logs made."""
    today = today or timezone.localdate()
    wipe([], [d.pk for d in districts])
    experts = {u.username: u for u in User.objects.filter(region__in=districts, role=Role.COMMISSIONER)}
    made = 0
    for i, d in enumerate(districts):
        rng = random.Random(f"fieldwork-{seed}-{d.code}")
        made += _district(rng, d, today, experts.get(f"expert_{d.code}"), full=(i == 0))
    return made


def _district(rng: random.Random, d: Region, today: dt.date, account, *, full: bool) -> int:
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, parent__parent=d).order_by("code")
                    .values_list("id", "parent_id", "name"))
    firms = list(Enterprise.objects.filter(district=d).order_by("id").values_list("id", "township_id", "name")[:300])
    if not villages:
        return 0
    last_year = today.year - 1
    since = dt.date(last_year, 1, 1)

    # --- village flags (about 30%) ---
    infos = []
    for vid, town, _name in villages:
        if rng.random() < 0.3:
            flags = rng.choice([(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 0, 1), (0, 1, 1), (1, 1, 0)])
            infos.append(VillageInfo(village_id=vid, district=d, township_id=town, key_industry=bool(flags[0]),
                                     weak_economy=bool(flags[1]), revitalisation=bool(flags[2]),
                                     industries="、".join(rng.sample(INDUSTRIES, rng.randint(1, 2)))))
    _bulk(VillageInfo, infos)
    key_villages = [i.village_id for i in infos if i.key_industry]

    # --- commissioners ---
    share = Decimal(1) if full else Decimal(rng.randint(85, 95)) / 100
    covered = rng.sample(villages, max(1, int(len(villages) * share)))
    n_field = max(6, min(60, round(len(covered) / 3.5)))  # agricultural and 三区: 2–5 villages each
    n_industry = max(2, min(15, len(firms) // 25)) if firms else 0
    people = []
    for k in range(n_field + n_industry):
        kind = Kind.INDUSTRY if k >= n_field else (Kind.THREE_AREAS if rng.random() < 0.2 else Kind.AGRICULTURE)
        level = _pick(rng, [(Level.PROVINCE, 15), (Level.CITY, 30), (Level.COUNTY, 55)])
        form = Form.PERSON
        if k == 1:
            form = Form.LEGAL
        elif k == 2:
            form = Form.TEAM
        field = rng.choice(FIELDS[kind])
        employer = rng.choice(EMPLOYERS[kind])
        start = dt.date(rng.randint(today.year - 5, last_year), rng.choice([1, 3, 4, 6]), 1)
        end = None
        if k > 3 and rng.random() < 0.06:  # served last year only
            end = dt.date(last_year, rng.randint(6, 12), 28)
            start = min(start, dt.date(last_year, 1, 1))
        name = _person(rng)
        if form == Form.LEGAL:
            name = f"{employer}（法人科技特派员）"
        elif form == Form.TEAM:
            name = f"{rng.choice(INDUSTRIES)}产业科技特派员团队"
        user = None
        if k == 0 and account is not None:
            name, user, kind, level, start, end = account.display_name or name, account, Kind.AGRICULTURE, Level.COUNTY, \
                dt.date(today.year - 3, 3, 1), None
        people.append(Commissioner(
            district=d, form=form, name=name, level=level, batch=rng.randint(1, 6), kind=kind, field=field,
            specialty=SPECIALTIES.get(field, ""), employer=employer, title=rng.choice(TITLES) if form == Form.PERSON else "",
            phone=_phone(rng), start_on=start, end_on=end, user=user))
    people = _bulk(Commissioner, people)
    field_people = [c for c in people if c.kind != Kind.INDUSTRY]
    industry_people = [c for c in people if c.kind == Kind.INDUSTRY]

    # --- teams ---
    teams = _bulk(Team, [
        Team(district=d, kind=TeamKind.SERVICE, name=f"{d.name}科技专家服务团", start_on=dt.date(today.year - 4, 3, 1),
             industries="、".join(rng.sample(INDUSTRIES, 3))),
        Team(district=d, kind=TeamKind.CHIEF, name=f"{d.name}{rng.choice(INDUSTRIES)}首席专家帮扶团",
             start_on=dt.date(today.year - 2, 5, 1), industries="、".join(rng.sample(INDUSTRIES, 2))),
    ])
    members = []
    pool = [c for c in field_people if c.end_on is None]
    for t, team in enumerate(teams):
        chosen = rng.sample(pool, min(len(pool), rng.randint(5, 8)))
        if t == 0 and people[0].user_id and people[0] not in chosen:
            chosen = [people[0], *chosen[:-1]]
        for j, c in enumerate(chosen):
            members.append(TeamMember(team=team, commissioner=c, is_chief=(j == 0),
                                      duty="首席专家，统筹技术服务" if j == 0 else rng.choice(["技术指导", "培训授课", "示范基地建设"])))
    _bulk(TeamMember, members)

    # --- assignments ---
    assignments, places = [], {c.pk: [] for c in people}
    serving = [c for c in field_people if c.end_on is None] or field_people
    for n, (vid, town, vname) in enumerate(covered):
        c = serving[n % len(serving)]
        start = max(c.start_on, dt.date(today.year - 3, 1, 1))
        assignments.append(Assignment(district=d, township_id=town, commissioner=c, village_id=vid, start_on=start,
                                      end_on=c.end_on, note=""))
        places[c.pk].append(("v", vid, town, vname))
    for c in field_people:  # those who served last year only: villages that others cover now
        if c.end_on is not None:
            for vid, town, vname in rng.sample(covered, min(len(covered), rng.randint(1, 3))):
                assignments.append(Assignment(district=d, township_id=town, commissioner=c, village_id=vid,
                                              start_on=max(c.start_on, dt.date(today.year - 3, 1, 1)), end_on=c.end_on))
                places[c.pk].append(("v", vid, town, vname))
    for vid in key_villages[:6]:
        town = next(t for v, t, _ in villages if v == vid)
        assignments.append(Assignment(district=d, township_id=town, team=teams[0], village_id=vid,
                                      start_on=teams[0].start_on))
    for c in industry_people:
        for fid, town, fname in rng.sample(firms, min(len(firms), rng.randint(1, 3))):
            assignments.append(Assignment(district=d, township_id=town, commissioner=c, enterprise_id=fid,
                                          start_on=max(c.start_on, dt.date(today.year - 2, 1, 1)), end_on=c.end_on))
            places[c.pk].append(("e", fid, town, fname))
    _bulk(Assignment, assignments)

    # --- service logs ---
    logs = []
    silent = {c.pk for c in people[4:] if rng.random() < 0.05}
    for c in people:
        spots = places[c.pk]
        if not spots or c.pk in silent:
            continue
        per_month = rng.randint(1, 4)
        month = dt.date(max(since, c.start_on).year, max(since, c.start_on).month, 1)
        while month <= today:
            last = c.end_on or today
            if month > last:
                break
            next_month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            for _ in range(rng.randint(max(0, per_month - 1), per_month)):
                day = _day(rng, month, min(next_month - dt.timedelta(days=1), today, last))
                where, pk, town, pname = rng.choice(spots)
                crop = rng.choice(INDUSTRIES)
                if where == "e":
                    kind = rng.choice([ServiceKind.GUIDANCE, ServiceKind.CONSULTING, ServiceKind.INTRODUCTION])
                    texts = FIRM_INTRODUCTION if kind == ServiceKind.INTRODUCTION else FIRM_CONTENT
                    content = rng.choice(texts).format(place=pname, tech=rng.choice(TECHS))
                else:
                    kind = _pick(rng, KIND_WEIGHTS)
                    content = rng.choice(CONTENT[kind]).format(place=pname, crop=crop, stage=rng.choice(STAGES))
                served = {ServiceKind.GUIDANCE: (5, 40), ServiceKind.TEACHING: (20, 120), ServiceKind.CONSULTING: (1, 12),
                          ServiceKind.INTRODUCTION: (5, 30), ServiceKind.DEMONSTRATION: (10, 50)}[kind]
                logs.append(ServiceLog(
                    district=d, township_id=town, commissioner=c, served_on=day,
                    village_id=pk if where == "v" else None, enterprise_id=pk if where == "e" else None,
                    kind=kind, content=content, served=rng.randint(*served),
                    introduced=rng.randint(1, 2) if kind == ServiceKind.INTRODUCTION else 0,
                    created_by=c.user))
            month = next_month
    logs.sort(key=lambda log: (log.served_on, log.commissioner_id))
    logs = _bulk(ServiceLog, logs)

    # --- needs, in every status ---
    demands = []
    statuses = [(DemandStatus.DONE, 10), (DemandStatus.SERVING, 3), (DemandStatus.DISPATCHED, 3), (DemandStatus.NEW, 3),
                (DemandStatus.CANCELLED, 1)]
    active = [c for c in people if c.end_on is None and places[c.pk]]
    for k in range(rng.randint(16, 26)):
        status = [s for s, _ in statuses][k] if k < len(statuses) else _pick(rng, statuses)
        c = rng.choice(active)
        where, pk, town, pname = rng.choice(places[c.pk])
        crop = rng.choice(INDUSTRIES)
        title, text = rng.choice(FIRM_DEMANDS if where == "e" else DEMANDS)
        posted = _day(rng, since, today - dt.timedelta(days=3))
        row = Demand(district=d, township_id=town, village_id=pk if where == "v" else None,
                     enterprise_id=pk if where == "e" else None, title=title.format(crop=crop),
                     description=text.format(crop=crop), field=c.field, contact=_person(rng), phone=_phone(rng),
                     posted_on=posted, status=status)
        if status in (DemandStatus.DISPATCHED, DemandStatus.SERVING, DemandStatus.DONE):
            row.commissioner, row.dispatched_on = c, min(posted + dt.timedelta(days=rng.randint(0, 3)), today)
        if status in (DemandStatus.SERVING, DemandStatus.DONE):
            row.started_on = min(row.dispatched_on + dt.timedelta(days=rng.randint(1, 7)), today)
        if status == DemandStatus.DONE:
            row.done_on = min(row.started_on + dt.timedelta(days=rng.randint(3, 30)), today)
            row.satisfaction = _pick(rng, [(Satisfaction.SATISFIED, 8), (Satisfaction.BASIC, 2), (Satisfaction.UNSATISFIED, 1)])
            row.feedback = rng.choice(FEEDBACK[row.satisfaction])
        if status == DemandStatus.CANCELLED:
            row.cancel_reason = "需求方已自行解决"
        demands.append(row)
    demands = _bulk(Demand, demands)
    # a need sent back by the commissioner it was dispatched to (退回派单): 待派单 again, in the bureau's 待办
    waiting = [dm for dm in demands if dm.status == DemandStatus.NEW]
    others = [c for c in active if c.field == waiting[0].field] if waiting else []
    if waiting and others:
        dm, c = waiting[0], others[0]  # (no draw from rng: the rest of the demo stays as it was)
        _bulk(DemandDecline, [DemandDecline(demand=dm, commissioner=c, reason="time_conflict",
                                            note="近期在外参加培训，两周内无法到现场", dispatched_on=dm.posted_on)])

    # --- trainings ---
    trainings, attendance = [], []
    for year in (last_year, today.year):
        for k in range(rng.randint(2, 4)):
            held = _day(rng, dt.date(year, 3, 1), min(dt.date(year, 11, 30), today))
            if held > today:
                continue
            title, organiser = TRAININGS[(k + year) % len(TRAININGS)]
            trainings.append(Training(district=d, title=f"{year}年{title}", held_on=held, place=f"{d.name}科技局会议室",
                                      organiser=organiser, hours=Decimal(rng.choice([4, 8, 8, 16])),
                                      note="讲授科技特派员政策、服务规范和农业新技术"))
    trainings = _bulk(Training, trainings)
    for t in trainings:
        serving = [c for c in people if c.start_on <= t.held_on and (c.end_on is None or c.end_on >= t.held_on)]
        for c in rng.sample(serving, int(len(serving) * rng.uniform(0.6, 0.9))):
            attendance.append(TrainingAttendance(training=t, commissioner=c,
                                                 hours=t.hours if rng.random() < 0.9 else t.hours / 2))
    _bulk(TrainingAttendance, attendance)

    # --- the rule and the letters ---
    weights = points.Weights()
    PointsRule.objects.create(district=d)
    stats: dict[tuple[int, int], list] = {}
    for log in logs:
        stats.setdefault((log.commissioner_id, log.served_on.year), [0, 0, Decimal(0)])[0] += 1
    for dm in demands:
        if dm.status == DemandStatus.DONE:
            stats.setdefault((dm.commissioner_id, dm.done_on.year), [0, 0, Decimal(0)])[1] += 1
    held = {t.pk: t.held_on.year for t in trainings}
    for a in attendance:
        stats.setdefault((a.commissioner_id, held[a.training_id]), [0, 0, Decimal(0)])[2] += a.hours
    letters = []
    for c in people:
        for year in (last_year, today.year):
            if c.start_on > dt.date(year, 12, 31) or (c.end_on and c.end_on < dt.date(year, 1, 1)):
                continue
            goals = [g.format(logs=24, villages=max(1, len(places[c.pk])), trainings=2, trainees=60,
                              introduced=rng.randint(1, 3)) for g in rng.sample(GOALS, rng.randint(4, 6))]
            signed = dt.date(year, rng.randint(2, 3), rng.randint(1, 28))
            letter = Letter(district=d, commissioner=c, year=year, goals="\n".join(goals), signed_on=signed)
            if year == today.year and (signed > today or rng.random() < 0.15):
                letter.signed_on = None
            if year == last_year:
                logs_n, done_n, hours = stats.get((c.pk, year), [0, 0, Decimal(0)])
                met = rng.randint(max(0, len(goals) - 2), len(goals)) if logs_n else rng.randint(0, 1)
                result = points.assess(points.Record(logs=logs_n, dispatches_done=done_n, training_hours=hours,
                                                     goals=len(goals), goals_met=met), weights)
                letter.goals_met, letter.points, letter.rating = met, result.total, result.rating
                letter.assessed_on = min(dt.date(today.year, 1, rng.randint(10, 20)), today)
                letter.assessment_note = {Rating.EXCELLENT: "服务主动，成效突出", Rating.PASS: "较好完成年度目标任务",
                                          Rating.BASIC: "服务次数偏少，需加强下村服务",
                                          Rating.FAIL: "未按要求开展服务"}[result.rating]
            letters.append(letter)
    _bulk(Letter, letters)
    return len(logs)
