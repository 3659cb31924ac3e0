"""Importing enterprises from .xlsx/.csv: the same columns as the export, so an exported list can be
edited in Excel and uploaded again. Every row is checked first; one bad row rejects the whole file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.excel import build_xlsx
from keguan.core.tabular import BAD_DATE, Row, read_table
from keguan.regions.models import Region, RegionLevel
from keguan.rules.identifiers import validate_credit_code, validate_phone

from .industry import DIVISIONS
from .models import Enterprise, SizeClass, Stage, TechField
from .services import enterprise_change_stage, enterprise_create, enterprise_update

C_NAME, C_CODE, C_REP, C_DATE = "企业名称", "统一社会信用代码", "法定代表人", "注册日期"
C_DISTRICT, C_TOWN, C_INDUSTRY, C_FIELD = "所属区县", "所属乡镇/街道", "行业", "高新技术领域"
C_SIZE, C_STAGE, C_CONTACT, C_PHONE, C_ADDRESS = "企业规模", "培育阶段", "联系人", "联系电话", "注册地址"
REQUIRED = [C_NAME, C_CODE]
OPTIONAL = [C_REP, C_DATE, C_DISTRICT, C_TOWN, C_INDUSTRY, C_FIELD, C_SIZE, C_STAGE, C_CONTACT, C_PHONE, C_ADDRESS]
TEMPLATE_HEADERS = [C_NAME, C_CODE, C_REP, C_DATE, C_TOWN, C_INDUSTRY, C_FIELD, C_SIZE, C_STAGE, C_CONTACT, C_PHONE, C_ADDRESS]

_BY_LABEL = {
    C_FIELD: {label: value for value, label in TechField.choices},
    C_SIZE: {label: value for value, label in SizeClass.choices},
    C_STAGE: {label: value for value, label in Stage.choices},
}


@dataclass
class EnterpriseImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    names: list[str] = field(default_factory=list)


def enterprise_template_xlsx(district: Region) -> bytes:
    towns = list(Region.objects.filter(parent=district, level=RegionLevel.TOWNSHIP).order_by("code")[:1])
    example = [
        "（示例）某某科技有限公司", "91450103MA5XXXXXXX", "张三", dt.date(2018, 5, 1), towns[0].name if towns else "",
        "39", "电子信息", "小型", "科技型中小企业", "李四", "0771-5551234", "某某路1号",
    ]
    note = "\n".join(
        [
            "填写说明：",
            "1. 必填：企业名称、统一社会信用代码（18位，系统会校验校验位）。其余列可留空。",
            f"2. 所属乡镇/街道填名称，须为{district.name}辖区内的乡镇/街道。",
            "3. 行业填国民经济行业大类代码（两位数字，如 39）或“C39 计算机、通信和其他电子设备制造业”。",
            "4. 高新技术领域：" + "、".join(TechField.labels),
            "5. 企业规模：" + "、".join(SizeClass.labels) + "；培育阶段：" + "、".join(Stage.labels),
            "6. 统一社会信用代码已在本辖区登记的企业将更新其信息；培育阶段不同的，按今天的日期记一次阶段变更。",
            "7. 任何一行有错误时整个文件都不会导入，请按提示修改后重新上传。导出的企业名录可直接修改后导入。",
        ]
    )
    return build_xlsx(title="企业导入", headers=TEMPLATE_HEADERS, rows=[example], widths=[36, 22, 10, 12, 16, 30, 14, 10, 16, 10, 16, 36], note=note)


def _industry(text: str) -> str | None:
    text = text.strip()
    if not text:
        return ""
    head = text.split()[0]
    code = head[1:] if head[:1].isalpha() else head
    code = code.zfill(2) if code.isdigit() else code
    if code in DIVISIONS:
        return code
    for c, name in DIVISIONS.items():
        if name == text:
            return c
    return None


def enterprises_import(*, user, district: Region, data: bytes, filename: str) -> EnterpriseImportResult:
    rows = read_table(data, filename, required=REQUIRED, optional=OPTIONAL)
    errors: list[tuple[int | None, str, str]] = []
    towns = {t.name: t for t in Region.objects.filter(parent=district, level=RegionLevel.TOWNSHIP)}
    codes_seen: dict[str, int] = {}
    plans: list[tuple[Row, dict, str]] = []
    today = timezone.localdate()
    for row in rows:
        def bad(header: str, message: str, row=row) -> None:
            errors.append((row.number, header, message))

        data_row: dict = {}
        name = row.text(C_NAME)
        if not name:
            bad(C_NAME, "企业名称不能为空")
        elif len(name) > 128:
            bad(C_NAME, "企业名称过长（最多128字）")
        data_row["name"] = name
        checked = validate_credit_code(row.text(C_CODE))
        if not checked.ok:
            bad(C_CODE, checked.errors[0])
        else:
            data_row["credit_code"] = checked.value
            if checked.value in codes_seen:
                bad(C_CODE, f"与第{codes_seen[checked.value]}行的统一社会信用代码重复")
            codes_seen.setdefault(checked.value, row.number)
        district_text = row.text(C_DISTRICT)
        if district_text and district_text not in (district.name, district.code):
            bad(C_DISTRICT, f"“{district_text}”不是本区县（{district.name}），只能导入本区县的企业")
        for header, key, limit in ((C_REP, "legal_rep", 32), (C_CONTACT, "contact_name", 32), (C_ADDRESS, "address", 200)):
            text = row.text(header)
            if len(text) > limit:
                bad(header, f"内容过长（最多{limit}字）")
            if text:
                data_row[key] = text
        registered = row.date(C_DATE)
        if registered == BAD_DATE:
            bad(C_DATE, f"“{row.text(C_DATE)}”不是有效日期，请写成 2020-05-01")
        elif registered is not None:
            if registered > today:
                bad(C_DATE, "注册日期不能晚于今天")
            data_row["registered_on"] = registered
        town_text = row.text(C_TOWN)
        if town_text:
            if town_text not in towns:
                bad(C_TOWN, f"“{town_text}”不是{district.name}的乡镇/街道")
            else:
                data_row["township"] = towns[town_text]
        industry = _industry(row.text(C_INDUSTRY))
        if industry is None:
            bad(C_INDUSTRY, f"“{row.text(C_INDUSTRY)}”不是国民经济行业大类（应为两位代码，如 39）")
        elif industry:
            data_row["industry_code"] = industry
        for header, key in ((C_FIELD, "tech_field"), (C_SIZE, "size_class")):
            text = row.text(header)
            if text:
                if text not in _BY_LABEL[header]:
                    bad(header, f"“{text}”不是可选值：{'、'.join(_BY_LABEL[header])}")
                else:
                    data_row[key] = _BY_LABEL[header][text]
        stage_text = row.text(C_STAGE)
        stage = ""
        if stage_text:
            if stage_text not in _BY_LABEL[C_STAGE]:
                bad(C_STAGE, f"“{stage_text}”不是可选值：{'、'.join(_BY_LABEL[C_STAGE])}")
            else:
                stage = _BY_LABEL[C_STAGE][stage_text]
        phone = row.text(C_PHONE)
        if phone:
            checked_phone = validate_phone(phone)
            if not checked_phone.ok:
                bad(C_PHONE, checked_phone.errors[0])
            else:
                data_row["contact_phone"] = checked_phone.value
        plans.append((row, data_row, stage))
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=list(codes_seen)).select_related("district")
    }
    for row, data_row, _stage in plans:
        other = existing.get(data_row.get("credit_code", ""))
        if other is not None and other.district_id != district.pk:
            errors.append((row.number, C_CODE, f"该企业已在{other.district.name}登记，不能导入到{district.name}"))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: (e[0] or 0)))
    result = EnterpriseImportResult()
    try:
        with transaction.atomic():
            for row, data_row, stage in plans:
                current = existing.get(data_row["credit_code"])
                try:
                    if current is None:
                        enterprise_create(actor=user, reason="Excel导入新建", district=district,
                                          stage=stage or Stage.ATTRACTED, **data_row)
                        result.created += 1
                        result.names.append(data_row["name"])
                        continue
                    before = {k: getattr(current, k) for k in data_row}
                    enterprise_update(enterprise=current, actor=user, reason="Excel导入更新", **data_row)
                    changed = before != {k: getattr(current, k) for k in data_row}
                    if stage and stage != current.stage:
                        enterprise_change_stage(enterprise=current, actor=user, stage=stage, on=timezone.localdate(), note="Excel导入")
                        changed = True
                    if changed:
                        result.updated += 1
                    else:
                        result.unchanged += 1
                except ServiceError as exc:
                    header = {"credit_code": C_CODE, "township": C_TOWN, "contact_phone": C_PHONE,
                              "registered_on": C_DATE, "stage": C_STAGE, "on": C_STAGE}.get(exc.field or "", "")
                    raise ImportRejected([(row.number, header or "—", exc.message)]) from exc
    except ImportRejected:
        raise
    return result
