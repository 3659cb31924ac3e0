"""Demo data for 创新平台与人才: for each demo district, three years of platforms (with yearly evaluations and a
revoked one), platform applications with their outcomes (approved ones built as platforms), talent and teams,
foreign experts (one with a work permit about to expire), agreements with joint projects, and recognitions of
省级科技创新型企业 and 专精特新 in every status (申报, 推荐, 公示, 认定, 未通过) plus a few 瞪羚企业; granted ones carry
the firm's label. Deterministic per seed and day; bulk inserts (no history rows, like the rest of the demo)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from keguan.demo import names
from keguan.demo.bulk import raw_delete
from keguan.enterprises.models import Enterprise, EnterpriseLabel, LabelKind, LabelLevel
from keguan.regions.models import Region
from keguan.rules import recognition_flow as flow

from .models import (
    Agreement,
    AgreementStatus,
    ForeignExpert,
    Grade,
    JointProject,
    Level,
    Outcome,
    Platform,
    PlatformApplication,
    PlatformEvaluation,
    PlatformStatus,
    Recognition,
    Talent,
)

YEARS = 3
PARTNERS = ["广西大学", "广西医科大学", "广西民族大学", "桂林电子科技大学", "广西科学院", "广西农业科学院",
            "中国科学院广州分院", "华南理工大学", "南宁师范大学"]
PROGRAMS = [("广西特聘专家", Level.PROVINCE), ("八桂青年拔尖人才", Level.PROVINCE), ("广西特支计划科技创新领军人才", Level.PROVINCE),
            ("南宁市高层次人才", Level.CITY), ("区级优秀科技人才", Level.COUNTY)]
COUNTRIES = ["越南", "泰国", "德国", "英国", "日本", "俄罗斯", "美国", "法国"]
FOREIGN = ["Nguyen Van An", "Somchai Prasert", "Hans Müller", "David Clark", "Tanaka Hiroshi", "Ivan Petrov",
           "Michael Brown", "Pierre Martin"]
FIELDS = ["电子信息", "新材料", "生物医药", "现代农业", "先进制造", "新能源", "食品加工"]
KINDS = [("erc", "工程技术研究中心"), ("enterprise_center", "企业技术中心"), ("key_lab", "重点实验室"),
         ("makerspace", "众创空间"), ("incubator", "科技企业孵化器"), ("star_space", "星创天地"),
         ("postdoc", "博士后科研工作站"), ("new_rd", "新型研发机构")]
TITLE_LEVELS = [(LabelKind.PROVINCIAL_INNOVATIVE, LabelLevel.PROVINCIAL), (LabelKind.SRDI, LabelLevel.PROVINCIAL),
                (LabelKind.GAZELLE, LabelLevel.NONE)]


def wipe_resources(district_ids: list[int]) -> None:
    """Remove the districts' records (and their history rows) without signals."""
    agreement_ids = list(Agreement.objects.filter(district_id__in=district_ids).values_list("pk", flat=True))
    platform_ids = list(Platform.objects.filter(district_id__in=district_ids).values_list("pk", flat=True))
    raw_delete(JointProject.history.filter(agreement_id__in=agreement_ids))
    raw_delete(JointProject.objects.filter(agreement_id__in=agreement_ids))
    raw_delete(PlatformEvaluation.history.filter(platform_id__in=platform_ids))
    raw_delete(PlatformEvaluation.objects.filter(platform_id__in=platform_ids))
    for model in (PlatformApplication, Platform, Talent, ForeignExpert, Agreement, Recognition):
        raw_delete(model.history.filter(district_id__in=district_ids))
        raw_delete(model.objects.filter(district_id__in=district_ids))


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """The demo reload's step (``Area.demo_wipe``)."""
    wipe_resources(district_ids)


def _core(firm: str) -> str:
    """A firm's name without its legal form: 南宁华辉智能装备有限公司 → 南宁华辉智能装备."""
    for suffix in sorted(names.SUFFIXES, key=len, reverse=True):
        if firm.endswith(suffix):
            return firm.removesuffix(suffix)
    return firm


def _day(rng: random.Random, year: int, today: dt.date, start_month: int = 1, end_month: int = 12) -> dt.date:
    first = dt.date(year, start_month, 1)
    last = min(dt.date(year, end_month, 28), today)
    if last < first:
        return min(first, today)
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def make_resources_demo(*, districts: list[Region], today: dt.date, seed: int = 2024) -> int:
    """Three years of records for each district; returns the number of recognitions."""
    ids = [d.pk for d in districts]
    wipe_resources(ids)
    made = 0
    years = list(range(today.year - YEARS + 1, today.year + 1))
    held = set(EnterpriseLabel.objects.filter(enterprise__district_id__in=ids)
               .values_list("enterprise_id", "kind", "level", "year"))
    labels: list[EnterpriseLabel] = []
    for district in districts:
        rng = random.Random(f"resources-{seed}-{district.code}")
        firms = list(Enterprise.objects.filter(district=district).order_by("pk").values_list("pk", "name")[:400])
        if len(firms) < 12:
            continue
        rng.shuffle(firms)
        made += _district(rng, district, firms, years, today, held, labels)
    EnterpriseLabel.objects.bulk_create(labels)
    return made


def _district(rng, district, firms, years, today, held, labels) -> int:
    offset = int(district.code[-2:])
    # platforms: some existing before the three years, some new in each
    platforms: list[Platform] = []
    for i in range(rng.randint(6, 10)):
        kind, word = KINDS[i % len(KINDS)]
        pk, firm = firms[(i) % len(firms)]
        level = rng.choice([Level.PROVINCE, Level.PROVINCE, Level.CITY, Level.CITY, Level.COUNTY, Level.NATIONAL])
        year = rng.choice([years[0] - 4, years[0] - 2, *years])
        if year > today.year:
            year = today.year
        p = Platform(district=district, kind=kind, level=level, name=f"{_core(firm)}{word}", host=firm,
                     enterprise_id=pk, approved_year=year, approval_doc=f"桂科函〔{year}〕{rng.randint(10, 300)}号",
                     field=rng.choice(FIELDS))
        platforms.append(p)
    platforms[-1].status, platforms[-1].revoked_year = PlatformStatus.REVOKED, years[1]
    platforms[-1].approved_year = min(platforms[-1].approved_year, years[0] - 1)
    Platform.objects.bulk_create(platforms)
    evaluations = [PlatformEvaluation(platform=p, year=y, grade=rng.choice(
        [Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.PASS, Grade.PASS] if p.status != PlatformStatus.REVOKED
        else [Grade.FAIL])) for p in platforms for y in years[:-1] if y >= p.approved_year and
        (p.revoked_year is None or y < p.revoked_year)]
    PlatformEvaluation.objects.bulk_create(evaluations)
    # applications: one or two a year; the older ones decided
    apps = []
    for n, year in enumerate(years):
        for k in range(2):
            pk, firm = firms[(20 + n * 2 + k) % len(firms)]
            kind, word = KINDS[(n + k) % 4]
            applied = _day(rng, year, today, 3, 6)
            outcome = Outcome.PENDING if year == years[-1] and k else rng.choice([Outcome.APPROVED, Outcome.REJECTED])
            decided = min(applied + dt.timedelta(days=rng.randint(60, 150)), today) if outcome != Outcome.PENDING else None
            level = Level.PROVINCE if k == 0 else Level.CITY
            apps.append(PlatformApplication(district=district, kind=kind, level=level, name=f"{_core(firm)}{word}",
                                            host=firm, enterprise_id=pk, applied_on=applied, outcome=outcome,
                                            decided_on=decided))
    built = [Platform(district=district, kind=a.kind, level=a.level, name=a.name, host=a.host,
                      enterprise_id=a.enterprise_id, approved_year=a.decided_on.year) for a in apps
             if a.outcome == Outcome.APPROVED]
    Platform.objects.bulk_create(built)
    it = iter(built)
    for a in apps:
        if a.outcome == Outcome.APPROVED:
            a.platform = next(it)
    PlatformApplication.objects.bulk_create(apps)
    # talent and teams
    talent = []
    for year in years:
        for k in range(rng.randint(1, 3)):
            program, level = rng.choice(PROGRAMS)
            pk, firm = firms[(40 + k + (year % 7)) % len(firms)]
            talent.append(Talent(district=district, name=rng.choice(names.SURNAMES) + "".join(rng.sample(names.GIVEN, 2)),
                                 program=program, batch=f"{year}年", year=year, level=level, host=firm, enterprise_id=pk,
                                 field=rng.choice(FIELDS)))
        pk, firm = firms[(50 + (year % 5)) % len(firms)]
        talent.append(Talent(district=district, is_team=True, name=f"{_core(firm)}{rng.choice(FIELDS)}创新团队",
                             program="广西创新团队" if year % 2 else "南宁市科技创新团队", year=year,
                             level=Level.PROVINCE if year % 2 else Level.CITY, host=firm, enterprise_id=pk))
    Talent.objects.bulk_create(talent)
    # foreign experts: one with a permit about to expire
    experts = []
    for k in range(rng.randint(2, 4)):
        pk, firm = firms[(60 + k) % len(firms)]
        start = _day(rng, years[k % len(years)], today)
        expires = today + dt.timedelta(days=30) if k == 0 else start + dt.timedelta(days=730)
        experts.append(ForeignExpert(district=district, name=FOREIGN[(k + offset) % len(FOREIGN)],
                                     nationality=COUNTRIES[(k + offset) % len(COUNTRIES)], host=firm, enterprise_id=pk,
                                     field=rng.choice(FIELDS), start_on=start,
                                     end_on=None if k < 2 else start + dt.timedelta(days=365),
                                     permit_no=f"{rng.randint(10**9, 10**10 - 1)}", permit_expires=expires))
    ForeignExpert.objects.bulk_create(experts)
    # agreements with joint projects
    agreements = []
    for year in years:
        for k in range(rng.randint(2, 4)):
            pk, firm = firms[(70 + k * 3 + year % 3) % len(firms)]
            signed = _day(rng, year, today)
            agreements.append(Agreement(district=district, local_party=firm, enterprise_id=pk, partner=rng.choice(PARTNERS),
                                        signed_on=signed, field=rng.choice(FIELDS),
                                        amount=Decimal(rng.randint(5, 200) * 10000),
                                        status=AgreementStatus.DONE if year < years[-1] and k == 0 else AgreementStatus.ACTIVE,
                                        note="共建研发平台、联合攻关关键技术、联合培养研究生"))
    Agreement.objects.bulk_create(agreements)
    JointProject.objects.bulk_create([
        JointProject(agreement=a, title=f"{a.field}关键技术联合攻关", starts_on=min(a.signed_on + dt.timedelta(days=30), today),
                     amount=(a.amount or 0) / 2) for a in agreements[::2]])
    # recognitions: every status for 省级科技创新型企业 and 专精特新 in each year; a few 瞪羚企业
    recs = []
    used = set()
    cursor = 90
    for year in years:
        for title, level in TITLE_LEVELS:
            statuses = ([flow.APPLIED, flow.RECOMMENDED, flow.PUBLICISED, flow.GRANTED, flow.GRANTED, flow.FAILED]
                        if title != LabelKind.GAZELLE else [flow.GRANTED, flow.APPLIED])
            for status in statuses:
                pk, _firm = firms[cursor % len(firms)]
                cursor += 1
                if (pk, title, year) in used:
                    continue
                used.add((pk, title, year))
                applied = _day(rng, year, today, 3, 5)
                r = Recognition(district=district, enterprise_id=pk, title=title, level=level, year=year,
                                batch=f"{year}年第一批", status=flow.APPLIED, applied_on=applied)
                day = applied
                for step in (flow.RECOMMENDED, flow.PUBLICISED, flow.GRANTED):
                    if status == flow.APPLIED or (status != flow.FAILED and
                                                  flow.ORDER.index(step) > flow.ORDER.index(status)):
                        break
                    if status == flow.FAILED and step == flow.PUBLICISED:
                        break
                    nxt = day + dt.timedelta(days=rng.randint(15, 60))
                    if nxt > today:
                        break
                    day = nxt
                    setattr(r, flow.DATE_OF[step], day)
                    r.status = step
                if status == flow.FAILED and r.status == flow.RECOMMENDED:
                    nxt = day + dt.timedelta(days=rng.randint(20, 50))
                    if nxt <= today:
                        r.status, r.decided_on = flow.FAILED, nxt
                        r.failed_reason = rng.choice(["研发投入占比未达到要求", "知识产权数量不足", "主营业务收入未达标准"])
                recs.append(r)
                if r.status == flow.GRANTED:
                    key = (pk, title, level, r.decided_on.year)
                    if key not in held:
                        held.add(key)
                        labels.append(EnterpriseLabel(enterprise_id=pk, kind=title, level=level, year=r.decided_on.year))
    Recognition.objects.bulk_create(recs)
    return len(recs)
