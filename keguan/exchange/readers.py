"""Cell readers: how one cell of an uploaded table becomes a value, or a Chinese reason why it cannot.

A reader is any callable ``reader(raw, ctx) -> value`` that raises ``CellError(message)`` for a bad cell. It
is only called for cells that hold something: the engine itself turns empty cells into ``None`` and reports
an empty required cell (``Column.required``), so readers never see blanks. ``raw`` is what the file holds: a
stripped ``str`` (always, for .csv), an ``int``/``float`` (Excel numbers), a ``bool``, a ``date`` or a
``datetime``. The engine names the row and the column; the message says only what is wrong with the value
and how to write it, e.g. "“12.5.3”不是有效日期，请写成 2024-05-01".

The readers here are classes so that one instance carries its settings (``Text(32)``, ``Money("万元")``)
and can tell the template what it accepts: ``options(ctx)`` (the drop-down list of a ``Choice``) and
``number_format`` (how the template and exports format the column). Keep them cheap: they run for every
cell of files with 100,000 rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from keguan.rules.identifiers import CREDIT_ALPHABET, CREDIT_WEIGHTS, validate_credit_code, validate_phone


class CellError(ValueError):
    """A cell the reader cannot accept; ``message`` is shown to the user with the row and column."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def as_text(raw: object) -> str:
    """A cell as the text the user sees: Excel's whole numbers without ``.0``, dates as 2024-05-01."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e15:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ", timespec="minutes")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def shown(raw: object) -> str:
    """The value quoted in a message, shortened so a pasted paragraph does not swamp the error table."""
    text = as_text(raw)
    return text if len(text) <= 30 else text[:30] + "…"


class Text:
    """Text up to ``max_length`` characters (inner blanks kept, ends stripped); ``upper`` upper-cases it."""

    number_format = "@"

    def __init__(self, max_length: int | None = None, *, upper: bool = False):
        self.max_length = max_length
        self.upper = upper

    def __call__(self, raw: object, ctx: Any = None) -> str:
        value = raw.strip() if raw.__class__ is str else as_text(raw).strip()  # type: ignore[union-attr]
        if self.max_length is not None and len(value) > self.max_length:
            raise CellError(f"内容过长：最多{self.max_length}字，实际{len(value)}字")
        return value.upper() if self.upper else value


text = Text()

_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_UNITS = {"元": Decimal(1), "万元": Decimal(10000), "亿元": Decimal(100000000), "万": Decimal(10000)}


def _number_text(raw: object) -> str:
    value = as_text(raw).strip().replace("，", ",").replace(" ", "").replace("\u3000", "")
    value = _THOUSANDS.sub("", value)
    return value.translate(_FULLWIDTH_DIGITS)


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－＋", "0123456789.-+")


def _decimal(raw: object) -> Decimal | None:
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        # Excel stores 0.1 as the nearest double; 15 significant digits is what Excel itself shows.
        return Decimal(f"{raw:.15g}") if raw == raw and abs(raw) != float("inf") else None
    try:
        value = Decimal(_number_text(raw))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


class Integer:
    """A whole number within ``[min, max]``; ``unit`` (人, 件) may follow the digits."""

    number_format = "0"

    def __init__(self, *, min: int | None = 0, max: int | None = None, unit: str = ""):  # noqa: A002
        self.min, self.max, self.unit = min, max, unit

    def __call__(self, raw: object, ctx: Any = None) -> int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            text = _number_text(raw)
            if self.unit:
                text = text.removesuffix(self.unit)
            number = _decimal(text)
            if number is None or number != number.to_integral_value():
                raise CellError(f"“{shown(raw)}”不是整数")
            value = int(number)
        if self.min is not None and value < self.min:
            raise CellError(f"不能小于{self.min}" if self.min else "不能为负数")
        if self.max is not None and value > self.max:
            raise CellError(f"不能大于{self.max}")
        return value


class Year(Integer):
    """A four-digit year from ``first`` to this year (``ctx.today``) plus ``ahead``; 2024 or 2024年."""

    def __init__(self, *, first: int = 1990, ahead: int = 0):
        super().__init__(min=None, unit="年")
        self.first, self.ahead = first, ahead

    def __call__(self, raw: object, ctx: Any = None) -> int:
        today = getattr(ctx, "today", None) or dt.date.today()
        last = today.year + self.ahead
        try:
            value = super().__call__(raw, ctx)
        except CellError:
            raise CellError(f"“{shown(raw)}”不是年份，请写四位年份，如 {today.year}") from None
        if not self.first <= value <= last:
            raise CellError(f"年份应在{self.first}至{last}之间")
        return value


class Number:
    """A decimal number with at most ``places`` decimals, within ``[min, max]``."""

    def __init__(self, *, places: int = 2, min: Decimal | int | None = 0, max: Decimal | int | None = None,  # noqa: A002
                 max_digits: int = 16):
        self.places, self.max_digits = places, max_digits
        self.min = None if min is None else Decimal(min)
        self.max = None if max is None else Decimal(max)
        self.number_format = "0" if places == 0 else "0." + "0" * places
        self._quantum = Decimal(1).scaleb(-places)

    def parse(self, raw: object) -> Decimal:
        value = _decimal(raw)
        if value is None:
            raise CellError(f"“{shown(raw)}”不是数字")
        return value

    def finish(self, value: Decimal, raw: object) -> Decimal:
        try:
            exact = value.quantize(self._quantum)
        except InvalidOperation:
            raise CellError(f"“{shown(raw)}”数值过大") from None
        if exact != value:
            raise CellError(f"“{shown(raw)}”的小数位过多（最多{self.places}位）")
        if self.min is not None and exact < self.min:
            raise CellError(f"不能小于{self.min}" if self.min else "不能为负数")
        if self.max is not None and exact > self.max:
            raise CellError(f"不能大于{self.max}")
        if len(exact.as_tuple().digits) > self.max_digits:
            raise CellError(f"“{shown(raw)}”数值过大")
        return exact

    def __call__(self, raw: object, ctx: Any = None) -> Decimal:
        return self.finish(self.parse(raw), raw)


class Money(Number):
    """An amount written in ``unit`` (the column's unit, 万元 or 元) and returned in ``store`` (the unit the
    model keeps, usually 元), exactly. A cell may name its own unit: "12.5万元", "125000元" or "1.2亿元"
    are all read in the unit written. Decimal places are checked in ``store``: 12.345678万元 is 123456.78元."""

    def __init__(self, unit: str = "万元", *, store: str = "元", places: int = 2, min: Decimal | int | None = 0,  # noqa: A002
                 max: Decimal | int | None = None):
        super().__init__(places=places, min=min, max=max)
        if unit not in _UNITS or store not in _UNITS:
            raise ValueError(f"unknown money unit {unit!r} / {store!r}")
        self.unit, self.store = unit, store
        self.number_format = "#,##0.00####" if _UNITS[unit] > _UNITS[store] else "#,##0.00"

    def __call__(self, raw: object, ctx: Any = None) -> Decimal:
        unit = self.unit
        if isinstance(raw, str):
            text = _number_text(raw)
            for name in ("亿元", "万元", "元", "万"):
                if text.endswith(name):
                    text, unit = text[: -len(name)], name
                    break
            value = _decimal(text)
        else:
            value = _decimal(raw)
        if value is None:
            raise CellError(f"“{shown(raw)}”不是金额，请填数字（单位：{self.unit}）")
        stored = value * _UNITS[unit] / _UNITS[self.store]
        try:
            exact = stored.quantize(self._quantum)
        except InvalidOperation:
            raise CellError(f"“{shown(raw)}”数值过大") from None
        if exact != stored:
            extra = len(str(int(_UNITS[unit] / _UNITS[self.store]))) - 1 if _UNITS[unit] > _UNITS[self.store] else 0
            raise CellError(f"“{shown(raw)}”超出精度：金额最多精确到分（按{unit}填写时最多{self.places + extra}位小数）")
        return self.finish(exact, raw)

    def to_unit(self, value: Decimal | None) -> Decimal | None:
        """A stored amount in the column's unit (for exports: what this reader reads back to ``value``)."""
        if value is None:
            return None
        return (value * _UNITS[self.store] / _UNITS[self.unit]).normalize()


_DATE_SEPARATORS = str.maketrans({"/": "-", ".": "-", "年": "-", "月": "-", "日": None, " ": None})


def parse_date(raw: object) -> dt.date | None:
    """A date from an Excel date or text like 2025-03-15, 2025/3/15, 2025.3.15, 2025年3月15日, 20250315.
    ``None`` when it is not a date (the same forms as ``keguan.core.tabular.Row.date``, plus 20250315)."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        text = as_text(raw)
    else:
        text = str(raw).strip().translate(_DATE_SEPARATORS)
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


class Date:
    """A date (see ``parse_date``); ``not_after_today`` refuses dates after ``ctx.today``."""

    number_format = "yyyy-mm-dd"

    def __init__(self, *, not_after_today: bool = False, earliest: dt.date | None = dt.date(1900, 1, 1)):
        self.not_after_today, self.earliest = not_after_today, earliest

    def __call__(self, raw: object, ctx: Any = None) -> dt.date:
        value = parse_date(raw)
        if value is None:
            raise CellError(f"“{shown(raw)}”不是有效日期，请写成 2024-05-01")
        if self.earliest is not None and value < self.earliest:
            raise CellError(f"日期不能早于{self.earliest:%Y-%m-%d}")
        if self.not_after_today:
            today = getattr(ctx, "today", None) or dt.date.today()
            if value > today:
                raise CellError("日期不能晚于今天")
        return value


Pairs = Iterable[tuple[Any, str]]
Reader = Callable[[Any, Any], Any]  # (raw cell, ctx) -> value; raises CellError


class Choice:
    """One of a list of (value, label) pairs, written as the label (or, with ``accept_value``, the stored
    value). ``choices`` is the pairs (a Django ``TextChoices.choices`` works) or a callable ``(ctx) -> pairs``
    for lists that depend on the import (the district's townships); it is called once per import.
    ``aliases`` maps other spellings to a label ("小微" → "小型")."""

    number_format = "@"

    def __init__(self, choices: Pairs | Callable[[Any], Pairs], *, accept_value: bool = True,
                 aliases: dict[str, str] | None = None, name: str | Callable[[Any], str] = ""):
        self._choices = choices
        self.accept_value = accept_value
        self.aliases = aliases or {}
        self.name = name  # what the list is, for messages: "乡镇/街道" (or callable(ctx) -> str)
        self._static = None if callable(choices) else self._index(list(choices))

    def _index(self, pairs: Sequence[tuple[Any, str]]) -> tuple[dict[str, Any], list[str]]:
        lookup: dict[str, Any] = {}
        labels = []
        for value, label in pairs:
            labels.append(str(label))
            lookup[_fold(str(label))] = value
        if self.accept_value:
            for value, _label in pairs:
                lookup.setdefault(_fold(str(value)), value)
        for alias, label in self.aliases.items():
            if _fold(label) in lookup:
                lookup.setdefault(_fold(alias), lookup[_fold(label)])
        return lookup, labels

    def _resolved(self, ctx: Any) -> tuple[dict[str, Any], list[str]]:
        if self._static is not None:
            return self._static
        cache = ctx.cache if ctx is not None else {}
        key = ("choice", id(self))
        if key not in cache:
            cache[key] = self._index(list(self._choices(ctx)))  # type: ignore[operator]
        return cache[key]

    def options(self, ctx: Any) -> list[str]:
        return self._resolved(ctx)[1]

    def __call__(self, raw: object, ctx: Any = None) -> Any:
        lookup, labels = self._resolved(ctx)
        if raw.__class__ is str and raw in lookup:  # a label exactly as listed (most cells)
            return lookup[raw]
        key = _fold(as_text(raw))
        if key in lookup:
            return lookup[key]
        listed = "、".join(labels[:12]) + ("等" if len(labels) > 12 else "")
        what = (self.name(ctx) if callable(self.name) else self.name) or "可选值"
        raise CellError(f"“{shown(raw)}”不是{what}，应为：{listed}" if listed else f"“{shown(raw)}”无可选值")


def _fold(text: str) -> str:
    return text.strip().replace(" ", "").replace("（", "(").replace("）", ")").lower()


_CREDIT_VALUE = {c: i for i, c in enumerate(CREDIT_ALPHABET)}
_CREDIT_PLAIN = re.compile(f"[{CREDIT_ALPHABET}]{{18}}")


class CreditCode:
    """统一社会信用代码 (GB 32100-2015, check character verified); full-width and lower case are normalised.
    A code already written in its normal form is checked here directly (the common case, a third of the
    time of ``validate_credit_code``); anything else, and every refusal, goes through
    ``keguan.rules.identifiers.validate_credit_code`` for its value and its message."""

    number_format = "@"

    def __call__(self, raw: object, ctx: Any = None) -> str:
        if raw.__class__ is str and _CREDIT_PLAIN.fullmatch(raw):  # type: ignore[arg-type]
            check = 31 - sum(_CREDIT_VALUE[c] * w for c, w in zip(raw, CREDIT_WEIGHTS, strict=False)) % 31  # type: ignore[call-overload]
            if CREDIT_ALPHABET[0 if check == 31 else check] == raw[17]:  # type: ignore[index]
                return raw  # type: ignore[return-value]
        if isinstance(raw, float) and not raw.is_integer() or isinstance(raw, float) and abs(raw) >= 1e15:
            raise CellError("统一社会信用代码被 Excel 存成了数值，已不准确：请把该列设为“文本”格式后重新填写")
        checked = validate_credit_code(as_text(raw))
        if not checked.ok:
            raise CellError(checked.errors[0])
        return checked.value


class Phone:
    """A mobile (11 digits) or landline (0771-5551234) number, normalised."""

    number_format = "@"

    def __call__(self, raw: object, ctx: Any = None) -> str:
        checked = validate_phone(as_text(raw))
        if not checked.ok:
            raise CellError(checked.errors[0])
        return checked.value


credit_code = CreditCode()
phone = Phone()
