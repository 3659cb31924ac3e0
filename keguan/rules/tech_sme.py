"""科技型中小企业 (科小) evaluation — 《科技型中小企业评价办法》 国科发政〔2017〕115号 (RULES.md §1). Pure Python.

``evaluate_tech_sme(facts, years)`` → ``TechSmeResult``. The figures used are those of the fiscal year before
the evaluation date (上一会计年度). All conditions are required; then either a direct qualification holds, or the
score (100 points: S&T staff 20, R&D 50, results 30) is ≥ 60 with a non-zero S&T staff score.

The thresholds live in a ``TechSmeRuleSet`` named after the document; change them with
``dataclasses.replace(TECH_SME_2017, ...)`` when the document is revised. The 2022 service guide
国科火字〔2022〕67号 changes the process, not the criteria. Since 2024 the yearly notices come from MIIT's SME
bureau; that they still follow 115号 is unconfirmed for later years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction

from keguan.rules.explain import (
    Basis,
    Condition,
    FigureBook,
    FirmFacts,
    Problem,
    ScorePart,
    Status,
    Unmet,
    YearFigures,
    add_years,
    band_points,
    frac,
    limit_text,
    next_band,
    pct,
    people,
    people_up,
    ratio,
    result_to_dict,
    to_decimal,
    wan,
    wan_up,
)

__all__ = [
    "TECH_SME_2017",
    "FirmFacts",
    "TechSmeResult",
    "TechSmeRuleSet",
    "Unmet",
    "YearFigures",
    "evaluate_tech_sme",
    "evaluate_tech_sme_unmet",
    "hnte_certificate_valid_until",
    "result_to_dict",
]

D = Decimal


@dataclass(frozen=True)
class TechSmeRuleSet:
    """The 科小 criteria of one document. Bands are (lower bound, points), highest first; "≥" includes the bound."""

    code: str = "国科发政〔2017〕115号"
    title: str = "科技型中小企业评价办法"
    year: int = 2017
    max_employees: int = 500
    max_sales: Decimal = D(200_000_000)
    max_assets: Decimal = D(200_000_000)
    staff_bands: tuple[tuple[Decimal, int], ...] = (
        (D("0.30"), 20),
        (D("0.25"), 16),
        (D("0.20"), 12),
        (D("0.15"), 8),
        (D("0.10"), 4),
    )
    rd_sales_bands: tuple[tuple[Decimal, int], ...] = (
        (D("0.06"), 50),
        (D("0.05"), 40),
        (D("0.04"), 30),
        (D("0.03"), 20),
        (D("0.02"), 10),
    )
    rd_cost_bands: tuple[tuple[Decimal, int], ...] = (
        (D("0.30"), 50),
        (D("0.25"), 40),
        (D("0.20"), 30),
        (D("0.15"), 20),
        (D("0.10"), 10),
    )
    ip_class1_points: int = 30
    ip_class2_bands: tuple[tuple[int, int], ...] = ((4, 24), (3, 18), (2, 12), (1, 6))
    pass_total: int = 60
    staff_max: int = 20
    rd_max: int = 50
    ip_max: int = 30
    #: 高企 certificates are valid three years from the issue date (read as: up to the day before the third
    #: anniversary — the exact last day is unconfirmed).
    hnte_certificate_years: int = 3


TECH_SME_2017 = TechSmeRuleSet()


@dataclass(frozen=True, kw_only=True)
class TechSmeResult:
    """``status``: passed / failed, or incomplete / invalid with ``problems`` and no conditions and no score.
    ``score`` is the 100-point total with its parts (None when data are wrong, or when a direct qualification
    holds and the score figures are not all given). ``direct`` names the direct qualifications that hold."""

    status: Status
    summary: str
    rules: str
    year: int
    problems: tuple[Problem, ...] = ()
    conditions: tuple[Condition, ...] = ()
    score: ScorePart | None = None
    direct: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    kind: str = field(default="tech_sme")

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def total(self) -> int | None:
        return None if self.score is None else self.score.points


SIZE_FIELDS = ("employees", "sales_revenue", "total_assets")
SCORE_FIELDS = ("st_staff", "total_cost", "rd_domestic", "rd_abroad", "ip_class1", "ip_class2")


def hnte_certificate_valid_until(issued_on: dt.date, rules: TechSmeRuleSet = TECH_SME_2017) -> dt.date:
    """The last day a 高企 certificate is valid: the day before the third anniversary of its issue date."""
    return add_years(issued_on, rules.hnte_certificate_years) - dt.timedelta(days=1)


def _direct_qualifications(
    facts: FirmFacts, rules: TechSmeRuleSet
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    reasons: list[str] = []
    notes: list[str] = []
    issued = facts.hnte_certificate_issued_on
    if issued is not None:
        until = hnte_certificate_valid_until(issued, rules)
        if issued <= facts.assessed_on <= until:
            reasons.append(
                f"持有有效期内的高新技术企业证书（{issued.isoformat()}发证，有效至{until.isoformat()}）"
            )
        elif facts.assessed_on > until:
            notes.append(f"高新技术企业证书已于{until.isoformat()}期满，不能据此直接认定")
        else:
            notes.append(f"高新技术企业证书发证日期{issued.isoformat()}晚于评价日期，不能据此直接认定")
    if facts.national_award:
        reasons.append("近五年内获得过国家级科技奖励，并在获奖单位中排在前三名")
    if facts.rd_institution:
        reasons.append("拥有经认定的省部级以上研发机构")
    if facts.led_standard:
        reasons.append("近五年内主导制定过国际标准、国家标准或行业标准")
    unrecorded = [label for name, label in (("national_award", "国家级科技奖励"), ("rd_institution", "省部级以上研发机构"),
                                            ("led_standard", "主导制定标准")) if name in facts.unrecorded]
    if unrecorded and not reasons:
        notes.append(f"直接认定条件中的{'、'.join(unrecorded)}未登记，按不具备计")
    return tuple(reasons), tuple(notes)


def _fact(
    code: str, name: str, bad: bool, required: str, values: tuple[str, str] = ("无", "有"), *, word: str = "（登记事实）"
) -> Condition:
    """A recorded fact (not computed): ``values`` reads (good, bad); ``word`` says whether it was recorded."""
    return Condition(
        code=code,
        name=name,
        value=values[1] if bad else (values[0] if word == "（登记事实）" else "未登记"),
        threshold=required,
        passed=not bad,
        message=(f"不符合“{required}”{word}" if bad else f"{required}{word}"),
    )


def _ceiling(code: str, name: str, value: Decimal | int, limit: Decimal | int, money: bool) -> Condition:
    shown = wan(value) if money else f"{people(value)}人"
    limit_shown = limit_text(limit) if money else f"{limit}人"
    over = value - limit
    if over > 0:
        excess = wan(over) if money else f"{people(over)}人"
        message = f"{name}{shown}，超过{limit_shown}的上限{excess}，不符合条件"
        return Condition(
            code=code,
            name=name,
            value=shown,
            threshold=f"≤{limit_shown}",
            passed=False,
            message=message,
            shortfall=D(over),
            unit="元" if money else "人",
        )
    return Condition(
        code=code,
        name=name,
        value=shown,
        threshold=f"≤{limit_shown}",
        passed=True,
        message=f"{name}{shown}，未超过{limit_shown}",
    )


def _staff_part(f: YearFigures, rules: TechSmeRuleSet) -> ScorePart:
    assert f.st_staff is not None and f.employees is not None
    share = ratio(f.st_staff, f.employees)
    points = band_points(share, rules.staff_bands)
    detail = f"科技人员{people(f.st_staff)}人，占职工总数{people(f.employees)}人的{pct(share)}，得{points}分"
    step = next_band(share, rules.staff_bands)
    if step is None:
        detail += "（最高档）"
    else:
        lower, step_points = step
        need = people_up(frac(lower) * frac(f.employees) - frac(f.st_staff))
        detail += f"；占比达到{pct(lower)}可得{step_points}分，还差{need}人（职工总数不变）"
    return ScorePart.leaf(
        "st_staff",
        "科技人员指标",
        (points, points),
        rules.staff_max,
        Basis.COMPUTED,
        detail,
        ratio=to_decimal(share),
    )


def _ladder_points(
    rd: Decimal, base: Decimal, bands: tuple[tuple[Decimal, int], ...]
) -> tuple[Fraction | None, int]:
    """R&D over ``base`` and its points on one ladder (no share and 0 points when ``base`` is 0)."""
    if base == 0:
        return None, 0
    share = ratio(rd, base)
    return share, band_points(share, bands)


def _rd_ladder(
    code: str,
    rd: Decimal,
    base: Decimal,
    base_name: str,
    bands: tuple[tuple[Decimal, int], ...],
    rules: TechSmeRuleSet,
) -> ScorePart:
    """One R&D ladder: R&D over sales (``rd_sales``) or over total costs (``rd_cost``)."""
    name = f"研发费用占{base_name}比例"
    share, points = _ladder_points(rd, base, bands)
    if share is None:
        return ScorePart.leaf(
            code, name, (0, 0), rules.rd_max, Basis.COMPUTED, f"{base_name}为0，不能按此项评分"
        )
    detail = f"研发费用{wan(rd)}，占{base_name}{wan(base)}的{pct(share)}，得{points}分"
    step = next_band(share, bands)
    if step is None:
        detail += "（最高档）"
    else:
        lower, step_points = step
        t = frac(lower)
        if code == "rd_cost":
            # New R&D spending is itself a cost: (rd + x) / (cost + x) ≥ t  ⇔  x ≥ (t·cost − rd) / (1 − t).
            extra, why = (t * frac(base) - frac(rd)) / (1 - t), "（新增研发费用同时计入成本费用）"
        else:
            extra, why = t * frac(base) - frac(rd), ""
        detail += f"；达到{pct(lower)}可得{step_points}分，还差约{wan_up(extra)}{why}"
    return ScorePart.leaf(
        code, name, (points, points), rules.rd_max, Basis.COMPUTED, detail, ratio=to_decimal(share)
    )


def _ip_points(class1: int, class2: int, rules: TechSmeRuleSet) -> int:
    if class1 >= 1:
        return rules.ip_class1_points
    return band_points(Fraction(class2), rules.ip_class2_bands)


def _ip_part(class1: int, class2: int, rules: TechSmeRuleSet) -> ScorePart:
    points = _ip_points(class1, class2, rules)
    if class1 >= 1:
        detail = f"Ⅰ类知识产权{class1}件，得{points}分（最高档）"
    else:
        detail = f"无Ⅰ类知识产权，Ⅱ类知识产权{class2}件，得{points}分" if class2 else "无有效知识产权，得0分"
        step = next_band(Fraction(class2), rules.ip_class2_bands)
        hints = [f"再有{step[0] - class2}件Ⅱ类可得{step[1]}分"] if step is not None else []
        hints.append(f"有1件Ⅰ类可得{rules.ip_class1_points}分")
        detail += "；" + "，".join(hints)
    return ScorePart.leaf("ip", "科技成果指标", (points, points), rules.ip_max, Basis.COMPUTED, detail)


def _score(f: YearFigures, rules: TechSmeRuleSet) -> ScorePart:
    assert f.rd_total is not None and f.sales_revenue is not None and f.total_cost is not None
    staff = _staff_part(f, rules)
    by_sales = _rd_ladder("rd_sales", f.rd_total, f.sales_revenue, "销售收入", rules.rd_sales_bands, rules)
    by_cost = _rd_ladder("rd_cost", f.rd_total, f.total_cost, "成本费用总额", rules.rd_cost_bands, rules)
    better = by_sales if by_sales.low >= by_cost.low else by_cost
    rd = replace(
        ScorePart.leaf(
            "rd",
            "研发投入指标",
            (better.low, better.low),
            rules.rd_max,
            Basis.COMPUTED,
            f"两项取高者：按{better.name}得{better.low}分",
        ),
        parts=(by_sales, by_cost),
    )
    ip = _ip_part(f.ip_class1 or 0, f.ip_class2 or 0, rules)
    return ScorePart.total(
        "total", "评价得分", (staff, rd, ip), detail=_points_text(staff.low, rd.low, ip.low)
    )


def _points_text(staff: int, rd: int, ip: int) -> str:
    return f"科技人员{staff}分＋研发投入{rd}分＋科技成果{ip}分＝{staff + rd + ip}分"


def _score_condition_of(f: YearFigures, rules: TechSmeRuleSet) -> Condition:
    """``_score_condition`` for ``_score(f, rules)``, from the parts' points (and the S&T staff part) alone:
    the condition does not use the other parts' details."""
    assert f.rd_total is not None and f.sales_revenue is not None and f.total_cost is not None
    staff = _staff_part(f, rules)
    rd = max(
        _ladder_points(f.rd_total, f.sales_revenue, rules.rd_sales_bands)[1],
        _ladder_points(f.rd_total, f.total_cost, rules.rd_cost_bands)[1],
    )
    ip = _ip_points(f.ip_class1 or 0, f.ip_class2 or 0, rules)
    return _score_condition(staff.low + rd + ip, staff, _points_text(staff.low, rd, ip), rules)


def _score_condition(total: int, staff: ScorePart, points_text: str, rules: TechSmeRuleSet) -> Condition:
    """The score condition for ``total`` points, of which ``staff`` is the S&T staff part; ``points_text`` is
    the score's detail (the parts' points added up)."""
    value = f"{total}分（科技人员指标{staff.low}分）"
    threshold = f"≥{rules.pass_total}分且科技人员指标不为0分"
    reasons = []
    if total < rules.pass_total:
        reasons.append(f"评价得分{total}分，低于{rules.pass_total}分，差{rules.pass_total - total}分")
    if staff.low == 0:
        reasons.append(f"科技人员指标得0分（{staff.detail}）")
    if reasons:
        return Condition(
            code="score",
            name="评价得分",
            value=value,
            threshold=threshold,
            passed=False,
            message="；".join(reasons) + "，不符合条件",
            shortfall=D(max(0, rules.pass_total - total)),
            unit="分",
        )
    return Condition(
        code="score",
        name="评价得分",
        value=value,
        threshold=threshold,
        passed=True,
        message=f"评价得分{total}分（{points_text}），达到{rules.pass_total}分且科技人员指标不为0分",
    )


def _read(
    facts: FirmFacts, years: Iterable[YearFigures], rules: TechSmeRuleSet
) -> tuple[FigureBook, YearFigures | None, tuple[str, ...], tuple[str, ...]]:
    """The figures and facts as the evaluation reads them: the book (with the problems found), the last
    fiscal year's figures, the direct qualifications that hold and the notes about them."""
    year = facts.last_fiscal_year
    book = FigureBook(years)
    direct, notes = _direct_qualifications(facts, rules)
    f = book.get(year, "科技型中小企业评价使用上一会计年度数据")
    if f is not None:
        book.require(f, SIZE_FIELDS)
        if not direct:  # a direct qualification needs no score, so no score figures
            book.require(f, SCORE_FIELDS)
            if f.employees == 0:
                book.zero(f, "employees", "科技人员占比")
            if f.sales_revenue == 0 and f.total_cost == 0:
                book.invalid(
                    f"{year}年销售收入和成本费用总额均为0，无法计算研发投入指标，请核对",
                    year,
                    "sales_revenue",
                )
    return book, f, direct, notes


def evaluate_tech_sme(
    facts: FirmFacts, years: Iterable[YearFigures], *, rules: TechSmeRuleSet = TECH_SME_2017
) -> TechSmeResult:
    """Evaluate an enterprise as a 科技型中小企业 on the fiscal year before ``facts.assessed_on``."""
    year = facts.last_fiscal_year
    book, f, direct, notes = _read(facts, years, rules)
    rule_text = f"{rules.title}（{rules.code}）"
    if book.problems or f is None:
        status = book.status or Status.INCOMPLETE
        return TechSmeResult(
            status=status,
            rules=rule_text,
            year=year,
            problems=tuple(book.problems),
            summary=f"{status.label}，未评价：" + "；".join(p.message for p in book.problems),
            notes=notes,
        )
    assert f.employees is not None and f.sales_revenue is not None
    score_ready = (
        all(getattr(f, name) is not None for name in SCORE_FIELDS)
        and f.employees > 0
        and (f.sales_revenue > 0 or f.total_cost > 0)  # type: ignore[operator]
    )
    score = _score(f, rules) if score_ready else None
    if score is None:
        notes += ("符合直接认定条件，评分所需数据不全，未计算评价得分",)
    if score is not None and f.sales_revenue == 0:
        notes += ("销售收入为0，研发投入指标按研发费用占成本费用总额比例评分",)
    assert direct or score is not None
    conditions = list(_conditions(facts, f, direct, rules, score))
    failed = [c for c in conditions if c.passed is False]
    if failed:
        status = Status.FAILED
        summary = "不符合科技型中小企业条件：" + "；".join(c.message for c in failed)
    else:
        status = Status.PASSED
        how = "符合直接认定条件" if direct else f"评价得分{score.points}分（{score.detail}）" if score else ""
        summary = f"符合科技型中小企业条件（{year}年度数据）：{how}"
    return TechSmeResult(
        status=status,
        summary=summary,
        rules=rule_text,
        year=year,
        conditions=tuple(conditions),
        score=score,
        direct=direct,
        notes=notes,
    )


def evaluate_tech_sme_unmet(
    facts: FirmFacts, years: Iterable[YearFigures], *, rules: TechSmeRuleSet = TECH_SME_2017
) -> Unmet:
    """What ``evaluate_tech_sme(facts, years)`` finds first against the firm — the same problems or the same
    condition row, word for word —, working out the conditions only up to that one, and the score condition
    without the score's explained parts. For lists of many firms (the district pre-check)."""
    book, f, direct, _ = _read(facts, years, rules)
    if book.problems or f is None:
        return Unmet(problems=tuple(book.problems))
    return Unmet.first(_conditions(facts, f, direct, rules, None))


def _conditions(
    facts: FirmFacts, f: YearFigures, direct: tuple[str, ...], rules: TechSmeRuleSet, score: ScorePart | None
) -> Iterator[Condition]:
    """The evaluation's conditions in order, each worked out when it is reached; the last is the direct
    qualification or the score (``score``, or when None worked out from ``f``), for figures without problems."""
    assert f.employees is not None and f.sales_revenue is not None and f.total_assets is not None
    yield _fact(
        "resident",
        "居民企业",
        not facts.resident_in_mainland,
        "在中国境内（不含港、澳、台地区）注册的居民企业",
        ("是", "否"),
        word=facts.recorded_word("resident_in_mainland"),
    )
    yield _ceiling("employees", "职工总数", f.employees, rules.max_employees, money=False)
    yield _ceiling("sales", "年销售收入", f.sales_revenue, rules.max_sales, money=True)
    yield _ceiling("assets", "资产总额", f.total_assets, rules.max_assets, money=True)
    yield _fact(
        "product",
        "产品和服务类别",
        facts.prohibited_product,
        "产品和服务不属于国家规定的禁止、限制和淘汰类",
        ("不属于", "属于"),
        word=facts.recorded_word("prohibited_product"),
    )
    yield _fact(
        "accident",
        "重大安全、质量事故",
        facts.major_accident,
        "本年和上一年度未发生重大安全、重大质量事故",
        word=facts.recorded_word("major_accident"),
    )
    yield _fact(
        "environment", "严重环境违法", facts.environmental_offence, "本年和上一年度无严重环境违法行为",
        word=facts.recorded_word("environmental_offence"),
    )
    yield _fact("misconduct", "科研严重失信", facts.research_misconduct, "本年和上一年度无科研严重失信行为",
                word=facts.recorded_word("research_misconduct"))
    yield _fact(
        "credit",
        "经营异常和严重违法失信",
        facts.abnormal_or_dishonest,
        "本年和上一年度未列入经营异常名录和严重违法失信企业名单",
        ("未列入", "已列入"),
        word=facts.recorded_word("abnormal_or_dishonest"),
    )
    if direct:
        yield Condition(
            code="direct",
            name="直接认定条件",
            value="；".join(direct),
            threshold=f"符合直接认定条件之一，或评价得分≥{rules.pass_total}分且科技人员指标不为0分",
            passed=True,
            message="符合直接认定条件：" + "；".join(direct) + "，无需评分",
        )
    elif score is not None:
        yield _score_condition(score.points, score.parts[0], score.detail, rules)
    else:
        yield _score_condition_of(f, rules)
