from __future__ import annotations

from keguan.core.history import HistoryEntry, entries_for

from .models import Enterprise, EnterpriseLabel, EnterpriseYear


def history_entries(enterprise: Enterprise, limit: int = 200, *, with_tags: bool = True) -> list[HistoryEntry]:
    """The enterprise's own history with that of its labels and yearly figures, newest first. ``with_tags``:
    whether the bureau's 企业标签 changes are shown (not to the firm's own users)."""
    entries = entries_for(
        Enterprise.history.filter(id=enterprise.pk),
        subject="企业信息",
        model=Enterprise,
        skip=frozenset({"industry_section"} if with_tags else {"industry_section", "tags"}),
    )
    entries += entries_for(
        EnterpriseYear.history.filter(enterprise_id=enterprise.pk),
        subject=lambda rec: f"{rec.year}年度数据",
        model=EnterpriseYear,
    )
    entries += entries_for(
        EnterpriseLabel.history.filter(enterprise_id=enterprise.pk),
        subject=lambda rec: f"称号：{rec.year}年{rec.get_kind_display()}",
        model=EnterpriseLabel,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
