"""How a summary names its region, by the region's kind, as bureaus write it.

- The leadership: 区委、区政府 (a 市辖区), 县委、县政府 (a 县), 旗委、旗政府 (a 旗), 市委、市政府 (a city, and a
  county-level city such as 横州市).
- The region itself: 全区 / 全县 / 全旗 / 全市.
- A rank among the city's districts: "全市排名第三". A county-level city calls itself 全市 too, so its ranks
  name the city instead: "在南宁市12个县（市、区）中排名第三".

Pure functions of names and levels (no database), so they are tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from keguan.rules.periods import cn_number

# The last character of a county-level region's name → (its word, the leadership)
_KINDS = {"区": ("全区", "区委、区政府"), "县": ("全县", "县委、县政府"), "旗": ("全旗", "旗委、旗政府"),
          "市": ("全市", "市委、市政府")}


@dataclass(frozen=True)
class Wording:
    own: str  # 全区 / 全县 / 全市: the region itself
    leadership: str  # 区委、区政府 …
    parent: str = ""  # the city's name, for a district's ranks
    peers: int = 0  # the districts ranked together

    def rank(self, rank: int) -> str:
        """'全市排名第三', or for a county-level city '在南宁市12个县（市、区）中排名第三'."""
        if self.own == "全市" and self.parent:
            return f"在{self.parent}{self.peers}个县（市、区）中排名第{cn_number(rank)}"
        return f"全市排名第{cn_number(rank)}"


def wording_for(name: str, *, is_city: bool, parent: str = "", peers: int = 0) -> Wording:
    """``name``: the region's name; ``is_city``: a prefecture-level city (its summary has no ranks)."""
    if is_city:
        return Wording(own="全市", leadership="市委、市政府")
    own, leadership = _KINDS.get(name[-1:], ("全区", "区委、区政府"))
    return Wording(own=own, leadership=leadership, parent=parent, peers=peers)
