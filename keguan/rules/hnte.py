"""高新技术企业 (高企) recognition pre-check — 《高新技术企业认定管理办法》 国科发火〔2016〕32号 and
《高新技术企业认定管理工作指引》 国科发火〔2016〕195号 (RULES.md §2). Pure Python.

``precheck_hnte(facts, years, estimates)`` → ``HnteResult``: the eight conditions, each with its value, the
threshold and the margin; the innovation capability score (condition 7) as a range [low, high], because experts
pick the points inside each band. Parts whose band follows from the figures (IP count, growth) are "computed";
the rest are staff estimates of what the experts will judge (or, when not estimated, the whole range).

The fiscal years used are those before the application date: the last one is ``assessed_on.year - 1``; the
three-year sums and growth use the last three, or fewer when the firm was registered later (its actual years).
Thresholds live in ``HnteRuleSet`` named after the documents; change them with ``dataclasses.replace``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from keguan.rules.explain import (
    TECH_FIELDS,
    Basis,
    Condition,
    FigureBook,
    FirmFacts,
    Problem,
    ScorePart,
    Status,
    Unmet,
    YearFigures,
    at_least,
    ceil_yuan,
    frac,
    limit_text,
    pct,
    people,
    people_up,
    ratio,
    result_to_dict,
    tech_field_label,
    to_decimal,
    wan,
    wan_up,
)

__all__ = [
    "HNTE_2016",
    "RD_COST_CATEGORIES",
    "FirmFacts",
    "Growth",
    "HnteEstimates",
    "HnteResult",
    "HnteRuleSet",
    "Unmet",
    "Verdict",
    "YearFigures",
    "growth",
    "innovation_condition",
    "innovation_passes",
    "innovation_verdict",
    "precheck_hnte",
    "precheck_hnte_unmet",
    "rd_threshold",
    "result_to_dict",
]

D = Decimal

#: R&D cost categories of the 195号 forms, in order. "Other" is capped at 20% of the total (unconfirmed).
RD_COST_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("personnel", "人员人工费用"),
    ("direct_inputs", "直接投入费用"),
    ("depreciation", "折旧费用与长期待摊费用"),
    ("amortisation", "无形资产摊销费用"),
    ("design", "设计费用"),
    ("trials", "装备调试费用与试验费用"),
    ("commissioned", "委托外部研究开发费用"),
    ("other", "其他费用"),
)


@dataclass(frozen=True)
class HnteRuleSet:
    """The 高企 criteria of one pair of documents. Bands are (lower bound, low, high), highest first; "≥"
    includes the bound. ``rd_ladder`` is (upper bound of the latest year's sales, inclusive, or None; required
    R&D share) — not the 2008 ladder 6/4/3%."""

    code: str = "国科发火〔2016〕32号、国科发火〔2016〕195号"
    title: str = "高新技术企业认定管理办法、高新技术企业认定管理工作指引"
    year: int = 2016
    min_registered_days: int = 365
    tech_fields: tuple[tuple[str, str], ...] = TECH_FIELDS
    st_staff_min: Decimal = D("0.10")
    rd_years: int = 3
    rd_ladder: tuple[tuple[Decimal | None, Decimal], ...] = (
        (D(50_000_000), D("0.05")),
        (D(200_000_000), D("0.04")),
        (None, D("0.03")),
    )
    rd_domestic_min: Decimal = D("0.60")
    hightech_min: Decimal = D("0.60")
    #: "> 70" in whole points.
    innovation_pass: int = 71
    ip_max: int = 30
    #: Expert bands for technical advancement and the core-support role: letter → (low, high).
    expert_bands: tuple[tuple[str, int, int], ...] = (
        ("A", 7, 8),
        ("B", 5, 6),
        ("C", 3, 4),
        ("D", 1, 2),
        ("E", 0, 0),
    )
    expert_band_max: int = 8
    ip_class1_range: tuple[int, int] = (7, 8)
    ip_class2_bands: tuple[tuple[int, int, int], ...] = ((5, 5, 6), (3, 3, 4), (1, 1, 2))
    ip_count_max: int = 8
    #: How the IP was obtained: code → (label, low, high).
    ip_obtained: tuple[tuple[str, str, int, int], ...] = (
        ("own", "自主研发", 1, 6),
        ("bought", "仅有受让、受赠和并购等", 1, 3),
    )
    ip_obtained_max: int = 6
    standards_range: tuple[int, int] = (1, 2)
    conversion_max: int = 30
    conversion_bands: tuple[tuple[int, int, int], ...] = (
        (5, 25, 30),
        (4, 19, 24),
        (3, 13, 18),
        (2, 7, 12),
        (1, 1, 6),
    )
    #: R&D organisation, expert-judged: (code, name, max points).
    rd_org_parts: tuple[tuple[str, str, int], ...] = (
        (
            "management",
            "研发组织管理制度与研发费用辅助账",
            6,
        ),  # 研究开发组织管理制度、研发投入核算体系、研发费用辅助账
        ("body", "研发机构与产学研合作", 6),  # 设立内部研究开发机构并具备相应条件，开展产学研合作
        ("incentives", "成果转化激励与创新创业平台", 4),  # 成果转化组织实施与激励奖励制度，开放式创新创业平台
        ("training", "人才培养、引进与绩效奖励", 4),  # 科技人员培养进修、职工技能培训、人才引进、绩效评价奖励
    )
    growth_bands: tuple[tuple[Decimal, int, int], ...] = (
        (D("0.35"), 9, 10),
        (D("0.25"), 7, 8),
        (D("0.15"), 5, 6),
        (D("0.05"), 3, 4),
    )
    #: 0 < g below the lowest band; g ≤ 0 scores 0.
    growth_positive: tuple[int, int] = (1, 2)
    growth_part_max: int = 10
    #: 其他费用 ≤ 20% of total R&D (unconfirmed; for forms).
    rd_other_cap: Decimal = D("0.20")
    certificate_years: int = 3


HNTE_2016 = HnteRuleSet()

Estimate = int | tuple[int, int] | None


@dataclass(frozen=True)
class HnteEstimates:
    """Staff estimates for the expert-judged parts of the innovation score. None = not estimated (the whole
    range of the part is assumed). ``ip_advancement``/``ip_core_support``: band letters A–E. ``ip_obtained``:
    "own" (自主研发) or "bought" (仅有受让、受赠和并购等). ``standards_drafted``: standards the firm took part in
    drafting (0 = none). ``conversions``: year → number of S&T results converted that year. The R&D organisation
    sub-scores: points, or (low, high)."""

    ip_advancement: str | None = None
    ip_core_support: str | None = None
    ip_obtained: str | None = None
    standards_drafted: int | None = None
    conversions: Mapping[int, int] | tuple[tuple[int, int], ...] | None = None
    rd_org_management: Estimate = None
    rd_org_body: Estimate = None
    rd_org_incentives: Estimate = None
    rd_org_training: Estimate = None

    def __post_init__(self) -> None:
        if isinstance(self.conversions, Mapping):
            object.__setattr__(self, "conversions", tuple(sorted(self.conversions.items())))


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    EXPERTS = "experts"

    @property
    def label(self) -> str:
        return {"pass": "确定达到", "fail": "确定达不到", "experts": "取决于专家评分"}[self.value]


@dataclass(frozen=True, kw_only=True)
class HnteResult:
    """``status``: passed / failed / uncertain (only the innovation score is open), or incomplete / invalid with
    ``problems`` and no conditions and no score. ``years``: the fiscal years used (oldest first). ``innovation``:
    the innovation score range with its parts; ``verdict`` says whether the 71-point line is surely passed,
    surely failed or depends on the experts."""

    status: Status
    summary: str
    rules: str
    years: tuple[int, ...]
    problems: tuple[Problem, ...] = ()
    conditions: tuple[Condition, ...] = ()
    innovation: ScorePart | None = None
    verdict: Verdict | None = None
    notes: tuple[str, ...] = ()
    kind: str = field(default="hnte")

    def condition(self, code: str) -> Condition:
        for row in self.conditions:
            if row.code == code:
                return row
        raise KeyError(f"没有条件 {code}（{self.status.label}）")


# --- pieces that are useful alone -------------------------------------------------------------------------


def rd_threshold(latest_sales: Decimal | int, rules: HnteRuleSet = HNTE_2016) -> Decimal:
    """The required R&D share of sales, set by the latest year's sales (≤ 5000万 5%, ≤ 2亿 4%, above 3%)."""
    for upper, share in rules.rd_ladder:
        if upper is None or latest_sales <= upper:
            return share
    raise ValueError("rd_ladder 的最后一档应不设上限")


def innovation_passes(points: int, rules: HnteRuleSet = HNTE_2016) -> bool:
    """Whole points: 70 fails, 71 passes ("> 70")."""
    return points >= rules.innovation_pass


def innovation_verdict(low: int, high: int, rules: HnteRuleSet = HNTE_2016) -> Verdict:
    if innovation_passes(low, rules):
        return Verdict.PASS
    if not innovation_passes(high, rules):
        return Verdict.FAIL
    return Verdict.EXPERTS


@dataclass(frozen=True)
class Growth:
    """A growth rate and its band. ``rate`` is None when a special case scores 0 without a rate."""

    rate: Decimal | None
    low: int
    high: int
    detail: str


def growth(values: Sequence[Decimal | int], rules: HnteRuleSet = HNTE_2016, *, label: str = "") -> Growth:
    """The 195号 growth rate over the firm's last (up to) three years, oldest first, and its points.

    Three years: g = ½ × (v2/v1 + v3/v2) − 1; if v2 = 0 the score is 0; else if v1 = 0, g = v3/v2 − 1.
    Two years: g = v2/v1 − 1 (unconfirmed); if v1 = 0 the score is 0 (our reading: nothing to grow from).
    One year: 0 (unconfirmed). A negative rate scores 0. A negative value (net assets can be) scores 0 — our
    reading, unconfirmed: the formula means nothing across a sign change.
    """
    vs = [frac(v) for v in values]
    what = label or "数值"

    def zero(why: str) -> Growth:
        return Growth(None, 0, 0, f"{why}，按0分计")

    if len(vs) > 3:
        raise ValueError("增长率最多使用近三个会计年度的数值")
    if len(vs) <= 1:
        return zero("仅有一个会计年度，不计算增长率（未确认）")
    if any(v < 0 for v in vs):
        return zero(f"{what}出现负值，增长率无意义（我们的理解，未确认）")
    if len(vs) == 2:
        v1, v2 = vs
        if v1 == 0:
            return zero(f"第一年{what}为0，无法计算增长率（我们的理解）")
        g, how = v2 / v1 - 1, "两年：v2/v1 − 1（未确认）"
    else:
        v1, v2, v3 = vs
        if v2 == 0:
            return zero(f"第二年{what}为0")
        if v1 == 0:
            g, how = v3 / v2 - 1, f"第一年{what}为0，按 v3/v2 − 1 计算"
        else:
            g, how = (v2 / v1 + v3 / v2) / 2 - 1, "½ ×（v2/v1 + v3/v2）− 1"
    rate = to_decimal(g)
    for lower, low, high in rules.growth_bands:
        if at_least(g, lower):
            return Growth(rate, low, high, f"增长率{pct(g)}（{how}），达到{pct(lower)}，得{low}–{high}分")
    if g > 0:
        low, high = rules.growth_positive
        return Growth(rate, low, high, f"增长率{pct(g)}（{how}），大于0，得{low}–{high}分")
    return Growth(rate, 0, 0, f"增长率{pct(g)}（{how}），不大于0，得0分")


# --- the check ---------------------------------------------------------------------------------------------


def _years(facts: FirmFacts, rules: HnteRuleSet) -> tuple[int, ...]:
    last = facts.last_fiscal_year
    first = last - (rules.rd_years - 1)
    if facts.registered_on is not None:
        first = max(first, facts.registered_on.year)
    return tuple(range(first, last + 1))


def _estimate_range(value: Estimate, top: int, name: str, book: FigureBook) -> tuple[int, int] | None:
    if value is None:
        return None
    low, high = (value, value) if isinstance(value, int) else value
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high <= top):
        book.invalid(f"研发组织管理水平“{name}”的估计分{value}不在0–{top}分之内，请核对", field=name)
        return None
    return low, high


def _check_estimates(est: HnteEstimates, years: Sequence[int], rules: HnteRuleSet, book: FigureBook) -> None:
    letters = [band for band, _, _ in rules.expert_bands]
    for attr, name in (
        ("ip_advancement", "知识产权技术先进程度"),
        ("ip_core_support", "知识产权核心支持作用"),
    ):
        value = getattr(est, attr)
        if value is not None and str(value).strip().upper() not in letters:
            book.invalid(f"{name}的估计档次“{value}”应为 {'、'.join(letters)} 之一", field=attr)
    codes = [code for code, *_ in rules.ip_obtained]
    if est.ip_obtained is not None and est.ip_obtained not in codes:
        book.invalid(f"知识产权获得方式“{est.ip_obtained}”应为 {'、'.join(codes)} 之一", field="ip_obtained")
    if est.standards_drafted is not None and est.standards_drafted < 0:
        book.invalid(f"参与编制标准数为负数（{est.standards_drafted}），请核对", field="standards_drafted")
    if est.conversions is not None:
        given = dict(est.conversions)  # type: ignore[arg-type]
        for year in years:
            if year not in given:
                book.missing(f"缺少{year}年科技成果转化数", year, "conversions")
            elif given[year] < 0:
                book.invalid(f"{year}年科技成果转化数为负数（{given[year]}），请核对", year, "conversions")
    for code, name, top in rules.rd_org_parts:
        _estimate_range(getattr(est, f"rd_org_{code}"), top, name, book)


def _pass_condition(
    code: str,
    name: str,
    share: Fraction,
    minimum: Decimal,
    value: str,
    passed_text: Callable[[], str],
    failed_text: Callable[[], str],
    shortfall: Callable[[], Decimal | int | None],
    unit: str,
    threshold: str = "",
) -> Condition:
    """A "share ≥ minimum" condition. The texts and the shortfall are functions: only the outcome's are
    worked out (the pre-check explains thousands of firms)."""
    passed = at_least(share, minimum)
    return Condition(
        code=code,
        name=name,
        value=value,
        threshold=threshold or f"≥{pct(minimum)}",
        passed=passed,
        message=passed_text() if passed else failed_text(),
        ratio=to_decimal(share),
        shortfall=None if passed else D(shortfall() or 0),
        unit="" if passed else unit,
    )


def _condition_rd(book: FigureBook, years: Sequence[int], rules: HnteRuleSet) -> list[Condition]:
    rows = [book.by_year[y] for y in years]
    rd = sum((r.rd_total for r in rows), D(0))  # type: ignore[misc]
    domestic = sum((r.rd_domestic for r in rows), D(0))  # type: ignore[misc]
    sales = sum((r.sales_revenue for r in rows), D(0))  # type: ignore[misc]
    latest = rows[-1].sales_revenue
    assert latest is not None
    need = rd_threshold(latest, rules)
    span = _span(years)
    share = ratio(rd, sales)
    value = f"{span}研发费用合计{wan(rd)}，占销售收入合计{wan(sales)}的{pct(share)}"
    need_text = pct(need)

    def missing() -> Fraction:
        return frac(need) * frac(sales) - frac(rd)

    rd_row = _pass_condition(
        "rd_ratio",
        "研发费用占销售收入比例",
        share,
        need,
        value,
        lambda: f"{value}，达到{need_text}的要求（最近一年销售收入{wan(latest)}，适用{need_text}）",
        lambda: (
            f"{value}，低于{need_text}的要求（最近一年销售收入{wan(latest)}，适用{need_text}），"
            f"差约{wan_up(missing())}"
        ),
        lambda: ceil_yuan(missing()),
        "元",
        threshold=f"≥{need_text}（最近一年销售收入{_ladder_text(latest, rules)}）",
    )
    if rd == 0:
        dom_row = Condition(
            code="rd_domestic",
            name="境内研发费用占比",
            value="研发费用为0",
            threshold=f"≥{pct(rules.rd_domestic_min)}",
            passed=False,
            message=f"{span}研发费用为0，境内研发费用占比无从计算",
        )
        return [rd_row, dom_row]
    dom_share = ratio(domestic, rd)

    # More domestic R&D raises both numerator and total: (d + x) / (rd + x) ≥ t  ⇔  x ≥ (t·rd − d) / (1 − t).
    def extra() -> Fraction:
        t = frac(rules.rd_domestic_min)
        return (t * frac(rd) - frac(domestic)) / (1 - t)

    dom_value = f"境内研发费用{wan(domestic)}，占研发费用总额{wan(rd)}的{pct(dom_share)}"
    dom_row = _pass_condition(
        "rd_domestic",
        "境内研发费用占比",
        dom_share,
        rules.rd_domestic_min,
        dom_value,
        lambda: f"{dom_value}，达到{pct(rules.rd_domestic_min)}的要求",
        lambda: f"{dom_value}，低于{pct(rules.rd_domestic_min)}的要求，境内研发费用还差约{wan_up(extra())}",
        lambda: ceil_yuan(extra()),
        "元",
    )
    return [rd_row, dom_row]


def _ladder_text(latest: Decimal, rules: HnteRuleSet) -> str:
    lower = None
    for upper, _ in rules.rd_ladder:
        if upper is None or latest <= upper:
            if upper is None:
                return f"{wan(latest)}，超过{limit_text(lower)}" if lower is not None else wan(latest)
            return f"{wan(latest)}，不超过{limit_text(upper)}"
        lower = upper
    return wan(latest)


def _band_range(letter: str | None, name: str, code: str, rules: HnteRuleSet) -> ScorePart:
    top = rules.expert_band_max
    if letter is None:
        return ScorePart.leaf(code, name, (0, top), top, Basis.UNESTIMATED, f"未估计，按0–{top}分计")
    band = str(letter).strip().upper()
    low, high = next((lo, hi) for b, lo, hi in rules.expert_bands if b == band)
    return ScorePart.leaf(code, name, (low, high), top, Basis.ESTIMATE, f"估计为{band}档，{low}–{high}分")


def _ip_part(f: YearFigures, est: HnteEstimates, rules: HnteRuleSet) -> ScorePart:
    class1, class2 = f.ip_class1 or 0, f.ip_class2 or 0
    has_ip = class1 + class2 > 0
    adv_name, core_name = "技术的先进程度", "对主要产品（服务）在技术上发挥核心支持作用"
    obtained_name, standards_name = "知识产权获得方式", "参与编制标准（加分）"
    none = "无有效知识产权，0分"
    if has_ip:
        advancement = _band_range(est.ip_advancement, adv_name, "ip_advancement", rules)
        core = _band_range(est.ip_core_support, core_name, "ip_core_support", rules)
    else:
        top = rules.expert_band_max
        advancement = ScorePart.leaf("ip_advancement", adv_name, (0, 0), top, Basis.COMPUTED, none)
        core = ScorePart.leaf("ip_core_support", core_name, (0, 0), top, Basis.COMPUTED, none)

    if class1:
        band, count_text = rules.ip_class1_range, f"Ⅰ类知识产权{class1}件"
    else:
        band = next(((lo, hi) for n, lo, hi in rules.ip_class2_bands if class2 >= n), (0, 0))
        count_text = f"Ⅱ类知识产权{class2}件" if class2 else "无有效知识产权"
    count = ScorePart.leaf(
        "ip_count",
        "知识产权数量",
        band,
        rules.ip_count_max,
        Basis.COMPUTED,
        f"{f.year}年{count_text}，{band[0]}–{band[1]}分（Ⅱ类知识产权只能用于一次高企申请，已用过的不计）",
    )

    top = rules.ip_obtained_max
    if not has_ip:
        obtained = ScorePart.leaf("ip_obtained", obtained_name, (0, 0), top, Basis.COMPUTED, none)
    elif est.ip_obtained is None:
        widest = (min(lo for *_, lo, _ in rules.ip_obtained), max(hi for *_, hi in rules.ip_obtained))
        obtained = ScorePart.leaf(
            "ip_obtained",
            obtained_name,
            widest,
            top,
            Basis.UNESTIMATED,
            f"未估计，按{widest[0]}–{widest[1]}分计",
        )
    else:
        label, lo, hi = next((lb, lo, hi) for c, lb, lo, hi in rules.ip_obtained if c == est.ip_obtained)
        obtained = ScorePart.leaf(
            "ip_obtained", obtained_name, (lo, hi), top, Basis.ESTIMATE, f"{label}，{lo}–{hi}分"
        )

    s_low, s_high = rules.standards_range
    if est.standards_drafted is None:
        standards = ScorePart.leaf(
            "ip_standards",
            standards_name,
            (0, s_high),
            s_high,
            Basis.UNESTIMATED,
            f"未填写，按0–{s_high}分计",
        )
    elif est.standards_drafted == 0:
        standards = ScorePart.leaf(
            "ip_standards", standards_name, (0, 0), s_high, Basis.ESTIMATE, "未参与编制标准，0分"
        )
    else:
        standards = ScorePart.leaf(
            "ip_standards",
            standards_name,
            (s_low, s_high),
            s_high,
            Basis.ESTIMATE,
            f"参与编制标准{est.standards_drafted}项，{s_low}–{s_high}分",
        )
    return ScorePart.total(
        "ip", "知识产权", (advancement, core, count, obtained, standards), cap=rules.ip_max
    )


def _conversion_part(est: HnteEstimates, years: Sequence[int], rules: HnteRuleSet) -> ScorePart:
    top, name = rules.conversion_max, "科技成果转化能力"
    if est.conversions is None:
        return ScorePart.leaf(
            "conversion", name, (0, top), top, Basis.UNESTIMATED, f"未填写科技成果转化数，按0–{top}分计"
        )
    given = dict(est.conversions)  # type: ignore[arg-type]
    total = sum(given[y] for y in years)
    average = Fraction(total, len(years))
    band = next(((lo, hi) for n, lo, hi in rules.conversion_bands if average >= n), (0, 0))
    avg_text = f"{to_decimal(average).quantize(D('0.01'))}".rstrip("0").rstrip(".")
    return ScorePart.leaf(
        "conversion",
        name,
        band,
        top,
        Basis.ESTIMATE,
        f"{_span(years)}科技成果转化共{total}项，年均{avg_text}项，{band[0]}–{band[1]}分（按实际经营年数平均，未确认）",
    )


def _rd_org_part(est: HnteEstimates, rules: HnteRuleSet) -> ScorePart:
    parts = []
    for code, name, top in rules.rd_org_parts:
        value = getattr(est, f"rd_org_{code}")
        if value is None:
            parts.append(
                ScorePart.leaf(
                    f"rd_org_{code}", name, (0, top), top, Basis.UNESTIMATED, f"未估计，按0–{top}分计"
                )
            )
        else:
            low, high = (value, value) if isinstance(value, int) else value
            shown = f"{low}分" if low == high else f"{low}–{high}分"
            parts.append(
                ScorePart.leaf(f"rd_org_{code}", name, (low, high), top, Basis.ESTIMATE, f"估计{shown}")
            )
    return ScorePart.total("rd_org", "研究开发组织管理水平", parts)


def _growth_part(book: FigureBook, years: Sequence[int], rules: HnteRuleSet) -> ScorePart:
    parts = []
    for code, attr, label in (
        ("growth_net_assets", "net_assets", "净资产"),
        ("growth_sales", "sales_revenue", "销售收入"),
    ):
        values = [getattr(book.by_year[y], attr) for y in years]
        g = growth(values, rules, label=label)
        shown = "→".join(wan(v) for v in values)
        parts.append(
            ScorePart.leaf(
                code,
                f"{label}增长率",
                (g.low, g.high),
                rules.growth_part_max,
                Basis.COMPUTED,
                f"{label}{shown}：{g.detail}",
                ratio=g.rate,
            )
        )
    return ScorePart.total("growth", "企业成长性", parts)


def _innovation(book: FigureBook, years: Sequence[int], est: HnteEstimates, rules: HnteRuleSet) -> ScorePart:
    parts = (
        _ip_part(book.by_year[years[-1]], est, rules),
        _conversion_part(est, years, rules),
        _rd_org_part(est, rules),
        _growth_part(book, years, rules),
    )
    leaves = _leaves(parts)
    names = {basis: "，".join(p.name for p in leaves if p.basis is basis) or "无" for basis in Basis}
    score = ScorePart.total("innovation", "企业创新能力评价", parts)
    detail = (
        f"{score.low}–{score.high}分。按数据计算档次：{names[Basis.COMPUTED]}。工作人员估计：{names[Basis.ESTIMATE]}。"
        f"未估计（按全区间）：{names[Basis.UNESTIMATED]}"
    )
    return replace(score, detail=detail)


def _span(years: Sequence[int]) -> str:
    return f"{years[0]}–{years[-1]}年" if len(years) > 1 else f"{years[0]}年"


def _leaves(parts: Iterable[ScorePart]) -> list[ScorePart]:
    out: list[ScorePart] = []
    for p in parts:
        out.extend(_leaves(p.parts) if p.parts else [p])
    return out


def innovation_condition(low: int, high: int, rules: HnteRuleSet = HNTE_2016) -> tuple[Condition, Verdict]:
    """Condition 7 for an innovation score of [low, high] points, and the verdict."""
    verdict = innovation_verdict(low, high, rules)
    line = rules.innovation_pass
    shown = f"{low}分" if low == high else f"{low}–{high}分"
    if verdict is Verdict.PASS:
        message = f"创新能力评分估计为{shown}，最低也达到{line}分（须高于{line - 1}分）"
        passed: bool | None = True
        shortfall = None
    elif verdict is Verdict.FAIL:
        message = f"创新能力评分估计为{shown}，最高也只有{high}分，未达到{line}分，差{line - high}分"
        passed = False
        shortfall = D(line - high)
    else:
        message = (
            f"创新能力评分估计为{shown}，能否达到{line}分取决于专家评分"
            f"（最低差{line - low}分，最高超出{high - line}分）"
        )
        passed = None
        shortfall = D(line - low)
    return Condition(
        code="innovation",
        name="企业创新能力评价",
        value=shown,
        threshold=f"≥{line}分（高于{line - 1}分）",
        passed=passed,
        message=message,
        shortfall=shortfall,
        unit="分",
    ), verdict


def _read(
    facts: FirmFacts, years: Iterable[YearFigures], est: HnteEstimates, rules: HnteRuleSet
) -> tuple[FigureBook, tuple[int, ...], str | None]:
    """The figures and facts as the pre-check reads them: the book (with the problems found), the fiscal
    years used and the 高新技术领域 label."""
    book = FigureBook(years)
    last = facts.last_fiscal_year
    if facts.registered_on is None:
        book.missing(
            "缺少注册日期（判断是否注册满一年、使用哪几个会计年度的数据都需要）", field="registered_on"
        )
    elif facts.registered_on > facts.assessed_on:
        book.invalid(
            f"注册日期{facts.registered_on.isoformat()}晚于申报日期{facts.assessed_on.isoformat()}，请核对",
            field="registered_on",
        )
    field_label = None
    try:
        field_label = tech_field_label(facts.tech_field)
    except ValueError:
        names = "、".join(label for _, label in rules.tech_fields)
        book.invalid(f"高新技术领域“{facts.tech_field}”不是八大领域（{names}）之一", field="tech_field")
    window = _years(facts, rules)
    if not window:
        book.missing(
            f"企业{facts.registered_on.year if facts.registered_on else ''}年注册，"
            f"申报前尚无完整会计年度数据",
            field="years",
        )
    else:
        for year in window:
            f = book.get(year, "近三个会计年度的研发费用、销售收入和净资产都需要；不足三年的按实际年数")
            if f is not None:
                book.require(f, ("sales_revenue", "rd_domestic", "rd_abroad", "net_assets"))
        latest = book.by_year.get(last)
        if latest is not None:
            book.require(latest, ("employees", "st_staff", "hightech_income", "ip_class1", "ip_class2"))
            if latest.employees == 0:
                book.zero(latest, "employees", "科技人员占比")
            if latest.income_base == 0:
                base = "total_income" if latest.total_income is not None else "sales_revenue"
                book.zero(latest, base, "高新技术产品（服务）收入占比")
        rows = [book.by_year.get(y) for y in window]
        if all(r is not None and r.sales_revenue is not None for r in rows):
            if sum(r.sales_revenue for r in rows) == 0:  # type: ignore[union-attr,misc]
                span = _span(window)
                book.invalid(
                    f"{span}销售收入合计为0，无法计算研发费用占销售收入比例，请核对", field="sales_revenue"
                )
        _check_estimates(est, window, rules, book)
    return book, window, field_label


def precheck_hnte(
    facts: FirmFacts,
    years: Iterable[YearFigures],
    estimates: HnteEstimates | None = None,
    *,
    rules: HnteRuleSet = HNTE_2016,
) -> HnteResult:
    """Pre-check a 高企 application dated ``facts.assessed_on`` against the eight conditions."""
    est = estimates or HnteEstimates()
    book, window, field_label = _read(facts, years, est, rules)
    rule_text = f"{rules.title}（{rules.code}）"
    if book.problems:
        status = book.status or Status.INCOMPLETE
        return HnteResult(
            status=status,
            rules=rule_text,
            years=window,
            problems=tuple(book.problems),
            summary=f"{status.label}，未预审：" + "；".join(p.message for p in book.problems),
        )
    innovation = _innovation(book, window, est, rules)
    conditions = list(_conditions(facts, book, window, field_label, est, rules, innovation))
    verdict = innovation_verdict(innovation.low, innovation.high, rules)
    innovation_row = next(c for c in conditions if c.code == "innovation")
    failed = [c for c in conditions if c.passed is False]
    if failed:
        status = Status.FAILED
        summary = "不符合高新技术企业认定条件：" + "；".join(c.message for c in failed)
    elif verdict is Verdict.EXPERTS:
        status = Status.UNCERTAIN
        summary = f"其他条件均符合；{innovation_row.message}"
    else:
        status = Status.PASSED
        summary = f"预审符合高新技术企业认定条件：{innovation_row.message}"
    return HnteResult(
        status=status,
        summary=summary,
        rules=rule_text,
        years=window,
        conditions=tuple(conditions),
        innovation=innovation,
        verdict=verdict,
    )


def precheck_hnte_unmet(
    facts: FirmFacts,
    years: Iterable[YearFigures],
    estimates: HnteEstimates | None = None,
    *,
    rules: HnteRuleSet = HNTE_2016,
) -> Unmet:
    """What ``precheck_hnte(facts, years, estimates)`` finds first against the firm — the same problems and
    the same condition row, word for word —, working out the conditions only up to that one. For lists of
    many firms that show one sentence each (the district pre-check)."""
    est = estimates or HnteEstimates()
    book, window, field_label = _read(facts, years, est, rules)
    if book.problems:
        return Unmet(problems=tuple(book.problems))
    return Unmet.first(_conditions(facts, book, window, field_label, est, rules, None))


def _conditions(
    facts: FirmFacts,
    book: FigureBook,
    window: Sequence[int],
    field_label: str | None,
    est: HnteEstimates,
    rules: HnteRuleSet,
    innovation: ScorePart | None,
) -> Iterator[Condition]:
    """The pre-check's conditions in order, each worked out when it is reached (the innovation score too,
    when not given), for figures without problems."""
    assert facts.registered_on is not None
    f = book.by_year[window[-1]]
    assert f.employees is not None and f.st_staff is not None and f.hightech_income is not None

    days = (facts.assessed_on - facts.registered_on).days
    need_days = rules.min_registered_days
    reg_value = f"{facts.registered_on.isoformat()}注册，至申报日{days}天"
    yield Condition(
        code="registered",
        name="注册成立时间",
        value=reg_value,
        threshold=f"≥{need_days}天",
        passed=days >= need_days,
        message=(
            f"{reg_value}，满一年"
            if days >= need_days
            else f"{reg_value}，不满一年，还差{need_days - days}天"
        ),
        shortfall=None if days >= need_days else D(need_days - days),
        unit="" if days >= need_days else "天",
    )

    n_ip = (f.ip_class1 or 0) + (f.ip_class2 or 0)
    ip_value = f"Ⅰ类{f.ip_class1 or 0}件、Ⅱ类{f.ip_class2 or 0}件"
    yield Condition(
        code="core_ip",
        name="核心自主知识产权",
        value=ip_value,
        threshold="≥1件，对主要产品（服务）发挥核心支持作用",
        passed=n_ip >= 1,
        message=(
            f"{f.year}年拥有有效知识产权{ip_value}（是否发挥核心支持作用由专家判断）"
            if n_ip
            else f"{f.year}年没有有效知识产权，不符合条件"
        ),
        shortfall=None if n_ip else D(1),
        unit="" if n_ip else "件",
    )

    names = "、".join(label for _, label in rules.tech_fields)
    yield Condition(
        code="tech_field",
        name="高新技术领域",
        value=field_label or "未确定",
        threshold=f"八大领域之一（{names}）",
        passed=field_label is not None,
        message=(
            f"核心技术属于“{field_label}”领域"
            if field_label
            else "未确定核心技术所属的高新技术领域，不符合条件"
        ),
    )

    staff_share = ratio(f.st_staff, f.employees)
    staff_value = f"科技人员{people(f.st_staff)}人，占职工总数{people(f.employees)}人的{pct(staff_share)}"

    def staff_need() -> int:
        return people_up(frac(rules.st_staff_min) * frac(f.employees) - frac(f.st_staff))  # type: ignore[arg-type]

    yield _pass_condition(
        "st_staff",
        "科技人员占比",
        staff_share,
        rules.st_staff_min,
        staff_value,
        lambda: f"{f.year}年{staff_value}，达到{pct(rules.st_staff_min)}",
        lambda: (
            f"{f.year}年{staff_value}，低于{pct(rules.st_staff_min)}的要求，还差{staff_need()}人（职工总数不变）"
        ),
        staff_need,
        "人",
    )

    yield from _condition_rd(book, window, rules)

    base = f.income_base
    assert base is not None
    base_name = "总收入" if f.total_income is not None else "销售收入（未填总收入）"
    ht_share = ratio(f.hightech_income, base)
    ht_value = f"高新技术产品（服务）收入{wan(f.hightech_income)}，占{base_name}{wan(base)}的{pct(ht_share)}"

    def ht_missing() -> Fraction:
        return frac(rules.hightech_min) * frac(base) - frac(f.hightech_income)  # type: ignore[arg-type]

    yield _pass_condition(
        "hightech_income",
        "高新技术产品（服务）收入占比",
        ht_share,
        rules.hightech_min,
        ht_value,
        lambda: f"{f.year}年{ht_value}，达到{pct(rules.hightech_min)}",
        lambda: f"{f.year}年{ht_value}，低于{pct(rules.hightech_min)}的要求，差约{wan_up(ht_missing())}",
        lambda: ceil_yuan(ht_missing()),
        "元",
    )

    if innovation is None:
        innovation = _innovation(book, window, est, rules)
    yield innovation_condition(innovation.low, innovation.high, rules)[0]

    bad = [
        text
        for flag, text in (
            (facts.major_accident, "重大安全、重大质量事故"),
            (facts.environmental_offence, "严重环境违法行为"),
        )
        if flag
    ]
    word = facts.recorded_word("major_accident", "environmental_offence")
    yield Condition(
        code="accident",
        name="安全、质量和环境",
        value="、".join(bad) if bad else ("无" if word == "（登记事实）" else "未登记"),
        threshold="申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为",
        passed=not bad,
        message=(
            f"申请认定前一年内有{'和'.join(bad)}{word}，不符合条件"
            if bad
            else f"申请认定前一年内未发生重大安全、重大质量事故或严重环境违法行为{word}"
        ),
    )
