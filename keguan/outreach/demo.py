"""Demo data of 科技活动与企业服务: for each demo district, a year of events of every kind and then this year's so
far (科技活动周 in May, 全国科普日 in September, 科技下乡 through the farming seasons, trainings, policy sessions,
座谈会, 对接会, 路演 — some of them others' events the bureau sent firms to — 展会, 竞赛) with the materials handed out,
the firms taking part and the figures the summaries quote (photos left out). The ledger part's demo
(``demo_ledger.make``/``wipe``) runs after, when it exists.

Called by ``keguan.demo.generator`` in its transaction (``Area.demo``); deterministic for a seed and fast:
``bulk_create`` without history rows, like the rest of the demo data."""

from __future__ import annotations

import datetime as dt
import importlib
import random

from keguan.accounts.models import Role, User
from keguan.demo.bulk import raw_delete
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from .models import Event, EventFirm, EventMaterial, EventPhoto, EventRole, FirmRole

# (kind, how many a year, months it falls in, role, title patterns, typical participants, materials {kind: (lo, hi)})
PLAN = (
    ("science_week", 1, (5,), EventRole.HOST, ("{year}年{district}科技活动周启动仪式",), (800, 3000),
     {"brochure": (2000, 6000), "leaflet": (1000, 4000), "board": (10, 30)}),
    ("popsci_day", 1, (9,), EventRole.HOST, ("{year}年全国科普日{district}主场活动",), (1000, 4000),
     {"brochure": (2000, 6000), "leaflet": (1500, 5000), "book": (200, 800), "board": (10, 40)}),
    ("countryside", 4, (1, 3, 6, 10, 11), EventRole.HOST,
     ("“科技三下乡”进{town}", "科技下乡赶集日科普宣传（{town}）", "{town}农业科技服务进村入户活动"), (150, 800),
     {"brochure": (500, 2500), "leaflet": (300, 1500), "book": (50, 300)}),
    ("training", 3, (3, 4, 6, 8, 11), EventRole.HOST,
     ("{district}高素质农民培训班", "{district}科技型中小企业评价政策培训班", "{district}高新技术企业申报实务培训"), (40, 200),
     {"leaflet": (50, 300)}),
    ("policy", 2, (2, 4, 7, 10), EventRole.HOST, ("研发费用加计扣除政策宣讲会", "{year}年科技惠企政策宣讲会"), (30, 150),
     {"brochure": (100, 400)}),
    ("symposium", 2, (3, 6, 9, 12), EventRole.HOST, ("规上企业研发投入调研座谈会", "科技型企业发展座谈会"), (15, 40), {}),
    ("matchmaking", 1, (4, 10), EventRole.CO_HOST, ("{district}政产学研金对接会", "校地科技成果转化对接会"), (60, 200), {}),
    ("roadshow", 2, (5, 8, 11), EventRole.SENT,
     ("科技部科技计划路演行动专场", "自治区科技成果转化路演活动", "市科技企业融资路演"), (100, 400), {}),
    ("expo", 1, (6, 9), EventRole.SENT, ("中国—东盟博览会科技展", "高新技术成果交易会"), (300, 1000), {"brochure": (200, 800)}),
    ("contest", 1, (7, 8), EventRole.SENT, ("中国创新创业大赛（广西赛区）", "科技创新创业大赛"), (50, 200), {}),
    ("other", 1, (12,), EventRole.HOST, ("科技工作者日座谈活动",), (20, 60), {}),
)
FIRM_ROLES = {"roadshow": FirmRole.ROADSHOW, "expo": FirmRole.EXHIBIT, "contest": FirmRole.ROADSHOW,
              "training": FirmRole.TRAINEE, "policy": FirmRole.TRAINEE, "symposium": FirmRole.SPEAKER}
FIRM_KINDS = {"training", "policy", "symposium", "matchmaking", "roadshow", "expo", "contest"}
OUTCOMES = ("达成合作意向1项", "对接高校专家团队1个", "获得投资机构关注", "签订技术服务合同1份", "")
PLACES = ("区科技馆广场", "区政府会议中心", "区行政服务中心三楼会议室", "高新区创业服务中心", "区文化广场")


def _ledger():
    try:
        return importlib.import_module("keguan.outreach.demo_ledger")
    except ModuleNotFoundError:
        return None


def wipe_events(district_ids: list[int]) -> None:
    events = Event.objects.filter(region_id__in=district_ids)
    ids = Event.history.filter(region_id__in=district_ids).values("id")
    for model in (EventMaterial, EventFirm):
        raw_delete(model.history.filter(event_id__in=ids))
        raw_delete(model.objects.filter(event__in=events))
    raw_delete(EventPhoto.objects.filter(event__in=events))
    raw_delete(Event.history.filter(region_id__in=district_ids))
    raw_delete(events)


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """The demo reload's step (``Area.demo_wipe``): the ledger's records first (they point at events)."""
    ledger = _ledger()
    if ledger is not None and getattr(ledger, "wipe", None):
        ledger.wipe(enterprise_ids, district_ids)
    raw_delete(EventFirm.objects.filter(enterprise_id__in=enterprise_ids))
    wipe_events(district_ids)


def _day(rng: random.Random, year: int, months: tuple[int, ...], today: dt.date) -> dt.date | None:
    choices = [m for m in months if dt.date(year, m, 1) <= today]
    if not choices:
        return None
    month = rng.choice(choices)
    day = dt.date(year, month, rng.randint(1, 28))
    return day if day <= today else None


def make(*, districts: list[Region], today: dt.date, seed: int = 2024) -> int:
    """Events of last year and this year so far for every district; returns how many."""
    ids = [d.pk for d in districts]
    wipe_events(ids)
    rng = random.Random(f"outreach-{seed}")
    towns: dict[int, list[Region]] = {}
    for t in Region.objects.filter(parent_id__in=ids, level=RegionLevel.TOWNSHIP).order_by("code"):
        towns.setdefault(t.parent_id, []).append(t)
    firms: dict[int, list[int]] = {}
    for pk, district in Enterprise.objects.filter(district_id__in=ids).order_by("pk").values_list("pk", "district_id"):
        firms.setdefault(district, []).append(pk)
    staff = {u.region_id: u for u in User.objects.filter(region_id__in=ids, role=Role.DISTRICT_STAFF).order_by("id")}
    events: list[Event] = []
    extras: list[tuple[Event, dict[str, int], list[tuple[int, str, str]]]] = []
    for district in districts:
        name = district.name
        for year in (today.year - 1, today.year):
            for kind, per_year, months, role, titles, people, materials in PLAN:
                for n in range(per_year):
                    starts = _day(rng, year, months, today)
                    if starts is None:
                        continue
                    town = rng.choice(towns[district.pk]) if towns.get(district.pk) and kind == "countryside" else None
                    title = titles[(n + year) % len(titles)].format(year=year, district=name,
                                                                    town=town.name if town else name)
                    lo, hi = people
                    e = Event(
                        region=district, township=town, kind=kind, role=role, title=title[:150],
                        starts_on=starts, ends_on=starts + dt.timedelta(days=6) if kind == "science_week" else None,
                        place=town.name if town else rng.choice(PLACES),
                        organisers=("自治区科技厅" if role == EventRole.SENT else f"{name}科学技术局"),
                        co_organisers="区科协、区农业农村局" if kind in ("science_week", "popsci_day", "countryside") else "",
                        participants=rng.randint(lo, hi), questions=rng.randint(20, 300) if kind in (
                            "science_week", "popsci_day", "countryside", "policy") else 0,
                        trainees=rng.randint(30, 150) if kind in ("training", "countryside") else 0,
                        write_up="", created_by=staff.get(district.pk))
                    counts = {k: rng.randint(a, b) for k, (a, b) in materials.items()}
                    chosen: list[tuple[int, str, str]] = []
                    pool = firms.get(district.pk, [])
                    if kind in FIRM_KINDS and pool:
                        for pk in rng.sample(pool, min(len(pool), rng.randint(2, 6))):
                            chosen.append((pk, FIRM_ROLES.get(kind, FirmRole.ATTEND),
                                           rng.choice(OUTCOMES) if kind in ("matchmaking", "roadshow") else ""))
                    events.append(e)
                    extras.append((e, counts, chosen))
    Event.objects.bulk_create(events, batch_size=500)
    EventMaterial.objects.bulk_create([EventMaterial(event=e, kind=k, count=c) for e, counts, _f in extras
                                       for k, c in counts.items()], batch_size=1000)
    EventFirm.objects.bulk_create([EventFirm(event=e, enterprise_id=pk, role=r, outcome=o) for e, _c, chosen in extras
                                   for pk, r, o in chosen], batch_size=1000)
    ledger = _ledger()
    if ledger is not None and getattr(ledger, "make", None):
        ledger.make(districts=districts, today=today, seed=seed)
    return len(events)
