"""技术市场与科技成果's section of a firm's page (``keguan.enterprises.hooks.firm_section``): its technology contracts
as seller (输出) and buyer (吸纳), its registered results and its awards. Bureau staff only (the records are
read through their scope)."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse

from keguan.core.permissions import may
from keguan.core.scope import scoped
from keguan.enterprises.hooks import FirmRow, FirmSection

from .models import Award, Result, TechContract

ROWS = 5
WAN = Decimal(10000)


def firm_section(user, enterprise) -> FirmSection | None:
    if not may(user, "market.view"):
        return None
    contracts = scoped(TechContract, user).filter(Q(seller_enterprise=enterprise) | Q(buyer_enterprise=enterprise))
    sold = contracts.filter(seller_enterprise=enterprise).aggregate(s=Sum("contract_amount"))["s"]
    bought = contracts.filter(buyer_enterprise=enterprise).aggregate(s=Sum("contract_amount"))["s"]
    n_sold = contracts.filter(seller_enterprise=enterprise).count()
    n_bought = contracts.filter(buyer_enterprise=enterprise).count()
    results = scoped(Result, user).filter(enterprise=enterprise)
    awards = scoped(Award, user).filter(enterprise=enterprise)
    n_results, n_awards = results.count(), awards.exclude(prize="").count()
    parts = []
    if n_sold:
        parts.append(f"作为卖方{n_sold}项（{(sold or 0) / WAN:.2f}万元）")
    if n_bought:
        parts.append(f"作为买方{n_bought}项（{(bought or 0) / WAN:.2f}万元）")
    if n_results:
        parts.append(f"登记成果{n_results}项")
    if n_awards:
        parts.append(f"获奖{n_awards}项")
    rows = [FirmRow(f"{c.registered_on:%Y-%m-%d} {c.name}",
                    ("卖方" if c.seller_enterprise_id == enterprise.pk else "买方") + f" · {c.contract_amount / WAN:.2f}万元",
                    reverse("market:contract", args=[c.pk]))
            for c in contracts.order_by("-registered_on", "-id")[:ROWS]]
    rows += [FirmRow(f"{r.registered_on:%Y-%m-%d} 科技成果：{r.name}", "成果登记", reverse("market:result", args=[r.pk]))
             for r in results.order_by("-registered_on", "-id")[:2]]
    rows += [FirmRow(f"{a.year}年 {a.name}", a.prize or "参赛", reverse("market:award", args=[a.pk]))
             for a in awards.order_by("-year", "-id")[:2]]
    return FirmSection("技术合同与成果", "file-earmark-text", 40, rows=tuple(rows),
                       summary="技术合同" + "，".join(parts) if parts else "",
                       more_url=reverse("market:contracts") + "?" + urlencode({"q": enterprise.credit_code}),
                       empty="暂无技术合同、科技成果和获奖记录")
