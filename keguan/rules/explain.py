"""Shared inputs, result shapes and Chinese wording for the enterprise checks (科小 in ``tech_sme``, 高企 in
``hnte``). Pure Python: no Django import.

Inputs are frozen dataclasses: ``YearFigures`` (one fiscal year of an enterprise's figures, money in yuan as
``Decimal``) and ``FirmFacts`` (dates, 高新技术领域 and the facts staff record). Results explain themselves:
``Condition`` rows (value, threshold, pass/fail, the margin in Chinese), ``ScorePart`` trees (points as a
[low, high] range; equal for computed parts), ``Problem`` rows when figures are missing or impossible (then
there is no score at all). ``result_to_dict`` turns any result into a compact JSON-able dict.

Comparisons against thresholds are exact (``fractions.Fraction`` over the Decimal inputs), so "≥ 4%" is never
decided by a rounding digit; ratios shown to people are cut (not rounded) to two decimals of a percent, so a
value below a threshold never reads as the threshold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from keguan.rules.periods import wan_yuan

# --- inputs ------------------------------------------------------------------------------------------------

#: 《国家重点支持的高新技术领域》 in the official order: (code, label). Codes match the enterprise model's.
TECH_FIELDS: tuple[tuple[str, str], ...] = (
    ("electronic", "电子信息"),
    ("bio", "生物与新医药"),
    ("aerospace", "航空航天"),
    ("materials", "新材料"),
    ("services", "高技术服务"),
    ("energy", "新能源与节能"),
    ("environment", "资源与环境"),
    ("manufacturing", "先进制造与自动化"),
)

FIELD_LABELS: dict[str, str] = {
    "employees": "职工总数",
    "st_staff": "科技人员数",
    "sales_revenue": "销售收入",
    "total_cost": "成本费用总额",
    "rd_domestic": "境内研发费用",
    "rd_abroad": "境外研发费用",
    "total_assets": "资产总额",
    "net_assets": "净资产",
    "hightech_income": "高新技术产品（服务）收入",
    "total_income": "总收入",
    "ip_class1": "Ⅰ类知识产权数",
    "ip_class2": "Ⅱ类知识产权数",
}
MONEY_FIELDS = (
    "sales_revenue",
    "total_cost",
    "rd_domestic",
    "rd_abroad",
    "total_assets",
    "net_assets",
    "hightech_income",
    "total_income",
)
COUNT_FIELDS = ("employees", "st_staff", "ip_class1", "ip_class2")
#: Counts that are full-year monthly averages (国科发火〔2016〕195号: 职工总数 and 科技人员 are 全年月平均数), so may
#: carry up to two decimals; the IP counts are whole numbers.
STAFF_FIELDS = ("employees", "st_staff")
#: Money that may be below zero: net assets (资产总额减负债总额) can be.
SIGNED_FIELDS = ("net_assets",)


def to_money(value: object, label: str = "金额") -> Decimal | None:
    """Decimal yuan from a Decimal, int or numeric string; None stays None. Floats are refused (money is never
    float); NaN and infinities are refused."""
    if value is None:
        return None
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{label}应为 Decimal（元），不接受 {type(value).__name__}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "").replace("，", ""))
        except ArithmeticError as exc:
            raise ValueError(f"{label}“{value}”不是有效金额") from exc
    else:
        raise TypeError(f"{label}应为 Decimal（元），不接受 {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"{label}“{value}”不是有效金额")
    return result


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year (会计年度) of an enterprise's figures. Money in yuan.

    ``None`` means "not given" (reported as 数据不全 when a check needs it). ``st_staff`` counts only people with
    enough work in the year (科小: ≥ 6 months incl. part-time/temporary, in both numerator and denominator; 高企:
    ≥ 183 days) — the caller counts them. ``sales_revenue`` is main + other business income as on the income-tax
    return, without deemed sales. ``total_income`` is 高企 condition 6's 总收入; when not given, sales are used.
    ``ip_class1``/``ip_class2``: valid IP tied to the main products/services at the year's end.
    """

    year: int
    employees: int | None = None
    st_staff: int | None = None
    sales_revenue: Decimal | None = None
    total_cost: Decimal | None = None
    rd_domestic: Decimal | None = None
    rd_abroad: Decimal | None = Decimal(0)
    total_assets: Decimal | None = None
    net_assets: Decimal | None = None
    hightech_income: Decimal | None = None
    total_income: Decimal | None = None
    ip_class1: int | None = 0
    ip_class2: int | None = 0

    def __post_init__(self) -> None:
        for name in MONEY_FIELDS:
            value = getattr(self, name)
            if value is None or (type(value) is Decimal and value.is_finite()):
                continue  # already what to_money gives
            object.__setattr__(self, name, to_money(value, f"{self.year}年{FIELD_LABELS[name]}"))
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if value is None or (type(value) is int):
                continue
            if name in STAFF_FIELDS and type(value) is Decimal and value.is_finite() and -value.as_tuple().exponent <= 2:
                if value == value.to_integral_value():
                    object.__setattr__(self, name, int(value))  # 100.00 is 100: the rules' fast paths stay on ints
                continue
            if name in STAFF_FIELDS:
                raise TypeError(f"{self.year}年{FIELD_LABELS[name]}应为整数或最多两位小数的全年月平均数")
            raise TypeError(f"{self.year}年{FIELD_LABELS[name]}应为整数")

    @property
    def rd_total(self) -> Decimal | None:
        if self.rd_domestic is None or self.rd_abroad is None:
            return None
        return self.rd_domestic + self.rd_abroad

    @property
    def income_base(self) -> Decimal | None:
        """高企 condition 6's denominator: total income, or sales when total income is not given."""
        return self.total_income if self.total_income is not None else self.sales_revenue


@dataclass(frozen=True)
class FirmFacts:
    """What is known about the enterprise besides its yearly figures.

    ``assessed_on`` is the 科小 evaluation date or the 高企 application date; the figures used are those of the
    fiscal years before it (the last fiscal year is ``assessed_on.year - 1``). ``tech_field`` is a code or label of
    ``TECH_FIELDS``, or None. The flags are facts staff record, never computed: 科小 looks at this year and the
    last, 高企 at the year before applying. The last four fields are 科小's direct qualifications.
    """

    assessed_on: dt.date
    registered_on: dt.date | None = None
    tech_field: str | None = None
    resident_in_mainland: bool = True  # 在中国境内（不含港、澳、台地区）注册的居民企业
    prohibited_product: bool = False  # 产品和服务属于国家规定的禁止、限制和淘汰类
    major_accident: bool = False  # 重大安全、重大质量事故
    environmental_offence: bool = False  # 严重环境违法行为
    research_misconduct: bool = False  # 科研严重失信行为
    abnormal_or_dishonest: bool = False  # 列入经营异常名录和严重违法失信企业名单
    hnte_certificate_issued_on: dt.date | None = None  # 高新技术企业证书发证日期
    national_award: bool = False  # 近五年内获得过国家级科技奖励，并在获奖单位中排在前三名
    rd_institution: bool = False  # 拥有经认定的省部级以上研发机构
    led_standard: bool = False  # 近五年内主导制定过国际标准、国家标准或行业标准
    # Flags nobody recorded either way (a blank column of an assess sheet): read as False, but the result says
    # they were not recorded instead of calling them recorded facts.
    unrecorded: frozenset[str] = frozenset()

    def recorded_word(self, *flags: str) -> str:
        """"（登记事实）", or what a result says of flags not recorded."""
        if any(flag in self.unrecorded for flag in flags):
            return "（未登记，按无计，请核实）"
        return "（登记事实）"

    @property
    def last_fiscal_year(self) -> int:
        return self.assessed_on.year - 1


#: How long a recorded fact bears on an assessment made in year Y (``facts_in_force``): the events the rules
#: look at in this year and the last (科小; 高企 looks at the year before applying, within that window), the
#: standing facts from their year on, and 科小's "近五年内" awards and standards from Y-5 on.
FACT_WINDOWS = {
    "major_accident": 1,
    "environmental_offence": 1,
    "research_misconduct": 1,
    "abnormal_or_dishonest": 1,
    "prohibited_product": None,
    "rd_institution": None,
    "national_award": 5,
    "led_standard": 5,
}


def facts_in_force(recorded: Iterable[tuple[str, int]], on: dt.date) -> dict[str, bool]:
    """``FirmFacts`` flags from recorded (kind, year) pairs for an assessment on ``on``: a kind holds when one of
    its records falls in its window (years ``on.year - window`` to ``on.year``; None: any year up to it)."""
    out: dict[str, bool] = {}
    for kind, year in recorded:
        if kind not in FACT_WINDOWS:
            raise ValueError(f"unknown fact kind: {kind}")
        window = FACT_WINDOWS[kind]
        if year <= on.year and (window is None or year >= on.year - window):
            out[kind] = True
    return out


def tech_field_label(value: str | None) -> str | None:
    """The Chinese label for a 高新技术领域 code or label; None for blank; raises ValueError for anything else."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    for code, label in TECH_FIELDS:
        if text in (code, label):
            return label
    raise ValueError(text)


# --- results -----------------------------------------------------------------------------------------------


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    UNCERTAIN = "uncertain"  # 高企 only: the innovation score depends on the experts
    INCOMPLETE = "incomplete"
    INVALID = "invalid"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.PASSED: "符合条件",
    Status.FAILED: "不符合条件",
    Status.UNCERTAIN: "取决于专家评审",
    Status.INCOMPLETE: "数据不全",
    Status.INVALID: "数据有误",
}


@dataclass(frozen=True)
class Problem:
    """A figure that is missing (``kind="missing"``) or impossible (``kind="invalid"``)."""

    kind: str
    message: str
    year: int | None = None
    field: str = ""


@dataclass(frozen=True)
class Condition:
    """One required condition: the enterprise's value, the threshold, pass/fail (None: cannot be decided by
    software, e.g. the 高企 innovation score when experts decide), and a Chinese sentence with the margin.
    ``shortfall`` is how much is missing to pass (in ``unit``), or by how much a ceiling is exceeded."""

    code: str
    name: str
    value: str
    threshold: str
    passed: bool | None
    message: str
    ratio: Decimal | None = None
    shortfall: Decimal | None = None
    unit: str = ""


@dataclass(frozen=True)
class Unmet:
    """The first thing a check finds against a firm: its ``problems`` (figures missing or wrong), or else
    ``condition``, its first failed condition, or else its first undecided one (None: every condition holds).
    What a list of many firms shows in one sentence each (the district pre-check)."""

    problems: tuple[Problem, ...] = ()
    condition: Condition | None = None

    @classmethod
    def first(cls, rows: Iterable[Condition]) -> Unmet:
        """The first failed row of ``rows`` (else the first undecided one); reads ``rows`` only that far."""
        undecided = None
        for row in rows:
            if row.passed is False:
                return cls(condition=row)
            if row.passed is None and undecided is None:
                undecided = row
        return cls(condition=undecided)


class Basis(StrEnum):
    COMPUTED = "computed"  # from the figures
    ESTIMATE = "estimate"  # staff estimate of what experts will judge
    UNESTIMATED = "unestimated"  # no estimate given: the whole range is assumed
    MIXED = "mixed"  # a part whose sub-parts differ

    @property
    def label(self) -> str:
        return {"computed": "计算", "estimate": "估计", "unestimated": "未估计", "mixed": "部分估计"}[
            self.value
        ]

    @classmethod
    def of(cls, parts: Iterable[ScorePart]) -> Basis:
        kinds = {p.basis for p in parts}
        return kinds.pop() if len(kinds) == 1 else cls.MIXED


@dataclass(frozen=True)
class ScorePart:
    """Points of one part as a range [low, high] (equal when exact). ``parts`` are its sub-parts; how they make
    up the part is said in ``detail`` (summed and capped, or the better of two)."""

    code: str
    name: str
    low: int
    high: int
    max_points: int
    basis: Basis
    detail: str
    parts: tuple[ScorePart, ...] = ()
    ratio: Decimal | None = None

    @classmethod
    def leaf(
        cls,
        code: str,
        name: str,
        points: tuple[int, int],
        top: int,
        basis: Basis,
        detail: str,
        ratio: Decimal | None = None,
    ) -> ScorePart:
        """A part without sub-parts; ``points`` is (low, high)."""
        low, high = points
        return cls(
            code=code, name=name, low=low, high=high, max_points=top, basis=basis, detail=detail, ratio=ratio
        )

    @classmethod
    def total(
        cls, code: str, name: str, parts: Iterable[ScorePart], *, cap: int | None = None, detail: str = ""
    ) -> ScorePart:
        """The sum of ``parts``, capped at ``cap`` when given (then also the part's maximum)."""
        parts = tuple(parts)
        low, high = sum(p.low for p in parts), sum(p.high for p in parts)
        top = sum(p.max_points for p in parts)
        if cap is not None:
            low, high, top = min(cap, low), min(cap, high), cap
        text = detail or ("各项相加" + (f"，最多{cap}分" if cap is not None else ""))
        return cls(
            code=code,
            name=name,
            low=low,
            high=high,
            max_points=top,
            basis=Basis.of(parts),
            detail=text,
            parts=parts,
        )

    @property
    def exact(self) -> bool:
        return self.low == self.high

    @property
    def points(self) -> int:
        if self.low != self.high:
            raise ValueError(f"{self.name}得分为区间 {self.low}–{self.high} 分")
        return self.low


# --- reading the figures -----------------------------------------------------------------------------------


class FigureBook:
    """The yearly figures by year (the order given never matters) and the problems found reading them.

    Only the years a check uses are checked; ``require`` records what is missing, ``check`` what is impossible
    (negative amounts, S&T staff above employees, R&D above total costs, high-tech income above total income,
    net assets above total assets).
    """

    def __init__(self, years: Iterable[YearFigures]):
        self.by_year: dict[int, YearFigures] = {}
        self.problems: list[Problem] = []
        self._checked: set[int] = set()
        repeated: set[int] = set()
        for figures in years:
            if not isinstance(figures, YearFigures):
                raise TypeError(f"年度数据应为 YearFigures，而不是 {type(figures).__name__}")
            if figures.year in self.by_year and figures.year not in repeated:
                repeated.add(figures.year)
            self.by_year[figures.year] = figures
        for year in sorted(repeated):
            self.invalid(f"{year}年的年度数据提供了不止一份，请只保留一份", year)

    def missing(self, message: str, year: int | None = None, field: str = "") -> None:
        self.problems.append(Problem("missing", message, year, field))

    def invalid(self, message: str, year: int | None = None, field: str = "") -> None:
        self.problems.append(Problem("invalid", message, year, field))

    def get(self, year: int, why: str) -> YearFigures | None:
        figures = self.by_year.get(year)
        if figures is None:
            self.missing(f"缺少{year}年度数据（{why}）", year)
        else:
            self.check(figures)
        return figures

    def require(self, figures: YearFigures, names: Iterable[str]) -> bool:
        ok = True
        for name in names:
            if getattr(figures, name) is None:
                self.missing(f"缺少{figures.year}年{FIELD_LABELS[name]}", figures.year, name)
                ok = False
        return ok

    def zero(self, figures: YearFigures, name: str, why: str) -> None:
        self.invalid(f"{figures.year}年{FIELD_LABELS[name]}为0，无法计算{why}，请核对", figures.year, name)

    def check(self, f: YearFigures) -> None:
        if f.year in self._checked:
            return
        self._checked.add(f.year)
        y = f.year
        for name in COUNT_FIELDS:
            value = getattr(f, name)
            if value is not None and value < 0:
                self.invalid(f"{y}年{FIELD_LABELS[name]}为负数（{value}），请核对", y, name)
        for name in MONEY_FIELDS:
            value = getattr(f, name)
            if value is not None and value < 0 and name not in SIGNED_FIELDS:
                self.invalid(f"{y}年{FIELD_LABELS[name]}为负数（{wan(value)}），请核对", y, name)
        if f.employees is not None and f.st_staff is not None and f.st_staff > f.employees >= 0:
            self.invalid(
                f"{y}年科技人员数（{people(f.st_staff)}人）多于职工总数（{people(f.employees)}人），请核对", y, "st_staff"
            )
        rd = f.rd_total
        if rd is not None and f.total_cost is not None and rd > f.total_cost >= 0:
            self.invalid(
                f"{y}年研发费用（{wan(rd)}）高于成本费用总额（{wan(f.total_cost)}），请核对", y, "rd_domestic"
            )
        base = f.income_base
        if f.hightech_income is not None and base is not None and f.hightech_income > base >= 0:
            base_name = "total_income" if f.total_income is not None else "sales_revenue"
            self.invalid(
                f"{y}年高新技术产品（服务）收入（{wan(f.hightech_income)}）高于{FIELD_LABELS[base_name]}"
                f"（{wan(base)}），请核对",
                y,
                "hightech_income",
            )
        if f.net_assets is not None and f.total_assets is not None and f.net_assets > f.total_assets >= 0:
            self.invalid(
                f"{y}年净资产（{wan(f.net_assets)}）高于资产总额（{wan(f.total_assets)}），请核对",
                y,
                "net_assets",
            )

    @property
    def status(self) -> Status | None:
        if not self.problems:
            return None
        return Status.INVALID if any(p.kind == "invalid" for p in self.problems) else Status.INCOMPLETE


def add_years(day: dt.date, years: int) -> dt.date:
    """The same date ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


# --- arithmetic and wording ---------------------------------------------------------------------------------


def frac(value: Decimal | int | Fraction) -> Fraction:
    kind = type(value)
    if kind is Decimal or kind is int:
        return Fraction(*value.as_integer_ratio())  # what Fraction(value) does, without its type checks
    return value if isinstance(value, Fraction) else Fraction(value)


def to_decimal(value: Fraction) -> Decimal:
    """A Decimal for a Fraction (exact when it terminates, else to the context's 28 digits)."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Fraction:
    a, b = numerator.as_integer_ratio()
    c, d = denominator.as_integer_ratio()
    return Fraction(a * d, b * c)  # frac(numerator) / frac(denominator), in one step


def pct(value: Fraction | Decimal) -> str:
    """0.032 → '3.2%', 0.04 → '4%', 0.0399999 → '3.99%': cut (not rounded) to two decimals of a percent."""
    n, d = value.as_integer_ratio()  # (d > 0)
    hundredths = n * 10000 // d if n >= 0 else -(-n * 10000 // d)
    if -(10**26) < hundredths < 10**26:  # (the Decimal below would round beyond 28 digits)
        q, r = divmod(abs(hundredths), 100)
        sign = "-" if hundredths < 0 else ""
        return f"{sign}{q}%" if r == 0 else f"{sign}{q}.{r:02d}".rstrip("0") + "%"
    text = f"{Decimal(hundredths).scaleb(-2):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def ceil_yuan(value: Fraction | Decimal) -> Decimal:
    """A shortfall in yuan rounded up to whole cents (so that adding it surely reaches the threshold)."""
    return Decimal(math.ceil(frac(value) * 100)).scaleb(-2)


def wan(amount: Decimal | int) -> str:
    """'6000万元', '8621.50万元'; amounts under 100 yuan in yuan ('-50元') so that they never read as 0万元."""
    if amount != 0 and abs(amount) < 100:
        return f"{Decimal(amount):f}元"
    return f"{wan_yuan(amount)}万元"


def limit_text(amount: Decimal | int) -> str:
    """A money threshold as the documents write it: '2亿元', '5000万元'."""
    if amount and amount % 100_000_000 == 0:
        return f"{Decimal(amount) / 100_000_000:f}亿元"
    return wan(amount)


def wan_up(amount: Decimal | Fraction) -> str:
    """A shortfall in 万元, rounded up to 0.01 万元 (100 yuan), and never shown as 0."""
    hundreds = max(1, math.ceil(frac(amount) / 100))
    return wan(Decimal(hundreds * 100))


def people_up(value: Fraction) -> int:
    return max(1, math.ceil(value))


def people(value: Decimal | int) -> str:
    """A head count as written: 100 → "100", a monthly average 45.50 → "45.5"."""
    if type(value) is int:
        return str(value)
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def monthly_average(months: list[tuple[Decimal | int, Decimal | int]]) -> Decimal:
    """全年月平均数 (国科发火〔2016〕195号): each month's (月初数 + 月末数) ÷ 2, summed, divided by the months
    given — 12 for a full year, the months of operation for a firm that opened or closed during the year —,
    to two decimals (half up)."""
    if not months:
        raise ValueError("至少需要一个月的月初数和月末数")
    total = sum((Decimal(start) + Decimal(end)) / 2 for start, end in months)
    return (total / len(months)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def at_least(value: Fraction, bound: Decimal | int | Fraction) -> bool:
    """value ≥ bound, exactly (``value >= frac(bound)`` without building a Fraction for the bound)."""
    n, d = bound.as_integer_ratio()
    return value.numerator * d >= n * value.denominator


def band_points(value: Fraction, bands: Iterable[tuple[Decimal | int, int]]) -> int:
    """Points of the first band (highest first) whose lower bound the value reaches (≥); 0 below all."""
    for lower, points in bands:
        if at_least(value, lower):
            return points
    return 0


def next_band(
    value: Fraction, bands: Iterable[tuple[Decimal | int, int]]
) -> tuple[Decimal | int, int] | None:
    """The lowest band above the value's band (the next step up), or None at the top."""
    above = None
    for lower, points in bands:
        if at_least(value, lower):
            return above
        above = (lower, points)
    return above


# --- JSON --------------------------------------------------------------------------------------------------


def _plain(value: object) -> object:
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "__dataclass_fields__"):
        out: dict[str, object] = {}
        for f in fields(value):  # type: ignore[arg-type]
            item = getattr(value, f.name)
            if (item is None and f.name != "passed") or item == () or item == "":
                continue  # compact: leave out what is not there (but say when a condition is undecided)
            if f.name == "ratio":
                item = ratio_text(item)
            out[f.name] = _plain(item)
        return out
    return value


def ratio_text(value: Decimal | None) -> Decimal | None:
    """Ratios in JSON: six decimals, cut."""
    if value is None:
        return None
    return Decimal(math.floor(frac(value) * 10**6)).scaleb(-6)


def result_to_dict(result: object) -> dict[str, object]:
    """A compact JSON-able dict of a 科小 or 高企 result: Decimals as strings, dates ISO, enums by value, empty
    fields left out, plus ``status_label`` in Chinese. Ratios are cut to six decimals."""
    plain = _plain(result)
    assert isinstance(plain, dict)
    out: dict[str, object] = {"kind": plain.pop("kind", "")}
    status = getattr(result, "status", None)
    if isinstance(status, Status):
        out["status"] = status.value
        out["status_label"] = status.label
    out.update(plain)
    verdict = getattr(result, "verdict", None)
    if verdict is not None:
        out["verdict_label"] = verdict.label
    return out
