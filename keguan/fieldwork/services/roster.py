"""The only code that writes the roster (名册), the expert service teams (专家服务团), the village flags (村级标识)
and the assignments (结对安排). Each service runs in one transaction, checks its rules and stamps the history
(who, why; django-simple-history keeps the old → new values). Edits of ``Versioned`` rows ``claim`` the row
at the version the form was read at."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q

from keguan.accounts.models import User
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.roles import Role
from keguan.core.versioning import claim
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from ..models import Assignment, Commissioner, Form, Kind, Level, Team, TeamKind, TeamMember, VillageInfo

# --- shared checks ------------------------------------------------------------------------------------------


def _text(value, *, limit: int, label: str, field: str, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise ServiceError(f"{label}最多{limit}字", field=field)
    return value


def _period(start_on: dt.date | None, end_on: dt.date | None, *, start_label: str = "开始日期",
            end_label: str = "结束日期") -> None:
    if start_on is None:
        raise ServiceError(f"请填写{start_label}", field="start_on")
    if end_on is not None and end_on < start_on:
        raise ServiceError(f"{end_label}不能早于{start_label}", field="end_on")


def _district(district: Region) -> Region:
    if district is None or district.level != RegionLevel.COUNTY:
        raise ServiceError("只能在区县登记", field="district")
    return district


def _choice(value: str, choices, *, label: str, field: str) -> str:
    if value not in choices.values:
        raise ServiceError(f"请选择{label}", field=field)
    return value


def eligible_accounts(district: Region, *, commissioner: Commissioner | None = None):
    """Accounts a commissioner may be linked to: active users of role 科技特派员/专家 in the district that no other
    commissioner holds."""
    taken = Commissioner.objects.filter(user__isnull=False)
    if commissioner is not None and commissioner.pk:
        taken = taken.exclude(pk=commissioner.pk)
    return (User.objects.filter(role=Role.COMMISSIONER, region=district, is_active=True)
            .exclude(pk__in=taken.values("user_id")).order_by("full_name", "username"))


def _account(user: User | None, district: Region, commissioner: Commissioner | None = None) -> User | None:
    if user is None:
        return None
    if not eligible_accounts(district, commissioner=commissioner).filter(pk=user.pk).exists():
        raise ServiceError(f"登录账号须为{district.name}的科技特派员/专家账号，且未关联其他特派员", field="user")
    return user


# --- commissioners ------------------------------------------------------------------------------------------

COMMISSIONER_FIELDS = ("form", "name", "level", "batch", "kind", "field", "specialty", "employer", "title", "phone",
                       "start_on", "end_on", "user", "note")


def _commissioner_fields(district: Region, data: dict, commissioner: Commissioner | None = None) -> dict:
    out = {
        "form": _choice(data.get("form") or Form.PERSON, Form, label="类型", field="form"),
        "name": _text(data.get("name"), limit=100, label="姓名/名称", field="name", required=True),
        "level": _choice(data.get("level"), Level, label="选派层级", field="level"),
        "batch": data.get("batch"),
        "kind": _choice(data.get("kind"), Kind, label="类别", field="kind"),
        "field": _text(data.get("field"), limit=32, label="服务领域", field="field"),
        "specialty": _text(data.get("specialty"), limit=200, label="专业特长", field="specialty"),
        "employer": _text(data.get("employer"), limit=100, label="派出单位", field="employer"),
        "title": _text(data.get("title"), limit=50, label="职称/职务", field="title"),
        "phone": _text(data.get("phone"), limit=20, label="联系电话", field="phone"),
        "start_on": data.get("start_on"),
        "end_on": data.get("end_on"),
        "user": _account(data.get("user"), district, commissioner),
        "note": _text(data.get("note"), limit=500, label="备注", field="note"),
    }
    if out["batch"] is not None and not 1 <= int(out["batch"]) <= 999:
        raise ServiceError("批次应为1至999的整数", field="batch")
    _period(out["start_on"], out["end_on"], start_label="服务开始日期", end_label="服务结束日期")
    return out


@transaction.atomic
def commissioner_create(*, actor, district: Region, **data) -> Commissioner:
    """Enter a commissioner in a district's roster. ``data``: the fields of ``COMMISSIONER_FIELDS``."""
    _district(district)
    commissioner = Commissioner(district=district, **_commissioner_fields(district, data))
    stamp(commissioner, actor, "登记科技特派员")
    commissioner.save()
    return commissioner


@transaction.atomic
def commissioner_update(*, actor, commissioner: Commissioner, version: int | None = None, reason: str = "修改特派员信息",
                        **data) -> Commissioner:
    claim(commissioner, version)
    fields = _commissioner_fields(commissioner.district, {**{k: getattr(commissioner, k) for k in COMMISSIONER_FIELDS},
                                                          **data}, commissioner)
    for key, value in fields.items():
        setattr(commissioner, key, value)
    stamp(commissioner, actor, reason)
    commissioner.save()
    return commissioner


@transaction.atomic
def commissioner_end(*, actor, commissioner: Commissioner, end_on: dt.date, note: str = "") -> Commissioner:
    """End a commissioner's service on ``end_on``: its open assignments end the same day (one that starts
    later must be changed first)."""
    if end_on is None:
        raise ServiceError("请填写服务结束日期", field="end_on")
    claim(commissioner, None)
    if end_on < commissioner.start_on:
        raise ServiceError(f"服务结束日期不能早于服务开始日期（{commissioner.start_on:%Y-%m-%d}）", field="end_on")
    later = commissioner.assignments.filter(start_on__gt=end_on).first()
    if later is not None:
        raise ServiceError(f"结对“{later}”开始于{later.start_on:%Y-%m-%d}，晚于服务结束日期，请先修改该结对",
                           field="end_on")
    for a in commissioner.assignments.filter(Q(end_on__isnull=True) | Q(end_on__gt=end_on)):
        claim(a, None)
        a.end_on = end_on
        stamp(a, actor, "特派员服务期结束，结对随之结束")
        a.save()
    commissioner.end_on = end_on
    if note:
        commissioner.note = _text(f"{commissioner.note}；{note}" if commissioner.note else note, limit=500,
                                  label="备注", field="note")
    stamp(commissioner, actor, "结束服务期")
    commissioner.save()
    return commissioner


# --- teams --------------------------------------------------------------------------------------------------


def _team_fields(data: dict) -> dict:
    out = {
        "kind": _choice(data.get("kind") or TeamKind.SERVICE, TeamKind, label="类型", field="kind"),
        "name": _text(data.get("name"), limit=100, label="名称", field="name", required=True),
        "industries": _text(data.get("industries"), limit=200, label="服务产业", field="industries"),
        "start_on": data.get("start_on"),
        "end_on": data.get("end_on"),
        "note": _text(data.get("note"), limit=500, label="备注", field="note"),
    }
    _period(out["start_on"], out["end_on"], start_label="组建日期")
    return out


@transaction.atomic
def team_create(*, actor, district: Region, **data) -> Team:
    _district(district)
    fields = _team_fields(data)
    if Team.objects.filter(district=district, name=fields["name"]).exists():
        raise ServiceError(f"{district.name}已有名为“{fields['name']}”的服务团", field="name")
    team = Team(district=district, **fields)
    stamp(team, actor, "组建专家服务团")
    team.save()
    return team


@transaction.atomic
def team_update(*, actor, team: Team, version: int | None = None, **data) -> Team:
    claim(team, version)
    fields = _team_fields({**{k: getattr(team, k) for k in ("kind", "name", "industries", "start_on", "end_on", "note")},
                           **data})
    if Team.objects.filter(district=team.district, name=fields["name"]).exclude(pk=team.pk).exists():
        raise ServiceError(f"{team.district.name}已有名为“{fields['name']}”的服务团", field="name")
    for key, value in fields.items():
        setattr(team, key, value)
    stamp(team, actor, "修改服务团信息")
    team.save()
    return team


def _demote_chief(team: Team, actor, *, keep: TeamMember | None = None) -> None:
    for m in team.members.filter(is_chief=True).exclude(pk=keep.pk if keep else None):
        m.is_chief = False
        stamp(m, actor, "首席专家改由他人担任")
        m.save()


@transaction.atomic
def team_member_add(*, actor, team: Team, commissioner: Commissioner, is_chief: bool = False,
                    duty: str = "") -> TeamMember:
    """Add a commissioner to a team; as chief expert (首席专家) it replaces the team's chief."""
    claim(team, None)
    if commissioner.district_id != team.district_id:
        raise ServiceError(f"成员须为{team.district.name}名册中的科技特派员", field="commissioner")
    if team.members.filter(commissioner=commissioner).exists():
        raise ServiceError(f"“{commissioner.name}”已是本服务团成员", field="commissioner")
    duty = _text(duty, limit=100, label="分工", field="duty")
    if is_chief:
        _demote_chief(team, actor)
    member = TeamMember(team=team, commissioner=commissioner, is_chief=is_chief, duty=duty)
    stamp(member, actor, "加入服务团")
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as exc:
        raise ServiceError(f"“{commissioner.name}”已是本服务团成员", field="commissioner") from exc
    stamp(team, actor, f"成员加入：{commissioner.name}")
    team.save()
    return member


@transaction.atomic
def team_member_set_chief(*, actor, member: TeamMember) -> TeamMember:
    team = member.team
    claim(team, None)
    _demote_chief(team, actor, keep=member)
    if not member.is_chief:
        member.is_chief = True
        stamp(member, actor, "设为首席专家")
        member.save()
    stamp(team, actor, f"首席专家：{member.commissioner.name}")
    team.save()
    return member


@transaction.atomic
def team_member_remove(*, actor, member: TeamMember) -> None:
    team = member.team
    claim(team, None)
    name = member.commissioner.name
    stamp(member, actor, "移出服务团")
    member.delete()
    stamp(team, actor, f"成员移出：{name}")
    team.save()


# --- village flags ------------------------------------------------------------------------------------------


def village_places(village: Region) -> tuple[Region, Region]:
    """A village's township and district."""
    if village is None or village.level != RegionLevel.VILLAGE or village.parent is None:
        raise ServiceError("请选择村/社区", field="village")
    township = village.parent
    if township.parent is None or township.parent.level != RegionLevel.COUNTY:
        raise ServiceError("该村/社区不在任何区县之下", field="village")
    return township, township.parent


@transaction.atomic
def village_flags_set(*, actor, village: Region, key_industry: bool, weak_economy: bool, revitalisation: bool,
                      industries: str | None = None, reason: str = "修改村级标识") -> VillageInfo:
    """Set a village's flags (重点产业发展村, 村级经济薄弱村, 乡村振兴驻点村) and its leading industries (None: keep)."""
    township, district = village_places(village)
    info = VillageInfo.objects.select_for_update().filter(village=village).first()
    if info is None:
        info = VillageInfo(village=village, district=district, township=township)
    values = {"key_industry": bool(key_industry), "weak_economy": bool(weak_economy),
              "revitalisation": bool(revitalisation), "district": district, "township": township}
    if industries is not None:
        values["industries"] = _text(industries, limit=100, label="主导产业", field="industries")
    changed = info.pk is None or any(getattr(info, k) != v for k, v in values.items())
    if changed:
        for key, value in values.items():
            setattr(info, key, value)
        stamp(info, actor, reason)
        info.save()
    return info


# --- assignments --------------------------------------------------------------------------------------------


def _overlapping(qs, start_on: dt.date, end_on: dt.date | None):
    """Assignments of ``qs`` whose period meets [start_on, end_on] (end_on None: open-ended)."""
    qs = qs.filter(Q(end_on__isnull=True) | Q(end_on__gte=start_on))
    return qs if end_on is None else qs.filter(start_on__lte=end_on)


def _check_assignment(*, district: Region, commissioner: Commissioner | None, team: Team | None,
                      village: Region | None, enterprise: Enterprise | None, start_on, end_on,
                      exclude: int | None = None) -> Region | None:
    """The checks of a new or changed assignment; returns the township it belongs to."""
    if (commissioner is None) == (team is None):
        raise ServiceError("请选择科技特派员或专家服务团（二选一）", field="commissioner")
    if (village is None) == (enterprise is None):
        raise ServiceError("请选择服务的村/社区或企业（二选一）", field="village")
    who = commissioner or team
    if who.district_id != district.pk:
        raise ServiceError(f"须为{district.name}名册中的特派员或服务团", field="commissioner" if commissioner else "team")
    _period(start_on, end_on)
    if village is not None:
        if village.level != RegionLevel.VILLAGE or not village.path.startswith(district.path):
            raise ServiceError(f"村/社区须在{district.name}辖区内", field="village")
        township = village.parent
    else:
        if enterprise.district_id != district.pk:
            raise ServiceError(f"企业须为{district.name}企业库中的企业", field="enterprise")
        township = enterprise.township
    if commissioner is not None and commissioner.end_on is not None and (end_on is None or end_on > commissioner.end_on):
        raise ServiceError(f"“{commissioner.name}”的服务期至{commissioner.end_on:%Y-%m-%d}结束，结对不能晚于该日",
                           field="end_on")
    qs = Assignment.objects.filter(commissioner=commissioner) if commissioner else Assignment.objects.filter(team=team)
    qs = qs.filter(village=village) if village is not None else qs.filter(enterprise=enterprise)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    clash = _overlapping(qs, start_on, end_on).first()
    if clash is not None:
        until = f"{clash.end_on:%Y-%m-%d}" if clash.end_on else "今"
        raise ServiceError(f"“{who}”与“{village or enterprise}”已有{clash.start_on:%Y-%m-%d}至{until}的结对，"
                           "时间不能重叠", field="start_on")
    return township


@transaction.atomic
def assignment_create(*, actor, district: Region, commissioner: Commissioner | None = None, team: Team | None = None,
                      village: Region | None = None, enterprise: Enterprise | None = None, start_on: dt.date,
                      end_on: dt.date | None = None, note: str = "") -> Assignment:
    """Send a commissioner or a team to a village or an enterprise of the district."""
    _district(district)
    township = _check_assignment(district=district, commissioner=commissioner, team=team, village=village,
                                 enterprise=enterprise, start_on=start_on, end_on=end_on)
    a = Assignment(district=district, township=township, commissioner=commissioner, team=team, village=village,
                   enterprise=enterprise, start_on=start_on, end_on=end_on,
                   note=_text(note, limit=300, label="备注", field="note"), created_by=actor)
    stamp(a, actor, "登记结对安排")
    a.save()
    return a


@transaction.atomic
def assignment_update(*, actor, assignment: Assignment, version: int | None = None, start_on: dt.date,
                      end_on: dt.date | None, note: str = "", reason: str = "修改结对安排") -> Assignment:
    """Change an assignment's dates and note (who and where stay: end it and make a new one instead)."""
    claim(assignment, version)
    _check_assignment(district=assignment.district, commissioner=assignment.commissioner, team=assignment.team,
                      village=assignment.village, enterprise=assignment.enterprise, start_on=start_on, end_on=end_on,
                      exclude=assignment.pk)
    assignment.start_on, assignment.end_on = start_on, end_on
    assignment.note = _text(note, limit=300, label="备注", field="note")
    stamp(assignment, actor, reason)
    assignment.save()
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, end_on: dt.date) -> Assignment:
    if end_on is None:
        raise ServiceError("请填写结束日期", field="end_on")
    return assignment_update(actor=actor, assignment=assignment, start_on=assignment.start_on, end_on=end_on,
                             note=assignment.note, reason="结束结对")
