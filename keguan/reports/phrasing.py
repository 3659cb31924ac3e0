"""Small pieces of the bureaus' phrasing that area report builders share (pure: no Django)."""

from __future__ import annotations

from keguan.rules.periods import cn_number

from .draft import Paragraph, Run

ITEM_WORDS = "一二三四五六七八九十"
DIGIT_WORDS = "零一二三四五六七八九"


def about(n: int, unit: str = "", *, one: bool = True) -> str:
    """A count as the summaries write large ones: exact below 10,000 (8621人); from 10,000 on, the whole
    万 it reaches, never rounded up, with 余 when there is more: 一万余本, 万余人 (``one=False`` drops the 一 as
    in "服务群众万余人"), 3万余人, 12万人 (exactly 120,000). Single 万 digits are written in words (一万, 两万 …
    九万), larger ones in figures (12万余)."""
    if n < 0:
        raise ValueError("count must not be negative")
    if n < 10_000:
        return f"{n}{unit}"
    wan, rest = divmod(n, 10_000)
    if wan == 1:
        head = "一万" if one else "万"
    elif wan < 10:
        head = ("两" if wan == 2 else DIGIT_WORDS[wan]) + "万"
    else:
        head = f"{wan}万"
    return f"{head}{'余' if rest else ''}{unit}"


def lead(trend: str, *, up: str, steady: str, down: str | None = None) -> str:
    """The lead phrase of an item, from ``Context.trend`` ('up', 'down', 'flat', 'behind' or ''): growth
    reads as growth; a decline or a target behind time reads plainly (``down``), never as progress."""
    if trend == "up":
        return up
    if trend in ("down", "behind") and down:
        return down
    return steady


def numbered_items(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """A part with several items writes them 一是…二是…, as the bureaus do."""
    if len(paragraphs) < 2:
        return paragraphs
    for i, p in enumerate(paragraphs):
        p.runs.insert(0, Run(f"{ITEM_WORDS[i] if i < len(ITEM_WORDS) else cn_number(i + 1)}是"))
    return paragraphs
