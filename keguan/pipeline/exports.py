"""Excel exports of the district-level pipeline lists: each takes the list page's own queryset, so the file
holds exactly the rows the page shows under the same filters."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from keguan.core.excel import build_xlsx

from .models import CultivationPool, HnteApplication, HnteCertificate, PoolMember, TechSmeRecord
from .selectors import certificate_rows

CHUNK = 500


def _note(title: str, scope_name: str, filters: str, count: int, *extra: str) -> str:
    stamp = timezone.localtime()
    return "\n".join(
        [title, f"范围：{scope_name}；导出时间：{stamp:%Y-%m-%d %H:%M}", f"筛选条件：{filters}；共 {count} 条", *extra]
    )


def _area(e) -> tuple[str, str]:
    return e.district.name, e.township.name if e.township_id else ""


def applications_xlsx(qs: QuerySet[HnteApplication], *, scope_name: str, filters: str) -> bytes:
    headers = ["申报批次", "企业名称", "统一社会信用代码", "所属区县", "所属乡镇/街道", "状态", "状态日期",
               "材料提交日期", "认定/未通过日期", "备注"]

    def rows() -> Iterator[list]:
        for a in qs.iterator(chunk_size=CHUNK):
            e = a.enterprise
            yield [str(a.batch), e.name, e.credit_code, *_area(e), a.get_status_display(), a.status_on,
                   a.submitted_on, a.decided_on, a.note]

    return build_xlsx(
        title="高企申报", headers=headers, rows=rows(), widths=[14, 36, 22, 12, 16, 10, 12, 12, 14, 30],
        note=_note("高新技术企业申报名单", scope_name, filters, qs.count()),
    )


def certificates_xlsx(qs: QuerySet[HnteCertificate], *, scope_name: str, filters: str, today: dt.date) -> bytes:
    headers = ["企业名称", "统一社会信用代码", "所属区县", "所属乡镇/街道", "证书编号", "发证日期", "有效期至",
               "剩余天数", "证书状态", "重新认定"]

    def rows() -> Iterator[list]:
        batch: list[HnteCertificate] = []
        for c in qs.iterator(chunk_size=CHUNK):
            batch.append(c)
            if len(batch) == CHUNK:
                yield from _certificate_rows(batch, today)
                batch = []
        yield from _certificate_rows(batch, today)

    return build_xlsx(
        title="高企证书", headers=headers, rows=rows(), widths=[36, 22, 12, 16, 18, 12, 12, 10, 12, 34],
        note=_note("高新技术企业证书", scope_name, filters, qs.count(),
                   f"评价日期：{today:%Y-%m-%d}。证书自发证日起三年有效；“需组织重新认定”：6个月内到期，"
                   "且企业没有更新的证书、也没有进行中的申报。"),
    )


def _certificate_rows(batch: list[HnteCertificate], today: dt.date) -> Iterator[list]:
    for row in certificate_rows(batch, today=today):
        c, e = row.cert, row.cert.enterprise
        yield [e.name, e.credit_code, *_area(e), c.number, c.issued_on, c.expires_on, row.days_left, row.state,
               row.renewal_text]


def pool_members_xlsx(
    pool: CultivationPool | None, qs: QuerySet[PoolMember], *, filters: str, scope_name: str = ""
) -> bytes:
    """The members of one pool, or (``pool`` None) of every pool in the user's region."""
    headers = ["企业名称", "统一社会信用代码", "所属区县", "所属乡镇/街道", "培育库", "培育阶段", "入库日期", "入库理由",
               "出库日期", "出库原因", "出库说明", "最近辅导日期"]

    def rows() -> Iterator[list]:
        for m in qs.iterator(chunk_size=CHUNK):
            e = m.enterprise
            yield [e.name, e.credit_code, *_area(e), m.pool.name, e.get_stage_display(), m.entered_on, m.entry_reason,
                   m.exited_on, m.get_exit_reason_display(), m.exit_note, m.last_visit]

    if pool is not None:
        title, scope_name = f"{pool.district.name}{pool.name}（{pool.years_label}）企业名单", pool.district.name
    else:
        title = "高企培育库企业名单"
    return build_xlsx(
        title="培育库企业", headers=headers, rows=rows(), widths=[36, 22, 12, 16, 24, 16, 12, 36, 12, 28, 24, 14],
        note=_note(title, scope_name, filters, qs.count()),
    )


def sme_records_xlsx(qs: QuerySet[TechSmeRecord], *, scope_name: str, filters: str, today: dt.date) -> bytes:
    headers = ["企业名称", "统一社会信用代码", "所属区县", "所属乡镇/街道", "评价年度", "入库登记编号", "入库日期",
               "状态", "移出日期", "移出原因"]

    def rows() -> Iterator[list]:
        for r in qs.iterator(chunk_size=CHUNK):
            e = r.enterprise
            yield [e.name, e.credit_code, *_area(e), r.year, r.number, r.registered_on, sme_state_label(r, today),
                   r.removed_on, r.removed_reason]

    return build_xlsx(
        title="科小入库", headers=headers, rows=rows(), widths=[36, 22, 12, 16, 10, 24, 12, 10, 12, 30],
        note=_note("科技型中小企业入库名单", scope_name, filters, qs.count(),
                   "入库登记编号在评价年度内有效（自入库日期至当年12月31日，被移出的至移出日前一天）。"),
    )


def sme_state_label(record: TechSmeRecord, today: dt.date) -> str:
    if record.removed_on is not None and record.removed_on <= today:
        return "已移出"
    if record.valid_on(today):
        return "有效"
    if record.year < today.year:
        return "年度已过"
    return "未生效"
