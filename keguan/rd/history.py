from __future__ import annotations

from keguan.core.history import HistoryEntry, entries_for

from .models import RdCall, RdFirm


def firm_history(firm: RdFirm, limit: int = 100) -> list[HistoryEntry]:
    """The firm's line in the round (listed, amounts recorded, corrected, cleared) and its calls, newest first."""
    entries = entries_for(
        RdFirm.history.filter(id=firm.pk), subject="填报情况", model=RdFirm,
        skip=frozenset({"recorded_by", "recorded_at"}),
    )
    entries += entries_for(
        RdCall.history.filter(firm_id=firm.pk), subject=lambda rec: f"跟进记录（{rec.called_on:%Y-%m-%d}）", model=RdCall,
    )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
