"""调查问卷: staff build a round (questions), open and close it, see the responses, a per-question summary,
export the answers (.xlsx; the import is the engine's kind ``outreach_answers``); enterprise users fill the
open rounds of their district online (save a draft, submit; required questions checked beside each question)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.permissions import demand, may
from keguan.core.scope import home_district
from keguan.enterprises.models import Enterprise

from ..forms.ledger import QuestionForm, QuestionnaireForm
from ..models import QuestionKind, QuestionnaireStatus, ResponseSource
from ..selectors.ledger import (
    answers_by_question,
    firm_questionnaire_get,
    firm_questionnaires,
    last_change,
    question_get,
    questionnaire_get,
    questionnaire_list,
    questionnaire_summary,
    response_get,
    responses_of,
    shown_answer,
)
from ..services import ledger as services


@require_GET
def questionnaire_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_enterprise_user:
        return redirect("outreach:my_questionnaires")
    demand(user, "outreach.view")
    return render(request, "outreach/ledger/questionnaires.html", {
        "rounds": questionnaire_list(user=user),
        "can_create": may(user, "outreach.manage") and home_district(user) is not None,
    })


@require_http_methods(["GET", "POST"])
def questionnaire_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "outreach.manage")
    district = home_district(user)
    if district is None:
        raise PermissionDenied("调查问卷由区县科技局发布")
    today = timezone.localdate()
    form = QuestionnaireForm(request.POST or None, initial={"opens_on": today,
                                                            "closes_on": today + dt.timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            q = services.questionnaire_create(actor=user, district=district, title=d["title"], intro=d["intro"],
                                              opens_on=d["opens_on"], closes_on=d["closes_on"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "问卷已建立，请添加题目，完成后点击“发布”")
            return redirect("outreach:questionnaire", pk=q.pk)
    return render(request, "outreach/ledger/questionnaire_form.html", {"form": form, "questionnaire": None})


@require_http_methods(["GET", "POST"])
def questionnaire_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    q = questionnaire_get(user=request.user, pk=pk, write=True)
    initial = {"title": q.title, "intro": q.intro, "opens_on": q.opens_on, "closes_on": q.closes_on,
               "version": q.version}
    form = QuestionnaireForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.questionnaire_update(questionnaire=q, actor=request.user, expected_version=d.get("version"),
                                          title=d["title"], intro=d["intro"], opens_on=d["opens_on"],
                                          closes_on=d["closes_on"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "问卷信息已保存")
            return redirect("outreach:questionnaire", pk=pk)
    return render(request, "outreach/ledger/questionnaire_form.html", {"form": form, "questionnaire": q})


def _round_page(request: HttpRequest, q, *, question_form=None, status: int = 200) -> HttpResponse:
    user = request.user
    manage = may(user, "outreach.manage")
    n = q.responses.filter(submitted_at__isnull=False).count()
    return render(request, "outreach/ledger/questionnaire.html", {
        "q": q, "questions": q.questions.order_by("order", "id"), "submitted": n,
        "drafts": q.responses.filter(submitted_at__isnull=True).count(),
        "can_manage": manage, "editable": manage and q.status == QuestionnaireStatus.DRAFT,
        "question_form": question_form or (QuestionForm() if manage and q.status == QuestionnaireStatus.DRAFT else None),
        "categories": dict(dictionary.choices("need_category")),
        "can_export": may(user, "outreach.export"),
        "can_import": may(user, "outreach.import") and manage and q.status != QuestionnaireStatus.DRAFT,
        "can_proxy": manage and q.status != QuestionnaireStatus.DRAFT and home_district(user) is not None,
        "import_query": urlencode({"region": q.district.code, "questionnaire": q.pk}),
    }, status=status)


@require_GET
def questionnaire_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.view")
    return _round_page(request, questionnaire_get(user=request.user, pk=pk))


@require_POST
def questionnaire_open_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    q = questionnaire_get(user=request.user, pk=pk, write=True)
    try:
        services.questionnaire_open(questionnaire=q, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"问卷已发布，{q.district.name}的企业用户可以在线填写")
    return redirect("outreach:questionnaire", pk=pk)


@require_POST
def questionnaire_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    q = questionnaire_get(user=request.user, pk=pk, write=True)
    try:
        services.questionnaire_close(questionnaire=q, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已结束填报")
    return redirect("outreach:questionnaire", pk=pk)


def _question_kwargs(d: dict) -> dict:
    return {"text": d["text"], "kind": d["kind"], "options": d["options"], "required": d["required"],
            "need_category": d["need_category"]}


@require_POST
def question_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.manage")
    q = questionnaire_get(user=request.user, pk=pk, write=True)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(questionnaire=q, actor=request.user, **_question_kwargs(form.cleaned_data))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "题目已添加")
            return redirect("outreach:questionnaire", pk=pk)
    return _round_page(request, questionnaire_get(user=request.user, pk=pk), question_form=form)


def _question_for_write(request: HttpRequest, question_pk: int):
    demand(request.user, "outreach.manage")
    question = question_get(user=request.user, pk=question_pk)
    questionnaire_get(user=request.user, pk=question.questionnaire_id, write=True)  # 403 for read-only users
    return question


@require_http_methods(["GET", "POST"])
def question_edit_view(request: HttpRequest, question_pk: int) -> HttpResponse:
    question = _question_for_write(request, question_pk)
    initial = {"text": question.text, "kind": question.kind, "options": question.options,
               "required": question.required, "need_category": question.need_category}
    form = QuestionForm(request.POST or None, initial=initial, current_category=question.need_category)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, actor=request.user, **_question_kwargs(form.cleaned_data))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "题目已保存")
            return redirect("outreach:questionnaire", pk=question.questionnaire_id)
    return render(request, "outreach/ledger/question_form.html", {"form": form, "question": question,
                                                                   "q": question.questionnaire})


@require_POST
def question_move_view(request: HttpRequest, question_pk: int) -> HttpResponse:
    """上移/下移 a question of a draft round (the form carries the round's version: a stale page is refused)."""
    question = _question_for_write(request, question_pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        services.question_move(question=question, actor=request.user, up=request.POST.get("direction") == "up",
                               expected_version=version)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将“{question.text[:20]}”调整为第{question.order}题")
    return redirect("outreach:questionnaire", pk=question.questionnaire_id)


@require_POST
def question_delete_view(request: HttpRequest, question_pk: int) -> HttpResponse:
    question = _question_for_write(request, question_pk)
    try:
        services.question_delete(question=question, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "题目已删除")
    return redirect("outreach:questionnaire", pk=question.questionnaire_id)


@require_GET
def responses_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.view")
    q = questionnaire_get(user=request.user, pk=pk)
    return render(request, "outreach/ledger/responses.html", {
        "q": q, "responses": responses_of(user=request.user, questionnaire=q),
        "can_export": may(request.user, "outreach.export")})


@require_GET
def summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.view")
    q = questionnaire_get(user=request.user, pk=pk)
    n, rows = questionnaire_summary(user=request.user, questionnaire=q)
    return render(request, "outreach/ledger/summary.html", {"q": q, "n": n, "rows": rows,
                                                            "categories": dict(dictionary.choices("need_category"))})


def answers_xlsx(q, responses) -> bytes:
    questions = list(q.questions.order_by("order", "id"))
    rows = []
    for r in responses:
        values = answers_by_question(r)
        rows.append([r.enterprise.credit_code, r.enterprise.name,
                     *(shown_answer(x, values.get(x.pk, "")) for x in questions),
                     "已提交" if r.submitted_at else "暂存", r.get_source_display(),
                     timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M") if r.submitted_at else ""])
    headers = ["统一社会信用代码", "企业名称", *(f"第{x.order}题" for x in questions), "状态", "来源", "提交时间"]
    note = "\n".join([f"问卷：{q.title}", *(f"第{x.order}题（{x.get_kind_display()}）：{x.text}" for x in questions)])
    return build_xlsx(title="问卷答卷", headers=headers, rows=rows, note=note)


@require_GET
def answers_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.export")
    q = questionnaire_get(user=request.user, pk=pk)
    content = answers_xlsx(q, responses_of(user=request.user, questionnaire=q))
    return xlsx_response(content, f"问卷答卷-{q.title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@require_GET
def response_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "outreach.view")
    response = response_get(user=request.user, pk=pk)
    values = answers_by_question(response)
    rows = [(x, shown_answer(x, values.get(x.pk, ""))) for x in response.questionnaire.questions.order_by("order", "id")]
    return render(request, "outreach/ledger/response.html", {
        "r": response, "rows": rows, "needs": response.needs.order_by("id"), "last_change": last_change(response),
        "can_edit": (may(request.user, "outreach.manage") and home_district(request.user) is not None
                     and response.questionnaire.status != QuestionnaireStatus.DRAFT),
        "categories": dict(dictionary.choices("need_category"))})


# --- the enterprise's side -------------------------------------------------------------------------------------


@require_GET
def my_questionnaires_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "outreach.respond")
    return render(request, "outreach/ledger/my_questionnaires.html", {
        "rounds": firm_questionnaires(user=request.user), "firm_pk": request.user.enterprise_id})


def answer_rows(questions, values: dict[int, object], errors: dict[int, str]) -> list[dict]:
    """The form's rows (``_answer_fields.html``): each question with its value, the options picked, its error."""
    shown = []
    for x in questions:
        value = values.get(x.pk, "")
        picked = value if isinstance(value, list) else (str(value).splitlines() if x.kind == QuestionKind.MULTI else [value])
        shown.append({"q": x, "value": value if not isinstance(value, list) else "", "picked": picked,
                      "error": errors.get(x.pk, "")})
    return shown


def posted_values(request: HttpRequest, questions) -> dict[int, object]:
    out: dict[int, object] = {}
    for x in questions:
        name = f"q{x.pk}"
        out[x.pk] = request.POST.getlist(name) if x.kind == QuestionKind.MULTI else request.POST.get(name, "")
    return out


@require_http_methods(["GET", "POST"])
def my_questionnaire_view(request: HttpRequest, firm_pk: int, q_pk: int) -> HttpResponse:
    """Fill (or, once the round is closed, read) the firm's response. ``firm_pk`` must be the user's own firm."""
    user = request.user
    demand(user, "outreach.respond")
    if user.enterprise_id is None or firm_pk != user.enterprise_id:
        raise Http404("问卷不存在")
    q, response = firm_questionnaire_get(user=user, pk=q_pk)
    questions = list(q.questions.order_by("order", "id"))
    values: dict[int, object] = answers_by_question(response) if response else {}
    errors: dict[int, str] = {}
    error = ""
    open_ = q.status == QuestionnaireStatus.OPEN
    if request.method == "POST":
        if not open_:
            raise PermissionDenied("该问卷已结束填报")
        values = posted_values(request, questions)
        submit = request.POST.get("action") == "submit"
        try:
            saved = services.response_save(questionnaire=q, enterprise=Enterprise.objects.get(pk=user.enterprise_id),
                                           actor=user, values=values, submit=submit, source=ResponseSource.ONLINE)
        except services.AnswerErrors as exc:
            errors, error = exc.errors, exc.message
        except ServiceError as exc:
            error = exc.message
        else:
            if submit:
                n = saved.needs.count()
                messages.success(request, "问卷已提交，感谢填写" + (f"；您提出的 {n} 项需求已记入区科技局的需求台账，可在“我的需求”中查看办理情况" if n else ""))
            else:
                messages.success(request, "已暂存，可稍后继续填写")
            return redirect("outreach:my_questionnaire", firm_pk=firm_pk, q_pk=q.pk)
    return render(request, "outreach/ledger/my_questionnaire.html", {
        "q": q, "response": response, "rows": answer_rows(questions, values, errors), "error": error, "open": open_, "firm_pk": firm_pk,
    }, status=200)


urlpatterns = [
    path("questionnaires/", questionnaire_list_view, name="questionnaires"),
    path("questionnaires/new/", questionnaire_create_view, name="questionnaire_new"),
    path("questionnaires/<int:pk>/", questionnaire_detail_view, name="questionnaire"),
    path("questionnaires/<int:pk>/edit/", questionnaire_edit_view, name="questionnaire_edit"),
    path("questionnaires/<int:pk>/open/", questionnaire_open_view, name="questionnaire_open"),
    path("questionnaires/<int:pk>/close/", questionnaire_close_view, name="questionnaire_close"),
    path("questionnaires/<int:pk>/questions/new/", question_create_view, name="question_new"),
    path("questions/<int:question_pk>/edit/", question_edit_view, name="question_edit"),
    path("questions/<int:question_pk>/delete/", question_delete_view, name="question_delete"),
    path("questions/<int:question_pk>/move/", question_move_view, name="question_move"),
    path("questionnaires/<int:pk>/responses/", responses_view, name="questionnaire_responses"),
    path("questionnaires/<int:pk>/summary/", summary_view, name="questionnaire_summary"),
    path("questionnaires/<int:pk>/answers.xlsx", answers_export_view, name="questionnaire_export"),
    path("responses/<int:pk>/", response_detail_view, name="response"),
    path("my/questionnaires/", my_questionnaires_view, name="my_questionnaires"),
    path("my/firms/<int:firm_pk>/questionnaires/<int:q_pk>/", my_questionnaire_view, name="my_questionnaire"),
]
