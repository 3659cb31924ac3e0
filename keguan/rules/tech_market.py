"""技术合同 吸纳 and 输出: which districts of a city a registered technology contract counts for.

A contract counts as 吸纳 (absorbed) for the buyer's district and as 输出 (output) for the seller's. A contract
between two parties of one district counts once for each (that district absorbs it and outputs it); a contract
with neither end in the city counts for neither; a contract whose party is known only to the city (the region
code ends in 00: 市辖区, or the registration names only the city) counts for the city, under no district.

So within one city each contract counts at most once as 吸纳 and at most once as 输出, and the city's 吸纳 total
is the sum of its districts' 吸纳 plus the part known only to the city: nothing is counted twice.

Region codes are the six-digit GB/T 2260 codes (a party's 所在地区); a city is named by its first four digits.
Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass

ABSORB = "absorb"
OUTPUT = "output"
LABELS = {ABSORB: "吸纳", OUTPUT: "输出"}


@dataclass(frozen=True)
class Side:
    side: str  # ABSORB or OUTPUT
    district: str | None  # six-digit code of the district it counts for; None: the city only


def _normal(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip()
    if len(code) < 4 or not code[:6].isdigit():
        return None
    return code[:6].ljust(6, "0")


def in_city(code: str | None, city: str) -> bool:
    code = _normal(code)
    return code is not None and code[:4] == city[:4]


def district_of(code: str | None) -> str | None:
    """The district a party's code names, or None when it names only a province or city (…00)."""
    code = _normal(code)
    if code is None or code[4:6] == "00":
        return None
    return code


def sides(seller: str | None, buyer: str | None, *, city: str) -> tuple[Side, ...]:
    """The counts a contract between ``seller`` and ``buyer`` (their region codes) makes in ``city``."""
    out: list[Side] = []
    if in_city(buyer, city):
        out.append(Side(ABSORB, district_of(buyer)))
    if in_city(seller, city):
        out.append(Side(OUTPUT, district_of(seller)))
    return tuple(out)
