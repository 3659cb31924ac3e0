"""调查问卷 filled in by staff on a firm's behalf (代填, e.g. from a paper form or a phone call): from the round's
page, find a firm of the district (name or credit code), fill the same form the firm fills; the response is
recorded as “工作人员代填” with who entered it, and its needs reach the ledger exactly as the firm's own would
(once per question). A firm that has already answered is said so, and its response is opened for correction
instead (with the edit-conflict check: the firm may be correcting it at the same time)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.core.errors import ServiceError
from keguan.core.permissions import demand
from keguan.core.scope import home_district
from keguan.core.versioning import StaleEdit

from ..models import QuestionnaireStatus, ResponseSource
from ..selectors.ledger import (
    PROXY_LIMIT,
    answers_by_question,
    proxy_firm_get,
    proxy_firms,
    questionnaire_get,
)
from ..services import ledger as services
from .ledger_survey import answer_rows, posted_values


def _round_for_proxy(request: HttpRequest, pk: int):
    """The round staff may fill in for firms: one of their own district's, published (open or closed)."""
    user = request.user
    demand(user, "outreach.manage")
    if home_district(user) is None:
        raise PermissionDenied("由区县科技局代企业填写问卷")
    return questionnaire_get(user=user, pk=pk, write=True)


@require_GET
def proxy_pick_view(request: HttpRequest, pk: int) -> HttpResponse:
    q = _round_for_proxy(request, pk)
    text = (request.GET.get("q") or "").strip()[:50]
    rows, more = proxy_firms(user=request.user, questionnaire=q, text=text)
    return render(
        request,
        "outreach/ledger/proxy_pick.html",
        {
            "q": q,
            "text": text,
            "rows": rows,
            "more": more,
            "limit": PROXY_LIMIT,
            "draft": q.status == QuestionnaireStatus.DRAFT,
        },
    )


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def proxy_fill_view(request: HttpRequest, q_pk: int, firm_pk: int) -> HttpResponse:
    user = request.user
    q = _round_for_proxy(request, q_pk)
    firm, response = proxy_firm_get(user=user, questionnaire=q, pk=firm_pk)
    if q.status == QuestionnaireStatus.DRAFT:
        messages.error(request, "问卷尚未发布，不能代填")
        return redirect("outreach:questionnaire", pk=q.pk)
    questions = list(q.questions.order_by("order", "id"))
    values: dict[int, object] = answers_by_question(response) if response else {}
    errors: dict[int, str] = {}
    error = ""
    version = response.version if response else None
    if (
        request.method == "POST"
        and _version(request) is None
        and response is not None
        and response.submitted_at
    ):
        # opened when the firm had not answered; it has submitted since: show its answers, save nothing
        error = (
            f"保存失败：您打开此页面后，{firm.name}已于{timezone.localtime(response.submitted_at):%Y-%m-%d %H:%M}"
            "提交了答卷。下方为该企业的回答，请核对后再保存（再次保存即以您填写的为准）。"
        )
    elif request.method == "POST":
        values = posted_values(request, questions)
        try:
            saved = services.response_save(
                questionnaire=q,
                enterprise=firm,
                actor=user,
                values=values,
                submit=True,
                source=ResponseSource.STAFF,
                expected_version=_version(request),
            )
        except services.AnswerErrors as exc:
            errors, error = exc.errors, exc.message
        except StaleEdit as exc:
            error, version = exc.message, exc.current  # saving again overrides (the house's conflict rule)
        except ServiceError as exc:
            error = exc.message
        else:
            n = saved.needs.count()
            done = (
                "已修改该企业的答卷"
                if response is not None and response.submitted_at
                else f"已代{firm.name}提交答卷"
            )
            messages.success(request, done + (f"；答卷中的 {n} 项需求已在需求台账中" if n else ""))
            return redirect("outreach:response", pk=saved.pk)
    return render(
        request,
        "outreach/ledger/proxy_fill.html",
        {
            "q": q,
            "firm": firm,
            "response": response,
            "rows": answer_rows(questions, values, errors),
            "error": error,
            "open": True,
            "version": version,
        },
    )


urlpatterns = [
    path("questionnaires/<int:pk>/proxy/", proxy_pick_view, name="questionnaire_proxy"),
    path(
        "questionnaires/<int:q_pk>/firms/<int:firm_pk>/answer/",
        proxy_fill_view,
        name="questionnaire_proxy_fill",
    ),
]
