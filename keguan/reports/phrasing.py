"""Small pieces of the bureaus' phrasing that area report builders share (pure: no Django)."""

from __future__ import annotations

from keguan.rules.periods import cn_number

from .draft import Paragraph, Run

ITEM_WORDS = "一二三四五六七八九十"


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
