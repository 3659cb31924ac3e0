"""Demo data for the R&D reporting rounds: for each demo district, last year's round with most firms
reported, some not, and the follow-up calls made to them; and the district's R&D target for that year
(市定目标, when the city has not set one), so the round page shows its completion.

Called once at the end of ``keguan.demo.generator.generate_demo`` (in its transaction). Fast at 200,000 firms:
one query for the firms concerned, one for their figures, the rest ``bulk_create`` (no history rows, like the
rest of the demo data)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from keguan.accounts.models import Role, User
from keguan.demo import names
from keguan.demo.bulk import raw_delete
from keguan.enterprises.models import EnterpriseYear
from keguan.indicators.models import Target
from keguan.regions.models import Region

from .models import CallOutcome, FirmSource, RdCall, RdFirm, RdRound
from .selectors import TARGET_INDICATOR, eligible_enterprises

THOUSAND = Decimal(1000)
WAN = Decimal(10000)
CONTACT_ROLES = ["财务负责人", "财务经理", "统计员", "办公室主任", "总经理助理", "研发部经理"]
NOTES = {
    CallOutcome.PROMISED: ["财务正在归集研发费用，承诺按期在统计联网直报平台填报", "已转告企业负责人，近期安排填报",
                           "企业对研发经费统计口径有疑问，已电话解答，承诺按期填报"],
    CallOutcome.REPORTED: ["企业表示已在联网直报平台填报，请核对", "已填报，提醒保存好研发辅助账备查"],
    CallOutcome.NO_RD: ["企业称本年度研发项目暂停，暂无研发活动，建议核实后移出名单"],
    CallOutcome.UNREACHABLE: ["联系电话无人接听，拟上门走访", "电话停机，已请所在街道协助联系"],
    CallOutcome.OTHER: ["企业统计人员变动，新联系人正在交接", "企业要求提供填报指引，已发送操作手册"],
}


def wipe_rd(district_ids: list[int]) -> None:
    """Remove the rounds (with their firms, calls and history) of these districts. The generator has already
    removed the districts' firms and accounts without signals; this runs in the same transaction, before the
    foreign keys are checked."""
    firm_ids = RdFirm.history.filter(round__district_id__in=district_ids).values("id")
    raw_delete(RdCall.history.filter(firm_id__in=firm_ids))
    raw_delete(RdCall.objects.filter(firm__round__district_id__in=district_ids))
    raw_delete(RdFirm.history.filter(round__district_id__in=district_ids))
    raw_delete(RdFirm.objects.filter(round__district_id__in=district_ids))
    raw_delete(RdRound.history.filter(district_id__in=district_ids))
    raw_delete(RdRound.objects.filter(district_id__in=district_ids))


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """The demo reload's step (``Area.demo_wipe``): the districts' rounds go with the firms."""
    wipe_rd(district_ids)


def _day_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 17), rng.randint(0, 59))))


ROUNDS = 3  # the demo keeps the last three fiscal years' rounds, so each summary finds the one it states


def make_rd_demo(*, districts: list[Region], today: dt.date, seed: int = 2024) -> int:
    """The last three years' rounds for each district (the latest one still being chased, the older ones
    nearly all reported). Returns the number of firms listed."""
    rng = random.Random(f"rd-{seed}")
    ids = [d.pk for d in districts]
    wipe_rd(ids)
    staff = {u.region_id: u for u in User.objects.filter(region_id__in=ids, role=Role.DISTRICT_STAFF).order_by("-id")}
    listed = 0
    for year in range(today.year - ROUNDS, today.year):
        listed += _round(rng, districts, staff, year, today, latest=year == today.year - 1)
    return listed


def _round(rng: random.Random, districts: list[Region], staff: dict, year: int, today: dt.date, *, latest: bool) -> int:
    ids = [d.pk for d in districts]
    opened = min(dt.date(year + 1, 1, 15), today)
    due = dt.date(year + 1, 3, 31)
    last_day = min(due + dt.timedelta(days=20), today)
    share = 0.86 if latest else 0.97
    eligible = eligible_enterprises(district_ids=ids, year=year)
    firms_of: dict[int, list[int]] = {}
    for pk, district_id in eligible.order_by("pk").values_list("pk", "district_id"):
        firms_of.setdefault(district_id, []).append(pk)
    figures: dict[int, Decimal] = {}
    rows = EnterpriseYear.objects.filter(enterprise__in=eligible.values("pk"), year__in=[year - 1, year]).order_by("year")
    for eid, rd_domestic, rd_abroad in rows.values_list("enterprise_id", "rd_domestic", "rd_abroad"):
        if rd_domestic + rd_abroad > 0:
            figures[eid] = rd_domestic + rd_abroad  # (the round's year overwrites the year before)
    rounds = RdRound.objects.bulk_create(
        [
            RdRound(district=d, year=year, title=f"{year}年度研发经费填报", opened_on=opened, due_on=due,
                    note="请有研发活动的规上企业在统计联网直报平台填报《企业研发活动情况》（107-1表）",
                    created_by=staff.get(d.pk))
            for d in districts
        ]
    )
    if rounds and rounds[0].pk is None:  # backends that do not return ids
        by_district = dict(RdRound.objects.filter(district_id__in=ids, year=year).values_list("district_id", "pk"))
        for r in rounds:
            r.pk = r.id = by_district[r.district_id]
    plans: list[tuple[RdFirm, list[RdCall]]] = []
    totals: dict[int, Decimal] = {}
    for r in rounds:
        user = staff.get(r.district_id)
        for eid in firms_of.get(r.district_id, []):
            firm = RdFirm(round=r, enterprise_id=eid, source=FirmSource.RULE)
            calls: list[RdCall] = []
            reported = rng.random() < share
            if reported:
                # statistics count 研发经费 a little differently from the accounts, and in 千元
                amount = figures.get(eid, Decimal(100000)) * Decimal(str(rng.uniform(0.85, 1.25)))
                firm.amount = max(THOUSAND, (amount / THOUSAND).quantize(Decimal(1), ROUND_HALF_UP) * THOUSAND)
                firm.reported_on = _day_between(rng, opened, last_day)
                firm.recorded_by, firm.recorded_at = user, _at(firm.reported_on, rng)
                totals[r.district_id] = totals.get(r.district_id, Decimal(0)) + firm.amount
                if rng.random() < 0.2:  # chased once before reporting
                    on = _day_between(rng, opened, firm.reported_on)
                    calls.append(_call(rng, firm, user, on, CallOutcome.PROMISED, due))
            else:
                for _ in range(rng.choice((0, 1, 1, 2, 3))):
                    on = _day_between(rng, opened, last_day)
                    outcome = rng.choice([CallOutcome.PROMISED, CallOutcome.PROMISED, CallOutcome.UNREACHABLE,
                                          CallOutcome.NO_RD, CallOutcome.OTHER])
                    calls.append(_call(rng, firm, user, on, outcome, due))
            plans.append((firm, calls))
    firms = [f for f, _ in plans]
    RdFirm.objects.bulk_create(firms, batch_size=1000)
    if firms and firms[0].pk is None:
        keys = dict(((rid, eid), pk) for rid, eid, pk in RdFirm.objects.filter(round__in=rounds).values_list("round_id", "enterprise_id", "pk"))
        for f in firms:
            f.pk = f.id = keys[(f.round_id, f.enterprise_id)]
    calls = []
    for firm, firm_calls in plans:
        for c in firm_calls:
            c.firm = firm
            calls.append(c)
    RdCall.objects.bulk_create(calls, batch_size=1000)
    _targets(rng, districts, year, totals)
    return len(firms)


def _call(rng: random.Random, firm: RdFirm, user, on: dt.date, outcome: str, due: dt.date) -> RdCall:
    return RdCall(
        firm=firm, called_on=on, called_by=user, outcome=outcome,
        contact=rng.choice(names.SURNAMES) + rng.choice(CONTACT_ROLES),
        promised_on=max(on, due if rng.random() < 0.7 else on + dt.timedelta(days=rng.randint(3, 20)))
        if outcome == CallOutcome.PROMISED else None,
        note=rng.choice(NOTES[outcome]),
    )


def _targets(rng: random.Random, districts: list[Region], year: int, totals: dict[int, Decimal]) -> None:
    """The city's R&D target for the round's year, where it has none: around the reported total."""
    have = set(Target.objects.filter(indicator=TARGET_INDICATOR, year=year, region__in=districts).values_list("region_id", flat=True))
    new = []
    for d in districts:
        total = totals.get(d.pk)
        if d.pk in have or not total:
            continue
        goal = (total / WAN * Decimal(str(rng.uniform(0.9, 1.25)))).quantize(Decimal(1), ROUND_HALF_UP)
        new.append(Target(indicator=TARGET_INDICATOR, region=d, year=year, value=max(goal, Decimal(1))))
    Target.objects.bulk_create(new)
