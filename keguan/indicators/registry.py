"""The indicator catalogue. Each area registers its indicators from its own ``indicators.py``.

An indicator is obtained for a set of districts and a period in one grouped query (``by_district``); the value
of a larger region is the sum over its districts when the indicator is additive, and is recomputed from its
components when it is a ratio (never an average of ratios).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from keguan.core.areas import area_order
from keguan.regions.models import RegionLevel
from keguan.rules.periods import Period

# by_district(district_ids, period, memo) → {district_id: value}; ``memo`` is a dict shared by all indicators
# computed for one engine (one page or one report), so indicators drawn from the same query ask it once.
ByDistrict = Callable[[list[int], Period, dict], dict[int, Decimal] | None]


class Kind:
    COMPUTED = "computed"  # from records, by a selector
    REPORTED = "reported"  # entered by staff (statistics: GDP, R&D survey …)
    RATIO = "ratio"  # numerator / denominator of two other indicators

    LABELS = {COMPUTED: "由业务记录计算", REPORTED: "人工填报", RATIO: "由其他指标计算"}


class Timing:
    FLOW = "flow"  # counted within the period (新增、申报): compared with targets year-to-date
    STOCK = "stock"  # a state at the period's end (有效高企、在库企业)

    LABELS = {FLOW: "期间累计", STOCK: "期末存量"}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # 家, 项, 万元, %, 亿元 …
    area: str  # the area (keguan.core.areas) whose part it belongs to, e.g. "enterprises"
    kind: str = Kind.COMPUTED
    timing: str = Timing.FLOW
    measure: str = ""  # measure word in sentences (家, 项, 名, 个, 人次); empty for amounts
    decimals: int = 0
    by_district: ByDistrict | None = None
    numerator: str = ""
    denominator: str = ""
    scale: Decimal = Decimal(1)  # ratio × scale (100 for a percentage)
    records_url: Callable[[object, Period], str] | None = None
    description: str = ""
    order: int = 100
    targetable: bool = True
    tags: tuple[str, ...] = field(default=())
    # The value of several districts together when it is not the sum of theirs (batches shared by districts):
    # whole(district_ids, period, memo) → value.
    whole: Callable[[list[int], Period, dict], Decimal | None] | None = None
    # What the indicator counts, in words shared by indicators that count the same thing from different
    # records (the stages' 新认定 and the applications' 认定): a summary states one indicator per concept.
    concept: str = ""
    # Shown on the dashboard (cards, city table, export). False for figures only the work summary states
    # (a count of visits, certificates about to expire): the dashboard computes every period it shows.
    dashboard: bool = True

    @property
    def additive(self) -> bool:
        return self.kind != Kind.RATIO

    @property
    def kind_label(self) -> str:
        return Kind.LABELS[self.kind]

    @property
    def timing_label(self) -> str:
        return Timing.LABELS[self.timing]


def memoised(memo: dict | None, key: tuple, compute):
    """``compute()`` once per ``key`` within one engine's ``memo`` (every call without a memo computes)."""
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def list_url(url_name: str, region, **params) -> str:
    """The list page ``url_name`` filtered to an indicator's rows: ``params`` (empty ones left out) and, for a
    district, the district."""
    query = {k: v for k, v in params.items() if v not in (None, "")}
    if region is not None and region.level == RegionLevel.COUNTY:
        query["district"] = region.pk
    return reverse(url_name) + "?" + urlencode(query)


_REGISTRY: dict[str, Indicator] = {}

def register(indicator: Indicator) -> Indicator:
    if indicator.code in _REGISTRY and _REGISTRY[indicator.code] != indicator:
        raise ValueError(f"indicator {indicator.code} registered twice")
    if indicator.kind == Kind.COMPUTED and indicator.by_district is None:
        raise ValueError(f"computed indicator {indicator.code} needs by_district")
    if indicator.kind == Kind.RATIO and not (indicator.numerator and indicator.denominator):
        raise ValueError(f"ratio indicator {indicator.code} needs numerator and denominator")
    _REGISTRY[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    try:
        return _REGISTRY[code]
    except KeyError:
        raise KeyError(f"未知指标：{code}") from None


def all_indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (area_order(i.area), i.order, i.code))


def dashboard_indicators() -> list[Indicator]:
    return [i for i in all_indicators() if i.dashboard]


def choices(*, targetable: bool | None = None, kind: str | None = None) -> list[tuple[str, str]]:
    return [
        (i.code, f"{i.name}（{i.unit}）")
        for i in all_indicators()
        if (targetable is None or i.targetable == targetable) and (kind is None or i.kind == kind)
    ]
