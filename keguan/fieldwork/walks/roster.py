"""The scope walker's view of 科技特派员 (roster); combined in keguan.fieldwork.scope_walk.

It holds the anchors of EVERY fieldwork model (all three parts) and the scene: for districts A and B, rows of
every fieldwork model, keyed "a", "a_other" and "b" (``anchored_records``: who sees each follows its model's
anchor, so a commissioner's own rows and a township's rows are checked row by row):

* "a": the commissioner linked to the 'expert' persona's account, its village in A's first township
  (``a_town``), its team (chief; the "a_other" commissioner is a member too), its assignment, letter,
  attendance, service log (with a photo) and demand;
* "a_other": another commissioner of A, with no account, serving a village of A's second township — the
  expert must not see its rows, the township liaison of ``a_town`` must not see its village;
* "b": the same for district B (the commissioner has no account).

Extra rows (not keyed): a team assignment and a log at firm ``ent_a``/``ent_b`` (an enterprise user sees
those of its own firm), and a demand of ``ent_a`` not yet dispatched (owned by nobody).

Record kinds for the other parts' URLs: fw_commissioner, fw_team, fw_member, fw_village (the village, a
``Region``), fw_info (``VillageInfo``), fw_assignment, fw_rule, fw_letter, fw_training, fw_attendance,
fw_log, fw_photo, fw_demand.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from keguan.core.scope_walk import SceneContext, Walk
from keguan.regions.services import villages_create

from ..models import (
    Demand,
    DemandStatus,
    Kind,
    Letter,
    Level,
    LogPhoto,
    PointsRule,
    ServiceKind,
    ServiceLog,
    Training,
    TrainingAttendance,
)
from ..services import roster as svc

KINDS = ("fw_commissioner", "fw_team", "fw_member", "fw_village", "fw_info", "fw_assignment", "fw_rule", "fw_letter",
         "fw_training", "fw_attendance", "fw_log", "fw_photo", "fw_demand")
SCENE_YEAR = dt.date.today().year
START = dt.date(SCENE_YEAR - 1, 1, 1)


def _place(row):
    """The finest region of a row kept with district and township (a village's township, a firm's)."""
    return row.township or row.district


def _members(team) -> set[int]:
    return {u for u in team.members.values_list("commissioner__user_id", flat=True) if u is not None}


def _assignment_owners(a) -> set[int]:
    if a.commissioner_id is not None:
        return {a.commissioner.user_id} - {None}
    return _members(a.team)


ANCHORS = {
    "fieldwork.Commissioner": lambda c: (c.district, None, c.user_id),
    "fieldwork.Team": lambda t: (t.district, None, _members(t)),
    "fieldwork.TeamMember": lambda m: (m.team.district, None, m.commissioner.user_id),
    "fieldwork.VillageInfo": lambda v: (v.township, None),
    "fieldwork.Assignment": lambda a: (_place(a), a.enterprise_id, _assignment_owners(a)),
    "fieldwork.PointsRule": lambda r: (r.district, None),
    "fieldwork.Letter": lambda x: (x.district, None, x.commissioner.user_id),
    "fieldwork.Training": lambda t: (t.district, None),
    "fieldwork.TrainingAttendance": lambda x: (x.training.district, None, x.commissioner.user_id),
    "fieldwork.ServiceLog": lambda x: (_place(x), x.enterprise_id, x.commissioner.user_id),
    "fieldwork.LogPhoto": lambda p: (_place(p.log), p.log.enterprise_id, p.log.commissioner.user_id),
    "fieldwork.Demand": lambda d: (_place(d), d.enterprise_id, d.commissioner.user_id if d.commissioner else None),
}


def _village(town, suffix: str, name: str):
    return villages_create(township=town, villages=[(f"{town.code}{suffix}", name)], source="范围测试")[0]


def _scene(ctx: SceneContext) -> dict:
    out: dict = {k: {} for k in KINDS}
    expert = ctx.world.expert
    places = (("a", "a", "a_town", expert), ("a_other", "a", "a_town2", None), ("b", "b", "b_town", None))
    for key, district_key, town_key, account in places:
        district, town = ctx.regions[district_key], ctx.regions[town_key]
        word = ctx.places[district_key] + ("另" if key == "a_other" else "")
        village = _village(town, "201", f"{word}哨兵村")
        info = svc.village_flags_set(actor=None, village=village, key_industry=True, weak_economy=key != "b",
                                     revitalisation=False, industries=f"{word}主导产业哨兵")
        c = svc.commissioner_create(
            actor=None, district=district, name=f"{word}特派员", level=Level.CITY, batch=3, kind=Kind.AGRICULTURE,
            field="crops", employer=f"{word}农科所", phone=f"1370000{len(out['fw_commissioner']):04d}",
            start_on=START, user=account, note=f"{word}特派员备注哨兵")
        a = svc.assignment_create(actor=None, district=district, commissioner=c, village=village, start_on=START,
                                  note=f"{word}结对备注哨兵")
        out["fw_village"][key], out["fw_info"][key] = village, info
        out["fw_commissioner"][key], out["fw_assignment"][key] = c, a
    for key, district_key in (("a", "a"), ("a_other", "a"), ("b", "b")):
        word = ctx.places[district_key] + ("另" if key == "a_other" else "")
        district, c = ctx.regions[district_key], out["fw_commissioner"][key]
        team = svc.team_create(actor=None, district=district, name=f"{word}专家服务团", industries="茉莉花",
                               start_on=START, note=f"{word}服务团备注哨兵")
        out["fw_team"][key] = team
        out["fw_member"][key] = svc.team_member_add(actor=None, team=team, commissioner=c, is_chief=True,
                                                    duty=f"{word}分工哨兵")
    svc.team_member_add(actor=None, team=out["fw_team"]["a"], commissioner=out["fw_commissioner"]["a_other"])
    for team, ent in ((out["fw_team"]["a"], ctx.ents["ent_a"]), (out["fw_team"]["b"], ctx.ents["ent_b"])):
        svc.assignment_create(actor=None, district=team.district, team=team, enterprise=ent, start_on=START)
    for district_key in ("a", "b"):
        district = ctx.regions[district_key]
        word = ctx.places[district_key]
        out["fw_rule"][district_key] = PointsRule.objects.create(district=district)
        out["fw_training"][district_key] = Training.objects.create(
            district=district, title=f"{word}特派员培训", held_on=START, hours=Decimal("8"), note=f"{word}培训摘要哨兵")
    for key in ("a", "a_other", "b"):
        district_key = "b" if key == "b" else "a"
        word = ctx.places[district_key] + ("另" if key == "a_other" else "")
        c, village = out["fw_commissioner"][key], out["fw_village"][key]
        town = village.parent
        out["fw_attendance"][key] = TrainingAttendance.objects.create(
            training=out["fw_training"][district_key], commissioner=c, hours=Decimal("8"))
        out["fw_letter"][key] = Letter.objects.create(
            district=c.district, commissioner=c, year=SCENE_YEAR, goals=f"{word}责任状目标哨兵", signed_on=START)
        demand = Demand.objects.create(
            district=c.district, township=town, village=village, title=f"{word}需求哨兵", description=f"{word}需求描述哨兵",
            posted_on=START, status=DemandStatus.DISPATCHED, commissioner=c, dispatched_on=START)
        log = ServiceLog.objects.create(
            district=c.district, township=town, commissioner=c, served_on=START, village=village,
            kind=ServiceKind.GUIDANCE, content=f"{word}服务内容哨兵", served=12, demand=demand)
        out["fw_log"][key], out["fw_demand"][key] = log, demand
        out["fw_photo"][key] = LogPhoto.objects.create(log=log, file=f"fieldwork/scope/{key}.jpg", width=10,
                                                       height=10, size=100)
    for key, ent in (("a", ctx.ents["ent_a"]), ("b", ctx.ents["ent_b"])):
        c = out["fw_commissioner"][key]
        ServiceLog.objects.create(district=c.district, township=ent.township, commissioner=c, served_on=START,
                                  enterprise=ent, kind=ServiceKind.CONSULTING, content="企业服务哨兵", served=3)
    ent = ctx.ents["ent_a"]
    Demand.objects.create(district=ent.district, township=ent.township, enterprise=ent, title="企业需求待派",
                          description="待派单", posted_on=START)
    return out


def _leaks(kind: str, obj) -> list[str]:
    """What identifies a record and must not reach a persona who may not see it (names of commissioners and
    teams appear beside the villages they serve, so their notes and phones stand for them)."""
    match kind:
        case "fw_commissioner":
            return [obj.note, obj.phone]
        case "fw_team":
            return [obj.note]
        case "fw_member":
            return [obj.duty]
        case "fw_village":
            return [obj.name]
        case "fw_info":
            return [obj.industries]
        case "fw_assignment":
            return [obj.note]
        case "fw_letter":
            return [obj.goals]
        case "fw_training":
            return [obj.note]
        case "fw_log":
            return [obj.content]
        case "fw_photo":
            return [obj.file]
        case "fw_demand":
            return [obj.title, obj.description]
    return []


WALK = Walk(
    anchors=ANCHORS,
    district_records=KINDS,
    anchored_records=KINDS,
    scene=_scene,
    leaks=_leaks,
)
