"""The scope walker's view of 科技活动与企业服务 (ledger); combined in keguan.outreach.scope_walk.

The records (visits, questionnaires, responses, needs with follow-ups) and their anchors are the events part's
scene (``walks/events.py``: ``ow_visit``, ``ow_questionnaire``, ``ow_response``, ``ow_need``); this part says
which URL names which of them and gives every write a valid payload. The firm's own pages: ``my_questionnaire``
is addressed through the firm (``firm_pk`` names the enterprise; ``q_pk`` is its district's questionnaire), so
another firm's page is probed like a foreign firm — and so is staff's 代填 of a firm's round
(``questionnaire_proxy_fill``); a firm's own need is the ``ow_need`` of its district, which
the anchors give it."""

from __future__ import annotations

from keguan.core.scope_walk import EDITORS, ENTERPRISE_USERS, MANAGERS, TODAY, Kwarg, Walk, Write, status

MISSING = 987654321
VIEWERS = frozenset({"city", "leader", "staff", "town", "outsider"})  # outreach.view: bureaus and townships


def _district_questionnaire(e):
    from ..models import Questionnaire

    q = Questionnaire.objects.filter(district_id=e.district_id, status="open").order_by("pk").first()
    return q.pk if q else MISSING


def _answers(e) -> dict:
    from ..models import Question, QuestionKind

    out = {}
    for x in Question.objects.filter(questionnaire_id=_district_questionnaire(e)).order_by("order"):
        out[f"q{x.pk}"] = x.option_list[0] if x.kind in (QuestionKind.SINGLE, QuestionKind.MULTI) else "范围测试回答"
    return {**out, "action": "submit"}


def _proxy_answers(e) -> dict:
    """Staff filling in the firm's round: the answers, and the version of the response it has (if any)."""
    from ..models import Response

    version = (Response.objects.filter(questionnaire_id=_district_questionnaire(e), enterprise=e)
               .values_list("version", flat=True).first())
    return {**_answers(e), "version": "" if version is None else version}


def _draft(q) -> None:
    from ..models import Questionnaire

    Questionnaire.objects.filter(pk=q.pk).update(status="draft")


def _first_question(q):
    return q.questions.order_by("order", "pk")[0]


def _draft_without_answers(q) -> None:
    _draft(q)
    _first_question(q).answers.all().delete()


def _owner(n) -> dict:
    from ..services.ledger import owner_candidates

    return {"assign-owner": owner_candidates(n).first().pk, "assign-version": n.version}


def _visit(e) -> dict:
    rows = {f"need{i}-{k}": "" for i in range(3) for k in ("category", "description")}
    return {"enterprise": e.credit_code, "visited_on": TODAY, "way": "visit", "visitors": "范围测试走访人",
            "met": "", "notes": "范围测试走访情况", **rows, "need0-category": "talent",
            "need0-description": "范围测试走访需求"}


def _question() -> dict:
    return {"text": "范围测试题目", "kind": "text", "options": "", "required": "", "need_category": ""}


WALK = Walk(
    pk_kinds={
        **{f"outreach:{n}": "ow_visit" for n in ("visit", "visit_edit")},
        **{f"outreach:{n}": "ow_need" for n in ("need", "need_edit", "need_assign", "need_move", "need_followup")},
        **{f"outreach:{n}": "ow_questionnaire" for n in (
            "questionnaire", "questionnaire_edit", "questionnaire_open", "questionnaire_close", "question_new",
            "questionnaire_responses", "questionnaire_summary", "questionnaire_export", "questionnaire_proxy")},
        "outreach:response": "ow_response",
    },
    kwargs={
        "question_pk": Kwarg(None, lambda q: _first_question(q).pk, True, MISSING, names="ow_questionnaire"),
        "firm_pk": Kwarg(None, lambda e: e.pk, True, MISSING, names="enterprise"),
        "q_pk": Kwarg("enterprise", _district_questionnaire, False, MISSING),
    },
    writes={
        "outreach:visit_new": Write(EDITORS, _visit, target="enterprise"),
        "outreach:visit_edit": Write(EDITORS, lambda v: {"visited_on": TODAY, "way": "phone", "visitors": "范围测试改",
                                                         "met": "", "notes": "范围测试改走访情况",
                                                         "version": v.version}),
        "outreach:need_new": Write(EDITORS, lambda e: {"enterprise": e.credit_code, "category": "talent",
                                                       "description": "范围测试需求", "source": "hotline",
                                                       "raised_on": TODAY}, target="enterprise"),
        "outreach:need_edit": Write(EDITORS, lambda n: {"category": "finance", "description": "范围测试改需求",
                                                        "raised_on": n.raised_on.isoformat(), "version": n.version}),
        "outreach:need_assign": Write(EDITORS, _owner),
        "outreach:need_move": Write(EDITORS, lambda n: {"move-to": "solved", "move-result": "范围测试已解决",
                                                        "move-on": TODAY, "move-version": n.version}),
        "outreach:need_followup": Write(EDITORS, lambda n: {"fu-on": TODAY, "fu-note": "范围测试跟进"}),
        "outreach:my_need_new": Write(ENTERPRISE_USERS, lambda _: {"category": "talent", "description": "范围测试企业需求"}),
        "outreach:questionnaire_new": Write(EDITORS, lambda _: {"title": "范围测试问卷", "intro": "",
                                                               "opens_on": TODAY, "closes_on": TODAY}),
        "outreach:questionnaire_edit": Write(EDITORS, lambda q: {"title": "范围测试改问卷", "intro": "",
                                                                "opens_on": q.opens_on.isoformat(),
                                                                "closes_on": q.closes_on.isoformat(),
                                                                "version": q.version}),
        "outreach:questionnaire_open": Write(EDITORS, lambda q: {}, prepare=_draft),
        "outreach:questionnaire_close": Write(EDITORS, lambda q: {}),
        "outreach:question_new": Write(EDITORS, lambda q: _question(), prepare=_draft),
        "outreach:question_edit": Write(EDITORS, lambda q: _question(), prepare=_draft),
        "outreach:question_delete": Write(EDITORS, lambda q: {}, prepare=_draft_without_answers),
        "outreach:question_move": Write(EDITORS, lambda q: {"direction": "down"}, prepare=_draft),
        "outreach:my_questionnaire": Write(ENTERPRISE_USERS, _answers),
        "outreach:questionnaire_proxy_fill": Write(EDITORS, _proxy_answers),
    },
    page_status={
        "outreach:visits": status(VIEWERS), "outreach:visit_export": status(MANAGERS),
        "outreach:visit_new": status(EDITORS),
        "outreach:needs": {**status(VIEWERS), **{p: 200 for p in ENTERPRISE_USERS}},  # (firms: to 我的需求)
        "outreach:need_export": status(MANAGERS), "outreach:need_new": status(EDITORS),
        "outreach:my_needs": status(ENTERPRISE_USERS), "outreach:my_need_new": status(ENTERPRISE_USERS),
        "outreach:questionnaires": {**status(VIEWERS), **{p: 200 for p in ENTERPRISE_USERS}},
        "outreach:questionnaire_new": status(EDITORS),
        "outreach:my_questionnaires": status(ENTERPRISE_USERS),
    },
    page_shows={"outreach:questionnaires": "ow_questionnaire"},
)
