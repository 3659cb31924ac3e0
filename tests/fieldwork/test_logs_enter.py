"""代为登记: staff who manage the logs enter a service a commissioner reported by phone or WeChat. The log is the
commissioner's (its list, its edits) and records who entered it (``entered_by``), shown on the log's page, in
the staff list and in the export. Only commissioners and places of the clerk's own scope can be chosen."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from keguan.exchange.engine import run_import
from keguan.exchange.kinds import Context
from keguan.fieldwork.exchange.logs import C_CONTENT, C_DATE, C_KIND, C_NAME, C_VCODE, SERVICE_LOGS
from keguan.fieldwork.models import ServiceLog
from keguan.fieldwork.selectors.logs import commissioners_for_entry, place_in_scope
from keguan.fieldwork.services.logs import log_create
from tests.conftest import workbook

from .logs_fixtures import TODAY, field_fixture, jpeg, make_commissioner, media_fixture  # noqa: F401


def enter(client, commissioner, village, **over):
    data = {
        "commissioner": commissioner.pk if commissioner else "",
        "served_on": TODAY.isoformat(),
        "place": f"v:{village.pk}",
        "enterprise_text": "",
        "kind": "consulting",
        "content": "电话报来：指导柑橘黄龙病防控",
        "served": "6",
        "introduced": "0",
        **over,
    }
    return client.post(reverse("fieldwork:log_enter"), data)


# --- the service ------------------------------------------------------------------------------------------------


def test_entered_by_is_set_only_when_someone_else_enters_the_log(field):
    w = field.world
    own = log_create(
        actor=w.expert,
        commissioner=field.me,
        served_on=TODAY,
        kind="guidance",
        content="本人",
        served=1,
        village=field.v1,
    )
    by_staff = log_create(
        actor=w.staff,
        commissioner=field.me,
        served_on=TODAY,
        kind="guidance",
        content="代登",
        served=1,
        village=field.v1,
    )
    nobody = log_create(
        actor=None,
        commissioner=field.me,
        served_on=TODAY,
        kind="guidance",
        content="系统",
        served=1,
        village=field.v1,
    )
    assert (own.entered_by, by_staff.entered_by, nobody.entered_by) == (None, w.staff, None)
    assert by_staff.created_by == w.staff


def test_an_imported_log_is_entered_by_the_importer(field):
    w = field.world
    content = workbook(
        [("张三", TODAY.isoformat(), field.v1.code, "技术指导", "微信报来的服务")],
        (C_NAME, C_DATE, C_VCODE, C_KIND, C_CONTENT),
    )
    run_import(SERVICE_LOGS, content, "日志.xlsx", Context(user=w.staff, region=w.a))
    assert ServiceLog.objects.get().entered_by == w.staff


def test_commissioners_to_choose_are_the_scopes_own_in_service_first(field):
    w = field.world
    gone = make_commissioner(w.a, "阿旧", start=TODAY - dt.timedelta(days=900))
    gone.end_on = TODAY - dt.timedelta(days=30)
    gone.save()
    active, others = commissioners_for_entry(w.staff, TODAY)
    assert [c.name for c in active] == ["张三", "李四"] and others == [gone]
    assert field.other_b not in active + others  # district B's
    assert commissioners_for_entry(w.outsider, TODAY) == ([field.other_b], [])
    assert place_in_scope(w.staff, village=field.v1) and not place_in_scope(w.staff, village=field.vb)
    assert place_in_scope(w.staff, enterprise=w.ent_a2) and not place_in_scope(w.staff, enterprise=w.ent_b)


# --- the page ---------------------------------------------------------------------------------------------------


def test_staff_enter_a_log_for_a_commissioner_who_still_owns_it(field, login, media):
    w = field.world
    c = login(w.staff)
    page = c.get(reverse("fieldwork:log_enter"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "代为登记服务日志" in html and "王五" not in html and "请先选择特派员" in html
    # the places follow the chosen commissioner: 张三's paired village first
    page = c.get(reverse("fieldwork:log_enter"), {"commissioner": field.me.pk}).content.decode()
    assert page.index("结对服务的村/社区") < page.index(field.v2.name) < page.index("本区其他村/社区")
    photo = SimpleUploadedFile("现场.jpg", jpeg((300, 200)), content_type="image/jpeg")
    response = enter(c, field.colleague, field.v3, photos=[photo])
    log = ServiceLog.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:log", args=[log.pk])
    assert (log.commissioner, log.village, log.township) == (field.colleague, field.v3, w.a_town2)
    assert (log.entered_by, log.created_by, log.photos.count()) == (w.staff, w.staff, 1)
    assert log.history.first().history_change_reason == "代为登记服务日志"
    detail = c.get(reverse("fieldwork:log", args=[log.pk])).content.decode()
    assert "由staff代为登记" in detail
    listing = c.get(reverse("fieldwork:logs")).content.decode()
    assert "由staff代为登记" in listing and reverse("fieldwork:log_enter") in listing
    ws = load_workbook(io.BytesIO(c.get(reverse("fieldwork:log_export")).content)).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][-1] == "代为登记人" and rows[1][-1] == "staff"
    # the commissioner sees it as its own log and may correct it
    mine = login(field.colleague_user)
    assert [lg.pk for lg in mine.get(reverse("fieldwork:my_logs")).context["page"].object_list] == [log.pk]
    assert "由staff代为登记" in mine.get(reverse("fieldwork:log", args=[log.pk])).content.decode()
    assert mine.get(reverse("fieldwork:log_edit", args=[log.pk])).status_code == 200


def test_photos_are_optional_and_errors_name_the_field(field, login):
    c = login(field.world.staff)
    response = enter(c, None, field.v1)
    assert response.status_code == 200 and not ServiceLog.objects.exists()
    assert "请选择科技特派员" in " ".join(response.context["form"].errors["commissioner"])
    response = enter(c, field.me, field.v1, content="")
    assert response.status_code == 200 and "content" in response.context["form"].errors
    assert enter(c, field.me, field.v1).status_code == 302  # no photo
    assert ServiceLog.objects.get().photos.count() == 0


def test_staff_cannot_choose_a_commissioner_or_a_place_outside_their_scope(field, login):
    w = field.world
    c = login(w.staff)
    response = enter(c, field.other_b, field.vb)
    assert response.status_code == 200 and "所选特派员不在您管辖的名册中" in response.content.decode()
    assert "江南村" not in response.content.decode()
    response = enter(c, field.me, field.vb)  # a village of district B for A's commissioner
    assert response.status_code == 200 and "place" in response.context["form"].errors
    response = enter(c, field.me, field.v1, place="", enterprise_text=w.ent_b.credit_code)
    assert response.status_code == 200 and "本区企业库中没有" in response.content.decode()
    assert not ServiceLog.objects.exists()
    c = login(w.outsider)  # B's clerk: A's commissioners are not its to choose
    assert enter(c, field.me, field.v1).status_code == 200 and not ServiceLog.objects.exists()


def test_a_commissioner_cannot_enter_logs_for_others(field, login):
    c = login(field.world.expert)
    assert c.get(reverse("fieldwork:log_enter")).status_code == 403
    assert enter(c, field.colleague, field.v3).status_code == 403
    # its own form takes no commissioner: a smuggled one is ignored, the log is its own
    response = c.post(
        reverse("fieldwork:log_create"),
        {
            "commissioner": field.colleague.pk,
            "served_on": TODAY.isoformat(),
            "place": f"v:{field.v2.pk}",
            "enterprise_text": "",
            "kind": "guidance",
            "content": "本人",
            "served": "1",
            "introduced": "0",
        },
    )
    assert response.status_code == 302
    log = ServiceLog.objects.get()
    assert (log.commissioner, log.entered_by) == (field.me, None)
    assert "log-enter" not in c.get(reverse("fieldwork:logs")).content.decode()


def test_township_liaison_city_and_firms_may_not_enter_logs(field, login):
    w = field.world
    for user in (w.town, w.city_user, w.ent_user):
        c = login(user)
        assert c.get(reverse("fieldwork:log_enter")).status_code == 403, user
        assert enter(c, field.me, field.v1).status_code == 403, user
    assert not ServiceLog.objects.exists()
    assert "log-enter" not in login(w.town).get(reverse("fieldwork:logs")).content.decode()
