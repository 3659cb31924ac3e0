"""Service logs (服务日志): the phone form with photos (checked from the content, shrunk, EXIF gone, all or
nothing), who sees and changes which logs, the staff list's filters and export, the monthly table, 待办, and
the Excel import."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from PIL import Image

from keguan.core.areas import reminders_for
from keguan.core.errors import ImportRejected, ServiceError
from keguan.core.images import LONG_SIDE, MAX_PHOTOS, prepare_photo, prepare_photos
from keguan.exchange.engine import run_import
from keguan.exchange.kinds import Context
from keguan.exchange.registry import get_kind
from keguan.fieldwork.exchange.logs import (
    C_CONTENT,
    C_DATE,
    C_ECODE,
    C_INTRO,
    C_KIND,
    C_NAME,
    C_PHONE,
    C_SERVED,
    C_TOWN,
    C_VCODE,
    C_VNAME,
    SERVICE_LOGS,
)
from keguan.fieldwork.models import LogPhoto, ServiceLog
from keguan.fieldwork.services.logs import log_create, log_update
from tests.conftest import workbook

from .logs_fixtures import TODAY, field_fixture, gif, jpeg, make_commissioner, media_fixture, png, webp  # noqa: F401


def files_under(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_log(client, v, *, photos=(), **over):
    data = {"served_on": TODAY.isoformat(), "place": f"v:{v.pk}", "enterprise_text": "", "kind": "guidance",
            "content": "指导芒果春季修剪", "served": "15", "introduced": "1", **over}
    if photos:
        data["photos"] = list(photos)
    return client.post(reverse("fieldwork:log_create"), data)


def log_of(f, commissioner=None, village=None, on=None, **kw):
    return log_create(actor=None, commissioner=commissioner or f.me, served_on=on or TODAY,
                      kind=kw.pop("kind", "guidance"), content=kw.pop("content", "测试日志"), served=kw.pop("served", 5),
                      village=village or f.v1, **kw)


# --- photos ------------------------------------------------------------------------------------------------


def test_a_large_photo_is_shrunk_and_its_exif_dropped():
    raw = jpeg((4000, 3000), exif=True)
    assert b"TestCam" in raw
    p = prepare_photo("IMG_0001.jpg", raw)
    image = Image.open(io.BytesIO(p.content))
    assert image.format == "JPEG" and max(image.size) == LONG_SIDE and (p.width, p.height) == (1600, 1200)
    assert not image.getexif() and b"TestCam" not in p.content and b"Exif" not in p.content[:200]


@pytest.mark.parametrize("make,name", [(png, "a.png"), (webp, "b.webp")])
def test_png_and_webp_become_jpeg_of_their_size(make, name):
    p = prepare_photo(name, make())
    image = Image.open(io.BytesIO(p.content))
    assert image.format == "JPEG" and image.mode == "RGB" and max(image.size) <= LONG_SIDE


def test_a_transparent_png_turns_white_not_black():
    p = prepare_photo("t.png", png((10, 10), alpha=True))
    r, g, b = Image.open(io.BytesIO(p.content)).getpixel((5, 5))
    assert r > 200 and g > 100  # (200,10,10) at half alpha on white


@pytest.mark.parametrize("name,content,words", [
    ("报告.jpg", b"%PDF-1.4 not an image", "不是图片文件"),
    ("动图.gif", None, "不是JPEG、PNG、WebP 格式的图片"),
    ("空.jpg", b"", "是空文件"),
    ("坏.jpg", None, "已损坏"),
])
def test_refused_files_are_named_in_the_message(name, content, words):
    if name == "动图.gif":
        content = gif()
    if name == "坏.jpg":
        content = jpeg()[:400]
    with pytest.raises(ServiceError) as exc:
        prepare_photo(name, content)
    assert f"照片“{name}”" in exc.value.message and words in exc.value.message


def test_a_photo_over_ten_megabytes_is_refused_before_reading():
    big = jpeg((100, 100)) + b"\0" * (10 * 1024 * 1024)
    with pytest.raises(ServiceError) as exc:
        prepare_photo("大图.jpg", big)
    assert "大图.jpg" in exc.value.message and "10MB" in exc.value.message


def test_at_most_six_photos():
    small = jpeg((20, 20))
    assert len(prepare_photos([("a.jpg", small)] * MAX_PHOTOS)) == MAX_PHOTOS
    with pytest.raises(ServiceError) as exc:
        prepare_photos([("a.jpg", small)] * 2, already=5)
    assert "最多 6 张" in exc.value.message and "还可上传 1 张" in exc.value.message


# --- the commissioner's form -----------------------------------------------------------------------------------


def test_commissioner_logs_a_service_with_photos(field, login, media):
    c = login(field.world.expert)
    form = c.get(reverse("fieldwork:log_create"))
    assert form.status_code == 200
    html = form.content.decode()
    # assigned villages first, then the district's villages by township
    assert html.index("结对服务的村/社区") < html.index("本区其他村/社区")
    assert 'accept="image/jpeg,image/png,image/webp"' in html and 'name="viewport"' in html
    photo = SimpleUploadedFile("现场.jpg", jpeg(exif=True), content_type="image/jpeg")
    response = post_log(c, field.v2, photos=[photo])
    log = ServiceLog.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("fieldwork:log", args=[log.pk])
    assert (log.commissioner, log.village, log.township, log.district) == (field.me, field.v2, field.world.a_town,
                                                                           field.world.a)
    assert (log.served, log.introduced, log.created_by) == (15, 1, field.world.expert)
    ph = log.photos.get()
    stored = media / ph.file
    assert stored.exists() and ph.file.startswith(f"fieldwork/logs/{log.pk}/") and ph.file.endswith(".jpg")
    assert b"TestCam" not in stored.read_bytes() and (ph.width, ph.height) == (1600, 1200)
    assert log.history.first().history_user == field.world.expert
    page = c.get(reverse("fieldwork:log", args=[log.pk])).content.decode()
    assert reverse("fieldwork:log_photo", args=[log.pk, ph.pk]) in page
    got = c.get(reverse("fieldwork:log_photo", args=[log.pk, ph.pk]))
    assert got.status_code == 200 and got["Content-Type"] == "image/jpeg"
    assert b"".join(got.streaming_content) == stored.read_bytes()


def test_a_refused_photo_stores_neither_the_log_nor_any_photo(field, login, media):
    c = login(field.world.expert)
    good = SimpleUploadedFile("好.jpg", jpeg(), content_type="image/jpeg")
    bad = SimpleUploadedFile("会议纪要.jpg", b"PK\x03\x04 a zip named jpg", content_type="image/jpeg")
    response = post_log(c, field.v1, photos=[good, bad])
    assert response.status_code == 200
    assert "照片“会议纪要.jpg”不是图片文件" in response.content.decode()
    assert not ServiceLog.objects.exists() and not LogPhoto.objects.exists() and files_under(media) == []


def test_a_failure_after_the_files_were_written_removes_them(field, media, monkeypatch):
    from keguan.fieldwork.services import logs as svc

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(svc.LogPhoto.objects, "create", boom)
    with pytest.raises(RuntimeError):
        log_create(actor=None, commissioner=field.me, served_on=TODAY, kind="guidance", content="x", served=1,
                   village=field.v1, photos=[("a.jpg", jpeg((50, 50)))])
    assert not ServiceLog.objects.exists() and files_under(media) == []


@pytest.mark.parametrize("over,field_name,words", [
    ({"served_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "served_on", "服务日期不能晚于今天"),
    ({"place": ""}, "place", "请选择服务的村/社区或企业"),
    ({"kind": ""}, "kind", "这个字段是必填项"),
    ({"served": "-3"}, "served", "不能为负数"),
])
def test_the_form_refuses_with_inline_chinese_errors(field, login, over, field_name, words):
    c = login(field.world.expert)
    response = post_log(c, field.v1, **over)
    assert response.status_code == 200 and not ServiceLog.objects.exists()
    form = response.context["form"]
    assert field_name in form.errors and words in " ".join(form.errors[field_name])


def test_a_village_of_another_district_is_refused(field, login):
    c = login(field.world.expert)
    response = post_log(c, field.vb)
    assert response.status_code == 200 and not ServiceLog.objects.exists()
    assert "请从列表中选择" in response.content.decode() or "不在" in response.content.decode()
    with pytest.raises(ServiceError, match="不在青秀区辖区内"):
        log_of(field, village=field.vb)


def test_an_unassigned_firm_of_the_district_by_credit_code(field, login):
    c = login(field.world.expert)
    response = post_log(c, field.v1, place="", enterprise_text=field.world.ent_a2.credit_code)
    assert response.status_code == 302
    log = ServiceLog.objects.get()
    assert log.enterprise == field.world.ent_a2 and log.village is None and log.township == field.world.a_town2
    response = post_log(c, field.v1, place="", enterprise_text=field.world.ent_b.credit_code)
    assert response.status_code == 200 and "本区企业库中没有" in response.content.decode()


def test_an_account_without_a_roster_record_is_told_so(field, login):
    c = login(field.colleague_user)
    field.colleague.user = None
    field.colleague.save()
    response = c.get(reverse("fieldwork:log_create"))
    assert response.status_code == 403 and "还没有关联科技特派员名册" in response.content.decode()


# --- who sees and changes what ----------------------------------------------------------------------------------


def test_a_commissioner_sees_and_edits_only_its_own_logs(field, login):
    mine, theirs = log_of(field, content="我的日志"), log_of(field, commissioner=field.colleague, content="同事的日志")
    c = login(field.world.expert)
    page = c.get(reverse("fieldwork:my_logs"))
    assert [lg.pk for lg in page.context["page"].object_list] == [mine.pk]
    assert c.get(reverse("fieldwork:logs")).context["page"].paginator.count == 1
    for name in ("fieldwork:log", "fieldwork:log_edit"):
        assert c.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert c.post(reverse("fieldwork:log_delete", args=[theirs.pk])).status_code == 404
    response = c.post(reverse("fieldwork:log_edit", args=[mine.pk]), {
        "served_on": TODAY.isoformat(), "place": f"v:{field.v2.pk}", "kind": "teaching", "content": "改过的内容",
        "served": "30", "introduced": "0", "version": mine.version})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.kind, mine.served, mine.village, mine.content) == ("teaching", 30, field.v2, "改过的内容")


def test_a_stale_edit_is_refused(field, login):
    log = log_of(field)
    c = login(field.world.staff)
    old = log.version
    log_update(log=log, actor=field.world.leader, expected_version=old, served_on=TODAY, kind="guidance",
               content="领导改过", served=9, introduced=0, village=field.v1)
    response = c.post(reverse("fieldwork:log_edit", args=[log.pk]), {
        "served_on": TODAY.isoformat(), "place": f"v:{field.v1.pk}", "kind": "guidance", "content": "科员改的",
        "served": "1", "introduced": "0", "version": old})
    assert response.status_code == 200 and "保存失败" in response.content.decode()
    log.refresh_from_db()
    assert log.content == "领导改过"


def test_staff_town_and_outsider_see_their_regions_logs(field, login):
    a1 = log_of(field, village=field.v1)
    a2 = log_of(field, village=field.v3)
    b = log_of(field, commissioner=field.other_b, village=field.vb)
    seen = {}
    for name in ("staff", "city", "town", "outsider"):
        c = login(field.world.personas[name])
        seen[name] = {lg.pk for lg in c.get(reverse("fieldwork:logs")).context["page"].object_list}
    assert seen == {"staff": {a1.pk, a2.pk}, "city": {a1.pk, a2.pk, b.pk}, "town": {a1.pk}, "outsider": {b.pk}}
    c = login(field.world.outsider)
    assert c.get(reverse("fieldwork:log", args=[a1.pk])).status_code == 404
    c = login(field.world.ent_user)
    assert c.get(reverse("fieldwork:logs")).status_code == 403
    c = login(field.world.town)  # reads, never writes
    assert c.get(reverse("fieldwork:log_edit", args=[a1.pk])).status_code == 403


def test_a_photo_is_served_only_through_its_own_log(field, login, media):
    a = log_of(field, photos=[("a.jpg", jpeg((40, 40)))])
    b = log_of(field, commissioner=field.other_b, village=field.vb, photos=[("b.jpg", jpeg((40, 40)))])
    pa, pb = a.photos.get(), b.photos.get()
    c = login(field.world.staff)
    assert c.get(reverse("fieldwork:log_photo", args=[a.pk, pa.pk])).status_code == 200
    assert c.get(reverse("fieldwork:log_photo", args=[a.pk, pb.pk])).status_code == 404
    assert c.get(reverse("fieldwork:log_photo", args=[b.pk, pb.pk])).status_code == 404
    (media / pa.file).unlink()
    gone = c.get(reverse("fieldwork:log_photo", args=[a.pk, pa.pk]))
    assert gone.status_code == 404  # (a missing file is a 404, never a server error)


def test_editing_adds_and_removes_photos(field, login, media, django_capture_on_commit_callbacks):
    log = log_of(field, photos=[("a.jpg", jpeg((40, 40))), ("b.jpg", jpeg((40, 40)))])
    first, second = log.photos.all()
    c = login(field.world.expert)
    with django_capture_on_commit_callbacks(execute=True):
        response = c.post(reverse("fieldwork:log_edit", args=[log.pk]), {
            "served_on": TODAY.isoformat(), "place": f"v:{field.v1.pk}", "kind": "guidance", "content": "测试日志",
            "served": "5", "introduced": "0", "version": log.version, "remove_photos": [str(first.pk)],
            "photos": [SimpleUploadedFile("c.png", png((30, 30)), content_type="image/png")]})
    assert response.status_code == 302
    assert set(log.photos.values_list("pk", flat=True)) - {second.pk} and first.pk not in log.photos.values_list("pk", flat=True)
    assert not (media / first.file).exists() and len(files_under(media)) == 2
    reason = log.history.order_by("-history_date").first().history_change_reason
    assert "删除照片1张" in reason and "上传照片1张" in reason


def test_staff_delete_a_log_and_its_files(field, login, media, django_capture_on_commit_callbacks):
    log = log_of(field, photos=[("a.jpg", jpeg((40, 40)))])
    c = login(field.world.staff)
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(reverse("fieldwork:log_delete", args=[log.pk])).status_code == 302
    assert not ServiceLog.objects.exists() and files_under(media) == []


# --- the staff list, export, the monthly table -------------------------------------------------------------------


def test_list_filters(field, login):
    last_month = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=5)
    x = log_of(field, village=field.v1, on=TODAY)
    y = log_of(field, village=field.v3, on=last_month, kind="teaching")
    z = log_of(field, commissioner=field.colleague, village=field.v2, on=TODAY)
    c = login(field.world.staff)

    def ids(**params):
        response = c.get(reverse("fieldwork:logs"), params)
        return {lg.pk for lg in response.context["page"].object_list}

    assert ids() == {x.pk, y.pk, z.pk}
    assert ids(month=f"{last_month:%Y-%m}") == {y.pk}
    assert ids(kind="teaching") == {y.pk}
    assert ids(commissioner=field.colleague.pk) == {z.pk}
    assert ids(township=field.world.a_town2.pk) == {y.pk}
    assert ids(village="那马") == {z.pk}
    assert ids(village=field.v3.code) == {y.pk}
    assert ids(village="石岭村") == {x.pk, y.pk}
    assert ids(commissioner=field.other_b.pk) == set()  # a commissioner outside the scope: nothing, never all
    assert ids(month="2025-13") == set()


def test_export_follows_the_filters_and_the_ticked_rows(field, login):
    x = log_of(field, content="导出甲")
    y = log_of(field, commissioner=field.colleague, content="导出乙")
    c = login(field.world.staff)

    def rows(**params):
        response = c.get(reverse("fieldwork:log_export"), params)
        assert response.status_code == 200
        ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [r for r in ws.iter_rows(min_row=2, values_only=True)]

    assert {r[9] for r in rows()} == {"导出甲", "导出乙"}
    assert {r[9] for r in rows(commissioner=field.colleague.pk)} == {"导出乙"}
    assert {r[9] for r in rows(ids=[x.pk])} == {"导出甲"}
    assert y.pk
    assert login(field.world.town).get(reverse("fieldwork:log_export")).status_code == 403


def test_monthly_counts_and_the_silent_filter(field, login):
    jan = dt.date(TODAY.year, 1, 15)
    log_of(field, on=min(jan, TODAY))
    log_of(field, on=TODAY)
    log_of(field, commissioner=field.colleague, on=TODAY - dt.timedelta(days=45))
    c = login(field.world.staff)
    response = c.get(reverse("fieldwork:log_counts"), {"year": TODAY.year})
    rows = {r.commissioner.name: r for r in response.context["rows"]}
    assert rows["张三"].total == 2 and rows["张三"].months[TODAY.month - 1] >= 1
    assert "王五" not in rows  # district B
    silent = c.get(reverse("fieldwork:log_counts"), {"silent": "1"}).context["rows"]
    assert [r.commissioner.name for r in silent] == ["李四"]


# --- 待办 ---------------------------------------------------------------------------------------------------------


def texts(user):
    return [(r.text, r.count, r.url) for r in reminders_for(user, TODAY) if "特派员" in r.text or "日志" in r.text
            or "需求" in r.text]


def test_reminders_for_staff_and_the_commissioner(field):
    log_of(field, on=TODAY - dt.timedelta(days=3))  # 张三 logged lately; 李四 never
    staff = texts(field.world.staff)
    assert ("1 名在岗科技特派员已超过30天没有服务日志", 1, reverse("fieldwork:log_counts") + "?silent=1") in staff
    assert texts(field.world.expert) == []
    assert any("您已超过30天没有填报服务日志（还没有填报过）" in t for t, _n, _u in texts(field.colleague_user))
    make_commissioner(field.world.a, "新人", start=TODAY - dt.timedelta(days=10))  # started lately: not silent
    assert texts(field.world.staff)[0][1] == 1
    assert [n for t, n, _u in texts(field.world.outsider) if "在岗" in t] == [1]  # 王五 of B, never logged
    assert texts(field.world.ent_user) == []


# --- import ---------------------------------------------------------------------------------------------------------

HEADERS = (C_NAME, C_PHONE, C_DATE, C_VCODE, C_VNAME, C_TOWN, C_ECODE, C_KIND, C_CONTENT, C_SERVED, C_INTRO)


def ctx(field):
    return Context(user=field.world.staff, region=field.world.a)


def test_import_kind_is_registered():
    assert get_kind("fieldwork_logs") is SERVICE_LOGS
    assert SERVICE_LOGS.import_perm == "fieldwork.import"


def test_import_by_code_by_name_within_township_and_by_credit_code(field):
    make_commissioner(field.world.a, "张三", phone="13900000002")  # a namesake: the phone tells them apart
    d = TODAY.isoformat()
    data = workbook([
        ("张三", "13900000001", d, field.v1.code, "", "", "", "技术指导", "修剪", 12, 1),
        ("李四", "", d, "", "石岭村", field.world.a_town2.name, "", "培训", "授课", "30人", 0),
        ("李四", "", d, "", "", "", field.world.ent_a.credit_code, "咨询服务", "企业咨询", None, None),
    ], HEADERS)
    checked = run_import(SERVICE_LOGS, data, "日志.xlsx", ctx(field))
    assert checked.added == 3
    logs = {lg.content: lg for lg in ServiceLog.objects.all()}
    assert logs["修剪"].commissioner == field.me and logs["修剪"].village == field.v1
    assert logs["授课"].village == field.v3 and logs["授课"].kind == "teaching" and logs["授课"].served == 30
    assert logs["企业咨询"].enterprise == field.world.ent_a and logs["企业咨询"].served == 0
    assert logs["修剪"].history.first().history_user == field.world.staff
    again = run_import(SERVICE_LOGS, data, "日志.xlsx", ctx(field))
    assert (again.added, again.unchanged) == (0, 3) and ServiceLog.objects.count() == 3


def test_import_names_every_bad_row_and_writes_nothing(field):
    make_commissioner(field.world.a, "张三", phone="13900000002")
    d, future = TODAY.isoformat(), (TODAY + dt.timedelta(days=2)).isoformat()
    data = workbook([
        ("张三", "", d, field.v1.code, "", "", "", "技术指导", "同名无电话", 1, 0),
        ("赵六", "", d, field.v1.code, "", "", "", "技术指导", "不在名册", 1, 0),
        ("李四", "", d, field.vb.code, "", "", "", "技术指导", "外区的村", 1, 0),
        ("李四", "", d, "", "石岭村", "", "", "技术指导", "同名村无乡镇", 1, 0),
        ("李四", "", future, field.v1.code, "", "", "", "技术指导", "未来日期", 1, 0),
        ("李四", "", d, "", "", "", field.world.ent_b.credit_code, "技术指导", "外区企业", 1, 0),
        ("李四", "", d, field.v1.code, "", "", "", "看病", "方式不对", 1, 0),
    ], HEADERS)
    with pytest.raises(ImportRejected) as exc:
        run_import(SERVICE_LOGS, data, "日志.xlsx", ctx(field))
    messages = " | ".join(str(e) for e in exc.value.errors)
    for words in ("请填写联系电话以区分", "没有名为“赵六”的科技特派员", f"{field.vb.code} 不是青秀区的村/社区代码",
                  "请填写所属乡镇/街道", "日期不能晚于今天", "企业库中没有统一社会信用代码", "不是服务方式"):
        assert words in messages, words
    assert not ServiceLog.objects.exists()


def test_a_figures_link_narrows_the_list_to_its_period_and_says_so(field, login):
    f = field
    log_of(f, introduced=2, on=TODAY - dt.timedelta(days=3))
    log_of(f, introduced=0, on=TODAY - dt.timedelta(days=3))
    log_of(f, introduced=1, on=TODAY - dt.timedelta(days=400))  # outside the period
    c = login(f.world.staff)
    since, until = (TODAY - dt.timedelta(days=30)).isoformat(), TODAY.isoformat()
    r = c.get(reverse("fieldwork:logs"), {"since": since, "until": until, "introduced": "1"})
    assert r.context["page"].paginator.count == 1
    html = r.content.decode()
    assert f"服务日期在{since}至{until}之间" in html and "引进了新品种/新技术的服务" in html
    assert c.get(reverse("fieldwork:logs"), {"since": since, "until": until}).context["page"].paginator.count == 2
