"""Importing a bureau's village (村/社区) list from .xlsx: validate every row, then store all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from keguan.core.errors import ImportRejected
from keguan.core.excel import build_xlsx
from keguan.core.tabular import read_table

from .models import Region, RegionLevel
from .services import villages_create

COL_CODE = "村/社区代码（12位）"
COL_NAME = "村/社区名称"
COL_TOWN = "所属乡镇/街道"
HEADERS = [COL_CODE, COL_NAME, COL_TOWN]


def village_template_xlsx(region: Region) -> bytes:
    towns = Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP).order_by("code")[:3]
    examples = []
    for t in towns:
        examples.append([f"{t.code}001" if int(t.code[6:9]) < 100 else f"{t.code}201", "（示例，请替换）", t.name])
    note = (
        "填写说明：\n"
        "1. 村/社区代码为12位统计用区划代码：前9位为所属乡镇/街道代码，后3位 001-199 为居委会/社区，200-399 为村委会。\n"
        "2. 所属乡镇/街道可填名称，用于核对；代码前9位必须是本辖区内的乡镇/街道。\n"
        "3. 有任何一行出错时整个文件都不会导入，请按提示修改后重新上传。"
    )
    return build_xlsx(title="村社区名单", headers=HEADERS, rows=examples, widths=[22, 24, 20], note=note)


@dataclass
class VillageImportResult:
    created: int
    townships: int


def villages_import(*, user, region: Region, data: bytes, filename: str) -> VillageImportResult:
    rows = read_table(data, filename, required=[COL_CODE, COL_NAME], optional=[COL_TOWN])
    towns = {t.code: t for t in Region.objects.filter(path__startswith=region.path, level=RegionLevel.TOWNSHIP)}
    existing = set(
        Region.objects.filter(path__startswith=region.path, level=RegionLevel.VILLAGE).values_list("code", flat=True)
    )
    errors: list[tuple[int | None, str, str]] = []
    seen: dict[str, int] = {}
    by_town: dict[str, list[tuple[str, str]]] = {}
    for row in rows:
        code, name, town_name = row.text(COL_CODE), row.text(COL_NAME), row.text(COL_TOWN)
        if not (len(code) == 12 and code.isdigit()):
            errors.append((row.number, COL_CODE, f"“{code}”应为12位数字"))
            continue
        town = towns.get(code[:9])
        if town is None:
            errors.append((row.number, COL_CODE, f"前9位 {code[:9]} 不是{region.name}辖区内的乡镇/街道代码"))
            continue
        tail = int(code[9:])
        if not (1 <= tail <= 399):
            errors.append((row.number, COL_CODE, f"后3位 {code[9:]} 不在 001-399 范围内（001-199 社区，200-399 村）"))
        if not name:
            errors.append((row.number, COL_NAME, "名称不能为空"))
        elif len(name) > 64:
            errors.append((row.number, COL_NAME, "名称过长（最多64字）"))
        if town_name and town_name not in (town.name, town.code):
            errors.append((row.number, COL_TOWN, f"填写的“{town_name}”与代码对应的“{town.name}”不一致"))
        if code in seen:
            errors.append((row.number, COL_CODE, f"代码 {code} 与第{seen[code]}行重复"))
        elif code in existing:
            errors.append((row.number, COL_CODE, f"代码 {code} 已存在，不能重复导入"))
        seen.setdefault(code, row.number)
        by_town.setdefault(town.code, []).append((code, name))
    if errors:
        raise ImportRejected(errors)
    from django.db import transaction

    with transaction.atomic():
        for town_code, villages in by_town.items():
            villages_create(township=towns[town_code], villages=villages, source=f"{user.display_name}导入")
    return VillageImportResult(created=sum(len(v) for v in by_town.values()), townships=len(by_town))
