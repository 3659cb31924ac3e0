"""One year's figures as people read them: money in 万元, and the checks that catch a figure typed in the wrong
unit or the wrong box. Values here are in 元, as stored (``EnterpriseYear``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import YEAR_MONEY, EnterpriseYear

# The year's money fields; those a form cannot leave blank; those a blank means 0 for (the others stay blank).
MONEY_FIELDS = YEAR_MONEY
MONEY_REQUIRED = tuple(k for k in MONEY_FIELDS if not EnterpriseYear._meta.get_field(k).has_default()
                       and not EnterpriseYear._meta.get_field(k).null)
BLANK_IS_ZERO = tuple(k for k in MONEY_FIELDS if EnterpriseYear._meta.get_field(k).has_default())

WAN = Decimal(10_000)
STAFF_FOR_SALES = 10  # a firm this large with under 1 万元 of sales has most likely typed 元 as 万元
SALES_PER_HEAD = Decimal(50_000_000)  # 5,000 万元 per person: most likely 元 typed into a 万元 box


def money_label(key: str) -> str:
    """The field's name without its unit: "销售收入（元）" → "销售收入"."""
    return str(EnterpriseYear._meta.get_field(key).verbose_name).removesuffix("（元）")


def _wan(value: Decimal) -> str:
    return f"{(value / WAN).quantize(Decimal('0.01')):,f}"


def unusual_year_figures(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Figures that are possible but most likely a slip: (field, warning). The form saves them only once the
    user confirms; the self-check and imports show them beside the result."""
    out: list[tuple[str, str]] = []
    emp = values.get("employees")
    sales = values.get("sales_revenue")
    assets = values.get("total_assets")
    rd = (values.get("rd_domestic") or 0) + (values.get("rd_abroad") or 0)
    if emp and emp >= STAFF_FOR_SALES and sales is not None and 0 < sales < WAN:
        out.append(("sales_revenue", f"从业人员 {emp} 人，销售收入却不足 1 万元（{_wan(sales)} 万元），"
                                     "请确认金额单位是万元"))
    if emp and emp >= STAFF_FOR_SALES and assets is not None and 0 < assets < WAN:
        out.append(("total_assets", f"从业人员 {emp} 人，资产总额却不足 1 万元（{_wan(assets)} 万元），"
                                    "请确认金额单位是万元"))
    if emp and sales is not None and sales > SALES_PER_HEAD * emp:
        out.append(("sales_revenue", f"人均销售收入超过 5,000 万元（{_wan(sales)} 万元 ÷ {emp} 人），"
                                     "请确认没有把元填成万元"))
    if sales is not None and rd > sales > 0:
        out.append(("rd_domestic", f"研发费用合计（{_wan(Decimal(rd))} 万元）高于销售收入（{_wan(sales)} 万元），请核对"))
    return out
