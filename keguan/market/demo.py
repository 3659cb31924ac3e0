"""Demo data of 技术市场与科技成果: for each demo district, three years of technology contracts (some between two of
its firms, some across the city's districts, some sold to or bought from outside the city, a few with a party
known only to the city), registered results, and prizes and entries in awards and competitions; and the city's
target for the 吸纳 amount of the current year where it has none.

Deterministic (seeded), fast: one query for the districts' firms, then ``bulk_create`` (no history rows, like
the rest of the demo data). Sides are computed by the same code as the services (``services.sides_for``)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from keguan.demo.bulk import raw_delete
from keguan.enterprises.models import Enterprise
from keguan.indicators.models import Target
from keguan.regions.models import Region, RegionLevel

from .models import Award, AwardKind, AwardLevel, ContractKind, ContractSide, Result, ResultKind, TechContract
from .places import Place, places_of
from .services import sides_for

WAN = Decimal(10000)
KINDS = [(ContractKind.DEVELOPMENT, 35), (ContractKind.SERVICE, 30), (ContractKind.CONSULTING, 12),
         (ContractKind.TRANSFER, 13), (ContractKind.LICENSE, 10)]
SUBJECTS = ["智能控制系统", "工业互联网平台", "新型复合材料", "生物发酵工艺", "农产品精深加工", "节能环保装备", "大数据分析平台",
            "中药材种植技术", "新能源汽车零部件", "检验检测方法", "智慧农业物联网", "高性能铝合金", "糖料蔗全程机械化"]
VERBS = {ContractKind.DEVELOPMENT: "研发", ContractKind.SERVICE: "技术服务", ContractKind.CONSULTING: "技术咨询",
         ContractKind.TRANSFER: "专利转让", ContractKind.LICENSE: "专利实施许可"}
OUTSIDE = [("北京理工大学", "北京市海淀区"), ("华南理工大学", "广东省广州市天河区"), ("浙江大学", "浙江省杭州市西湖区"),
           ("中国科学院深圳先进技术研究院", "广东省深圳市南山区"), ("上海交通大学", "上海市闵行区"), ("湖南大学", "湖南省长沙市岳麓区")]
CONTESTS = [("中国创新创业大赛（广西赛区）", AwardLevel.PROVINCE, AwardKind.CONTEST),
            ("中国创新创业大赛", AwardLevel.NATIONAL, AwardKind.CONTEST),
            ("{city}创新创业大赛", AwardLevel.CITY, AwardKind.CONTEST),
            ("广西科学技术奖", AwardLevel.PROVINCE, AwardKind.AWARD),
            ("{city}科学技术奖", AwardLevel.CITY, AwardKind.AWARD),
            ("广西职工技术创新成果奖", AwardLevel.PROVINCE, AwardKind.OTHER)]
PRIZES = ["一等奖", "二等奖", "三等奖", "优秀奖", "", "", ""]
CN_ORDINAL = "零一二三四五六七八九十"


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """Remove the market records of these districts (and the contracts their firms or city are party to)."""
    cities = set(Region.objects.filter(pk__in=district_ids).values_list("parent_id", flat=True))
    contracts = TechContract.objects.filter(
        Q(sides__district_id__in=district_ids) | Q(sides__city_id__in=cities, sides__district__isnull=True)
        | Q(seller_enterprise_id__in=enterprise_ids) | Q(buyer_enterprise_id__in=enterprise_ids))
    ids = list(contracts.values_list("id", flat=True).distinct())
    for i in range(0, len(ids), 5000):
        chunk = ids[i:i + 5000]
        raw_delete(ContractSide.objects.filter(contract_id__in=chunk))
        raw_delete(TechContract.history.filter(id__in=chunk))
        raw_delete(TechContract.objects.filter(id__in=chunk))
    for model in (Result, Award):
        raw_delete(model.history.filter(district_id__in=district_ids))
        raw_delete(model.objects.filter(district_id__in=district_ids))


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return (Decimal(rng.randint(low, high)) * 100).quantize(Decimal("0.01"))


def _day(rng: random.Random, year: int, today: dt.date) -> dt.date:
    end = min(dt.date(year, 12, 31), today)
    start = dt.date(year, 1, 1)
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def make_market_demo(*, districts: list[Region], today: dt.date | None = None, seed: int = 2024) -> int:
    """Contracts, results and awards for ``districts``. Returns the contracts made."""
    today = today or timezone.localdate()
    rng = random.Random(f"market-{seed}")
    wipe([], [d.pk for d in districts])
    if not districts:
        return 0
    city = districts[0].parent
    siblings = list(Region.objects.filter(parent=city, level=RegionLevel.COUNTY).order_by("code")) if city else []
    firms: dict[int, list[tuple[int, str, str]]] = {}
    for d in districts:
        firms[d.pk] = list(Enterprise.objects.filter(district=d).order_by("id")
                           .values_list("id", "name", "credit_code")[:300])
    other_city = (Region.objects.filter(parent=city.parent, level=RegionLevel.COUNTY).exclude(parent=city)
                  .order_by("code").first() if city and city.parent_id else None)
    regions = [*districts, *siblings, *([city] if city else []), *([other_city] if other_city else [])]
    places = places_of(regions)
    contracts: list[TechContract] = []
    sides: list[tuple[int, str, Region, Region | None]] = []  # (index in contracts, side, city, district)
    kinds, weights = zip(*KINDS, strict=True)
    serial = 0
    for d in districts:
        own = firms.get(d.pk) or []
        if not own:
            continue
        for year in (today.year - 2, today.year - 1, today.year):
            if year == today.year and today.month < 2:
                continue
            n = rng.randint(25, 45) if year < today.year else max(4, int(rng.randint(25, 45) * today.month / 12))
            for _ in range(n):
                serial += 1
                kind = rng.choices(kinds, weights)[0]
                roll = rng.random()
                seller = buyer = None
                s_name = b_name = s_code = b_code = ""
                s_area = b_area = ""
                s_ent = b_ent = None
                mine = rng.choice(own)
                if roll < 0.3:  # between two firms of the district
                    other = rng.choice(own)
                    seller, buyer = d, d
                    s_ent, s_name, s_code = mine
                    b_ent, b_name, b_code = other
                elif roll < 0.55 and len(siblings) > 1:  # across the city's districts
                    there = rng.choice([s for s in siblings if s.pk != d.pk])
                    seller, buyer = (d, there) if rng.random() < 0.5 else (there, d)
                    if seller == d:
                        s_ent, s_name, s_code = mine
                        b_name = f"{there.name}{rng.choice(SUBJECTS)[:4]}有限公司"
                    else:
                        b_ent, b_name, b_code = mine
                        s_name = f"{there.name}{rng.choice(SUBJECTS)[:4]}科技有限公司"
                elif roll < 0.75:  # sold outside the city
                    seller = d
                    s_ent, s_name, s_code = mine
                    if other_city is not None and rng.random() < 0.4:
                        buyer, b_name = other_city, f"{other_city.name}{rng.choice(SUBJECTS)[:4]}有限公司"
                    else:
                        b_name, b_area = rng.choice(OUTSIDE)
                        b_name = b_name.replace("大学", "大学科技园有限公司") if "大学" in b_name else b_name
                elif roll < 0.93:  # bought from outside the city
                    buyer = d
                    b_ent, b_name, b_code = mine
                    s_name, s_area = rng.choice(OUTSIDE)
                else:  # the seller is known only to the city (a city-level institute)
                    seller, buyer = city, d
                    s_name = f"{city.name}科学技术情报研究所" if city else "市科学技术情报研究所"
                    b_ent, b_name, b_code = mine
                amount = _money(rng, 50, 5000)  # 5万–500万
                tx = (amount * Decimal(str(rng.uniform(0.6, 1.0)))).quantize(Decimal("0.01"), ROUND_HALF_UP)
                on = _day(rng, year, today)
                contracts.append(TechContract(
                    number=f"{year}{d.code}{serial:06d}", name=f"{rng.choice(SUBJECTS)}{VERBS[kind]}", kind=kind,
                    seller_name=s_name, seller_code=s_code or "", seller_region=seller,
                    seller_area=s_area or (seller.name if seller else ""), seller_enterprise_id=s_ent,
                    buyer_name=b_name, buyer_code=b_code or "", buyer_region=buyer,
                    buyer_area=b_area or (buyer.name if buyer else ""), buyer_enterprise_id=b_ent,
                    registered_on=on, contract_amount=amount, transaction_amount=tx,
                    registrar=f"{city.name}技术市场管理办公室" if city else "技术合同登记处"))
                idx = len(contracts) - 1
                sp: Place | None = places.get(seller.pk) if seller else None
                bp: Place | None = places.get(buyer.pk) if buyer else None
                for side, c, dist in sides_for(sp, bp):
                    sides.append((idx, side, c, dist))
    TechContract.objects.bulk_create(contracts, batch_size=1000)
    ContractSide.objects.bulk_create([
        ContractSide(contract=contracts[i], side=side, city=c, district=dist, registered_on=contracts[i].registered_on,
                     contract_amount=contracts[i].contract_amount, transaction_amount=contracts[i].transaction_amount)
        for i, side, c, dist in sides], batch_size=2000)
    _results_and_awards(rng, districts, firms, today, city)
    _targets(rng, districts, today)
    return len(contracts)


def _results_and_awards(rng, districts, firms, today, city) -> None:
    results, awards = [], []
    city_name = city.name if city else "本市"
    for d in districts:
        own = firms.get(d.pk) or []
        if not own:
            continue
        for year in (today.year - 2, today.year - 1, today.year):
            for i in range(rng.randint(3, 8) if year < today.year else rng.randint(1, 4)):
                ent, name, _code = rng.choice(own)
                results.append(Result(
                    district=d, number=f"{year}{d.code[:4]}{rng.randint(1000, 9999)}{i}", name=f"{rng.choice(SUBJECTS)}关键技术",
                    kind=rng.choices(ResultKind.values, [80, 8, 12])[0], field=rng.choice(["电子信息", "先进制造", "新材料", "现代农业", "生物医药"]),
                    holders=name, enterprise_id=ent, registered_on=_day(rng, year, today)))
            for title, level, kind in rng.sample(CONTESTS, k=3):
                n_edition = year - 2011  # 中国创新创业大赛: 第一届 2012
                edition = f"第{CN_ORDINAL[n_edition] if n_edition <= 10 else '十' + CN_ORDINAL[n_edition - 10]}届"
                label = f"{edition}{title.format(city=city_name)}" if kind == AwardKind.CONTEST else \
                    f"{year}年度{title.format(city=city_name)}"
                for _ in range(rng.randint(1, 3)):
                    ent, name, _code = rng.choice(own)
                    prize = rng.choice(PRIZES)
                    awards.append(Award(
                        district=d, kind=kind, name=label, level=level, year=year,
                        project=f"{rng.choice(SUBJECTS)}{rng.choice(['研发及产业化', '创新应用', '关键技术研究'])}",
                        prize=prize if kind == AwardKind.CONTEST else (prize or "三等奖"), winners=name, enterprise_id=ent,
                        awarded_on=_day(rng, year, today) if year < today.year or today.month > 6 else None))
    Result.objects.bulk_create(results, batch_size=1000)
    seen = set()
    unique = []
    for a in awards:
        key = (a.district_id, a.year, a.name, a.project)
        if key not in seen:
            seen.add(key)
            unique.append(a)
    Award.objects.bulk_create(unique, batch_size=1000)


def _targets(rng, districts, today) -> None:
    """The city's 吸纳 amount target of this year (万元), where it has none."""
    code = "mkt_absorb_c"
    have = set(Target.objects.filter(indicator=code, year=today.year, region__in=districts)
               .values_list("region_id", flat=True))
    Target.objects.bulk_create([Target(indicator=code, region=d, year=today.year,
                                       value=Decimal(rng.randrange(3000, 9000, 500)))
                                for d in districts if d.pk not in have])
