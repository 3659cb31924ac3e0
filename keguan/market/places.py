"""Where a contract's party is: its region in the tree, the city and the district that region lies in.

The city a party counts for is the level-2 ancestor (地市) of its region in the region tree, the district the
level-3 one (区县; a township's or village's county). A party whose region is not in the tree, or names only
a province, counts for no city. Regions are written in the national registration system's export as a
six-digit code (450103, or the 9/12-digit statistical code) or as a name; names are looked up among the
province's regions ("青秀区", "南宁市青秀区", "广西壮族自治区南宁市青秀区") and, written in full, anywhere in the tree.
"""

from __future__ import annotations

from dataclasses import dataclass

from keguan.regions.models import Region, RegionLevel

AMBIGUOUS = object()


@dataclass(frozen=True)
class Place:
    region: Region
    city: Region | None
    district: Region | None


def _codes(region: Region) -> list[str]:
    return [c for c in region.path.strip("/").split("/") if c]


def places_of(regions: list[Region]) -> dict[int, Place]:
    """Each region's place (its city and district), with one query for the ancestors."""
    wanted = set()
    for r in regions:
        codes = _codes(r)
        wanted.update(codes[1:3])
    ancestors = {a.code: a for a in Region.objects.filter(code__in=wanted)} if wanted else {}
    out: dict[int, Place] = {}
    for r in regions:
        codes = _codes(r)
        city = ancestors.get(codes[1]) if len(codes) > 1 and r.level >= RegionLevel.CITY else None
        district = ancestors.get(codes[2]) if len(codes) > 2 and r.level >= RegionLevel.COUNTY else None
        if city is not None and city.level != RegionLevel.CITY:
            city = None
        if district is not None and district.level != RegionLevel.COUNTY:
            district = None
        out[r.pk] = Place(r, city, district)
    return out


def place_of(region: Region | None) -> Place | None:
    return None if region is None else places_of([region])[region.pk]


def _fold(text: str) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")")


class RegionFinder:
    """Finds the region a cell names: a code anywhere in the tree, or a name within ``province`` (short, or
    with its city and province before it), or a full name anywhere. Loads the tree down to counties once."""

    def __init__(self, province: Region | None):
        self.province = province
        self.by_code: dict[str, Region] = {}
        self.names: dict[str, object] = {}
        rows = list(Region.objects.filter(level__lte=RegionLevel.COUNTY).only("id", "code", "name", "level", "path",
                                                                               "parent_id"))
        by_id = {r.pk: r for r in rows}
        self.local_cities = [_fold(r.name) for r in rows if province is not None and r.parent_id == province.pk]
        for r in rows:
            self.by_code[r.code] = r
        for r in rows:
            chain = []
            node = r
            while node is not None:
                chain.append(node)
                node = by_id.get(node.parent_id)
            chain.reverse()  # province … r
            full = "".join(n.name for n in chain)
            self._add(_fold(full), r)
            if province is not None and chain[0].pk == province.pk and len(chain) > 1:
                self._add(_fold("".join(n.name for n in chain[1:])), r)  # 南宁市青秀区
                self._add(_fold(r.name), r)  # 青秀区
                if len(chain) == 3:
                    self._add(_fold(chain[1].name + r.name), r)

    def _add(self, key: str, region: Region) -> None:
        found = self.names.get(key)
        if found is None:
            self.names[key] = region
        elif found is not AMBIGUOUS and found.pk != region.pk:  # type: ignore[union-attr]
            self.names[key] = AMBIGUOUS

    def find(self, text: str) -> tuple[Region | None, str, bool]:
        """(region, problem, fatal): the region named, or None and why ('' when the text is empty). A code
        or a name of a place outside the tree is no error (the party counts for no city): ``fatal`` False
        with a note; a name that looks like the province's and is not found (a typo) is an error."""
        text = _fold(text or "")
        if not text:
            return None, "", False
        if text.isdigit():
            if len(text) not in (6, 9, 12):
                return None, f"“{text}”不是行政区划代码（应为6位，如 450103）", True
            region = self.by_code.get(text) or self.by_code.get(text[:6])
            if region is None and len(text) > 6:
                region = Region.objects.filter(code=text).first()
            if region is None:
                return None, f"区划代码 {text} 不在系统的区划库中，该方不计入任何地市", False
            return region, "", False
        found = self.names.get(text)
        if found is AMBIGUOUS:
            return None, f"地区名称“{text}”有重名，请写出所在地市（如“南宁市青秀区”）或填写6位区划代码", True
        if found is None:
            if self.province is not None and (text.startswith(_fold(self.province.name)) or any(
                    text.startswith(c) for c in self.local_cities)):
                return None, f"无法识别地区“{text}”：请填写6位行政区划代码，或{self.province.name}内的地区名称", True
            return None, f"地区“{text}”不在系统的区划库中，该方不计入任何地市", False
        return found, "", False  # type: ignore[return-value]
