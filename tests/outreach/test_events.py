"""科技活动: the event form (materials, firms by name or credit code, photos all-or-nothing), edit with a stale
version refused, delete with a confirmation, photos served only in scope, the list's filters and export, the
calendar, the import kind, the firm's page, and the indicators and summary sentences drawn from the rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from keguan.core.errors import ImportRejected
from keguan.exchange.engine import run_import
from keguan.exchange.kinds import Context
from keguan.indicators import registry as indicators
from keguan.outreach.exchange.events import (
    C_FIRMS,
    C_KIND,
    C_PEOPLE,
    C_ROLE,
    C_STARTS,
    C_TITLE,
    EVENTS,
    MATERIAL_HEADERS,
)
from keguan.outreach.models import Event, EventFirm, EventMaterial, EventPhoto
from keguan.outreach.services.events import EventData, FirmEntry, event_create
from keguan.reports.builder import build_draft
from keguan.rules.periods import Period
from tests.conftest import workbook

DAY = dt.date.today().replace(day=1) - dt.timedelta(days=20)


def png(name="现场.png", size=(40, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", size, "orange").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def media_files() -> set[str]:
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / "outreach"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def form(**extra) -> dict:
    return {"kind": "countryside", "role": "host", "title": "科技下乡进石埠", "starts_on": DAY.isoformat(),
            "participants": "1500", "questions": "120", "material_brochure": "12000", "material_leaflet": "800",
            **extra}


def make_event(world, **kw) -> Event:
    data = {"kind": "countryside", "title": "科技下乡", "starts_on": DAY, **kw.pop("data", {})}
    return event_create(actor=world.staff, region=kw.pop("region", world.a), data=EventData(**data), **kw)


def test_staff_record_an_event_with_materials_firms_and_photos(world, client):
    client.force_login(world.staff)
    before = media_files()
    data = form(township=world.a_town.pk, firm_0=world.ent_a.name, firm_role_0="exhibit", firm_outcome_0="达成合作意向1项",
                firm_1=world.ent_a2.credit_code.lower(), photos=[png(), png("二.png")])
    response = client.post(reverse("outreach:event_create"), data)
    assert response.status_code == 302
    e = Event.objects.get(title="科技下乡进石埠")
    assert (e.region, e.township, e.participants, e.created_by) == (world.a, world.a_town, 1500, world.staff)
    assert {m.kind: m.count for m in e.materials.all()} == {"brochure": 12000, "leaflet": 800}
    assert {(f.enterprise, f.role, f.outcome) for f in e.firms.all()} == {
        (world.ent_a, "exhibit", "达成合作意向1项"), (world.ent_a2, "attend", "")}
    assert e.photos.count() == 2 and len(media_files() - before) == 2
    assert e.history.first().history_user == world.staff
    page = client.get(response["Location"]).content.decode()
    assert "宣传册" in page and "12000本" in page and world.ent_a.name in page
    photo = e.photos.first()
    assert reverse("outreach:event_photo", args=[photo.pk]) in page
    served = client.get(reverse("outreach:event_photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    # the outsider (district B) and a firm's user get what a missing photo gets
    for user in (world.outsider, world.ent_user):
        client.force_login(user)
        missing = client.get(reverse("outreach:event_photo", args=[987654]))
        assert client.get(reverse("outreach:event_photo", args=[photo.pk])).status_code == missing.status_code != 200


def test_a_refused_photo_stores_nothing(world, client):
    client.force_login(world.staff)
    before = media_files()
    fake = SimpleUploadedFile("假照片.jpg", b"MZ not an image", content_type="image/jpeg")
    response = client.post(reverse("outreach:event_create"), form(photos=[png(), fake]))
    assert response.status_code == 200
    assert "照片“假照片.jpg”不是图片文件" in response.content.decode()
    assert not Event.objects.exists() and not EventPhoto.objects.exists() and media_files() == before
    # on an event's page too: nothing added, the error beside the field
    e = make_event(world)
    fake = SimpleUploadedFile("假照片.jpg", b"MZ not an image", content_type="image/jpeg")
    response = client.post(reverse("outreach:event_photos_add", args=[e.pk]), {"photos": [png(), fake]})
    assert response.status_code == 200 and "不是图片文件" in response.content.decode()
    assert not e.photos.exists() and media_files() == before


def test_firms_must_be_the_districts_own_and_errors_show_beside_the_row(world, client):
    client.force_login(world.staff)
    response = client.post(reverse("outreach:event_create"), form(firm_0=world.ent_a.name, firm_1=world.ent_b.credit_code))
    text = response.content.decode()
    assert response.status_code == 200 and not Event.objects.exists()
    assert f"“{world.ent_b.credit_code}”不是青秀区企业库中的企业" in text
    assert world.ent_b.name not in text  # the foreign firm's name is never revealed
    response = client.post(reverse("outreach:event_create"), form(firm_0=world.ent_a.name, firm_1=world.ent_a.credit_code))
    assert "重复填写" in response.content.decode() and not Event.objects.exists()
    response = client.post(reverse("outreach:event_create"), form(starts_on="2025-05-20", ends_on="2025-05-19"))
    assert "结束日期不能早于开始日期" in response.content.decode() and not Event.objects.exists()
    response = client.post(reverse("outreach:event_create"), form(township=world.b_town.pk))
    assert response.status_code == 200 and not Event.objects.exists()


def test_edit_refuses_a_stale_version_and_keeps_the_typed_values(world, client):
    e = make_event(world, materials={"brochure": 100}, firms=[FirmEntry(world.ent_a.name)])
    client.force_login(world.staff)
    page = client.get(reverse("outreach:event_edit", args=[e.pk])).content.decode()
    assert world.ent_a.name in page and 'value="100"' in page
    stale = e.version
    client.post(reverse("outreach:event_edit", args=[e.pk]), form(title="第一次修改", version=stale))
    response = client.post(reverse("outreach:event_edit", args=[e.pk]), form(title="第二次修改", version=stale))
    text = response.content.decode()
    assert response.status_code == 200 and "保存失败" in text and "第二次修改" in text
    e.refresh_from_db()
    assert e.title == "第一次修改" and not e.firms.exists()  # (the first edit had no firm rows)
    assert EventMaterial.objects.get(event=e, kind="brochure").count == 12000


def test_delete_asks_first_and_removes_the_rows(world, client):
    e = make_event(world, materials={"brochure": 100}, firms=[FirmEntry(world.ent_a.name)])
    client.force_login(world.staff)
    confirm = client.get(reverse("outreach:event_delete", args=[e.pk]))
    assert confirm.status_code == 200 and "确定删除" in confirm.content.decode() and Event.objects.filter(pk=e.pk).exists()
    assert client.post(reverse("outreach:event_delete", args=[e.pk])).status_code == 302
    assert not Event.objects.exists() and not EventFirm.objects.exists() and not EventMaterial.objects.exists()
    client.force_login(world.leader)  # read-write for its own district only; the outsider cannot delete A's
    e = make_event(world)
    client.force_login(world.outsider)
    assert client.post(reverse("outreach:event_delete", args=[e.pk])).status_code == 404
    client.force_login(world.city_user)
    assert client.post(reverse("outreach:event_delete", args=[e.pk])).status_code == 403
    assert Event.objects.filter(pk=e.pk).exists()


def test_list_filters_export_and_calendar(world, client):
    week = make_event(world, data={"kind": "science_week", "title": "科技活动周启动仪式", "starts_on": dt.date(2025, 5, 18),
                                   "ends_on": dt.date(2025, 5, 24), "place": "区科技馆"}, materials={"brochure": 3000})
    sent = make_event(world, data={"kind": "roadshow", "role": "sent", "title": "科技计划路演行动长三角专场",
                                   "starts_on": dt.date(2025, 8, 12)}, firms=[FirmEntry(world.ent_a.credit_code, "roadshow")])
    town = make_event(world, data={"title": "科技下乡进村", "starts_on": dt.date(2025, 6, 3), "township": world.a_town2})
    make_event(world, region=world.b, data={"title": "江南区科技下乡", "starts_on": dt.date(2025, 6, 3)})
    client.force_login(world.staff)

    def titles(**params):
        page = client.get(reverse("outreach:events"), params).context["page"]
        return {e.title for e in page.object_list}

    assert titles() == {week.title, sent.title, town.title}
    assert titles(kind="roadshow") == titles(role="sent") == {sent.title}
    assert titles(month="2025-05") == {week.title}
    assert titles(since="2025-05-20", until="2025-05-31") == {week.title}  # (it runs until the 24th)
    assert titles(township=world.a_town2.pk) == {town.title}
    assert titles(q="区科技馆") == {week.title}
    assert titles(enterprise=world.ent_a.pk) == {sent.title}
    assert titles(month="2025-13") == set()  # a bad condition shows nothing, not everything
    export = client.get(reverse("outreach:events_export"), {"kind": "roadshow"})
    ws = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][: 3] == (C_TITLE, C_KIND, C_ROLE) and len(rows) == 2
    assert rows[1][0] == sent.title and rows[1][EVENTS.headers.index(C_FIRMS)] == world.ent_a.credit_code
    selected = client.get(reverse("outreach:events_export"), {"ids": [week.pk, town.pk]})
    assert len(list(load_workbook(io.BytesIO(selected.content)).worksheets[0].iter_rows())) == 3
    cal = client.get(reverse("outreach:event_calendar"), {"month": "2025-05"})
    assert cal.status_code == 200 and cal.context["count"] == 1
    days = {d: evs for d, evs, _more in cal.context["days"]}
    assert dt.date(2025, 5, 24) in days and dt.date(2025, 5, 25) not in days
    # the township liaison sees the events held in its township only; the city sees both districts
    client.force_login(world.town)
    assert titles() == set()
    client.force_login(world.city_user)
    assert "江南区科技下乡" in titles()
    assert titles(district=world.b.pk) == {"江南区科技下乡"}


def test_import_creates_then_updates_by_title_and_start(world):
    head = EVENTS.headers
    row = {C_TITLE: "2025年科技活动周", C_KIND: "科技活动周", C_STARTS: "2025-05-20", C_PEOPLE: 2000,
           MATERIAL_HEADERS["brochure"]: 12000, C_FIRMS: f"{world.ent_a.credit_code}、{world.ent_a2.credit_code}"}
    ctx = Context(user=world.staff, region=world.a)
    result = run_import(EVENTS, workbook([[row.get(h) for h in head]], head), "活动.xlsx", ctx)
    assert result.added == 1
    e = Event.objects.get()
    assert (e.kind, e.participants, e.role) == ("science_week", 2000, "host")
    assert e.materials.get().count == 12000 and e.firms.count() == 2
    again = {**row, C_PEOPLE: 2500, MATERIAL_HEADERS["brochure"]: None, C_FIRMS: None}
    result = run_import(EVENTS, workbook([[again.get(h) for h in head]], head), "活动.xlsx",
                        Context(user=world.staff, region=world.a))
    assert (result.added, result.updated) == (0, 1)
    e.refresh_from_db()
    assert e.participants == 2500 and e.materials.get().count == 12000 and e.firms.count() == 2  # blanks keep
    bad = {**row, C_TITLE: "另一个活动", C_FIRMS: world.ent_b.credit_code, C_KIND: "茶话会"}
    with pytest.raises(ImportRejected) as refused:
        run_import(EVENTS, workbook([[bad.get(h) for h in head]], head), "活动.xlsx",
                   Context(user=world.staff, region=world.a))
    assert Event.objects.count() == 1
    problems = {(col, msg) for _row, col, msg in refused.value.errors}
    assert any(col == C_FIRMS and "不是青秀区企业库中的企业" in msg for col, msg in problems), problems
    assert any(col == C_KIND and "不是科技活动类型" in msg for col, msg in problems), problems


def test_firm_page_shows_the_events_it_took_part_in(world, client):
    e = make_event(world, data={"kind": "roadshow", "role": "sent", "title": "自治区成果转化路演"},
                   firms=[FirmEntry(world.ent_a.name, "roadshow", "获得投资机构关注")])
    client.force_login(world.staff)
    page = client.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    assert "自治区成果转化路演" in page and "获得投资机构关注" in page
    assert reverse("outreach:event", args=[e.pk]) in page
    client.force_login(world.ent_user)  # the firm itself: its row, no link to the bureau's page
    page = client.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    assert "自治区成果转化路演" in page and reverse("outreach:event", args=[e.pk]) not in page
    client.force_login(world.staff)
    page = client.get(reverse("enterprises:detail", args=[world.ent_a2.pk])).content.decode()
    assert "自治区成果转化路演" not in page and "暂无参加科技活动的记录" in page


def test_indicators_and_summary_sentences_follow_the_rows(world):
    day = dt.date(2025, 3, 10)
    for i in range(3):
        make_event(world, data={"title": f"科技下乡{i}", "starts_on": day + dt.timedelta(days=i),
                                "participants": 4000, "questions": 100},
                   materials={"brochure": 4000 + i, "leaflet": 100})
    make_event(world, data={"kind": "training", "title": "高素质农民培训班", "starts_on": day, "trainees": 80})
    make_event(world, data={"kind": "roadshow", "role": "sent", "title": "科技部科技计划路演行动长三角专场",
                            "starts_on": dt.date(2025, 8, 12)},
               firms=[FirmEntry(world.ent_a.name), FirmEntry(world.ent_a2.name)])
    make_event(world, region=world.b, data={"title": "江南区下乡", "starts_on": day, "participants": 99})
    make_event(world, data={"title": "去年的下乡", "starts_on": dt.date(2024, 3, 1), "participants": 5})
    year = Period.parse("2025")
    ids = [world.a.pk, world.b.pk]

    def value(code):
        return indicators.get(code).by_district(ids, year, {}).get(world.a.pk)

    assert value("events_total") == 5 and value("events_kind_countryside") == 3
    assert value("event_participants") == 12000 and value("event_questions") == 300
    assert value("event_material_brochure") == 12003 and value("event_materials") == 12303
    assert value("event_trainees") == 80 and value("event_firms") == 2
    assert indicators.get("events_total").by_district(ids, year, {})[world.b.pk] == 1
    url = indicators.get("events_kind_countryside").records_url(world.a, year)
    assert url.startswith(reverse("outreach:events")) and "kind=countryside" in url and f"district={world.a.pk}" in url
    text = build_draft(world.a, year, today=dt.date(2026, 1, 10)).plain_text()
    assert "加强科普宣传和企业服务，营造浓厚科技创新氛围" in text
    assert "开展科技下乡活动3次" in text
    assert "发放各类科技知识宣传册一万余本、明白纸300份" in text and "服务群众万余人次" in text
    assert "为群众解答各类疑难问题300个" in text
    assert "举办培训班1期" in text and "80人次" in text
    assert "8月12日，组织2家企业参加科技部科技计划路演行动长三角专场" in text
    assert "江南区" not in text
    half = build_draft(world.a, Period.parse("2025H1"), today=dt.date(2025, 7, 8)).plain_text()
    assert "路演行动长三角专场" not in half and "开展科技下乡活动3次" in half
    assert Decimal(value("events_total")) == Event.objects.filter(region=world.a, starts_on__year=2025).count()
