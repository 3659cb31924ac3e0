"""The only code that writes visits, questionnaires (rounds, questions, responses) and the needs ledger. Each
service runs in one transaction, stamps who and why for the history (django-simple-history), and checks the
rules in words (``keguan.outreach.rules``): the needs' status flow, the answers' options and required
questions.

An answer to a question that carries a need category becomes a need in the ledger (source 问卷) when the
response is submitted or imported — once per response and question: a re-import or a second submit updates the
description of a need still 新提出 and never adds a second one."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from keguan.accounts.selectors import users_holding
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.history import stamp
from keguan.core.versioning import StaleEdit, claim
from keguan.enterprises.models import Enterprise
from keguan.regions.models import Region, RegionLevel

from ..models import (
    Answer,
    FollowUp,
    Need,
    NeedSource,
    NeedStatus,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    ResponseSource,
    Visit,
    VisitWay,
)
from ..rules import answers as answer_rules
from ..rules import need_flow as flow

MAX_QUESTIONS = 30  # the import template has one column per question: 第1题 … 第30题


def _text(value, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ServiceError(f"请填写{label}", field=field)
    if len(value) > max_length:
        raise ServiceError(f"{label}最多{max_length}字，实际{len(value)}字", field=field)
    return value


def _past_date(value: dt.date | None, *, field: str, label: str) -> dt.date:
    if value is None:
        raise ServiceError(f"请填写{label}", field=field)
    if value > timezone.localdate():
        raise ServiceError(f"{label}不能晚于今天", field=field)
    return value


def _category(code: str, *, field: str = "category", required: bool = True) -> str:
    code = (code or "").strip()
    if not code:
        if required:
            raise ServiceError("请选择需求类别", field=field)
        return ""
    if code not in {i.code for i in dictionary.items("need_category")}:
        raise ServiceError("需求类别不在数据字典“企业需求类别”中", field=field)
    return code


def _district_firm(actor, enterprise: Enterprise) -> None:
    """A district editor files records of its own district's firms only."""
    region = getattr(actor, "region", None)
    if actor is None or getattr(actor, "is_superuser", False):
        return
    if region is None or region.level != RegionLevel.COUNTY or enterprise.district_id != region.pk:
        raise ServiceError("只能登记本区县企业的记录", field="enterprise")


def _saved(obj, actor, reason: str, **save_kwargs) -> None:
    stamp(obj, actor, reason)
    obj.save(**save_kwargs)


# --- visits ----------------------------------------------------------------------------------------------------


def _visit_fields(*, visited_on, way, visitors, met, notes) -> dict:
    if way not in VisitWay.values:
        raise ServiceError("请选择走访方式", field="way")
    return {
        "visited_on": _past_date(visited_on, field="visited_on", label="走访日期"),
        "way": way,
        "visitors": _text(visitors, field="visitors", label="走访人员", max_length=200),
        "met": _text(met, field="met", label="接待人", max_length=100, required=False),
        "notes": _text(notes, field="notes", label="走访情况", max_length=3000),
    }


@transaction.atomic
def visit_create(*, actor, enterprise: Enterprise, visited_on: dt.date | None, way: str = VisitWay.VISIT,
                 visitors: str, met: str = "", notes: str) -> Visit:
    _district_firm(actor, enterprise)
    data = _visit_fields(visited_on=visited_on, way=way, visitors=visitors, met=met, notes=notes)
    visit = Visit(district_id=enterprise.district_id, township_id=enterprise.township_id, enterprise=enterprise,
                  created_by=actor, **data)
    _saved(visit, actor, "登记企业走访")
    return visit


@transaction.atomic
def visit_update(*, visit: Visit, actor, expected_version: int | None, visited_on: dt.date | None, way: str,
                 visitors: str, met: str = "", notes: str) -> Visit:
    data = _visit_fields(visited_on=visited_on, way=way, visitors=visitors, met=met, notes=notes)
    claim(visit, expected_version, fields=list(data))
    for key, value in data.items():
        setattr(visit, key, value)
    _saved(visit, actor, "修改企业走访")
    return visit


# --- needs -----------------------------------------------------------------------------------------------------


def owner_candidates(need_or_firm) -> QuerySet:
    """Who may own a need: the active district staff of its district and the township liaisons of its firm's
    township."""
    places = [need_or_firm.district_id, *([need_or_firm.township_id] if need_or_firm.township_id else [])]
    return users_holding("outreach.follow").filter(region_id__in=places).order_by("role", "full_name", "username")


def _check_owner(owner, need) -> None:
    if owner is not None and not owner_candidates(need).filter(pk=owner.pk).exists():
        raise ServiceError("跟进人须为本区县科技局人员或企业所在乡镇/街道的专干", field="owner")


@transaction.atomic
def need_create(
    *, actor, enterprise: Enterprise, category: str, description: str, source: str = NeedSource.VISIT,
    raised_on: dt.date | None = None, visit: Visit | None = None, response: Response | None = None,
    question: Question | None = None, event=None, owner=None, status: str = NeedStatus.NEW, result: str = "",
    closed_on: dt.date | None = None, reason: str = "登记企业需求",
) -> Need:
    """A need of ``enterprise`` in the ledger. ``status`` other than 新提出 is for imports of an existing ledger
    (a closed one with its result and date)."""
    if source not in NeedSource.values:
        raise ServiceError("请选择需求来源", field="source")
    if visit is not None and visit.enterprise_id != enterprise.pk:
        raise ServiceError("来源走访不是该企业的走访", field="visit")
    if status not in NeedStatus.values:
        raise ServiceError("未知的需求状态", field="status")
    need = Need(
        district_id=enterprise.district_id, township_id=enterprise.township_id, enterprise=enterprise,
        category=_category(category), description=_text(description, field="description", label="需求内容",
                                                         max_length=2000),
        source=source, visit=visit, response=response, question=question, event=event,
        raised_on=_past_date(raised_on or timezone.localdate(), field="raised_on", label="提出日期"),
        owner=owner, status=status, created_by=actor,
    )
    _check_owner(owner, need)
    if status in flow.CLOSED:
        hint = flow.needs_result(status)
        need.result = _text(result, field="result", label=hint[3:] if hint else "办理结果", max_length=500)
        need.closed_on = closed_on or need.raised_on
        if need.closed_on < need.raised_on:
            raise ServiceError("办结日期不能早于提出日期", field="closed_on")
    _saved(need, actor, reason)
    return need


@transaction.atomic
def need_update(*, need: Need, actor, expected_version: int | None, category: str, description: str,
                raised_on: dt.date | None) -> Need:
    data = {
        "category": _category(category),
        "description": _text(description, field="description", label="需求内容", max_length=2000),
        "raised_on": _past_date(raised_on, field="raised_on", label="提出日期"),
    }
    claim(need, expected_version, fields=list(data))
    for key, value in data.items():
        setattr(need, key, value)
    _saved(need, actor, "修改企业需求")
    return need


@transaction.atomic
def need_assign(*, need: Need, actor, owner, expected_version: int | None = None) -> Need:
    """Name (or change) the owner; a new need is taken up by it (跟进中)."""
    claim(need, expected_version, fields=["owner", "status"])
    if owner is None:
        raise ServiceError("请选择跟进人", field="owner")
    _check_owner(owner, need)
    need.owner = owner
    reason = f"指定跟进人：{owner.display_name}"
    if need.status == NeedStatus.NEW:
        need.status = NeedStatus.FOLLOWING
        reason += "，开始跟进"
    _saved(need, actor, reason)
    return need


@transaction.atomic
def need_move(*, need: Need, actor, to: str, result: str = "", on: dt.date | None = None,
              expected_version: int | None = None) -> Need:
    """Move a need along its flow; closing it needs the result (已解决) or the reason (无法解决)."""
    claim(need, expected_version, fields=["status", "result", "closed_on"])
    refusal = flow.refusal(need.status, to)
    if refusal:
        raise ServiceError(refusal, field="to")
    hint = flow.needs_result(to)
    if hint:
        result = (result or "").strip()
        if not result:
            raise ServiceError(hint, field="result")
        if len(result) > 500:
            raise ServiceError(f"最多500字，实际{len(result)}字", field="result")
        on = on or timezone.localdate()
        if on > timezone.localdate():
            raise ServiceError("办结日期不能晚于今天", field="on")
        if on < need.raised_on:
            raise ServiceError(f"办结日期不能早于提出日期（{need.raised_on:%Y-%m-%d}）", field="on")
        need.result, need.closed_on = result, on
    else:
        need.closed_on = None  # taken up (again): the earlier result stays in the history
        need.result = ""
    source = need.status
    need.status = to
    _saved(need, actor, flow.MOVE_LABELS.get((source, to), "变更状态"))
    return need


@transaction.atomic
def followup_add(*, need: Need, actor, on: dt.date | None, note: str, internal: bool = False) -> FollowUp:
    """A dated note on a need; the first one takes a new need up (跟进中)."""
    on = _past_date(on, field="on", label="跟进日期")
    if on < need.raised_on:
        raise ServiceError(f"跟进日期不能早于需求提出日期（{need.raised_on:%Y-%m-%d}）", field="on")
    if need.status in flow.CLOSED:
        raise ServiceError("该需求已办结；如需继续跟进，请先“重新跟进”", field="note")
    follow = FollowUp(need=need, on=on, note=_text(note, field="note", label="跟进情况", max_length=500),
                      internal=bool(internal), by=actor)
    _saved(follow, actor, "登记跟进情况")
    if need.status == NeedStatus.NEW:
        claim(need, None)
        need.status = NeedStatus.FOLLOWING
        _saved(need, actor, "登记跟进情况，开始跟进")
    return follow


def may_follow(user, need: Need) -> bool:
    """Staff who manage the district's needs, and the need's owner (a township liaison holding outreach.follow)."""
    from keguan.core.permissions import may

    return may(user, "outreach.manage") or (may(user, "outreach.follow") and need.owner_id == user.pk)


# --- questionnaires --------------------------------------------------------------------------------------------


def _round_fields(*, title, intro, opens_on, closes_on) -> dict:
    if opens_on is None:
        raise ServiceError("请填写开始日期", field="opens_on")
    if closes_on is None:
        raise ServiceError("请填写截止日期", field="closes_on")
    if closes_on < opens_on:
        raise ServiceError("截止日期不能早于开始日期", field="closes_on")
    return {"title": _text(title, field="title", label="问卷名称", max_length=150),
            "intro": _text(intro, field="intro", label="说明", max_length=2000, required=False),
            "opens_on": opens_on, "closes_on": closes_on}


@transaction.atomic
def questionnaire_create(*, actor, district: Region, title: str, intro: str = "", opens_on: dt.date | None,
                         closes_on: dt.date | None) -> Questionnaire:
    if district is None or district.level != RegionLevel.COUNTY:
        raise ServiceError("调查问卷按区县发布，请以区县科技局账号建立")
    data = _round_fields(title=title, intro=intro, opens_on=opens_on, closes_on=closes_on)
    q = Questionnaire(district=district, created_by=actor, **data)
    _saved(q, actor, "建立调查问卷")
    return q


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, actor, expected_version: int | None, title: str,
                         intro: str = "", opens_on: dt.date | None, closes_on: dt.date | None) -> Questionnaire:
    data = _round_fields(title=title, intro=intro, opens_on=opens_on, closes_on=closes_on)
    claim(questionnaire, expected_version, fields=list(data))
    for key, value in data.items():
        setattr(questionnaire, key, value)
    _saved(questionnaire, actor, "修改调查问卷")
    return questionnaire


@transaction.atomic
def questionnaire_open(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    claim(questionnaire, None)
    if questionnaire.status == QuestionnaireStatus.OPEN:
        raise ServiceError("问卷已在填报中")
    if not questionnaire.questions.exists():
        raise ServiceError("问卷还没有题目，请先添加题目再发布")
    questionnaire.status = QuestionnaireStatus.OPEN
    _saved(questionnaire, actor, "发布问卷（开始填报）")
    return questionnaire


@transaction.atomic
def questionnaire_close(*, questionnaire: Questionnaire, actor) -> Questionnaire:
    claim(questionnaire, None)
    if questionnaire.status != QuestionnaireStatus.OPEN:
        raise ServiceError("只有填报中的问卷可以结束填报")
    questionnaire.status = QuestionnaireStatus.CLOSED
    _saved(questionnaire, actor, "结束填报")
    return questionnaire


def _question_fields(*, text, kind, options, required, need_category) -> dict:
    if kind not in QuestionKind.values:
        raise ServiceError("请选择题型", field="kind")
    lines = [line.strip() for line in (options or "").splitlines() if line.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTI):
        if len(lines) < 2:
            raise ServiceError("单选、多选题至少要有两个选项（每行一个）", field="options")
        if len(set(lines)) != len(lines):
            raise ServiceError("选项不能重复", field="options")
        bad = [o for o in lines if any(sep in o for sep in "、,，;；/")]
        if bad:
            raise ServiceError(f"选项中不能含有顿号、逗号、分号或斜杠（导入时用它们分隔多选）：{bad[0]}", field="options")
        options = "\n".join(lines)
        if len(options) > 2000:
            raise ServiceError("选项合计最多2000字", field="options")
    else:
        options = ""
    return {"text": _text(text, field="text", label="题目", max_length=300), "kind": kind, "options": options,
            "required": bool(required), "need_category": _category(need_category, field="need_category",
                                                                     required=False)}


def _editable_questions(questionnaire: Questionnaire) -> None:
    if questionnaire.status != QuestionnaireStatus.DRAFT:
        raise ServiceError("问卷已发布，题目不能再修改（已有企业按现有题目作答）")


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, actor, text: str, kind: str, options: str = "",
                 required: bool = False, need_category: str = "") -> Question:
    claim(questionnaire, None)
    _editable_questions(questionnaire)
    count = questionnaire.questions.count()
    if count >= MAX_QUESTIONS:
        raise ServiceError(f"每份问卷最多{MAX_QUESTIONS}题", field="text")
    data = _question_fields(text=text, kind=kind, options=options, required=required, need_category=need_category)
    order = (questionnaire.questions.aggregate(m=Max("order"))["m"] or 0) + 1
    question = Question(questionnaire=questionnaire, order=order, **data)
    _saved(question, actor, "添加题目")
    _saved(questionnaire, actor, "添加题目")
    return question


@transaction.atomic
def question_update(*, question: Question, actor, text: str, kind: str, options: str = "", required: bool = False,
                    need_category: str = "") -> Question:
    claim(question.questionnaire, None)
    _editable_questions(question.questionnaire)
    for key, value in _question_fields(text=text, kind=kind, options=options, required=required,
                                       need_category=need_category).items():
        setattr(question, key, value)
    _saved(question, actor, "修改题目")
    return question


@transaction.atomic
def question_move(*, question: Question, actor, up: bool, expected_version: int | None) -> Question:
    """Swap a question of a draft round with the one before it (``up``) or after it. ``expected_version``: the
    round's version when the page was opened — someone else having added, moved or deleted a question since
    refuses the move (the house's edit-conflict message), so nobody moves a question they did not see."""
    questionnaire = question.questionnaire
    try:
        claim(questionnaire, expected_version)
    except StaleEdit as exc:
        raise ServiceError("题目顺序未调整：您打开此页面后，问卷已被他人修改（如添加、删除或移动了题目）。"
                           "下方已是现在的顺序，请确认后再调整。") from exc
    questionnaire.refresh_from_db(fields=["status"])
    _editable_questions(questionnaire)
    question.refresh_from_db(fields=["order"])
    siblings = questionnaire.questions.exclude(pk=question.pk)
    other = (siblings.filter(order__lt=question.order).order_by("-order").first() if up
             else siblings.filter(order__gt=question.order).order_by("order").first())
    if other is None:
        raise ServiceError("已是第一题，不能再上移" if up else "已是最后一题，不能再下移")
    mine, theirs = question.order, other.order
    Question.objects.filter(pk=question.pk).update(order=0)  # one order per question: step aside first
    other.order = mine
    _saved(other, actor, "调整题目顺序")
    question.order = theirs
    _saved(question, actor, "调整题目顺序")
    _saved(questionnaire, actor, f"第{mine}题{'上移' if up else '下移'}为第{theirs}题")
    return question


@transaction.atomic
def question_delete(*, question: Question, actor) -> None:
    questionnaire = question.questionnaire
    claim(questionnaire, None)
    _editable_questions(questionnaire)
    if question.answers.exists():
        raise ServiceError("该题已有回答，不能删除")
    stamp(question, actor, "删除题目")
    question.delete()
    for i, q in enumerate(questionnaire.questions.order_by("order", "id"), start=1):  # 1, 2, 3 … again
        if q.order != i:
            Question.objects.filter(pk=q.pk).update(order=i)


class AnswerErrors(ServiceError):
    """Answers refused: ``errors`` maps a question's id to the message shown beside it."""

    def __init__(self, errors: dict[int, str]):
        super().__init__(f"有{len(errors)}道题需要修改，请查看题目下方的提示")
        self.errors = errors


def check_answers(questions: list[Question], values: dict[int, object], *, submit: bool) -> tuple[dict[int, str], dict[int, str]]:
    """(cleaned values, errors) by question id; required questions are checked on submit only."""
    cleaned: dict[int, str] = {}
    errors: dict[int, str] = {}
    for q in questions:
        try:
            value = answer_rules.clean(q.kind, q.option_list, values.get(q.pk))
        except answer_rules.AnswerError as exc:
            errors[q.pk] = exc.message
            continue
        problem = answer_rules.missing_required(q.required, value) if submit else None
        if problem:
            errors[q.pk] = problem
        cleaned[q.pk] = value
    return cleaned, errors


SUBMIT_REASONS = {ResponseSource.ONLINE: "提交问卷", ResponseSource.IMPORT: "导入答卷",
                  ResponseSource.STAFF: "工作人员代填问卷"}


@transaction.atomic
def response_save(*, questionnaire: Questionnaire, enterprise: Enterprise, actor, values: dict[int, object],
                  submit: bool, source: str = ResponseSource.ONLINE, expected_version: int | None = None,
                  on: dt.datetime | None = None) -> Response:
    """Save a firm's answers (a draft, or submitted). A firm answers only an open round of its own district;
    a submitted response may be corrected (submitted again) while the round is open. Imports (``source``
    导入) and staff filling in on the firm's behalf (``source`` 工作人员代填: who it was is ``submitted_by``) may
    also fill a closed round. Staff correcting a response the firm submitted itself (or that was imported)
    keep its source, submitter and time; the history says who changed what. The needs the answers state
    reach the ledger the same way whoever submits, once per question (``needs_from_response``)."""
    if enterprise.district_id != questionnaire.district_id:
        raise ServiceError("该问卷不是企业所在区县发布的")
    if source == ResponseSource.ONLINE and questionnaire.status != QuestionnaireStatus.OPEN:
        raise ServiceError("该问卷不在填报期内" if questionnaire.status == QuestionnaireStatus.CLOSED
                           else "该问卷尚未发布")
    if source != ResponseSource.ONLINE and questionnaire.status == QuestionnaireStatus.DRAFT:
        raise ServiceError("问卷尚未发布，不能录入答卷")
    questions = list(questionnaire.questions.order_by("order", "id"))
    cleaned, errors = check_answers(questions, values, submit=submit)
    if errors:
        raise AnswerErrors(errors)
    response = Response.objects.select_for_update().filter(questionnaire=questionnaire, enterprise=enterprise).first()
    if response is None:
        response = Response(questionnaire=questionnaire, enterprise=enterprise, district_id=enterprise.district_id,
                            township_id=enterprise.township_id, source=source)
        try:
            with transaction.atomic():
                _saved(response, actor, "填写问卷")
        except IntegrityError as exc:  # the same firm's other tab saved first
            raise ServiceError("答卷刚被保存过，请刷新页面后再提交") from exc
    else:
        claim(response, expected_version)
    if not submit and response.submitted_at is not None:
        raise ServiceError("答卷已提交；如需修改，请直接修改后再次提交")
    stored = {a.question_id: a for a in response.answers.all()}
    for q in questions:
        value = cleaned.get(q.pk, "")
        answer = stored.get(q.pk)
        if answer is None and value:
            _saved(Answer(response=response, question=q, value=value), actor, "填写问卷")
        elif answer is not None and answer.value != value:
            answer.value = value
            _saved(answer, actor, "修改回答")
    corrected = (source == ResponseSource.STAFF and response.submitted_at is not None
                 and response.source != ResponseSource.STAFF)  # staff correct what the firm (or an import) gave
    if not corrected:
        response.source = source
    if submit:
        if corrected:
            reason = "工作人员修改答卷"
        else:
            response.submitted_at = on or timezone.now()
            response.submitted_by = actor
            reason = SUBMIT_REASONS.get(source, "提交问卷")
        _saved(response, actor, reason)
        needs_from_response(response=response, actor=actor, questions=questions, values=cleaned)
    else:
        _saved(response, actor, "暂存问卷")
    return response


def needs_from_response(*, response: Response, actor, questions: list[Question], values: dict[int, str]) -> list[Need]:
    """The needs a submitted response states: one per question with a need category answered with something
    other than 无/没有/否 … Once per (response, question): a need still 新提出 takes the new answer; one being
    followed up keeps its description."""
    made: list[Need] = []
    existing = {n.question_id: n for n in Need.objects.filter(response=response, question__isnull=False)}
    raised_on = timezone.localtime(response.submitted_at).date() if response.submitted_at else timezone.localdate()
    for q in questions:
        if not q.need_category:
            continue
        value = values.get(q.pk, "")
        if not flow.states_a_need(answer_rules.shown(q.kind, value)):
            continue
        description = f"{q.text}：{answer_rules.shown(q.kind, value)}"[:2000]
        need = existing.get(q.pk)
        if need is None:
            made.append(need_create(
                actor=actor, enterprise=response.enterprise, category=q.need_category, description=description,
                source=NeedSource.QUESTIONNAIRE, raised_on=min(raised_on, timezone.localdate()), response=response,
                question=q, reason=f"问卷“{response.questionnaire.title}”的回答"))
        elif need.status == NeedStatus.NEW and need.description != description:
            claim(need, None)
            need.description = description
            _saved(need, actor, "问卷回答更新")
    return made


# --- the firm's own needs ------------------------------------------------------------------------------------


@transaction.atomic
def need_raise_by_firm(*, actor, category: str, description: str) -> Need:
    """A need an enterprise user raises for its own firm (source 企业在线提出)."""
    if actor.enterprise_id is None:
        raise ServiceError("您的账号未关联企业")
    enterprise = Enterprise.objects.get(pk=actor.enterprise_id)
    return need_create(actor=actor, enterprise=enterprise, category=category, description=description,
                       source=NeedSource.ONLINE, raised_on=timezone.localdate(), reason="企业在线提出需求")
