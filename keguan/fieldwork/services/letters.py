"""The only code that writes 责任状 (letters and their year-end assessment), the district's 考核计分规则 and
特派员培训 with their attendance. Each service runs in one transaction and leaves its change in the history
(who, when, why, old → new)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.versioning import claim
from keguan.regions.models import Region, RegionLevel
from keguan.rules import commissioner_points as points

from ..models import Commissioner, Letter, PointsRule, Rating, Training, TrainingAttendance
from ..selectors.letters import WEIGHT_FIELDS, letter_assessment, weights_of

FIRST_YEAR = 2000
MAX_GOALS = 30


def _year_ok(year) -> int:
    this_year = timezone.localdate().year
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise ServiceError("请选择年度", field="year") from exc
    if not FIRST_YEAR <= year <= this_year + 1:
        raise ServiceError(f"年度应在{FIRST_YEAR}至{this_year + 1}年之间", field="year")
    return year


def _goals_text(goals: str) -> str:
    lines = [line.strip() for line in (goals or "").splitlines() if line.strip()]
    if not lines:
        raise ServiceError("请填写目标任务，每行一项", field="goals")
    if len(lines) > MAX_GOALS:
        raise ServiceError(f"目标任务最多{MAX_GOALS}项", field="goals")
    text = "\n".join(lines)
    if len(text) > 3000:
        raise ServiceError("目标任务最多3000字", field="goals")
    return text


def _signed_ok(signed_on: dt.date | None, year: int) -> None:
    if signed_on is None:
        return
    if signed_on > timezone.localdate():
        raise ServiceError("签订日期不能晚于今天", field="signed_on")
    if not dt.date(year - 1, 1, 1) <= signed_on <= dt.date(year, 12, 31):
        raise ServiceError(f"签订日期应在{year - 1}年1月1日至{year}年12月31日之间（{year}年度责任状）", field="signed_on")


@transaction.atomic
def letter_create(*, actor, commissioner: Commissioner, year, goals: str, signed_on: dt.date | None = None) -> Letter:
    """A commissioner's 责任状 for ``year`` (one a year), signed or still to be signed."""
    year = _year_ok(year)
    goals = _goals_text(goals)
    _signed_ok(signed_on, year)
    if commissioner.start_on > dt.date(year, 12, 31) or (commissioner.end_on and commissioner.end_on < dt.date(year, 1, 1)):
        raise ServiceError(f"{commissioner.name}{year}年不在服务期内（服务期 {commissioner.start_on:%Y-%m-%d} 至 "
                           f"{commissioner.end_on and commissioner.end_on.strftime('%Y-%m-%d') or '今'}）", field="commissioner")
    if Letter.objects.filter(commissioner=commissioner, year=year).exists():
        raise ServiceError(f"{commissioner.name}已有{year}年度责任状，每人每年签订一份", field="year")
    letter = Letter(district_id=commissioner.district_id, commissioner=commissioner, year=year, goals=goals,
                    signed_on=signed_on)
    stamp(letter, actor, "登记责任状")
    try:
        with transaction.atomic():
            letter.save()
    except IntegrityError as exc:  # made by someone else meanwhile
        raise ServiceError(f"{commissioner.name}已有{year}年度责任状，每人每年签订一份", field="year") from exc
    return letter


@transaction.atomic
def letter_update(*, actor, letter: Letter, goals: str, signed_on: dt.date | None, version: int | None = None) -> Letter:
    claim(letter, version, fields=["goals", "signed_on"])
    goals = _goals_text(goals)
    _signed_ok(signed_on, letter.year)
    if letter.assessed_on is not None and len([g for g in goals.splitlines() if g.strip()]) < (letter.goals_met or 0):
        raise ServiceError(f"本责任状已考核，完成目标 {letter.goals_met} 项，目标任务不能少于此数", field="goals")
    if letter.assessed_on is not None and signed_on is None:
        raise ServiceError("本责任状已考核，签订日期不能清空", field="signed_on")
    letter.goals, letter.signed_on = goals, signed_on
    stamp(letter, actor, "修改责任状")
    letter.save()
    return letter


@transaction.atomic
def letter_assess(*, actor, letter: Letter, goals_met, rating: str, note: str = "",
                  assessed_on: dt.date | None = None, version: int | None = None) -> Letter:
    """The year-end assessment: goals met, the final rating, notes; the points are computed here by the
    district's rule from the year's records and stored with it."""
    claim(letter, version, fields=["goals_met", "rating", "points", "assessment_note", "assessed_on"])
    if letter.signed_on is None:
        raise ServiceError("责任状尚未签订，不能考核：请先登记签订日期")
    goals = len(letter.goal_lines)
    try:
        goals_met = int(goals_met)
    except (TypeError, ValueError) as exc:
        raise ServiceError("请填写完成目标数", field="goals_met") from exc
    if not 0 <= goals_met <= goals:
        raise ServiceError(f"完成目标数应在0到{goals}之间（责任状共{goals}项目标）", field="goals_met")
    if rating not in Rating.values:
        raise ServiceError("请选择考核等次", field="rating")
    assessed_on = assessed_on or timezone.localdate()
    if assessed_on > timezone.localdate():
        raise ServiceError("考核日期不能晚于今天", field="assessed_on")
    if assessed_on < dt.date(letter.year, 1, 1):
        raise ServiceError(f"考核日期不能早于{letter.year}年1月1日", field="assessed_on")
    note = (note or "").strip()
    if len(note) > 500:
        raise ServiceError("考核意见最多500字", field="assessment_note")
    _record, result = letter_assessment(letter, goals_met=goals_met)
    reason = "修改考核结果" if letter.assessed_on else "年度考核"
    letter.goals_met, letter.rating, letter.points = goals_met, rating, result.total
    letter.assessment_note, letter.assessed_on, letter.assessed_by = note, assessed_on, actor
    stamp(letter, actor, reason)
    letter.save()
    return letter


# --- the rule --------------------------------------------------------------------------------------------


def parse_weights(values: dict) -> points.Weights:
    """The rule's numbers from a form; ServiceError naming the field when one is not a number."""
    out = {}
    for name in WEIGHT_FIELDS:
        label = str(PointsRule._meta.get_field(name).verbose_name)
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise ServiceError(f"请填写{label}", field=name)
        try:
            value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
        except (InvalidOperation, ValueError) as exc:
            raise ServiceError(f"{label}“{raw}”不是有效的数字", field=name) from exc
        if not value.is_finite() or abs(value) >= 1000 or value != value.quantize(Decimal("0.01")):
            raise ServiceError(f"{label}应为小于1000、最多两位小数的数", field=name)
        out[name] = value
    return points.Weights(**out)


@transaction.atomic
def points_rule_save(*, actor, district: Region, weights: points.Weights, version: int | None = None) -> PointsRule:
    """The district's 考核计分规则: created on the first save, changed afterwards. Letters already assessed
    keep their stored points."""
    if district.level != RegionLevel.COUNTY:
        raise ServiceError("考核计分规则按区县设定")
    problems = weights.problems()
    if problems:
        raise ServiceError("；".join(problems))
    rule = PointsRule.objects.filter(district=district).first()
    if rule is None:
        rule = PointsRule(district=district)
        reason = "设定考核计分规则"
    else:
        claim(rule, version)
        if weights_of(rule) == weights:
            return rule
        reason = "修改考核计分规则"
    for name in WEIGHT_FIELDS:
        setattr(rule, name, getattr(weights, name))
    stamp(rule, actor, reason)
    rule.save()
    return rule


# --- trainings -------------------------------------------------------------------------------------------


def _training_fields(title: str, held_on: dt.date | None, place: str, organiser: str, hours, note: str) -> dict:
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写培训名称", field="title")
    if held_on is None:
        raise ServiceError("请填写培训日期", field="held_on")
    if held_on > timezone.localdate() + dt.timedelta(days=366):
        raise ServiceError("培训日期不能晚于一年以后", field="held_on")
    if hours is None or hours < Decimal("0.5") or hours > 200:
        raise ServiceError("学时应在0.5至200之间", field="hours")
    return {"title": title[:150], "held_on": held_on, "place": (place or "").strip()[:100],
            "organiser": (organiser or "").strip()[:100], "hours": Decimal(hours).quantize(Decimal("0.1")),
            "note": (note or "").strip()[:500]}


def _attendance_rows(training: Training, attendees: list[tuple[Commissioner, Decimal | None]]) -> dict[int, Decimal]:
    rows: dict[int, Decimal] = {}
    for commissioner, hours in attendees:
        if commissioner.district_id != training.district_id:
            raise ServiceError(f"{commissioner.name}不是本区县的科技特派员", field="attendees")
        hours = training.hours if hours is None else Decimal(hours)
        if hours < 0 or hours > training.hours:
            raise ServiceError(f"{commissioner.name}的参训学时应在0至{training.hours:g}之间", field="attendees")
        rows[commissioner.pk] = hours.quantize(Decimal("0.1"))
    return rows


def _set_attendance(training: Training, actor, rows: dict[int, Decimal]) -> None:
    current = {a.commissioner_id: a for a in training.attendances.all()}
    for pk, a in current.items():
        if pk not in rows:
            stamp(a, actor, "取消参训")
            a.delete()
    for pk, hours in rows.items():
        a = current.get(pk)
        if a is None:
            a = TrainingAttendance(training=training, commissioner_id=pk, hours=hours)
            stamp(a, actor, "登记参训")
            a.save()
        elif a.hours != hours:
            a.hours = hours
            stamp(a, actor, "修改参训学时")
            a.save()


@transaction.atomic
def training_create(*, actor, district: Region, title: str, held_on: dt.date | None, hours, place: str = "",
                    organiser: str = "", note: str = "",
                    attendees: list[tuple[Commissioner, Decimal | None]] = ()) -> Training:
    """A training for the district's commissioners, with who attended (``hours`` None: the training's)."""
    if district.level != RegionLevel.COUNTY:
        raise ServiceError("特派员培训按区县登记")
    training = Training(district=district, **_training_fields(title, held_on, place, organiser, hours, note))
    stamp(training, actor, "登记培训")
    training.save()
    _set_attendance(training, actor, _attendance_rows(training, list(attendees)))
    return training


@transaction.atomic
def training_update(*, actor, training: Training, title: str, held_on: dt.date | None, hours, place: str = "",
                    organiser: str = "", note: str = "", attendees: list[tuple[Commissioner, Decimal | None]] = (),
                    version: int | None = None) -> Training:
    claim(training, version, fields=["title", "held_on", "place", "organiser", "hours", "note"])
    for key, value in _training_fields(title, held_on, place, organiser, hours, note).items():
        setattr(training, key, value)
    stamp(training, actor, "修改培训")
    training.save()
    _set_attendance(training, actor, _attendance_rows(training, list(attendees)))
    return training
