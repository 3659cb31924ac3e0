"""How one answer to a questionnaire question is read and checked (online forms and .xlsx imports alike), as
pure Python. Single-choice answers must be one of the options, multi-choice answers some of them (stored one
per line), numbers a decimal number; required questions must be answered on submit (a draft may leave them)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation

SINGLE, MULTI, TEXT, NUMBER = "single", "multi", "text", "number"
MAX_TEXT = 2000
SEPARATORS = re.compile(r"[、,，;；\n/]+")


class AnswerError(ValueError):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _listed(options: Sequence[str]) -> str:
    return "、".join(options)


def split_multi(raw: str) -> list[str]:
    """A multi-choice cell or text: options separated by 、，; or new lines."""
    return [p.strip() for p in SEPARATORS.split(raw or "") if p.strip()]


def clean(kind: str, options: Sequence[str], raw: str | Iterable[str] | None) -> str:
    """The stored value of an answer ("" when not answered). Raises ``AnswerError`` with a Chinese message."""
    if kind == MULTI:
        picked = split_multi(raw) if isinstance(raw, str) or raw is None else [str(x).strip() for x in raw if str(x).strip()]
        wrong = [p for p in picked if p not in options]
        if wrong:
            raise AnswerError(f"“{'、'.join(wrong)}”不是本题的选项，可选：{_listed(options)}")
        return "\n".join(o for o in options if o in picked)  # in the options' order, each once
    text = raw.strip() if isinstance(raw, str) else ("" if raw is None else "、".join(str(x) for x in raw).strip())
    if not text:
        return ""
    if kind == SINGLE:
        if text not in options:
            raise AnswerError(f"“{text[:30]}”不是本题的选项，可选：{_listed(options)}")
        return text
    if kind == NUMBER:
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:
            raise AnswerError(f"“{text[:30]}”不是数字，请填写数字") from exc
        if not number.is_finite():
            raise AnswerError(f"“{text[:30]}”不是数字，请填写数字")
        return format(number.normalize(), "f") if number == number.to_integral() else format(number, "f")
    if len(text) > MAX_TEXT:
        raise AnswerError(f"回答最多{MAX_TEXT}字，实际{len(text)}字")
    return text


def missing_required(required: bool, value: str) -> str | None:
    return "此题为必答题，请作答" if required and not value else None


def shown(kind: str, value: str) -> str:
    """A stored value as people write it (multi-choice options joined with 、)."""
    return "、".join(value.splitlines()) if kind == MULTI else value
