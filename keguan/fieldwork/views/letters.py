"""Pages of 科技特派员 (letters): 责任状 by year with their status and the year-end assessment (points by the
district's rule, line by line), the 考核计分规则 page, 特派员培训 with attendance, and an expert service
team's own annual summary as a Word file. Who may do what is asked of ``keguan.core.permissions``
(``fieldwork.view``, ``fieldwork.own`` for a commissioner's own letters, ``fieldwork.manage`` to write)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from keguan.accounts.preferences import list_state
from keguan.core.errors import ServiceError
from keguan.core.excel import xlsx_response
from keguan.core.lists import Column, ListSpec, filter_summary, register_list
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import can_write, get_for_user, home_district, within_township
from keguan.enterprises.selectors import districts_in_scope
from keguan.rules import commissioner_points as points

from ..exchange.letters import letter_export_xlsx
from ..forms.letters import (
    LetterAssessForm,
    LetterCreateForm,
    LetterEditForm,
    LetterFilterForm,
    PointsRuleForm,
    TrainingFilterForm,
    TrainingForm,
)
from ..models import Commissioner, Team
from ..selectors import letters as sel
from ..services.letters import (
    letter_assess,
    letter_create,
    letter_update,
    parse_weights,
    points_rule_save,
    training_create,
    training_update,
)
from ..team_summary import team_summary_docx, team_summary_years

LETTER_LIST = register_list(ListSpec(code="fieldwork.letters", title="责任状", columns=(
    Column("name", "科技特派员", fixed=True), Column("year", "年度"), Column("district", "区县"),
    Column("employer", "派出单位"), Column("goals", "目标数"), Column("signed_on", "签订日期"),
    Column("status", "状态"), Column("points", "考核得分"), Column("rating", "考核等次"),
)))
TRAINING_LIST = register_list(ListSpec(code="fieldwork.trainings", title="特派员培训", columns=(
    Column("title", "培训名称", fixed=True), Column("held_on", "培训日期"), Column("district", "区县"),
    Column("place", "地点"), Column("organiser", "主办单位"), Column("hours", "学时"),
    Column("attended", "参训人数"), Column("total_hours", "参训总学时", default=False),
)))


def _reader(user) -> None:
    """Letters are read by the bureau (``fieldwork.view``) and by a commissioner, its own (``fieldwork.own``)."""
    if not (may(user, "fieldwork.view") or may(user, "fieldwork.own")):
        demand(user, "fieldwork.view")


def _int(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 0 < number < 2**31 else -1


def _district_filter(request: HttpRequest) -> tuple[list, int | None]:
    """The districts a city user chooses among, and the one chosen (-1 for one outside its area)."""
    own = home_district(request.user)
    if own is not None:
        return [], None
    districts = list(districts_in_scope(user=request.user))
    chosen = _int(request.GET.get("district"))
    if chosen is not None and chosen not in {d.pk for d in districts}:
        chosen = -1
    return districts, chosen


# --- 责任状 -----------------------------------------------------------------------------------------------


def _letter_filters(request: HttpRequest):
    """The list's filters (the current year when none is given), shared by the page and its export."""
    districts, district = _district_filter(request)
    form = LetterFilterForm(request.GET or None, years=sel.letter_years(user=request.user))
    if not form.is_bound:
        filters = sel.LetterFilters(year=timezone.localdate().year if not request.GET else None, district=district)
    elif form.is_valid():
        d = form.cleaned_data
        filters = sel.LetterFilters(year=d.get("year"), status=d.get("status") or "", rating=d.get("rating") or "",
                                    q=(d.get("q") or "").strip(), district=district,
                                    signed_since=d.get("signed_since"), signed_until=d.get("signed_until"))
    else:
        filters = sel.LetterFilters(invalid=True)
    return form, filters, districts, district


@require_GET
def letter_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    _reader(user)
    form, filters, districts, district = _letter_filters(request)
    qs = sel.letter_list(user=user, filters=filters)
    kit = list_state(request, LETTER_LIST)
    page = kit.paginate(request, qs)
    for letter in page.object_list:
        letter.status = sel.letter_status(letter)
        letter.status_label = sel.STATUS_LABELS[letter.status]
    own = home_district(user)
    context = {
        "kit": kit, "page": page, "form": form, "query": querystring_without(request, "page"),
        "counts": sel.letter_counts(qs), "year": filters.year, "districts": districts, "district": district,
        "filtered": bool(request.GET.get("q") or request.GET.get("status") or request.GET.get("rating")),
        "can_write": may(user, "fieldwork.manage") and own is not None,
        "filter_note": filter_summary(form) if form.is_bound else f"{filters.year}年度",
        "staff_view": may(user, "fieldwork.view"), "can_export": may(user, "fieldwork.export"),
    }
    return render(request, "fieldwork/letters/list.html", context)


@require_GET
def letter_export_view(request: HttpRequest) -> HttpResponse:
    """The letters as the list shows them (its filters; the current year when none is given) as .xlsx."""
    user = request.user
    demand(user, "fieldwork.export")
    form, filters, districts, district = _letter_filters(request)
    note = filter_summary(form) if form.is_bound else f"{filters.year}年度"
    chosen = next((d.name for d in districts if d.pk == district), "")
    if chosen:
        note = f"{note}；区县：{chosen}"
    content = letter_export_xlsx(sel.letter_list(user=user, filters=filters), filters_note=note)
    year = f"{filters.year}年度" if filters.year else "全部年度"
    return xlsx_response(content, f"科技特派员责任状-{year}-{timezone.localtime():%Y%m%d-%H%M}.xlsx")


@require_http_methods(["GET", "POST"])
def letter_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    district = home_district(user)
    if district is None:
        raise PermissionDenied("只有区县科技局人员可以登记本区县特派员的责任状")
    year = _int(request.POST.get("year") or request.GET.get("year")) or timezone.localdate().year
    commissioners = sel.commissioners_for_letters(district, year if year > 0 else None)
    initial = {}
    chosen = _int(request.GET.get("commissioner"))
    if chosen and chosen > 0 and commissioners.filter(pk=chosen).exists():
        initial["commissioner"] = chosen
    form = LetterCreateForm(request.POST or None, commissioners=commissioners, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            letter = letter_create(actor=user, commissioner=d["commissioner"], year=d["year"], goals=d["goals"],
                                   signed_on=d["signed_on"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已登记{letter.commissioner.name}{letter.year}年度责任状")
            return redirect("fieldwork:letter", pk=letter.pk)
    return render(request, "fieldwork/letters/letter_form.html",
                  {"form": form, "letter": None, "district": district, "has_commissioners": commissioners.exists()})


def _assessment(letter, goals_met=None):
    record, result = sel.letter_assessment(letter, goals_met=goals_met)
    return {"record": record, "result": result}


@require_GET
def letter_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request.user)
    letter = sel.letter_get(user=request.user, pk=pk)
    status = sel.letter_status(letter)
    now = _assessment(letter)
    context = {
        "letter": letter, "status": status, "status_label": sel.STATUS_LABELS[status], **now,
        "changed_since": letter.points is not None and now["result"].total != letter.points,
        "trainings": sel.commissioner_trainings(letter.commissioner, letter.year),
        "history": sel.letter_history(letter),
        "can_write": may(request.user, "fieldwork.manage") and can_write(request.user, letter),
        "staff_view": may(request.user, "fieldwork.view"),
    }
    return render(request, "fieldwork/letters/letter.html", context)


@require_http_methods(["GET", "POST"])
def letter_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "fieldwork.manage")
    letter = sel.letter_get(user=request.user, pk=pk, write=True)
    form = LetterEditForm(request.POST or None, initial={"goals": letter.goals, "signed_on": letter.signed_on,
                                                         "version": letter.version})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            letter_update(actor=request.user, letter=letter, goals=d["goals"], signed_on=d["signed_on"],
                          version=d.get("version"))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "责任状已保存")
            return redirect("fieldwork:letter", pk=pk)
    return render(request, "fieldwork/letters/letter_form.html", {"form": form, "letter": letter,
                                                                  "district": letter.district})


@require_http_methods(["GET", "POST"])
def letter_assess_view(request: HttpRequest, pk: int) -> HttpResponse:
    """年度考核: the points line by line from the year's records (recomputed for the goals met typed in, with
    重新计算), the suggested rating, and the final rating and notes staff record."""
    demand(request.user, "fieldwork.manage")
    letter = sel.letter_get(user=request.user, pk=pk, write=True)
    goals = len(letter.goal_lines)
    typed = _int(request.POST.get("goals_met") if request.method == "POST" else request.GET.get("goals_met"))
    goals_met = typed if typed is not None and 0 <= typed <= goals else None
    shown = goals_met if goals_met is not None else (letter.goals_met if letter.goals_met is not None else goals)
    now = _assessment(letter, shown)
    if request.method == "POST" and request.POST.get("recompute"):
        form = LetterAssessForm(initial={**request.POST.dict(), "rating": now["result"].rating}, goals=goals)
    else:
        initial = {"goals_met": shown,
                   "rating": letter.rating or now["result"].rating, "assessed_on": letter.assessed_on or timezone.localdate(),
                   "assessment_note": letter.assessment_note, "version": letter.version}
        if request.method == "GET" and goals_met is not None:
            initial.update(rating=now["result"].rating)
        form = LetterAssessForm(request.POST or None, initial=initial, goals=goals)
        if request.method == "POST" and form.is_valid():
            d = form.cleaned_data
            try:
                letter_assess(actor=request.user, letter=letter, goals_met=d["goals_met"], rating=d["rating"],
                              note=d["assessment_note"], assessed_on=d["assessed_on"], version=d.get("version"))
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                messages.success(request, f"已记录{letter.commissioner.name}{letter.year}年度考核："
                                          f"{letter.get_rating_display()}，{letter.points:g}分")
                return redirect("fieldwork:letter", pk=pk)
    return render(request, "fieldwork/letters/assess.html", {"letter": letter, "form": form, **now,
                                                             "goals": goals})


# --- 考核计分规则 ------------------------------------------------------------------------------------------


def _rule_district(request: HttpRequest):
    own = home_district(request.user)
    if own is not None:
        return own, []
    districts = list(districts_in_scope(user=request.user))
    if not districts or within_township(request.user):
        raise PermissionDenied("考核计分规则按区县设定，请从所在区县查看")
    chosen = _int(request.GET.get("district"))
    for d in districts:
        if d.pk == chosen:
            return d, districts
    return districts[0], districts


@require_http_methods(["GET", "POST"])
def points_rule_view(request: HttpRequest) -> HttpResponse:
    """The district's rule in words with a worked example; staff of the district change it (the first save
    creates it; until then the defaults apply)."""
    user = request.user
    _reader(user)
    district, districts = _rule_district(request)
    rule = sel.rule_get(user=user, district=district)
    can_write = may(user, "fieldwork.manage") and home_district(user) is not None
    if request.method == "POST" and not can_write:
        raise PermissionDenied("只有本区县科技局人员可以修改考核计分规则")
    weights = sel.weights_of(rule)
    initial = {name: getattr(weights, name) for name in sel.WEIGHT_FIELDS}
    initial["version"] = rule.version if rule else None
    form = PointsRuleForm(request.POST or None, initial=initial) if can_write else None
    if request.method == "POST" and form.is_valid():
        try:
            new = parse_weights(form.cleaned_data)
            points_rule_save(actor=user, district=district, weights=new, version=form.cleaned_data.get("version"))
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "考核计分规则已保存；此后的年度考核按新规则计分，已考核的责任状保留原得分")
            return redirect("fieldwork:points_rule")
    context = {
        "district": district, "districts": districts, "rule": rule, "weights": weights,
        "words": sel.rule_words(weights), "example": sel.EXAMPLE, "example_points": points.assess(sel.EXAMPLE, weights),
        "form": form, "can_write": can_write, "history": sel.rule_history(rule),
    }
    return render(request, "fieldwork/letters/points_rule.html", context)


# --- 特派员培训 -------------------------------------------------------------------------------------------


@require_GET
def training_list_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    districts, district = _district_filter(request)
    form = TrainingFilterForm(request.GET or None, years=sel.training_years(user=user))
    if not form.is_bound:
        filters = sel.TrainingFilters(district=district)
    elif form.is_valid():
        d = form.cleaned_data
        filters = sel.TrainingFilters(year=d.get("year"), q=(d.get("q") or "").strip(), district=district)
    else:
        filters = sel.TrainingFilters(invalid=True)
    qs = sel.training_list(user=user, filters=filters)
    kit = list_state(request, TRAINING_LIST)
    page = kit.paginate(request, qs)
    context = {
        "kit": kit, "page": page, "form": form, "query": querystring_without(request, "page"),
        "districts": districts, "district": district,
        "filtered": bool(request.GET.get("q") or request.GET.get("year")),
        "can_write": may(user, "fieldwork.manage") and home_district(user) is not None,
        "filter_note": filter_summary(form),
    }
    return render(request, "fieldwork/letters/trainings.html", context)


def _training_form_page(request, form, training, district, commissioners, status=200):
    hours = {}
    if training is not None:
        hours = {a.commissioner_id: a.hours for a in training.attendances.all()}
    for key, value in request.POST.items():
        if key.startswith("hours_") and key[6:].isdigit():
            hours[int(key[6:])] = value
    rows = [(c, hours.get(c.pk, "")) for c in commissioners]
    chosen = set()
    if form.is_bound:
        chosen = {int(v) for v in request.POST.getlist("attendees") if str(v).isdigit()}
    elif training is not None:
        chosen = set(hours)
    return render(request, "fieldwork/letters/training_form.html", {
        "form": form, "training": training, "district": district, "rows": rows, "chosen": chosen}, status=status)


def _save_training(request, form, *, district, training=None):
    if not form.is_valid():
        return None
    attendees = form.attendee_hours()
    if attendees is None:
        return None
    d = form.cleaned_data
    fields = {k: d[k] for k in ("title", "held_on", "hours", "place", "organiser", "note")}
    try:
        if training is None:
            return training_create(actor=request.user, district=district, attendees=attendees, **fields)
        return training_update(actor=request.user, training=training, attendees=attendees,
                               version=d.get("version"), **fields)
    except ServiceError as exc:
        form.add_service_error(exc)
        return None


@require_http_methods(["GET", "POST"])
def training_create_view(request: HttpRequest) -> HttpResponse:
    demand(request.user, "fieldwork.manage")
    district = home_district(request.user)
    if district is None:
        raise PermissionDenied("只有区县科技局人员可以登记本区县的特派员培训")
    commissioners = Commissioner.objects.filter(district=district).order_by("name", "id")
    form = TrainingForm(request.POST or None, commissioners=commissioners)
    if request.method == "POST":
        training = _save_training(request, form, district=district)
        if training is not None:
            messages.success(request, f"已登记培训“{training.title}”，参训 {training.attendances.count()} 人")
            return redirect("fieldwork:training", pk=training.pk)
    return _training_form_page(request, form, None, district, commissioners)


@require_http_methods(["GET", "POST"])
def training_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "fieldwork.manage")
    training = sel.training_get(user=request.user, pk=pk, write=True)
    commissioners = Commissioner.objects.filter(district=training.district).order_by("name", "id")
    form = TrainingForm(request.POST or None, commissioners=commissioners, initial={
        "title": training.title, "held_on": training.held_on, "hours": training.hours, "place": training.place,
        "organiser": training.organiser, "note": training.note, "version": training.version,
        "attendees": [a.commissioner_id for a in training.attendances.all()]})
    if request.method == "POST":
        saved = _save_training(request, form, district=training.district, training=training)
        if saved is not None:
            messages.success(request, "培训已保存")
            return redirect("fieldwork:training", pk=pk)
    return _training_form_page(request, form, training, training.district, commissioners)


@require_GET
def training_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    demand(request.user, "fieldwork.view")
    training = sel.training_get(user=request.user, pk=pk)
    return render(request, "fieldwork/letters/training.html", {
        "training": training, "attendances": sel.training_attendances(training),
        "history": sel.training_history(training),
        "can_write": may(request.user, "fieldwork.manage") and can_write(request.user, training),
    })


# --- 服务团年度总结 ----------------------------------------------------------------------------------------


@require_GET
def team_summary_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert service team's own annual summary (the shape of the teams' reports: 组织保障, 科技下乡, 专家指导,
    培训, 下一步) for ``?year=`` (default: last year), as a Word file."""
    _reader(request.user)
    team = get_for_user(Team.objects.select_related("district"), request.user, pk)
    years = team_summary_years(team)
    year = _int(request.GET.get("year"))
    if year is None:
        year = timezone.localdate().year - 1
    if year not in years:
        raise Http404(f"只能生成{years[-1]}至{years[0]}年的年度总结" if years else "该服务团尚无可总结的年度")
    content = team_summary_docx(team, year)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    name = f"{team.name}{year}年工作总结.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


urlpatterns = [
    path("letters/", letter_list_view, name="letters"),
    path("letters/new/", letter_create_view, name="letter_create"),
    path("letters/export/", letter_export_view, name="letter_export"),
    path("letters/<int:pk>/", letter_detail_view, name="letter"),
    path("letters/<int:pk>/edit/", letter_edit_view, name="letter_edit"),
    path("letters/<int:pk>/assess/", letter_assess_view, name="letter_assess"),
    path("points-rule/", points_rule_view, name="points_rule"),
    path("trainings/", training_list_view, name="trainings"),
    path("trainings/new/", training_create_view, name="training_create"),
    path("trainings/<int:pk>/", training_detail_view, name="training"),
    path("trainings/<int:pk>/edit/", training_edit_view, name="training_edit"),
    path("teams/<int:pk>/summary.docx", team_summary_view, name="team_summary"),
]
