"""科技项目, the applicant's side: the workflow rules (every legal and illegal move), budgets that do not add up,
uploads whose content is not what the name says, submission after the close date, another firm's application
(404), withdraw / amend / resubmit, and the bureau entering an institute's application."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keguan.accounts.services import organisation_create
from keguan.core.errors import ServiceError
from keguan.projects.files import check_file
from keguan.projects.models import Application, Level, Status
from keguan.projects.services import applications as svc
from keguan.rules import project_flow as flow

PDF = b"%PDF-1.4\n%%EOF\n"


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return buf.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
XLSX = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})


# --- the rules: pure -------------------------------------------------------------------------------------------

SIDES = (flow.APPLICANT, flow.BUREAU)


@pytest.mark.parametrize("move", flow.MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_every_legal_move_is_allowed_to_its_side_only(move):
    upward = bool(move.upward_only)
    reason = "理由" if move.reason else ""
    assert flow.check_move(move.source, move.target, by=move.by, upward=upward, reason=reason) == move
    other = flow.BUREAU if move.by == flow.APPLICANT else flow.APPLICANT
    with pytest.raises(flow.IllegalMove, match="只能由"):
        flow.check_move(move.source, move.target, by=other, upward=upward, reason=reason)
    if move.reason:
        with pytest.raises(flow.IllegalMove, match="须填写理由"):
            flow.check_move(move.source, move.target, by=move.by, upward=upward, reason="  ")
    if move.own_only:
        with pytest.raises(flow.IllegalMove, match="推荐上级"):
            flow.check_move(move.source, move.target, by=move.by, upward=True, reason=reason)
    if move.upward_only:
        with pytest.raises(flow.IllegalMove, match="专家评审"):
            flow.check_move(move.source, move.target, by=move.by, upward=False, reason=reason)


LEGAL = {(m.source, m.target) for m in flow.MOVES}


@pytest.mark.parametrize("pair", [(a, b) for a in flow.ORDER for b in flow.ORDER if (a, b) not in LEGAL],
                         ids=lambda p: f"{p[0]}->{p[1]}")
def test_every_other_pair_is_refused_in_words(pair):
    for by in SIDES:
        for upward in (False, True):
            with pytest.raises(flow.IllegalMove, match="不能直接变为"):
                flow.check_move(*pair, by=by, upward=upward, reason="理由")


@pytest.mark.parametrize("source", flow.ORDER)
def test_back_steps(source):
    target = flow.BACK.get(source)
    for candidate in flow.ORDER:
        if candidate == target:
            assert flow.check_move(source, candidate, by=flow.BUREAU, upward=False, reason="误操作", back=True) is None
            with pytest.raises(flow.IllegalMove, match="理由"):
                flow.check_move(source, candidate, by=flow.BUREAU, upward=False, back=True)
            with pytest.raises(flow.IllegalMove, match="只有科技局"):
                flow.check_move(source, candidate, by=flow.APPLICANT, upward=False, reason="x", back=True)
        else:
            with pytest.raises(flow.IllegalMove):
                flow.check_move(source, candidate, by=flow.BUREAU, upward=False, reason="x", back=True)


@settings(max_examples=300, deadline=None)
@given(upward=st.booleans(), steps=st.lists(st.tuples(st.sampled_from(flow.ORDER), st.sampled_from(SIDES),
                                                     st.booleans(), st.booleans()), max_size=40))
def test_random_move_sequences_stay_in_the_graph(upward, steps):
    status = flow.DRAFT
    for target, by, back, with_reason in steps:
        try:
            flow.check_move(status, target, by=by, upward=upward, reason="理由" if with_reason else "", back=back)
        except flow.IllegalMove:
            continue
        assert (status, target) in LEGAL or flow.BACK.get(status) == target
        status = target
        assert status in flow.LABELS


# --- files: by content ------------------------------------------------------------------------------------------


def test_files_are_judged_by_their_content():
    assert check_file("a.pdf", PDF) == "pdf"
    assert check_file("a.docx", DOCX) == "docx"
    assert check_file("a.xlsx", XLSX) == "xlsx"
    assert check_file("a.PNG", b"\x89PNG\r\n\x1a\n....") == "png"
    with pytest.raises(ServiceError, match="“伪装.pdf”的内容与文件名不符"):
        check_file("伪装.pdf", _zip({"a.txt": b"x"}))
    with pytest.raises(ServiceError, match="“报表.xlsx”.*实际是Word"):
        check_file("报表.xlsx", DOCX)
    with pytest.raises(ServiceError, match="类型不允许"):
        check_file("run.exe", b"MZ....")
    with pytest.raises(ServiceError, match="空文件"):
        check_file("a.pdf", b"")


# --- the services and views ---------------------------------------------------------------------------------------


@pytest.fixture
def call(world):
    program = svc.program_create(actor=world.leader, region=world.a, name="区科技计划", level=Level.COUNTY,
                                 managing_body="区科技局")
    today = dt.date.today()
    return svc.call_create(actor=world.leader, program=program, year=today.year, title="区科技计划申报",
                           opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=5),
                           criteria=[("创新性", 60), ("可行性", 40)])


def _form(**extra) -> dict:
    return {"title": "智能传感器研发", "field": "electronics", "summary": "简介", "team": "张三",
            "own_equipment": "10", "requested_equipment": "20", "requested_labour": "5",
            "own_total_wan": "10", "requested_total_wan": "25", **extra}


def test_criteria_weights_must_add_up_to_100(world, call):
    with pytest.raises(ServiceError, match="合计须为100%，现为90%"):
        svc.call_update(actor=world.leader, call=call, program=call.program, year=call.year, title=call.title,
                        opens_on=call.opens_on, closes_on=call.closes_on, criteria=[("创新性", 50), ("可行性", 40)])


def test_firm_applies_saves_a_draft_and_submits(world, call, login):
    c = login(world.ent_user)
    page = c.get("/projects/apply/")
    assert page.status_code == 200 and "区科技计划申报" in page.content.decode()
    r = c.post("/projects/apply/new/", {"call": call.pk, **_form()})
    app = Application.objects.get(title="智能传感器研发")
    assert r.status_code == 302 and app.enterprise == world.ent_a and app.district == world.a
    assert app.requested == Decimal("250000.00") and app.status == Status.DRAFT
    assert c.post(f"/projects/apply/{app.pk}/submit/").status_code == 302
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED


def test_budget_totals_that_do_not_add_up(world, call, login):
    c = login(world.ent_user)
    r = c.post("/projects/apply/new/", {"call": call.pk, **_form(requested_total_wan="30")})
    assert r.status_code == 200
    assert "申请资助合计填写为30万元，但各科目之和为25万元" in r.content.decode()
    assert not Application.objects.exists()
    # lines changed behind the form's back: the submission is refused
    app = svc.application_start(actor=world.ent_user, call=call, district=world.a, enterprise=world.ent_a,
                                title="x", field="electronics", budget={"equipment": ("0", "100000")})
    Application.objects.filter(pk=app.pk).update(requested=Decimal("90000"))
    app.refresh_from_db()
    with pytest.raises(ServiceError, match="不一致"):
        svc.application_move(actor=world.ent_user, application=app, target=Status.SUBMITTED)


def test_an_upload_that_is_not_what_its_name_says(world, call, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    app = svc.application_start(actor=world.ent_user, call=call, district=world.a, enterprise=world.ent_a,
                                title="x", field="electronics", budget={"equipment": ("0", "100000")})
    c = login(world.ent_user)
    r = c.post(f"/projects/apply/{app.pk}/files/", {"files": SimpleUploadedFile("可研报告.pdf", _zip({"a": b"1"}))},
               follow=True)
    assert "附件“可研报告.pdf”的内容与文件名不符" in r.content.decode()
    assert not app.files.exists()
    c.post(f"/projects/apply/{app.pk}/files/", {"files": SimpleUploadedFile("可研报告.pdf", PDF)})
    f = app.files.get()
    assert f.kind == "pdf"
    assert b"".join(c.get(f"/projects/apply/{app.pk}/files/{f.pk}/").streaming_content) == PDF


def test_no_submission_after_the_close_date(world, call):
    app = svc.application_start(actor=world.ent_user, call=call, district=world.a, enterprise=world.ent_a,
                                title="x", field="electronics", budget={"equipment": ("0", "100000")})
    type(call).objects.filter(pk=call.pk).update(opens_on=dt.date(2024, 1, 1), closes_on=dt.date(2024, 3, 31))
    app.call.refresh_from_db()
    with pytest.raises(ServiceError, match="申报已于2024年3月31日截止"):
        svc.application_move(actor=world.ent_user, application=app, target=Status.SUBMITTED)
    with pytest.raises(ServiceError, match="2024年3月31日截止"):
        svc.application_start(actor=world.ent_user, call=app.call, district=world.a, enterprise=world.ent_a,
                              title="y", field="electronics")


def test_another_firms_application_is_404(world, call, login):
    app = svc.application_start(actor=world.ent_user, call=call, district=world.a, enterprise=world.ent_a,
                                title="甲企业的项目", field="electronics", budget={"equipment": ("0", "100000")})
    c = login(world.ent_user)
    assert c.get(f"/projects/apply/{app.pk}/").status_code == 200
    c = login(world.outsider_ent)
    for url in (f"/projects/apply/{app.pk}/", f"/projects/apply/{app.pk}/edit/"):
        assert c.get(url).status_code == 404
    assert c.post(f"/projects/apply/{app.pk}/submit/").status_code == 404
    # a call of another district: not offered, and refused
    assert "区科技计划申报" not in c.get("/projects/apply/").content.decode()
    assert c.get(f"/projects/apply/call/?call={call.pk}").status_code == 404
    r = c.post("/projects/apply/new/", {"call": call.pk, **_form()})
    assert r.status_code == 302 and Application.objects.count() == 1


def test_withdraw_return_amend_resubmit(world, call, login):
    c = login(world.ent_user)
    c.post("/projects/apply/new/", {"call": call.pk, **_form()})
    app = Application.objects.get()
    c.post(f"/projects/apply/{app.pk}/submit/")
    c.post(f"/projects/apply/{app.pk}/withdraw/")
    app.refresh_from_db()
    assert app.status == Status.DRAFT
    c.post(f"/projects/apply/{app.pk}/submit/")
    app.refresh_from_db()
    svc.application_move(actor=world.leader, application=app, target=Status.RETURNED, reason="预算说明不完整")
    page = c.get("/projects/apply/").content.decode()
    assert "退回修改：预算说明不完整" in page
    app.refresh_from_db()
    r = c.post(f"/projects/apply/{app.pk}/edit/", _form(title="智能传感器研发（修改）", version=app.version))
    assert r.status_code == 302
    c.post(f"/projects/apply/{app.pk}/submit/")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED and app.title == "智能传感器研发（修改）"
    assert [s.to_status for s in app.steps.order_by("at", "id")] == ["submitted", "draft", "submitted", "returned",
                                                                      "submitted"]
    # once submitted, the form is closed and withdrawal is the applicant's only move
    assert c.get(f"/projects/apply/{app.pk}/edit/").status_code == 302


def test_a_stale_edit_is_refused_with_the_form_kept(world, call, login):
    app = svc.application_start(actor=world.ent_user, call=call, district=world.a, enterprise=world.ent_a,
                                title="旧名", field="electronics", budget={"equipment": ("0", "100000")})
    old = app.version
    svc.application_save(actor=world.ent_user, application=app, title="别人改的", field="electronics",
                         budget={"equipment": ("0", "100000")})
    r = login(world.ent_user).post(f"/projects/apply/{app.pk}/edit/", _form(title="我改的", version=old))
    assert r.status_code == 200 and "保存失败" in r.content.decode()


def test_staff_enter_an_institutes_application(world, call, login):
    org = organisation_create(actor=None, kind="institute", name="青秀农业研究所", region=world.a_town)
    c = login(world.staff)
    r = c.post("/projects/entry/new/", {"call": call.pk, "organisation": org.pk, **_form()})
    app = Application.objects.get()
    assert r.status_code == 302 and app.organisation == org and app.enterprise is None and app.district == world.a
    c.post(f"/projects/entry/{app.pk}/submit/")
    app.refresh_from_db()
    assert app.status == Status.SUBMITTED
    # the bureau's own moves still go as the bureau
    svc.application_move(actor=world.staff, application=app, target=Status.SCREENING)
    # an enterprise user cannot reach the entry pages
    assert login(world.ent_user).get(f"/projects/entry/{app.pk}/").status_code == 403


def test_program_edit_and_deactivate(world, call, login):
    c = login(world.leader)
    program = call.program
    r = c.post(f"/projects/programs/{program.pk}/edit/", {"name": "区科技计划（新）", "level": "county",
                                                          "managing_body": "区科技局", "version": program.version})
    assert r.status_code == 302
    r = c.post(f"/projects/programs/{program.pk}/edit/", {"name": "再改", "level": "county",
                                                          "managing_body": "区科技局", "version": program.version})
    assert r.status_code == 200 and "保存失败" in r.content.decode()
    c.post(f"/projects/programs/{program.pk}/active/")
    program.refresh_from_db()
    assert not program.active
    with pytest.raises(ServiceError, match="已停用"):
        svc.call_create(actor=world.leader, program=program, year=2025, title="x", opens_on=dt.date.today(),
                        closes_on=dt.date.today(), criteria=[("a", 100)])


def test_pages_that_name_the_call_in_the_query_answer_foreign_calls_like_missing_ones(world, call, login):
    """The scope walker fills URL keywords only; the applicant's pages that take the call (and a call's file)
    from the query string are probed here, with a call of district B, a file of another call and a missing id.
    A foreign call must answer as a missing one: 404 on the reading pages, the call list on the forms, and
    never its title or file."""
    today = dt.date.today()
    program_b = svc.program_create(actor=world.outsider, region=world.b, name="乙区计划", level=Level.COUNTY,
                                   managing_body="乙区科技局")
    call_b = svc.call_create(actor=world.outsider, program=program_b, year=today.year, title="乙区保密申报通知",
                             opens_on=today - dt.timedelta(days=5), closes_on=today + dt.timedelta(days=5),
                             criteria=[("创新性", 100)])
    [own_file] = svc.call_attach(actor=world.leader, call=call, files=[("指南.pdf", PDF)])
    [b_file] = svc.call_attach(actor=world.outsider, call=call_b, files=[("乙区指南.pdf", PDF)])
    firm = login(world.ent_user)
    assert firm.get(f"/projects/apply/call/?call={call.pk}").status_code == 200
    assert firm.get(f"/projects/apply/call/file/?call={call.pk}&file={own_file.pk}").status_code == 200
    probes = [f"/projects/apply/call/?call={call_b.pk}", "/projects/apply/call/?call=999999",
              f"/projects/apply/call/file/?call={call_b.pk}&file={b_file.pk}",
              f"/projects/apply/call/file/?call={call.pk}&file={b_file.pk}",  # B's file under A's call
              "/projects/apply/call/?call=abc", f"/projects/apply/call/file/?call={call.pk}&file=x"]
    for url in probes:
        r = firm.get(url)
        assert r.status_code == 404, url
        assert "乙区" not in r.content.decode(), url
    for url in (f"/projects/apply/new/?call={call_b.pk}", "/projects/apply/new/?call=999999"):
        r = firm.get(url, follow=True)
        assert "乙区保密申报通知" not in r.content.decode() and "不存在或不面向本单位" in r.content.decode()
    # the bureau entering an institute's application: only its own district's calls
    staff = login(world.staff)
    assert staff.get(f"/projects/entry/new/?call={call.pk}").status_code == 200
    r = staff.get(f"/projects/entry/new/?call={call_b.pk}", follow=True)
    assert "乙区保密申报通知" not in r.content.decode() and "不存在或不面向本单位" in r.content.decode()
    r = staff.post("/projects/entry/new/", {"call": call_b.pk, **_form()}, follow=True)
    assert not Application.objects.filter(call=call_b).exists()
