"""专家评审: the calls under review, a call's assignment page (automatic assignment, the matrix, overrides),
its results (averages, spread, rank, Excel) and closing the review — for staff; "我的评审" and the scoring form
for the experts, whose pages read only through ``selectors.review.expert_assignments``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.permissions import demand, may
from keguan.projects.forms.review import OverrideForm, ResultSortForm, ScoreForm
from keguan.projects.selectors.review import (
    RESULT_SORTS,
    assignment_get,
    call_assignments,
    call_get,
    expert_assignment_get,
    expert_assignments,
    field_labels,
    review_applications,
    review_calls,
    review_results,
)
from keguan.projects.services.review import (
    assign_reviewers,
    assignment_override,
    assignment_remove,
    pool_of,
    review_close,
    score_submit,
)

# --- staff ------------------------------------------------------------------------------------------------------


@require_GET
def review_list_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "projects.view")
    return render(request, "projects/review_list.html", {"calls": review_calls(user=request.user)})


def _assign_page(request, call, override_form=None) -> HttpResponse:
    apps = list(review_applications(call))
    experts = list(pool_of(call).order_by("name", "id"))
    cells: dict[tuple[int, int], object] = {}
    loads: dict[int, int] = {e.pk: 0 for e in experts}
    for a in call_assignments(call):
        cells[(a.application_id, a.expert_id)] = a
        loads[a.expert_id] = loads.get(a.expert_id, 0) + 1
    used = [e for e in experts if loads.get(e.pk)]
    for e in used:
        e.load = loads[e.pk]
    rows = []
    for app in apps:
        app.field_label = field_labels([app.field])[0]
        row = [cells.get((app.pk, e.pk)) for e in used]
        rows.append((app, row, sum(c is not None for c in row)))
    closed = call.review_closed_at is not None
    can_write = may(request.user, "projects.experts") and not closed
    form = override_form or OverrideForm(applications=[a for a in apps if a.status == "review"],
                                         experts=[e for e in experts if e.available])
    return render(request, "projects/review_assign.html", {
        "call": call, "rows": rows, "experts": used, "n_pool": len(experts),
        "n_available": sum(e.available for e in experts), "closed": closed, "can_write": can_write,
        "form": form, "n": call.reviewers_per_application,
        "short": [app for app, _, k in rows if k < call.reviewers_per_application and app.status == "review"],
    })


@require_GET
def review_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.view")
    return _assign_page(request, call_get(user=request.user, pk=pk))


@require_POST
def review_run_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    call = call_get(user=request.user, pk=pk)
    try:
        result = assign_reviewers(actor=request.user, call=call)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        n = sum(len(ids) for ids in result.assigned.values())
        titles = dict(review_applications(call).values_list("pk", "title"))
        notes = result.notes(titles)
        text = f"已自动分配评审任务 {n} 个" if n else "各项目的评审专家已满，没有新的分配"
        (messages.warning if notes else messages.success)(request, text + ("。" + "；".join(notes) if notes else ""))
    return redirect("projects:review_assign", pk=pk)


@require_POST
def review_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    call = call_get(user=request.user, pk=pk)
    apps = [a for a in review_applications(call) if a.status == "review"]
    experts = list(pool_of(call).filter(available=True).order_by("name", "id"))
    form = OverrideForm(request.POST, applications=apps, experts=experts)
    if form.is_valid():
        d = form.cleaned_data
        app = next(a for a in apps if str(a.pk) == d["application"])
        expert = next(e for e in experts if str(e.pk) == d["expert"])
        try:
            assignment_override(actor=request.user, application=app, expert=expert, reason=d["reason"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已指定{expert.name}评审“{app.title}”")
            return redirect("projects:review_assign", pk=pk)
    return _assign_page(request, call, override_form=form)


@require_POST
def assignment_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    assignment = assignment_get(user=request.user, pk=pk)
    call_pk = assignment.application.call_id
    try:
        assignment_remove(actor=request.user, assignment=assignment)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已移除{assignment.expert.name}对“{assignment.application.title}”的评审任务")
    return redirect("projects:review_assign", pk=call_pk)


@require_POST
def review_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.experts")
    call = call_get(user=request.user, pk=pk)
    try:
        review_close(actor=request.user, call=call)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "专家评审已结束，评分已锁定")
    return redirect("projects:review_results", pk=pk)


def _sort(request) -> str:
    form = ResultSortForm(request.GET or None)
    return (form.cleaned_data.get("sort") or "rank") if form.is_valid() else "rank"


@require_GET
def review_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.view")
    call = call_get(user=request.user, pk=pk)
    sort = _sort(request)
    rows = review_results(call, sort)
    return render(request, "projects/review_results.html", {
        "call": call, "rows": rows, "sort": sort, "sorts": RESULT_SORTS,
        "closed": call.review_closed_at is not None,
        "can_close": may(request.user, "projects.experts") and call.review_closed_at is None,
        "pending": sum(r.pending for r in rows), "can_export": may(request.user, "projects.export"),
    })


@require_GET
def review_export_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.export")
    call = call_get(user=request.user, pk=pk)
    rows = review_results(call, _sort(request))
    headers = ["名次", "项目名称", "申报单位", "技术领域", "评审专家数", "已评分", "平均分", "分差（最高−最低）",
               "各专家得分", "评审意见"]

    def lines():
        for r in rows:
            yield [r.rank, r.application.title, str(r.application.applicant), field_labels([r.application.field])[0],
                   r.reviewers, len(r.totals), round(r.average, 2) if r.average is not None else None,
                   round(r.spread, 2) if r.spread is not None else None,
                   "；".join(f"{a.expert.name} {a.total}" for a in r.assignments if a.submitted_at),
                   "\n".join(f"{a.expert.name}：{a.comment}" for a in r.assignments if a.comment)]

    content = build_xlsx(title="评审结果", headers=headers, rows=lines(), widths=[8, 40, 32, 16, 10, 8, 10, 16, 40, 60])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(content, f"评审结果-{call.title[:40]}-{stamp}.xlsx")


# --- the expert's own --------------------------------------------------------------------------------------------


@require_GET
def my_reviews_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "projects.review")
    return render(request, "projects/my_reviews.html", {"assignments": expert_assignments(request.user)})


@require_http_methods(["GET", "POST"])
def my_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "projects.review")
    assignment = expert_assignment_get(request.user, pk)
    criteria = list(assignment.application.call.criteria.all())
    locked = assignment.submitted_at is not None
    if locked:
        initial = {f"c{s.criterion_id}": s.value for s in assignment.scores.all()} | {"comment": assignment.comment}
        form = ScoreForm(initial=initial, criteria=criteria, disabled=True)
    else:
        form = ScoreForm(request.POST or None, criteria=criteria)
    if request.method == "POST" and not locked and form.is_valid():
        try:
            score_submit(actor=request.user, assignment=assignment, scores=form.scores(),
                         comment=form.cleaned_data["comment"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已提交对“{assignment.application.title}”的评分")
            return redirect("projects:my_review", pk=pk)
    elif request.method == "POST" and locked:
        messages.error(request, "评分已提交，不能再修改")
    app = assignment.application
    return render(request, "projects/my_review.html", {
        "a": assignment, "app": app, "form": form, "locked": locked, "criteria": criteria,
        "field_label": field_labels([app.field])[0],
    })
