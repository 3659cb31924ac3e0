"""Pages of 科技特派员 (roster): the roster (名册) with a commissioner's page, the expert service teams (专家服务团),
the village coverage (村级覆盖) with a village's flags, the assignments (结对安排), the firms served, and the
commissioner's own page (我的结对). Reading needs ``fieldwork.view``, writing ``fieldwork.manage``, the
export ``fieldwork.export``, 我的结对 ``fieldwork.log``."""

from __future__ import annotations

import datetime as dt
from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keguan.accounts.preferences import list_state
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.excel import build_xlsx, xlsx_response
from keguan.core.history import entries_for
from keguan.core.lists import BatchAction, Column, ListSpec, register_list, selected_ids
from keguan.core.pagination import querystring_without
from keguan.core.permissions import demand, may
from keguan.core.scope import covers_districts, home_district

from ..forms import roster as f
from ..models import FLAGS, Assignment, Commissioner, Team, VillageInfo
from ..selectors import roster as sel
from ..services import roster as svc

ROSTER_LIST = register_list(ListSpec(code="fieldwork.roster", title="科技特派员名册", columns=(
    Column("name", "姓名/名称", fixed=True), Column("district", "区县", default=False), Column("form", "类型"),
    Column("level", "选派层级"), Column("batch", "批次"), Column("kind", "类别"), Column("field", "服务领域"),
    Column("employer", "派出单位"), Column("phone", "联系电话", default=False), Column("period", "服务期"),
    Column("villages", "联系村数"), Column("account", "登录账号", default=False),
), actions=(BatchAction("export", "导出所选", "fieldwork:roster_export", "fieldwork.export", "download"),),
    selectable=True, per_page=20))
ASSIGNMENT_LIST = register_list(ListSpec(code="fieldwork.assignments", title="结对安排", columns=(
    Column("who", "特派员/服务团", fixed=True), Column("target", "服务对象"), Column("township", "乡镇/街道"),
    Column("period", "起止日期"), Column("state", "状态"), Column("note", "备注", default=False),
), per_page=50))
TEAM_LIST = register_list(ListSpec(code="fieldwork.teams", title="专家服务团", columns=(
    Column("name", "名称", fixed=True), Column("kind", "类型"), Column("chief", "首席专家"), Column("members", "成员数"),
    Column("industries", "服务产业"), Column("villages", "结对村数"), Column("period", "组建日期"),
), per_page=20))


def _today() -> dt.date:
    return timezone.localdate()


def _district_or_403(user):
    district = home_district(user)
    if district is None:
        raise PermissionDenied("只有区县科技局人员可以登记本区县的科技特派员")
    return district


def _filtered(request, form) -> bool:
    return form.is_bound and any(v for k, v in request.GET.items() if k not in ("page", "print"))


# --- the roster ---------------------------------------------------------------------------------------------


def _commissioner_filters(request) -> tuple[f.CommissionerFilterForm, sel.CommissionerFilters]:
    form = f.CommissionerFilterForm(request.GET or None)
    ids = tuple(selected_ids(request.GET))
    if not form.is_bound:
        return form, sel.CommissionerFilters(ids=ids)
    if not form.is_valid():
        return form, sel.CommissionerFilters(invalid=True)
    d = form.cleaned_data
    return form, sel.CommissionerFilters(q=(d["q"] or "").strip(), level=d["level"], kind=d["kind"], form=d["form"],
                                         batch=d["batch"], field=d["field"], on=d["on"], ids=ids)


@require_GET
def roster_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    form, filters = _commissioner_filters(request)
    kit = list_state(request, ROSTER_LIST)
    page = kit.paginate(request, sel.commissioner_list(user=user, filters=filters))
    fields = dict(dictionary.choices("service_field"))
    for c in page.object_list:
        c.field_label = fields.get(c.field, c.field)
    district = home_district(user)
    return render(request, "fieldwork/roster/list.html", {
        "kit": kit, "form": form, "page": page, "query": querystring_without(request, "page"),
        "filtered": _filtered(request, form), "today": _today(),
        "can_write": may(user, "fieldwork.manage") and district is not None,
        "can_import": may(user, "fieldwork.import") and district is not None,
        "can_export": may(user, "fieldwork.export"), "many_districts": covers_districts(user),
        "region_code": district.code if district else "",
    })


EXPORT_HEADERS = ("区县", "姓名/名称", "类型", "选派层级", "批次", "类别", "服务领域", "专业特长", "派出单位", "职称/职务",
                  "联系电话", "服务开始日期", "服务结束日期", "当前联系村数", "登录账号")


@require_GET
def roster_export_view(request: HttpRequest) -> HttpResponse:
    """The roster as .xlsx: the rows ticked (``ids``) or those the filters select."""
    user = request.user
    demand(user, "fieldwork.export")
    _form, filters = _commissioner_filters(request)
    fields = dict(dictionary.choices("service_field"))
    rows = ([c.district.name, c.name, c.get_form_display(), c.get_level_display(), c.batch or "",
             c.get_kind_display(), fields.get(c.field, c.field), c.specialty, c.employer, c.title, c.phone,
             c.start_on, c.end_on or "", c.n_villages, c.user.username if c.user else ""]
            for c in sel.commissioner_list(user=user, filters=filters).iterator(chunk_size=500))
    content = build_xlsx(title="科技特派员名册", headers=EXPORT_HEADERS, rows=rows)
    return xlsx_response(content, f"科技特派员名册_{_today():%Y%m%d}.xlsx")


def _commissioner_history(c: Commissioner):
    return entries_for(Commissioner.history.filter(id=c.pk), subject="特派员信息", model=Commissioner,
                       skip=frozenset({"version"}))


@require_GET
def commissioner_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    c = sel.commissioner_get(user=user, pk=pk)
    detail = sel.commissioner_page(user=user, commissioner=c, today=_today())
    return render(request, "fieldwork/roster/commissioner.html", {
        "c": c, "d": detail, "today": _today(), "field_label": dictionary.label("service_field", c.field) if c.field else "",
        "can_write": may(user, "fieldwork.manage"), "history": _commissioner_history(c)[::-1][:50],
        "end_form": f.EndForm(initial={"end_on": _today()}),
    })


@require_http_methods(["GET", "POST"])
def commissioner_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    district = _district_or_403(user)
    form = f.CommissionerForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        try:
            c = svc.commissioner_create(actor=user, district=district, **form.service_data())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已登记科技特派员“{c.name}”")
            return redirect("fieldwork:commissioner", pk=c.pk)
    return render(request, "fieldwork/roster/commissioner_form.html", {"form": form, "c": None})


@require_http_methods(["GET", "POST"])
def commissioner_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    c = sel.commissioner_get(user=user, pk=pk, write=True)
    form = f.CommissionerForm(request.POST or None, district=c.district, commissioner=c)
    if request.method == "POST" and form.is_valid():
        try:
            svc.commissioner_update(actor=user, commissioner=c, version=form.cleaned_data.get("version"),
                                    **form.service_data())
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "特派员信息已保存")
            return redirect("fieldwork:commissioner", pk=pk)
    return render(request, "fieldwork/roster/commissioner_form.html", {"form": form, "c": c})


@require_POST
def commissioner_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    c = sel.commissioner_get(user=user, pk=pk, write=True)
    form = f.EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写服务结束日期")
    else:
        try:
            svc.commissioner_end(actor=user, commissioner=c, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"“{c.name}”的服务期已于{c.end_on:%Y-%m-%d}结束，其结对随之结束")
    return redirect("fieldwork:commissioner", pk=pk)


# --- teams --------------------------------------------------------------------------------------------------


@require_GET
def teams_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    form = f.TeamFilterForm(request.GET or None)
    if not form.is_bound:
        filters = sel.TeamFilters()
    elif form.is_valid():
        filters = sel.TeamFilters(q=(form.cleaned_data["q"] or "").strip(), kind=form.cleaned_data["kind"])
    else:
        filters = sel.TeamFilters(invalid=True)
    kit = list_state(request, TEAM_LIST)
    page = kit.paginate(request, sel.team_list(user=user, filters=filters))
    return render(request, "fieldwork/roster/teams.html", {
        "kit": kit, "form": form, "page": page, "query": querystring_without(request, "page"),
        "filtered": _filtered(request, form),
        "can_write": may(user, "fieldwork.manage") and home_district(user) is not None,
    })


@require_GET
def team_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    team = sel.team_get(user=user, pk=pk)
    can_write = may(user, "fieldwork.manage")
    history = entries_for(Team.history.filter(id=team.pk), subject="服务团", model=Team, skip=frozenset({"version"}))
    return render(request, "fieldwork/roster/team.html", {
        "team": team, "members": sel.team_members(user=user, team=team),
        "assignments": sel.team_assignments(user=user, team=team), "today": _today(), "can_write": can_write,
        "member_form": f.MemberForm(team=team, actor=user) if can_write else None, "history": history[::-1][:50],
    })


@require_http_methods(["GET", "POST"])
def team_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    district = _district_or_403(user)
    form = f.TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            team = svc.team_create(actor=user, district=district, **data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已组建“{team.name}”，请添加成员并指定首席专家")
            return redirect("fieldwork:team", pk=team.pk)
    return render(request, "fieldwork/roster/team_form.html", {"form": form, "team": None})


@require_http_methods(["GET", "POST"])
def team_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    team = sel.team_get(user=user, pk=pk, write=True)
    form = f.TeamForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            svc.team_update(actor=user, team=team, version=form.cleaned_data.get("version"), **data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "服务团信息已保存")
            return redirect("fieldwork:team", pk=pk)
    return render(request, "fieldwork/roster/team_form.html", {"form": form, "team": team})


@require_POST
def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    team = sel.team_get(user=user, pk=pk, write=True)
    form = f.MemberForm(request.POST, team=team, actor=user)
    if form.is_valid():
        try:
            member = svc.team_member_add(actor=user, team=team, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"“{member.commissioner.name}”已加入服务团" + ("，任首席专家" if member.is_chief else ""))
    else:
        messages.error(request, "请选择要加入的成员（须为本区县名册中尚未加入本团的特派员）")
    return redirect("fieldwork:team", pk=pk)


@require_POST
def member_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    member = sel.member_get(user=user, pk=pk, write=True)
    svc.team_member_remove(actor=user, member=member)
    messages.success(request, f"已将“{member.commissioner.name}”移出服务团")
    return redirect("fieldwork:team", pk=member.team_id)


@require_POST
def member_chief_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    member = sel.member_get(user=user, pk=pk, write=True)
    svc.team_member_set_chief(actor=user, member=member)
    messages.success(request, f"“{member.commissioner.name}”已任首席专家")
    return redirect("fieldwork:team", pk=member.team_id)


# --- coverage and villages ----------------------------------------------------------------------------------


def _period(form: f.CoverageForm) -> sel.Period:
    d = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if d.get("start") and d.get("end"):
        return sel.Period(d["start"], d["end"])
    return sel.Period.year(d.get("year") or _today().year)


_BADGES = tuple(format_html('<span class="badge text-bg-{}">{}</span> ', css, short) for css, short in (
    ("success", "重点产业"), ("warning", "经济薄弱"), ("info", "振兴驻点")))


def _coverage_rows(rows: list[sel.CoverageRow], *, printing: bool) -> str:
    """The villages' rows of the coverage table, rendered here rather than in the template: 2,000 rows cost
    ~10 ms as Python string formatting and ~300 ms as template variable lookups (bench_fieldwork_coverage)."""
    base = reverse("fieldwork:village", args=[0])[:-2]  # "/fieldwork/villages/"
    out = []
    for r in rows:
        town, name = escape(r.township), escape(r.name)
        link = name if printing else f'<a href="{base}{r.pk}/">{name}</a>'
        badges = "".join(b for b, on in zip(_BADGES, r.flags, strict=True) if on)
        serving = escape("、".join(r.serving)) if r.serving else '<span class="badge text-bg-danger">未覆盖</span>'
        mark = "" if r.serving else ' class="table-danger" data-uncovered'
        out.append(f'<tr data-village{mark}><td class="kg-hide-sm small">{town}</td><td>{link}'
                   f'<div class="d-sm-none small text-muted">{town}</div></td><td class="kg-hide-sm small">{badges}</td>'
                   f"<td>{serving}</td></tr>")
    return mark_safe("\n".join(out))  # noqa: S308 (every value above is escaped)


@require_GET
def coverage_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    towns = sel.townships(user=user)
    form = f.CoverageForm(request.GET or None, townships=towns)
    valid = not form.is_bound or form.is_valid()
    d = form.cleaned_data if form.is_bound and valid else {}
    period = _period(form)
    cov = sel.coverage(user=user, period=period, township=d.get("township"), flag=d.get("flag") or "",
                       uncovered=bool(d.get("uncovered")))
    if not valid:
        cov.rows = []
    return render(request, "fieldwork/roster/coverage.html", {
        "form": form, "valid": valid, "cov": cov, "flags": FLAGS, "towns": towns,
        "rows_html": _coverage_rows(cov.rows, printing=request.GET.get("print") == "1"),
        "print_note": f"统计期间：{period.label}", "can_write": may(user, "fieldwork.manage"),
        "query": querystring_without(request, "print"),
    })


@require_GET
def village_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    village = sel.village_get(user=user, pk=pk)
    info = sel.village_info(village)
    can_write = may(user, "fieldwork.manage")
    history = entries_for(VillageInfo.history.filter(village_id=village.pk), subject="村级标识", model=VillageInfo,
                          skip=frozenset({"district", "township"}))
    return render(request, "fieldwork/roster/village.html", {
        "village": village, "info": info, "assignments": sel.village_assignments(user=user, village=village),
        "today": _today(), "can_write": can_write, "history": history[::-1][:30],
        "form": f.VillageFlagsForm(initial={name: getattr(info, name) for name in
                                            ("key_industry", "weak_economy", "revitalisation", "industries")}
                                   if info else None) if can_write else None,
    })


@require_POST
def village_flags_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    village = sel.village_get(user=user, pk=pk)
    form = f.VillageFlagsForm(request.POST)
    form.is_valid()  # (booleans and an optional text: always valid but for length)
    if form.errors:
        messages.error(request, "主导产业最多100字")
    else:
        try:
            svc.village_flags_set(actor=user, village=village, **form.cleaned_data)
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已保存{village.name}的村级标识")
    return redirect("fieldwork:village", pk=pk)


# --- assignments --------------------------------------------------------------------------------------------


@require_GET
def assignments_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.view")
    form = f.AssignmentFilterForm(request.GET or None, townships=sel.townships(user=user))
    if not form.is_bound:
        filters = sel.AssignmentFilters()
    elif form.is_valid():
        d = form.cleaned_data
        filters = sel.AssignmentFilters(q=(d["q"] or "").strip(), target=d["target"], kind=d["kind"],
                                        township=d["township"], state=d["state"], on=d["on"])
    else:
        filters = sel.AssignmentFilters(invalid=True)
    kit = list_state(request, ASSIGNMENT_LIST)
    page = kit.paginate(request, sel.assignment_list(user=user, filters=filters))
    return render(request, "fieldwork/roster/assignments.html", {
        "kit": kit, "form": form, "page": page, "query": querystring_without(request, "page"),
        "filtered": _filtered(request, form), "today": _today(),
        "can_write": may(user, "fieldwork.manage") and home_district(user) is not None,
        "can_import": may(user, "fieldwork.import") and home_district(user) is not None,
        "region_code": home_district(user).code if home_district(user) else "",
    })


@require_http_methods(["GET", "POST"])
def assignment_create_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    district = _district_or_403(user)
    initial = {"start_on": _today()}
    for key in ("commissioner", "team", "village"):
        if request.GET.get(key, "").isdigit():
            initial[key] = int(request.GET[key])
    form = f.AssignmentForm(request.POST or None, actor=user, district=district, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            a = svc.assignment_create(actor=user, district=district, **form.cleaned_data)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"已登记结对：{a}")
            return redirect(_after(request, a))
    return render(request, "fieldwork/roster/assignment_form.html", {"form": form, "a": None})


def _after(request, a: Assignment) -> str:
    nxt = request.POST.get("next") or ""
    if nxt.startswith("/fieldwork/") and "//" not in nxt:
        return nxt
    return reverse("fieldwork:assignments")


@require_http_methods(["GET", "POST"])
def assignment_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    a = sel.assignment_get(user=user, pk=pk, write=True)
    form = f.AssignmentEditForm(request.POST or None, assignment=a)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            svc.assignment_update(actor=user, assignment=a, version=d.get("version"), start_on=d["start_on"],
                                  end_on=d["end_on"], note=d["note"])
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, "结对安排已保存")
            return redirect(_after(request, a))
    history = entries_for(Assignment.history.filter(id=a.pk), subject="结对安排", model=Assignment,
                          skip=frozenset({"version"}))
    return render(request, "fieldwork/roster/assignment_form.html", {"form": form, "a": a,
                                                                     "history": history[::-1][:30]})


@require_POST
def assignment_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.manage")
    a = sel.assignment_get(user=user, pk=pk, write=True)
    form = f.EndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写结束日期")
    else:
        try:
            svc.assignment_end(actor=user, assignment=a, end_on=form.cleaned_data["end_on"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"结对已于{a.end_on:%Y-%m-%d}结束")
    return redirect(_after(request, a))


@require_GET
def firms_view(request: HttpRequest) -> HttpResponse:
    """Firms with a commissioner or a team assigned today (or on a chosen date); 只看工业特派员."""
    user = request.user
    demand(user, "fieldwork.view")
    try:
        on = dt.date.fromisoformat(request.GET.get("on") or "")
    except ValueError:
        on = _today()
    industrial = request.GET.get("industrial") == "1"
    return render(request, "fieldwork/roster/firms.html", {
        "rows": sel.firms_served(user=user, on=on, industrial_only=industrial), "on": on, "industrial": industrial,
    })


# --- 我的结对 -------------------------------------------------------------------------------------------------


@require_GET
def mine_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    demand(user, "fieldwork.log")
    today = _today()
    current, past = sel.my_assignments(user=user, on=today)
    return render(request, "fieldwork/roster/mine.html", {
        "c": sel.my_commissioner(user=user), "current": current, "past": past, "today": today,
    })


urlpatterns = [
    path("roster/", roster_view, name="roster"),
    path("roster/export.xlsx", roster_export_view, name="roster_export"),
    path("roster/new/", commissioner_create_view, name="commissioner_create"),
    path("roster/<int:pk>/", commissioner_view, name="commissioner"),
    path("roster/<int:pk>/edit/", commissioner_edit_view, name="commissioner_edit"),
    path("roster/<int:pk>/end/", commissioner_end_view, name="commissioner_end"),
    path("teams/", teams_view, name="teams"),
    path("teams/new/", team_create_view, name="team_create"),
    path("teams/<int:pk>/", team_view, name="team"),
    path("teams/<int:pk>/edit/", team_edit_view, name="team_edit"),
    path("teams/<int:pk>/members/add/", member_add_view, name="member_add"),
    path("teams/members/<int:pk>/remove/", member_remove_view, name="member_remove"),
    path("teams/members/<int:pk>/chief/", member_chief_view, name="member_chief"),
    path("coverage/", coverage_view, name="coverage"),
    path("villages/<int:pk>/", village_view, name="village"),
    path("villages/<int:pk>/flags/", village_flags_view, name="village_flags"),
    path("assignments/", assignments_view, name="assignments"),
    path("assignments/new/", assignment_create_view, name="assignment_create"),
    path("assignments/<int:pk>/edit/", assignment_edit_view, name="assignment_edit"),
    path("assignments/<int:pk>/end/", assignment_end_view, name="assignment_end"),
    path("firms/", firms_view, name="firms"),
    path("mine/", mine_view, name="mine"),
]
