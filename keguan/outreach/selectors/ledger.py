"""Reads of visits, questionnaires and the needs ledger; every one starts from the user's scope
(``keguan.core.scope``). Enterprise users reach only their own firm's rows: its needs, its responses, and the
open questionnaires of its district (which the scope does not give them: a round belongs to the bureau)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from keguan.core.scope import get_for_user, scoped
from keguan.enterprises.models import Enterprise
from keguan.rules.identifiers import normalize_credit_code

from ..models import (
    Answer,
    FollowUp,
    Need,
    NeedStatus,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    Visit,
)
from ..rules import answers as answer_rules
from ..rules import need_flow as flow

# characters without letter case (CJK …): plain ``contains`` matches the same rows as ``icontains``
_CASELESS = re.compile(
    r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff20\uff3b-\uff40\uff5b-\uff65"
    r"\U00020000-\U0003134f\x20-\x40\x5b-\x60\x7b-\x7e]+"
)


def _keyword(q: str, *, fields: tuple[str, ...], firm: str = "enterprise") -> Q:
    cond = Q()
    for name in fields:
        cond |= Q(**{f"{name}__icontains": q})
    cond |= Q(**{f"{firm}__name__icontains": q})
    code = normalize_credit_code(q)
    if code.isalnum() and len(code) >= 6:
        cond |= Q(**{f"{firm}__credit_code__startswith": code})
    return cond


# --- visits ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitFilters:
    since: dt.date | None = None
    until: dt.date | None = None
    way: str = ""
    district: int | None = None
    township: int | None = None
    enterprise: int | None = None
    q: str = ""
    invalid: bool = False


def visit_list(*, user, filters: VisitFilters | None = None) -> QuerySet[Visit]:
    f = filters or VisitFilters()
    qs = scoped(Visit, user).select_related("enterprise", "district", "township", "created_by")
    if f.invalid:
        return qs.none()
    if f.since:
        qs = qs.filter(visited_on__gte=f.since)
    if f.until:
        qs = qs.filter(visited_on__lte=f.until)
    if f.way:
        qs = qs.filter(way=f.way)
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.enterprise:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.q:
        qs = qs.filter(_keyword(f.q, fields=("notes", "visitors", "met")))
    return qs.annotate(n_needs=Count("needs")).order_by("-visited_on", "-id")


def visit_get(*, user, pk: Any, write: bool = False) -> Visit:
    return get_for_user(Visit.objects.select_related("enterprise", "district", "township", "created_by"), user, pk,
                        write=write)


def firm_for_staff(*, user, text: str = "", pk: Any = None) -> Enterprise | None:
    """A firm in the user's scope named by its id, credit code or exact name."""
    base = scoped(Enterprise, user)
    if pk not in (None, ""):
        try:
            return base.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            return None
    text = (text or "").strip()
    if not text:
        return None
    code = normalize_credit_code(text)
    if len(code) == 18:
        found = base.filter(credit_code=code).first()
        if found is not None:
            return found
    matches = list(base.filter(name=text)[:2])
    return matches[0] if len(matches) == 1 else None


# --- needs -----------------------------------------------------------------------------------------------------

OWNER_ME, OWNER_NONE = "me", "none"


@dataclass(frozen=True)
class NeedFilters:
    status: str = ""  # a status, or "open" (新提出 and 跟进中)
    category: str = ""
    source: str = ""
    owner: str = ""  # "me", "none" or a user's id
    district: int | None = None
    township: int | None = None
    enterprise: int | None = None
    stale: bool = False  # open and raised more than 30 days before ``today``
    raised_since: dt.date | None = None
    raised_until: dt.date | None = None
    closed_since: dt.date | None = None
    closed_until: dt.date | None = None
    q: str = ""
    invalid: bool = False


def _need_keyword(q: str, user) -> Q:
    """The needs whose description holds ``q``, or whose firm's name or credit code does: the firms are looked
    up first (one query on the firms in scope), so the needs are not joined to the firms row by row."""
    code = normalize_credit_code(q)
    firms = scoped(Enterprise, user)
    by_firm = Q(name__contains=q) if _CASELESS.fullmatch(q) else Q(name__icontains=q)
    if code.isalnum() and len(code) >= 6:
        by_firm |= Q(credit_code__startswith=code)
    ids = list(firms.filter(by_firm).order_by().values_list("pk", flat=True)[:MAX_KEYWORD_FIRMS + 1])
    text = Q(description__contains=q) if _CASELESS.fullmatch(q) else Q(description__icontains=q)
    if len(ids) > MAX_KEYWORD_FIRMS:  # a word most firms' names hold (有限公司): match it in the join instead
        return text | Q(enterprise__in=firms.filter(by_firm).values("pk"))
    return text | Q(enterprise_id__in=ids) if ids else text


MAX_KEYWORD_FIRMS = 2000


def stale_before(today: dt.date) -> dt.date:
    """Needs raised before this day and still open are "open longer than 30 days"."""
    return today - dt.timedelta(days=flow.STALE_DAYS)


def need_list(*, user, filters: NeedFilters | None = None, today: dt.date) -> QuerySet[Need]:
    f = filters or NeedFilters()
    return with_status(need_base(user=user, filters=f, today=today), f.status)


def with_status(qs: QuerySet[Need], status: str) -> QuerySet[Need]:
    """``qs`` narrowed to a status, or to "open" (新提出 and 跟进中)."""
    if status == "open":
        return qs.filter(status__in=flow.OPEN)
    return qs.filter(status=status) if status else qs


def need_base(*, user, filters: NeedFilters, today: dt.date) -> QuerySet[Need]:
    """The needs matching every filter but the status (the status counts are taken from it)."""
    f = filters
    qs = scoped(Need, user)
    if f.invalid:
        return qs.none()
    if f.category:
        qs = qs.filter(category=f.category)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.owner == OWNER_ME:
        qs = qs.filter(owner=user)
    elif f.owner == OWNER_NONE:
        qs = qs.filter(owner__isnull=True)
    elif f.owner:
        qs = qs.filter(owner_id=int(f.owner))
    if f.district:
        qs = qs.filter(district_id=f.district)
    if f.township:
        qs = qs.filter(township_id=f.township)
    if f.enterprise:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.stale:
        qs = qs.filter(status__in=flow.OPEN, raised_on__lt=stale_before(today))
    if f.raised_since:
        qs = qs.filter(raised_on__gte=f.raised_since)
    if f.raised_until:
        qs = qs.filter(raised_on__lte=f.raised_until)
    if f.closed_since:
        qs = qs.filter(closed_on__gte=f.closed_since)
    if f.closed_until:
        qs = qs.filter(closed_on__lte=f.closed_until)
    if f.q:
        qs = qs.filter(_need_keyword(f.q, user))
    return qs.select_related("enterprise", "district", "township", "owner").order_by("-raised_on", "-id")


def need_get(*, user, pk: Any, write: bool = False) -> Need:
    qs = Need.objects.select_related("enterprise", "district", "township", "owner", "visit", "response",
                                     "response__questionnaire", "created_by")
    return get_for_user(qs, user, pk, write=write)


def need_follow_ups(need: Need, *, for_firm: bool = False) -> QuerySet[FollowUp]:
    """A need's follow-ups, oldest first; the firm does not see the ones marked 仅局内可见."""
    qs = need.follow_ups.select_related("by").order_by("on", "id")
    return qs.filter(internal=False) if for_firm else qs


def status_counts(base: QuerySet[Need]) -> list[tuple[str, str, int]]:
    """(status, label, count) of ``base`` (the list without its status filter), in one grouped query."""
    counts = dict(base.select_related(None).order_by().values_list("status").annotate(n=Count("*")))
    return [(value, label, counts.get(value, 0)) for value, label in NeedStatus.choices]


def need_status_counts(*, user, filters: NeedFilters, today: dt.date) -> list[tuple[str, str, int]]:
    return status_counts(need_base(user=user, filters=filters, today=today))


def own_needs(*, user) -> QuerySet[Need]:
    """An enterprise user's own firm's needs."""
    if user.enterprise_id is None:
        return Need.objects.none()
    return scoped(Need, user).filter(enterprise_id=user.enterprise_id).select_related("owner").order_by(
        "-raised_on", "-id")


def own_need_get(*, user, pk: Any) -> Need:
    if user.enterprise_id is None:
        raise Http404("您的账号未关联企业")
    try:
        return own_needs(user=user).get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("需求不存在") from exc


# --- questionnaires --------------------------------------------------------------------------------------------


def questionnaire_list(*, user) -> QuerySet[Questionnaire]:
    return (scoped(Questionnaire, user).select_related("district")
            .annotate(n_questions=Count("questions", distinct=True),
                      n_submitted=Count("responses", filter=Q(responses__submitted_at__isnull=False), distinct=True))
            .order_by("-opens_on", "-id"))


def questionnaire_get(*, user, pk: Any, write: bool = False) -> Questionnaire:
    return get_for_user(Questionnaire.objects.select_related("district", "created_by"), user, pk, write=write)


def question_get(*, user, pk: Any, write: bool = False) -> Question:
    return get_for_user(Question.objects.select_related("questionnaire"), user, pk, write=write)


def responses_of(*, user, questionnaire: Questionnaire) -> QuerySet[Response]:
    return (scoped(Response, user).filter(questionnaire=questionnaire)
            .select_related("enterprise", "township", "submitted_by")
            .annotate(n_needs=Count("needs")).order_by("-submitted_at", "enterprise__name"))


def response_get(*, user, pk: Any) -> Response:
    return get_for_user(Response.objects.select_related("questionnaire", "enterprise", "submitted_by"), user, pk)


def answers_by_question(response: Response) -> dict[int, str]:
    return dict(response.answers.values_list("question_id", "value"))


@dataclass
class QuestionSummary:
    question: Question
    answered: int
    counts: list[tuple[str, int]]  # per option (choice questions)
    samples: list[str]  # some text answers
    total: float | None = None  # number questions: the sum


def questionnaire_summary(*, user, questionnaire: Questionnaire) -> tuple[int, list[QuestionSummary]]:
    """The submitted responses in scope and, per question, how many answered and the counts per option."""
    responses = scoped(Response, user).filter(questionnaire=questionnaire, submitted_at__isnull=False)
    n = responses.count()
    rows = Answer.objects.filter(response__in=responses).exclude(value="").values_list("question_id", "value")
    by_question: dict[int, list[str]] = {}
    for qid, value in rows:
        by_question.setdefault(qid, []).append(value)
    out = []
    for q in questionnaire.questions.order_by("order", "id"):
        values = by_question.get(q.pk, [])
        counts: list[tuple[str, int]] = []
        samples: list[str] = []
        total = None
        if q.kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
            tally = Counter(line for v in values for line in v.splitlines())
            counts = [(option, tally.get(option, 0)) for option in q.option_list]
        elif q.kind == QuestionKind.NUMBER:
            total = sum(float(v) for v in values if _is_number(v))
        else:
            samples = values[:5]
        out.append(QuestionSummary(q, len(values), counts, samples, total))
    return n, out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def open_for_firm(*, user) -> QuerySet[Questionnaire]:
    """The rounds an enterprise user may answer: open rounds of its firm's district."""
    if user.enterprise_id is None:
        return Questionnaire.objects.none()
    district = Enterprise.objects.filter(pk=user.enterprise_id).values_list("district_id", flat=True).first()
    return Questionnaire.objects.filter(district_id=district, status=QuestionnaireStatus.OPEN).order_by("closes_on", "id")


def firm_questionnaires(*, user) -> list[tuple[Questionnaire, Response | None]]:
    """The open rounds of the firm's district and the closed ones it answered, with its response."""
    if user.enterprise_id is None:
        return []
    own = {r.questionnaire_id: r for r in scoped(Response, user).filter(enterprise_id=user.enterprise_id)}
    district = Enterprise.objects.filter(pk=user.enterprise_id).values_list("district_id", flat=True).first()
    rounds = Questionnaire.objects.filter(district_id=district).filter(
        Q(status=QuestionnaireStatus.OPEN) | Q(pk__in=list(own))).order_by("-opens_on", "-id")
    return [(q, own.get(q.pk)) for q in rounds]


def firm_questionnaire_get(*, user, pk: Any) -> tuple[Questionnaire, Response | None]:
    """A round the enterprise user may open: an open one of its district, or one it answered (read-only)."""
    for q, response in firm_questionnaires(user=user):
        if str(q.pk) == str(pk):
            return q, response
    raise Http404("问卷不存在或不在填报期内")


def shown_answer(question: Question, value: str) -> str:
    return answer_rules.shown(question.kind, value)


# --- staff filling in for a firm (代填) --------------------------------------------------------------------------

PROXY_LIMIT = 20  # firms listed for one search


def proxy_firms(*, user, questionnaire: Questionnaire, text: str) -> tuple[list[tuple[Enterprise, Response | None]], bool]:
    """Firms of the round's district in the user's scope whose name contains ``text`` or whose credit code
    starts with it, with the response each already has (None: none yet), and whether more matched than shown."""
    text = (text or "").strip()
    if not text:
        return [], False
    cond = Q(name__icontains=text)
    code = normalize_credit_code(text)
    if code.isalnum() and len(code) >= 6:
        cond |= Q(credit_code__startswith=code)
    firms = list(scoped(Enterprise, user).filter(cond, district_id=questionnaire.district_id)
                 .select_related("township").order_by("name", "id")[:PROXY_LIMIT + 1])
    more = len(firms) > PROXY_LIMIT
    firms = firms[:PROXY_LIMIT]
    answered = {r.enterprise_id: r for r in scoped(Response, user).filter(
        questionnaire=questionnaire, enterprise__in=[f.pk for f in firms]).select_related("submitted_by")}
    return [(f, answered.get(f.pk)) for f in firms], more


def proxy_firm_get(*, user, questionnaire: Questionnaire, pk: Any) -> tuple[Enterprise, Response | None]:
    """The firm staff fill the round in for (in the user's scope and of the round's district; 404 otherwise)
    and its response so far."""
    firm = get_for_user(Enterprise.objects.select_related("township"), user, pk)
    if firm.district_id != questionnaire.district_id:
        raise Http404("该企业不在问卷发布的区县")
    response = (scoped(Response, user).filter(questionnaire=questionnaire, enterprise=firm)
                .select_related("submitted_by").first())
    return firm, response


def last_change(response: Response) -> dict | None:
    """The latest saved change of a response: who and when (for “最后由…修改”)."""
    row = response.history.select_related("history_user").order_by("-history_date", "-history_id").first()
    if row is None:
        return None
    return {"who": row.history_user.display_name if row.history_user else "系统", "when": row.history_date,
            "what": row.history_change_reason or ""}
