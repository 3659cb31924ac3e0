from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from keguan.core.excel import build_xlsx

from .industry import division_label
from .models import Enterprise

EXPORT_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "注册日期",
    "所属区县",
    "所属乡镇/街道",
    "行业",
    "高新技术领域",
    "企业规模",
    "培育阶段",
    "进入本阶段日期",
    "称号",
    "联系人",
    "联系电话",
    "注册地址",
]
EXPORT_WIDTHS = [36, 22, 12, 12, 12, 16, 30, 16, 10, 16, 14, 40, 10, 16, 40]


def enterprise_export_xlsx(qs: QuerySet[Enterprise], *, scope_name: str, personal: bool = True) -> bytes:
    """The list as .xlsx. Without ``personal`` (the ``enterprises.personal`` permission) the contact's name
    and phone are left empty and the notes say why."""
    def rows():
        for e in qs.prefetch_related("labels").iterator(chunk_size=2000):
            labels = "、".join(str(label) for label in e.labels.all())
            yield [
                e.name,
                e.credit_code,
                e.legal_rep,
                e.registered_on,
                e.district.name,
                e.township.name if e.township else "",
                division_label(e.industry_code),
                e.get_tech_field_display(),
                e.get_size_class_display(),
                e.get_stage_display(),
                e.stage_since,
                labels,
                e.contact_name if personal else "",
                e.contact_phone if personal else "",
                e.address,
            ]

    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    return build_xlsx(
        title="企业名录",
        headers=EXPORT_HEADERS,
        rows=rows(),
        widths=EXPORT_WIDTHS,
        note=f"导出范围：{scope_name}；导出时间：{stamp}"
        + ("" if personal else "\n联系人、联系电话属个人信息，您的角色无权导出，已留空。"),
    )
