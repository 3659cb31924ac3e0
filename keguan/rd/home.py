"""The area's 待办 on the home page: firms not yet reported in an open R&D round (for the bureau), and an
enterprise's own report still missing."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from keguan.core.areas import Reminder
from keguan.core.permissions import may

from .selectors import own_unreported, unreported_by_round


def reminders(user, today: dt.date) -> list[Reminder]:
    if may(user, "rd.view"):
        rounds = unreported_by_round(user=user, today=today)
        out = []
        for year in sorted({r.year for r in rounds}):
            of_year = [r for r in rounds if r.year == year]
            missing = sum(r.missing for r in of_year)
            dues = [r.due_on for r in of_year if r.due_on]
            if len(of_year) == 1:
                url = reverse("rd:round", args=[of_year[0].pk]) + "?status=missing"
                where = ""
            else:
                url = reverse("rd:list") + f"?year={year}"
                where = f"（{len(of_year)} 个区县）"
            out.append(Reminder(f"{year}年度研发经费填报{where}：有 {missing} 家企业尚未填报", missing, url,
                                icon="cash-coin", due=min(dues) if dues else None))
        return out
    if user.enterprise_id is not None and may(user, "enterprises.edit_own"):
        firms = own_unreported(enterprise_id=user.enterprise_id, today=today)
        return [
            Reminder(f"本企业{f.round.year}年度研发经费尚未填报，请按区科技局的通知报送（{f.round.title}）", 1,
                     reverse("enterprises:mine"), icon="cash-coin", due=f.round.due_on)
            for f in firms
        ]
    return []
