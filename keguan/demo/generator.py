"""A deterministic demo city: regions down to villages, bureaus, enterprises with three years of
figures, stage histories and labels, and a user for every role.

The same generator at large scale (``enterprises=200_000``) feeds the benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from keguan.accounts import oplog
from keguan.accounts.models import Organisation, Role, User
from keguan.accounts.services import bureau_ensure, user_create
from keguan.core import areas
from keguan.enterprises.industry import section_of
from keguan.enterprises.models import (
    YEAR_STORED,
    Enterprise,
    EnterpriseLabel,
    EnterpriseYear,
    LabelKind,
    LabelLevel,
    SizeClass,
    Stage,
    StageChange,
    TechField,
)
from keguan.enterprises.services import stage_counts_rebuild
from keguan.regions.models import Region, RegionLevel
from keguan.regions.services import regions_load_national
from keguan.rules.identifiers import CREDIT_ALPHABET, credit_code_check_char

from . import names
from .bulk import insert_rows, raw_delete

DEMO_SOURCE = "演示数据"
DEMO_PASSWORD = "Kejiju@2024"
DEFAULT_CITY = "450100"  # 南宁市: 7 districts, 4 counties and 1 county-level city
STAGE_WEIGHTS = [(Stage.ATTRACTED, 38), (Stage.SME, 32), (Stage.POOL, 10), (Stage.HNTE, 17), (Stage.LEADER, 3)]
STAGE_SEQUENCE = [Stage.ATTRACTED, Stage.SME, Stage.POOL, Stage.HNTE, Stage.LEADER]


@dataclass
class DemoLogin:
    username: str
    role: str
    region: str
    note: str = ""


@dataclass
class DemoResult:
    city: Region
    districts: list[tuple[Region, int]] = field(default_factory=list)
    townships: int = 0
    villages: int = 0
    enterprises: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD


def _org_check(org8: str) -> str:
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(org8, weights, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def make_credit_code(rng: random.Random, district_code: str, used: set[str]) -> str:
    while True:
        org8 = f"{rng.randrange(10**8):08d}"
        check = _org_check(org8)
        if check not in CREDIT_ALPHABET:  # 'X' is not in the credit-code alphabet
            continue
        first17 = "91" + district_code + org8 + check
        code = first17 + credit_code_check_char(first17)
        if code not in used:
            used.add(code)
            return code


def _person(rng: random.Random) -> str:
    return rng.choice(names.SURNAMES) + "".join(rng.choice(names.GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _money(x: float) -> Decimal:
    return Decimal(str(round(max(x, 0.0), 2))).quantize(Decimal("0.01"))


class _Weighted:
    """A weighted pick, ``rng.choices(values, weights)[0]``, with the cumulative weights summed once: the
    same draws from the same ``rng`` (``random.choices`` sums ``weights`` into exactly these itself)."""

    def __init__(self, pairs) -> None:
        values, weights = zip(*pairs, strict=True)
        self.values, self.cum_weights = list(values), list(accumulate(weights))

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum_weights)[0]


INDUSTRY_WEIGHTS = (
    [(f"{n:02d}", 3) for n in range(13, 44)]
    + [("65", 12), ("64", 5), ("63", 2), ("73", 6), ("74", 6), ("75", 6), ("01", 3), ("05", 2), ("51", 3), ("44", 2)]
    + [("77", 2), ("48", 2)]
)
TECH_FOR_SECTION = {
    "C": [TechField.MATERIALS, TechField.MANUFACTURING, TechField.BIO, TechField.ENERGY, TechField.ELECTRONIC],
    "I": [TechField.ELECTRONIC, TechField.SERVICES],
    "M": [TechField.SERVICES, TechField.ENVIRONMENT, TechField.BIO],
    "A": [TechField.BIO, TechField.ENVIRONMENT],
}


def demo_summary(*, city_code: str = DEFAULT_CITY) -> DemoResult | None:
    """What an earlier ``generate_demo`` left, or None when the city has no demo data."""
    city = Region.objects.filter(code=city_code).first()
    if city is None or not Enterprise.objects.filter(district__path__startswith=city.path).exists():
        return None
    result = DemoResult(city=city)
    for d in Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY).order_by("code"):
        n = Enterprise.objects.filter(district=d).count()
        result.districts.append((d, n))
        result.enterprises += n
    result.townships = Region.objects.filter(path__startswith=city.path, level=RegionLevel.TOWNSHIP).count()
    result.villages = Region.objects.filter(path__startswith=city.path, level=RegionLevel.VILLAGE).count()
    users = User.objects.filter(region__path__startswith=city.path, is_superuser=False, created_by__isnull=True)
    for u in users.select_related("region", "enterprise").order_by("id"):
        result.logins.append(DemoLogin(u.username, u.get_role_display(), u.region.name, u.enterprise.name if u.enterprise else ""))
    return result


def _wipe_city(city: Region) -> None:
    """Remove what an earlier demo left in this city (reload)."""
    users = User.objects.filter(region__path__startswith=city.path, is_superuser=False)
    user_ids = list(users.values_list("id", flat=True))
    ids = list(Enterprise.objects.filter(district__path__startswith=city.path).values_list("id", flat=True))
    district_ids = list(Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY)
                        .values_list("id", flat=True))
    for wipe in areas.demo_wipes():  # each area's records of these firms and districts
        wipe(ids, district_ids)
    tag_history = apps.get_model("enterprises", "HistoricalEnterprise_tags")
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        for qs in (
            tag_history.objects.filter(enterprise_id__in=chunk),  # before the history rows they belong to
            Enterprise.tags.through.objects.filter(enterprise_id__in=chunk),
            Enterprise.history.filter(id__in=chunk),
            EnterpriseYear.history.filter(enterprise_id__in=chunk),
            EnterpriseLabel.history.filter(enterprise_id__in=chunk),
            StageChange.objects.filter(enterprise_id__in=chunk),
            EnterpriseLabel.objects.filter(enterprise_id__in=chunk),
            EnterpriseYear.objects.filter(enterprise_id__in=chunk),
            Enterprise.objects.filter(id__in=chunk),
        ):
            raw_delete(qs)
    from keguan.indicators.models import ReportedValue, Target
    from keguan.reports.models import IssueItem, PlanItem, ReportTemplate, ReportVersion, WorkNote

    for model in (Target, ReportedValue, PlanItem, IssueItem, WorkNote, ReportVersion, ReportTemplate):
        raw_delete(model.objects.filter(region__path__startswith=city.path))
        if hasattr(model, "history"):
            raw_delete(model.history.filter(region__path__startswith=city.path))
    raw_delete(Organisation.objects.filter(region__path__startswith=city.path))
    raw_delete(Region.objects.filter(path__startswith=city.path, level=RegionLevel.VILLAGE, source=DEMO_SOURCE))
    # The accounts last: the areas' wipes above may still log their deletions under these users.
    from keguan.accounts.models import LoginLog, OperationLog

    raw_delete(LoginLog.objects.filter(user_id__in=user_ids))
    raw_delete(OperationLog.objects.filter(user_id__in=user_ids))
    # (and lines of accounts an earlier wipe removed: a script that kept a removed account's object logs under it)
    raw_delete(OperationLog.objects.filter(user__isnull=False).exclude(user_id__in=User.objects.values("id")))
    raw_delete(User.history.filter(id__in=user_ids))
    raw_delete(User.objects.filter(id__in=user_ids))


def _make_villages(rng: random.Random, townships: list[Region]) -> int:
    batch: list[Region] = []
    for town in townships:
        street = int(town.code[6:9]) < 100
        count = rng.randint(4, 9) if street else rng.randint(6, 14)
        used: set[str] = set()
        for i in range(count):
            while True:
                name = "".join(rng.choice(names.VILLAGE_WORDS) for _ in range(2))
                name += names.COMMUNITY_TAIL if street else names.VILLAGE_TAIL
                if name not in used:
                    used.add(name)
                    break
            number = (1 + i) if street else (201 + i)
            code = f"{town.code}{number:03d}"
            batch.append(
                Region(
                    code=code, name=name, level=RegionLevel.VILLAGE, parent=town, path=f"{town.path}{code}/",
                    source=DEMO_SOURCE,
                )
            )
    Region.objects.bulk_create(batch, batch_size=2000)
    return len(batch)


def _district_counts(rng: random.Random, districts: list[Region], scale: float, total: int | None) -> list[int]:
    base = [rng.randint(300, 2000) for _ in districts]
    if total is None:
        return [max(1, round(b * scale)) for b in base]
    s = sum(base)
    counts = [total * b // s for b in base]
    counts[0] += total - sum(counts)
    return counts


def _figures(rng: random.Random, stage: str, years: list[int], size: str) -> list[dict]:
    employees = {
        SizeClass.MICRO: rng.randint(3, 19),
        SizeClass.SMALL: rng.randint(20, 99),
        SizeClass.MEDIUM: rng.randint(100, 299),
        SizeClass.LARGE: rng.randint(300, 900),
    }[size]
    sales = employees * rng.uniform(25e4, 90e4)
    innovative = stage in (Stage.POOL, Stage.HNTE, Stage.LEADER)
    rd_rate = rng.uniform(0.045, 0.09) if innovative else rng.uniform(0.0, 0.06)
    st_share = rng.uniform(0.12, 0.45) if innovative else rng.uniform(0.02, 0.3)
    rows = []
    net = sales * rng.uniform(0.3, 0.9)
    for year in years:
        growth = rng.uniform(-0.05, 0.35) if innovative else rng.uniform(-0.15, 0.25)
        sales *= 1 + growth
        net *= 1 + growth * rng.uniform(0.5, 1.2)
        employees = max(3, round(employees * (1 + growth * 0.4)))
        st = min(employees, max(0, round(employees * st_share)))
        rd = sales * rd_rate
        total_cost = max(sales * rng.uniform(0.78, 0.97), rd * 1.5)
        total_assets = max(net, 0) * rng.uniform(1.3, 2.2) + sales * 0.1
        rows.append(
            {
                "year": year,
                "employees": employees,
                "st_staff": st,
                "sales_revenue": _money(sales),
                "total_cost": _money(total_cost),
                "rd_domestic": _money(rd * rng.uniform(0.9, 1.0)),
                "rd_abroad": _money(0),
                "total_assets": _money(total_assets),
                "net_assets": _money(net),
                "hightech_income": _money(sales * (rng.uniform(0.6, 0.9) if innovative else rng.uniform(0, 0.5))),
                "ip_class1": rng.choice((0, 0, 1, 2, 3)) if innovative else rng.choice((0, 0, 0, 1)),
                "ip_class2": rng.randint(2, 15) if innovative else rng.randint(0, 5),
                # 总收入 (sales plus some other income) as the firms that prepare for 高企 report it; blank for
                # the others. Derived without the generator's random stream, so the other figures stay as they were.
                "total_income": _money(sales * (1 + (employees % 9) / 100)) if innovative else None,
            }
        )
    for row in rows:
        row["rd_domestic"] = min(row["rd_domestic"], row["total_cost"])
    return rows


def _stage_dates(rng: random.Random, registered: dt.date, stage: str, today: dt.date) -> list[tuple[str, dt.date]]:
    steps = STAGE_SEQUENCE[: STAGE_SEQUENCE.index(stage) + 1]
    # 招引 happens at or after registration; later stages follow at increasing dates up to today.
    start = max(registered, today - dt.timedelta(days=365 * 8))
    span = max(1, (today - start).days)
    offsets = sorted(rng.randint(0, span) for _ in steps)
    offsets[0] = 0 if start == registered else offsets[0]
    return [(s, start + dt.timedelta(days=o)) for s, o in zip(steps, offsets, strict=True)]


@transaction.atomic
def generate_demo(
    *, seed: int = 2024, scale: float = 1.0, city_code: str = DEFAULT_CITY, enterprises: int | None = None,
    today: dt.date | None = None, with_users: bool = True, progress=None, district_sizes: dict[str, int] | None = None,
) -> DemoResult:
    """Load (or reload) the demo city. Returns what was made. ``district_sizes``: enterprises for the districts
    with these codes, instead of their share of ``scale``/``enterprises`` (the benchmarks' one large district)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    say = progress or (lambda msg: None)
    if not Region.objects.filter(code=city_code).exists() or Region.objects.count() < 1000:
        say("载入全国行政区划（至乡镇/街道）…")
        regions_load_national()
    city = Region.objects.get(code=city_code)
    if city.level != RegionLevel.CITY:
        raise ValueError(f"{city_code} 不是地市级区划")
    say(f"清理 {city.name} 的旧演示数据…")
    _wipe_city(city)
    districts = list(Region.objects.filter(path__startswith=city.path, level=RegionLevel.COUNTY).order_by("code"))
    townships = list(Region.objects.filter(path__startswith=city.path, level=RegionLevel.TOWNSHIP).order_by("code"))
    if len(districts) < 8:
        raise ValueError(f"{city.name} 只有 {len(districts)} 个区县，演示城市至少需要 8 个")
    towns_of: dict[int, list[Region]] = {}
    for t in townships:
        towns_of.setdefault(t.parent_id, []).append(t)
    result = DemoResult(city=city, townships=len(townships))
    say("生成村/社区…")
    result.villages = _make_villages(rng, townships)
    bureau_ensure(region=city)
    for d in districts:
        bureau_ensure(region=d)

    years = [today.year - 3, today.year - 2, today.year - 1]
    counts = _district_counts(rng, districts, scale, enterprises)
    counts = [(district_sizes or {}).get(d.code, n) for d, n in zip(districts, counts, strict=True)]
    used_codes: set[str] = set(Enterprise.objects.values_list("credit_code", flat=True))
    used_names: set[str] = set(Enterprise.objects.values_list("name", flat=True))
    pick_industry = _Weighted(INDUSTRY_WEIGHTS)
    pick_stage = _Weighted(STAGE_WEIGHTS)
    pick_size = _Weighted([(SizeClass.MICRO, 35), (SizeClass.SMALL, 45), (SizeClass.MEDIUM, 16), (SizeClass.LARGE, 4)])
    for district, count in zip(districts, counts, strict=True):
        say(f"生成 {district.name} 企业 {count} 家…")
        result.districts.append((district, count))
        towns = towns_of.get(district.pk, [])
        short = district.name[:-1] if len(district.name) > 2 else district.name
        plan = []
        for _ in range(count):
            industry = pick_industry(rng)
            section = section_of(industry)
            stage = pick_stage(rng)
            size = pick_size(rng)
            trade = rng.choice(names.TRADES.get(section, names.TRADES["other"]))
            while True:
                brand = rng.choice(names.BRAND_A) + rng.choice(names.BRAND_B)
                name = f"{city.name[:-1]}{short}{brand}{trade}{rng.choice(names.SUFFIXES)}"
                if rng.random() < 0.5:
                    name = f"{city.name[:-1]}{brand}{trade}{rng.choice(names.SUFFIXES)}"
                if name not in used_names:
                    used_names.add(name)
                    break
            registered = dt.date(1998, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(today.year - 2, 12, 31) - dt.date(1998, 1, 1)).days))
            town = rng.choice(towns) if towns and rng.random() < 0.97 else None
            tech = ""
            if stage != Stage.ATTRACTED or rng.random() < 0.4:
                tech = rng.choice(TECH_FOR_SECTION.get(section, list(TechField)))
            history = _stage_dates(rng, registered, stage, today)
            plan.append(
                (
                    Enterprise(
                        name=name,
                        credit_code=make_credit_code(rng, district.code, used_codes),
                        legal_rep=_person(rng),
                        registered_on=registered,
                        address=f"{district.name}{town.name if town else ''}{rng.choice(names.STREETS)}{rng.randint(1, 399)}号",
                        district=district,
                        township=town,
                        industry_code=industry,
                        industry_section=section,
                        tech_field=tech,
                        size_class=size,
                        contact_name=_person(rng),
                        contact_phone=_phone(rng),
                        stage=stage,
                        stage_since=history[-1][1],
                    ),
                    history,
                    _figures(rng, stage, years, size),
                )
            )
        _bulk_store(rng, plan, years)
        result.enterprises += count
    stage_counts_rebuild()  # the wipe and the raw inserts above bypass the services that keep the counter

    steps = areas.demo_steps()
    for area, step in steps:
        if area.demo_order < 50:
            say(f"生成{area.title}的演示记录…")
            step(districts=districts, today=today, seed=seed)
    say("生成市定目标、统计填报数值和工作计划…")
    _make_indicator_data(rng, city, districts, today)
    if with_users:
        say("创建演示账号…")
        with oplog.quiet():  # the accounts are set up, not created by anyone: no log line each
            result.logins = _make_users(rng, city, districts, towns_of)
        _make_operations(rng, districts)
    # Planner statistics for the freshly loaded tables (SQLite has none until ANALYZE runs).
    with connection.cursor() as cur:
        for table in (Region._meta.db_table, Enterprise._meta.db_table):
            cur.execute(f"ANALYZE {connection.ops.quote_name(table)}")
    for area, step in steps:
        if area.demo_order >= 50:
            say(f"生成{area.title}的演示记录…")
            step(districts=districts, today=today, seed=seed)
    return result


FIGURE_FIELDS = ("year", *YEAR_STORED)


def _bulk_store(rng: random.Random, plan: list, years: list[int]) -> None:
    # Values as bulk_create would send them: dates and timestamps through the backend's adapters, the rest
    # (ints, Decimals, strings, choice members) unchanged.
    db_date = connection.ops.adapt_datefield_value
    created_at = StageChange._meta.get_field("created_at")
    for start in range(0, len(plan), 2000):
        chunk = plan[start : start + 2000]
        objs = [p[0] for p in chunk]
        Enterprise.objects.bulk_create(objs, batch_size=500)
        if objs and objs[0].pk is None:  # backends that do not return ids
            ids = dict(Enterprise.objects.filter(credit_code__in=[o.credit_code for o in objs]).values_list("credit_code", "id"))
            for o in objs:
                o.pk = o.id = ids[o.credit_code]
        figures, changes, labels = [], [], []
        now = created_at.get_db_prep_save(timezone.now(), connection)
        for e, history, rows in chunk:
            for row in rows:
                figures.append((e.pk, *(row[f] for f in FIGURE_FIELDS)))
            previous = ""
            for stage, on in history:
                changes.append((e.pk, e.district_id, previous, stage, db_date(on), DEMO_SOURCE, now))
                previous = stage
            rank = STAGE_SEQUENCE.index(e.stage)
            if e.size_class in (SizeClass.MEDIUM, SizeClass.LARGE) or rng.random() < 0.12:
                labels.append((e.pk, LabelKind.ABOVE_SIZE, LabelLevel.NONE, rng.choice(years)))
            if rank >= 3 and rng.random() < 0.25:
                labels.append((e.pk, LabelKind.SRDI, rng.choice([LabelLevel.PROVINCIAL, LabelLevel.CITY]), rng.choice(years)))
            if rank >= 2 and rng.random() < 0.1:
                labels.append((e.pk, LabelKind.PROVINCIAL_INNOVATIVE, LabelLevel.PROVINCIAL, rng.choice(years)))
            if rank >= 3 and rng.random() < 0.08:
                labels.append((e.pk, LabelKind.LITTLE_GIANT, LabelLevel.CITY, rng.choice(years)))
            if rank == 4:
                labels.append((e.pk, LabelKind.INNOVATION_LEADER, LabelLevel.PROVINCIAL, rng.choice(years)))
        insert_rows(EnterpriseYear, ["enterprise", *FIGURE_FIELDS], figures)
        insert_rows(StageChange, ["enterprise", "district", "from_stage", "to_stage", "changed_on", "note", "created_at"], changes)
        insert_rows(EnterpriseLabel, ["enterprise", "kind", "level", "year"], labels)


PLAN_TEXTS = [
    "组织开展高新技术企业申报政策宣讲和“一对一”辅导，提高申报质量",
    "持续扩充高企培育库，建立“一企一策”培育台账，跟踪企业研发投入和知识产权布局",
    "动员符合条件的企业参加国家科技型中小企业评价入库，做到应评尽评",
    "督促规上企业按时完成研发经费填报，推动研发费用加计扣除政策应享尽享",
    "走访重点企业，收集企业在人才、成果转化、研发平台等方面的需求并跟踪解决",
]
ISSUE_TEXTS = [
    "部分企业研发管理不规范，研发费用归集不完整，影响高企认定和加计扣除",
    "企业自主知识产权数量偏少，Ⅰ类知识产权占比不高",
    "科技型中小企业入库后向高新技术企业转化的比例偏低",
]

# 工作纪实 as bureaus write them: (area, lead phrase, one-line write-ups; {n} becomes a number of firms)
NOTE_TEMPLATES = [
    ("enterprises", "积极组织企业参加科技创新培训", [
        "组织辖区{n}家企业参加市科技局“企业创新能力提升”线上培训",
        "组织{n}家企业参加高新技术企业知识产权管理及法律事务专项培训",
        "组织企业参加“专精特新”企业之路线上培训，{n}家企业负责人参训",
    ]),
    ("enterprises", "开展高企申报政策宣讲", [
        "召开高新技术企业申报政策宣讲会，{n}家企业参会",
        "联合税务部门开展研发费用加计扣除政策解读，{n}家企业参加",
    ]),
    ("rd", "深入企业开展研发投入调研", [
        "召开规上企业研发投入调研座谈会，{n}家企业交流研发投入情况",
        "走访{n}家规上工业企业，指导规范设置研发费用辅助账",
    ]),
    ("general", "搭建政企银沟通交流平台", [
        "联合{n}家金融机构举办科技企业融资对接会",
        "组织召开科技型企业“政银企”座谈会，{n}家企业参加",
    ]),
    ("general", "营造科技创新良好氛围", [
        "开展科技活动周系列活动，发放宣传资料{n}00余份",
        "组织科普进社区活动，{n}家单位参与",
    ]),
]


def _make_notes(rng: random.Random, districts: list[Region], today: dt.date) -> list:
    """工作纪实 for last year and this year so far: a few a quarter per district, dated no later than today."""
    from keguan.reports.models import WorkNote

    notes = []
    for d in districts:
        for year in (today.year - 1, today.year):
            for _ in range(rng.randint(6, 9)):
                area, lead, texts = rng.choice(NOTE_TEMPLATES)
                on = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
                if on > today:
                    continue
                notes.append(WorkNote(region=d, area=area, happened_on=on, lead=lead,
                                      text=rng.choice(texts).format(n=rng.randint(5, 40))))
    return notes


# The indicators a city sets targets on, as the seeds' summaries report them (高企申报与认定、有效高企、科小评价入库、
# 培育库、科技项目申报与争取资金; the R&D round's target is the rd demo's): not every targetable indicator.
DEMO_TARGETS = frozenset({"pl_hnte_applied", "pl_hnte_recognised", "ent_hnte_valid", "pl_sme_registered",
                          "pl_pool_members", "prj_applied", "prj_funds_won"})


def _make_indicator_data(rng: random.Random, city: Region, districts: list[Region], today: dt.date) -> None:
    """Targets for this year (about last year's result grown 5–30%), GDP for the last three years, and some
    plan items and problems per district, so the dashboard and the generated summary have something to say."""
    from keguan.indicators import registry
    from keguan.indicators.models import ReportedValue, Target
    from keguan.indicators.selectors import Engine
    from keguan.reports.models import IssueItem, PlanItem, WorkNote
    from keguan.rules.periods import Period

    engine = Engine(districts)
    last = Period.parse(str(today.year - 1))
    targets, values, plans, issues = [], [], [], []
    for ind in registry.all_indicators():
        if not ind.targetable or ind.kind != "computed" or ind.code not in DEMO_TARGETS:
            continue
        for d in districts:
            base = engine.value(ind, d, last)
            if base is None or base <= 0:
                continue
            goal = (base * Decimal(str(rng.uniform(1.05, 1.3)))).quantize(Decimal(1) if ind.decimals == 0 else Decimal("0.01"))
            targets.append(Target(indicator=ind.code, region=d, year=today.year, value=max(goal, Decimal(1))))
    for d in districts:
        gdp = Decimal(rng.randint(3_000_000, 12_000_000))  # 万元: 300–1200亿元
        for year in range(today.year - 4, today.year):
            values.append(ReportedValue(indicator="gdp", region=d, period=str(year), value=gdp, note="区统计局统计公报（演示）"))
            gdp = (gdp * Decimal(str(rng.uniform(1.03, 1.08)))).quantize(Decimal(1))
        for text in rng.sample(PLAN_TEXTS, 3):
            plans.append(PlanItem(region=d, area="enterprises", text=text, due=dt.date(today.year, 12, 31)))
        issues.append(IssueItem(region=d, period=f"{today.year}H1", area="enterprises", text=rng.choice(ISSUE_TEXTS)))
        issues.append(IssueItem(region=d, period=str(today.year - 1), area="enterprises", text=rng.choice(ISSUE_TEXTS)))
    Target.objects.bulk_create(targets)
    ReportedValue.objects.bulk_create(values)
    PlanItem.objects.bulk_create(plans)
    IssueItem.objects.bulk_create(issues)
    WorkNote.objects.bulk_create(_make_notes(rng, districts, today))


def _make_users(rng: random.Random, city: Region, districts: list[Region], towns_of: dict[int, list[Region]]) -> list[DemoLogin]:
    from django.contrib.auth.hashers import make_password

    logins: list[DemoLogin] = []
    hashed = make_password(DEMO_PASSWORD)

    def add(username: str, role: str, region: Region, full_name: str, note: str = "", **extra) -> None:
        user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, region=region,
                    full_name=full_name, phone=_phone(rng), hashed_password=hashed, **extra)
        logins.append(DemoLogin(username, Role(role).label, region.name, note))

    add("city_staff", Role.CITY_STAFF, city, _person(rng))
    for d in districts:
        add(f"leader_{d.code}", Role.DISTRICT_LEADER, d, _person(rng))
        add(f"staff_{d.code}", Role.DISTRICT_STAFF, d, _person(rng))
        towns = towns_of.get(d.pk, [])
        if towns:
            add(f"town_{d.code}", Role.TOWNSHIP_LIAISON, towns[0], _person(rng))
        add(f"expert_{d.code}", Role.COMMISSIONER, d, _person(rng))
        firm = Enterprise.objects.filter(district=d, stage=Stage.HNTE).order_by("id").first() or Enterprise.objects.filter(district=d).order_by("id").first()
        if firm is not None:
            add(f"ent_{d.code}", Role.ENTERPRISE, d, firm.contact_name or _person(rng), note=firm.name, enterprise=firm)
    return logins


def _make_operations(rng: random.Random, districts: list[Region]) -> None:
    """A few edits by each district's demo staff through the services, so the 操作日志 has lines to search."""
    from keguan.enterprises.services import enterprise_update, set_tags

    tags = ["key_watch", "investment", "srdi_candidate", "ipo_reserve"]
    for d in districts:
        staff = User.objects.filter(username=f"staff_{d.code}").first()
        if staff is None:
            continue
        for firm in Enterprise.objects.filter(district=d).order_by("id")[:3]:
            enterprise_update(actor=staff, enterprise=firm, legal_rep=_person(rng), contact_phone=_phone(rng))
        for firm in Enterprise.objects.filter(district=d).order_by("-id")[:4]:  # a few firms with 企业标签
            set_tags([firm], rng.sample(tags, rng.randint(1, 2)), by=staff)


__all__ = ["generate_demo", "demo_summary", "DemoResult", "DEMO_PASSWORD"]
