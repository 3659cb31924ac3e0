"""Reporting periods as bureaus use them, and Chinese number wording. Pure Python.

Period keys: ``2022`` (year), ``2022H1``/``2022H2`` (half-year), ``2022Q3`` (quarter), ``2022M05`` (month),
``2022YTD05`` (year to date, "1-5月"; YTD03/06/09 read "一季度"/"上半年"/"前三季度").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

_KEY = re.compile(r"^(\d{4})(?:(H)([12])|(Q)([1-4])|(M)(\d{2})|(YTD)(\d{2}))?$")
CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int
    last_month: int
    kind: str  # Y, H, Q, M, YTD

    @classmethod
    def parse(cls, key: str) -> Period:
        m = _KEY.match((key or "").strip().upper())
        if not m:
            raise ValueError(f"期间“{key}”格式不正确，应如 2022、2022H1、2022Q3、2022M05、2022YTD05")
        year = int(m.group(1))
        if m.group(2):
            h = int(m.group(3))
            return cls(year, 1 if h == 1 else 7, 6 if h == 1 else 12, "H")
        if m.group(4):
            q = int(m.group(5))
            return cls(year, 3 * q - 2, 3 * q, "Q")
        if m.group(6):
            month = int(m.group(7))
            if not 1 <= month <= 12:
                raise ValueError(f"期间“{key}”的月份应在01-12之间")
            return cls(year, month, month, "M")
        if m.group(8):
            month = int(m.group(9))
            if not 1 <= month <= 12:
                raise ValueError(f"期间“{key}”的月份应在01-12之间")
            return cls(year, 1, month, "YTD")
        return cls(year, 1, 12, "Y")

    @property
    def key(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "H":
            return f"{self.year}H{1 if self.first_month == 1 else 2}"
        if self.kind == "Q":
            return f"{self.year}Q{self.last_month // 3}"
        if self.kind == "M":
            return f"{self.year}M{self.last_month:02d}"
        return f"{self.year}YTD{self.last_month:02d}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def label(self) -> str:
        """Chinese name: 2022年、2022年上半年、2022年第三季度、2022年5月、2022年1-5月、2022年前三季度."""
        return f"{self.year}年{self.short_label}"

    @property
    def short_label(self) -> str:
        if self.kind == "Y":
            return ""
        if self.kind == "H":
            return "上半年" if self.first_month == 1 else "下半年"
        if self.kind == "Q":
            return f"第{CN_DIGITS[self.last_month // 3]}季度"
        if self.kind == "M":
            return f"{self.last_month}月"
        return {3: "一季度", 6: "上半年", 9: "前三季度", 12: "全年"}.get(self.last_month, f"1-{self.last_month}月")

    @property
    def year_to_date(self) -> Period:
        """From January to this period's end (what cumulative indicators and targets compare against)."""
        return Period(self.year, 1, self.last_month, "Y" if self.last_month == 12 else "YTD")

    def same_period_last_year(self) -> Period:
        return Period(self.year - 1, self.first_month, self.last_month, self.kind)

    @property
    def time_progress(self) -> Decimal:
        """序时进度: the share of the year gone at the period's end, by months (上半年 = 50%)."""
        return Decimal(self.last_month) / Decimal(12)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (ranks and counts of up to four digits)."""
    if n < 0:
        return "负" + cn_number(-n)
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        tail = "" if rest == 0 else ("零" + cn_number(rest) if rest < 10 else (cn_number(rest) if rest >= 20 else "一" + cn_number(rest)))
        return CN_DIGITS[n // 100] + "百" + tail
    if n < 10000:
        rest = n % 1000
        if rest == 0:
            tail = ""
        elif rest < 100:
            tail = "零" + (cn_number(rest) if rest >= 20 or rest < 10 else "一" + cn_number(rest))
        else:
            tail = cn_number(rest)
        return CN_DIGITS[n // 1000] + "千" + tail
    return str(n)


_TEN_THOUSAND, _HUNDREDTH = Decimal(10000), Decimal("0.01")


def wan_yuan(yuan: Decimal | int | float | str) -> str:
    """Yuan → 万元 text as the bureaus write it: whole amounts without decimals ('196'), others with two
    ('8621.50', '1234.57')."""
    exact = yuan if type(yuan) is Decimal else Decimal(str(yuan))  # (str() of a Decimal gives it back)
    value = (exact / _TEN_THOUSAND).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{value:f}"


def percent(ratio: Decimal | float | None, digits: int = 1) -> str:
    """0.4567 → '45.7%'."""
    if ratio is None:
        return "—"
    q = Decimal(1).scaleb(-digits)
    value = (Decimal(str(ratio)) * 100).quantize(q, rounding=ROUND_HALF_UP)
    return f"{value:f}%"


def rank_text(rank: int, scope: str = "全市") -> str:
    """3 → 全市第三."""
    return f"{scope}第{cn_number(rank)}"


def competition_ranks(values: dict[str, Decimal | None], *, descending: bool = True) -> dict[str, int | None]:
    """Ranks where ties share a rank and the next rank skips (1, 2, 2, 4). None values get no rank."""
    present = [(k, v) for k, v in values.items() if v is not None]
    ordered = sorted(present, key=lambda kv: kv[1], reverse=descending)
    ranks: dict[str, int | None] = {k: None for k in values}
    previous = object()
    rank = 0
    for i, (k, v) in enumerate(ordered, start=1):
        if v != previous:
            rank = i
            previous = v
        ranks[k] = rank
    return ranks
