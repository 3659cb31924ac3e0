"""Reads of 责任状 (letters and their assessment), the district's 考核计分规则 and 特派员培训; every one starts
from the user's scope (``keguan.core.scope``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from keguan.core.history import entries_for
from keguan.core.scope import get_for_user, scoped
from keguan.regions.models import Region
from keguan.rules import commissioner_points as points

from ..models import (
    Commissioner,
    Demand,
    DemandStatus,
    Letter,
    PointsRule,
    ServiceLog,
    Training,
    TrainingAttendance,
)

# Weights' fields, in the order the rule page shows them (the model's fields have the same names)
WEIGHT_FIELDS = ("per_log", "log_cap", "per_dispatch", "dispatch_cap", "per_training_hour", "training_cap",
                 "goals_weight", "excellent_from", "pass_from", "basic_from")

# 责任状 status, from its dates: 未签订 → 已签订 → 已考核
UNSIGNED, SIGNED, ASSESSED = "unsigned", "signed", "assessed"
STATUS_LABELS = {UNSIGNED: "未签订", SIGNED: "已签订", ASSESSED: "已考核"}
STATUS_CHOICES = [("", "全部状态"), *STATUS_LABELS.items()]


def letter_status(letter: Letter) -> str:
    if letter.assessed_on is not None:
        return ASSESSED
    return SIGNED if letter.signed_on is not None else UNSIGNED


def _status_q(status: str) -> Q | None:
    return {UNSIGNED: Q(signed_on__isnull=True, assessed_on__isnull=True),
            SIGNED: Q(signed_on__isnull=False, assessed_on__isnull=True),
            ASSESSED: Q(assessed_on__isnull=False)}.get(status)


# --- letters ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterFilters:
    year: int | None = None
    status: str = ""
    district: int | None = None
    rating: str = ""
    q: str = ""
    signed_since: dt.date | None = None  # the indicator's rows: letters signed within a period
    signed_until: dt.date | None = None
    invalid: bool = False


def letter_list(*, user, filters: LetterFilters | None = None) -> QuerySet[Letter]:
    f = filters or LetterFilters()
    qs = scoped(Letter, user).select_related("commissioner", "district")
    if f.invalid:
        return qs.none()
    if f.year:
        qs = qs.filter(year=f.year)
    if f.status and (cond := _status_q(f.status)) is not None:
        qs = qs.filter(cond)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.rating:
        qs = qs.filter(rating=f.rating)
    if f.q:
        qs = qs.filter(Q(commissioner__name__icontains=f.q) | Q(commissioner__employer__icontains=f.q))
    if f.signed_since:
        qs = qs.filter(signed_on__gte=f.signed_since)
    if f.signed_until:
        qs = qs.filter(signed_on__lte=f.signed_until)
    return qs.order_by("-year", "district__code", "commissioner__name", "id")


def letter_years(*, user) -> list[int]:
    return sorted(set(scoped(Letter, user).values_list("year", flat=True)), reverse=True)


def letter_counts(qs: QuerySet[Letter]) -> dict[str, int]:
    """未签订 / 已签订 / 已考核 among ``qs`` (one query)."""
    agg = qs.order_by().aggregate(
        total=Count("id"), unsigned=Count("id", filter=_status_q(UNSIGNED)),
        signed=Count("id", filter=_status_q(SIGNED)), assessed=Count("id", filter=_status_q(ASSESSED)))
    return agg


def unsigned_count(*, user, year: int) -> int:
    """The letters of ``year`` in ``user``'s scope still 未签订 (the 待办; one count query)."""
    return scoped(Letter, user).filter(year=year).filter(_status_q(UNSIGNED)).count()


def letter_get(*, user, pk: Any, write: bool = False) -> Letter:
    qs = Letter.objects.select_related("commissioner", "district", "assessed_by")
    return get_for_user(qs, user, pk, write=write)


def letter_history(letter: Letter):
    return entries_for(Letter.history.filter(id=letter.pk), subject="责任状", model=Letter,
                       skip=frozenset({"version"}))


def commissioners_for_letters(district: Region, year: int | None = None) -> QuerySet[Commissioner]:
    """The district's commissioners who may get a letter for ``year``: in service some time that year."""
    qs = Commissioner.objects.filter(district=district)
    if year:
        qs = qs.filter(start_on__lte=dt.date(year, 12, 31)).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=dt.date(year, 1, 1)))
    return qs.order_by("name", "id")


# --- the assessment --------------------------------------------------------------------------------------


def weights_of(rule: PointsRule | None) -> points.Weights:
    if rule is None:
        return points.Weights()
    return points.Weights(**{name: getattr(rule, name) for name in WEIGHT_FIELDS})


def rule_of(district_id: int) -> PointsRule | None:
    return PointsRule.objects.filter(district_id=district_id).first()


def year_record(commissioner: Commissioner, year: int, *, goals: int = 0, goals_met: int = 0) -> points.Record:
    """What ``commissioner`` did in ``year``: service logs, needs dispatched to it completed in the year
    (已完成, by the completion date) and training hours attended (by the training's date)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    logs = ServiceLog.objects.filter(commissioner=commissioner, served_on__gte=start, served_on__lte=end).count()
    done = Demand.objects.filter(commissioner=commissioner, status=DemandStatus.DONE, done_on__gte=start,
                                 done_on__lte=end).count()
    hours = TrainingAttendance.objects.filter(commissioner=commissioner, training__held_on__gte=start,
                                              training__held_on__lte=end).aggregate(h=Sum("hours"))["h"]
    return points.Record(logs=logs, dispatches_done=done, training_hours=hours or Decimal(0), goals=goals,
                         goals_met=goals_met)


def letter_assessment(letter: Letter, *, goals_met: int | None = None,
                      weights: points.Weights | None = None) -> tuple[points.Record, points.Points]:
    """The letter's points by the district's rule, from the year's records; ``goals_met`` (else the letter's
    own, else 0) for the goals line."""
    goals = len(letter.goal_lines)
    met = goals_met if goals_met is not None else (letter.goals_met or 0)
    met = max(0, min(met, goals))
    record = year_record(letter.commissioner, letter.year, goals=goals, goals_met=met)
    return record, points.assess(record, weights or weights_of(rule_of(letter.district_id)))


# --- the rule --------------------------------------------------------------------------------------------


EXAMPLE = points.Record(logs=24, dispatches_done=3, training_hours=Decimal(8), goals=5, goals_met=4)


def rule_words(weights: points.Weights) -> list[str]:
    """The rule in words, one sentence a part."""
    n = points._n
    return [
        f"服务日志：每条记 {n(weights.per_log)} 分，最高 {n(weights.log_cap)} 分（按服务日期计入考核年度）；",
        f"完成派单：每完成一次服务需求记 {n(weights.per_dispatch)} 分，最高 {n(weights.dispatch_cap)} 分（按完成日期）；",
        f"参加培训：每参训 1 学时记 {n(weights.per_training_hour)} 分，最高 {n(weights.training_cap)} 分（按培训日期）；",
        f"责任状目标：满分 {n(weights.goals_weight)} 分，按完成目标数占目标总数的比例计分；",
        f"满分合计 {n(weights.full_marks)} 分。{n(weights.excellent_from)} 分及以上建议评为优秀，"
        f"{n(weights.pass_from)} 分及以上为合格，{n(weights.basic_from)} 分及以上为基本合格，以下为不合格；"
        "最终等次由科技局考核确定。",
    ]


def rule_get(*, user, district: Region) -> PointsRule | None:
    return scoped(PointsRule, user).filter(district=district).first()


def rule_history(rule: PointsRule | None):
    if rule is None:
        return []
    return entries_for(PointsRule.history.filter(id=rule.pk), subject="考核计分规则", model=PointsRule,
                       skip=frozenset({"version"}))


# --- trainings -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingFilters:
    year: int | None = None
    district: int | None = None
    q: str = ""
    invalid: bool = False


def training_list(*, user, filters: TrainingFilters | None = None) -> QuerySet[Training]:
    f = filters or TrainingFilters()
    qs = scoped(Training, user).select_related("district")
    if f.invalid:
        return qs.none()
    if f.year:
        qs = qs.filter(held_on__year=f.year)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.q:
        qs = qs.filter(Q(title__icontains=f.q) | Q(organiser__icontains=f.q) | Q(place__icontains=f.q))
    return qs.annotate(n_attended=Count("attendances"), total_hours=Sum("attendances__hours")).order_by(
        "-held_on", "-id")


def training_years(*, user) -> list[int]:
    return sorted({d.year for d in scoped(Training, user).values_list("held_on", flat=True)}, reverse=True)


def training_get(*, user, pk: Any, write: bool = False) -> Training:
    return get_for_user(Training.objects.select_related("district"), user, pk, write=write)


def training_attendances(training: Training) -> QuerySet[TrainingAttendance]:
    return training.attendances.select_related("commissioner").order_by("commissioner__name", "id")


def training_history(training: Training):
    return entries_for(Training.history.filter(id=training.pk), subject="培训", model=Training,
                       skip=frozenset({"version"}))


def commissioner_trainings(commissioner: Commissioner, year: int) -> QuerySet[TrainingAttendance]:
    return (TrainingAttendance.objects.filter(commissioner=commissioner, training__held_on__year=year)
            .select_related("training").order_by("training__held_on", "id"))
