"""通知公告 and 我的消息: who a notice reaches (role groups × regions), read receipts and the publisher's counts,
attachment checks, withdrawing, optimistic locking, system messages (a background import tells its user)."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from keguan.core.errors import ServiceError
from keguan.notices import services
from keguan.notices.models import Message, Notice, NoticeRead, NoticeStatus
from keguan.notices.selectors import addressed_to, read_summary, unread_count

PDF = b"%PDF-1.4\n%%EOF\n"


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def publish(w, **kw) -> Notice:
    data = {"actor": w.staff, "region": w.a, "title": "关于报送季度工作进展的通知", "body": "第一段。\n\n第二段。",
            "groups": ["township"], "publish": True}
    data.update(kw)
    return services.notice_create(**data)


def test_audience_is_role_groups_within_regions(world, login):
    n = publish(world, regions=[world.a_town], groups=["township", "enterprise"])
    assert n.id in addressed_to(world.town).values_list("id", flat=True)  # a township liaison of a_town
    assert n.id in addressed_to(world.ent_user).values_list("id", flat=True)  # ent_a lies in a_town
    for outsider in (world.staff, world.expert, world.outsider, world.outsider_ent, world.city_user):
        assert not addressed_to(outsider).filter(pk=n.pk).exists(), outsider.username
        c = login(outsider)
        assert c.get(reverse("notices:read", args=[n.pk])).status_code == 404
    # a notice to a_town2 does not reach a_town's liaison
    other = publish(world, regions=[world.a_town2])
    assert login(world.town).get(reverse("notices:read", args=[other.pk])).status_code == 404
    assert set(read_summary(n)["unread_users"]) == {world.town, world.ent_user}


def test_a_bureau_addresses_only_its_own_region(world):
    with pytest.raises(ServiceError, match="不在本单位管辖范围内"):
        publish(world, regions=[world.b_town])
    with pytest.raises(ServiceError, match="只有发布单位"):
        publish(world, actor=world.town, region=world.a)
    city_wide = services.notice_create(actor=world.city_user, region=world.city, title="全市通知", body="正文",
                                       groups=["district"], publish=True)
    assert {r.pk for r in city_wide.regions.all()} == {world.city.pk}
    assert addressed_to(world.staff).filter(pk=city_wide.pk).exists()
    assert addressed_to(world.outsider).filter(pk=city_wide.pk).exists()


def test_opening_a_notice_records_the_read_and_the_publisher_sees_it(world, login):
    n = publish(world, groups=["township", "district"])
    assert read_summary(n)["read"] == 0 and read_summary(n)["unread"] == 3  # town, leader, staff
    assert unread_count(world.town) == 1
    c = login(world.town)
    page = c.get(reverse("notices:read", args=[n.pk])).content.decode()
    assert "第一段。" in page and "第二段。" in page
    c.get(reverse("notices:read", args=[n.pk]))  # a second opening records nothing more
    assert NoticeRead.objects.filter(notice=n, user=world.town).count() == 1
    assert unread_count(world.town) == 0
    summary = read_summary(n)
    assert (summary["read"], summary["unread"]) == (1, 2) and world.town not in summary["unread_users"]
    detail = login(world.leader).get(reverse("notices:detail", args=[n.pk])).content.decode()
    assert "1 已读" in detail and "2 未读" in detail
    export = login(world.leader).get(reverse("notices:unread_export", args=[n.pk]))
    ws = openpyxl.load_workbook(io.BytesIO(export.content)).active
    names = {row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert {"leader", "staff"} <= names and "town" not in names


def test_inbox_lists_unread_first_and_the_top_bar_counts_them(world, login):
    old = publish(world, title="较早的通知")
    new = publish(world, title="新通知")
    c = login(world.town)
    c.get(reverse("notices:read", args=[new.pk]))
    inbox = c.get(reverse("notices:inbox")).context["notices"]
    assert [n.pk for n in inbox] == [old.pk, new.pk] and not inbox[0].is_read and inbox[1].is_read
    services.send_message(world.town, "导入已完成", "/exchange/")
    html = c.get(reverse("notices:inbox")).content.decode()
    assert 'data-testid="unread-badge">2<' in html  # one notice, one message
    message = Message.objects.get(user=world.town)
    r = c.get(reverse("notices:message", args=[message.pk]))
    assert r.status_code == 302 and r["Location"] == "/exchange/"
    assert unread_count(world.town) == 1
    assert login(world.staff).get(reverse("notices:message", args=[message.pk])).status_code == 404  # not its own


def test_withdrawn_and_draft_notices_are_not_shown(world, login):
    n = publish(world)
    draft = publish(world, title="草稿通知", publish=False)
    c = login(world.town)
    assert c.get(reverse("notices:read", args=[draft.pk])).status_code == 404
    assert c.get(reverse("notices:read", args=[n.pk])).status_code == 200
    r = login(world.staff).post(reverse("notices:withdraw", args=[n.pk]))
    assert r.status_code == 302 and Notice.objects.get(pk=n.pk).status == NoticeStatus.WITHDRAWN
    c = login(world.town)
    assert c.get(reverse("notices:read", args=[n.pk])).status_code == 404
    assert "关于报送季度工作进展的通知" not in c.get(reverse("notices:inbox")).content.decode()
    assert Notice.history.filter(id=n.pk).first().history_change_reason == "撤回"


@pytest.mark.parametrize(("name", "content", "words"), [
    ("病毒.exe", b"MZ\x90\x00", "类型不允许"),
    ("假文件.pdf", b"MZ\x90\x00 not a pdf", "内容与扩展名不符"),
    ("假表格.xlsx", b"PK\x03\x04" + b"\x00" * 40, "内容与扩展名不符"),
    ("网页.html", b"<html></html>", "类型不允许"),
])
def test_attachments_are_checked_by_content(world, login, name, content, words):
    c = login(world.staff)
    r = c.post(reverse("notices:create"), {"title": "带附件的通知", "body": "正文", "groups": ["township"],
                                           "action": "publish", "files": [SimpleUploadedFile(name, content)]})
    assert r.status_code == 200 and words in r.content.decode() and name in r.content.decode()
    assert not Notice.objects.filter(title="带附件的通知").exists()


def test_attachments_are_stored_and_served_to_readers_only(world, login, settings):
    c = login(world.staff)
    r = c.post(reverse("notices:create"), {
        "title": "带附件的通知", "body": "正文", "groups": ["township"], "action": "publish", "regions": [world.a_town.pk],
        "files": [SimpleUploadedFile("申报指南.pdf", PDF), SimpleUploadedFile("名单.docx", docx_bytes())]})
    assert r.status_code == 302
    n = Notice.objects.get(title="带附件的通知")
    a = n.attachments.get(name="申报指南.pdf")
    assert str(settings.DATA_DIR) in a.file.path
    url = reverse("notices:attachment", args=[n.pk, a.pk])
    got = login(world.town).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert login(world.outsider).get(url).status_code == 404
    assert login(world.staff).get(url).status_code == 200  # the publisher


def test_edit_form_refuses_a_stale_save(world, login):
    n = publish(world)
    c = login(world.staff)
    form = {"title": "改后的标题", "body": "正文", "groups": ["township"], "action": "save", "version": n.version}
    services.notice_update(notice=Notice.objects.get(pk=n.pk), actor=world.leader, version=n.version, title="领导改的标题",
                           body="正文", groups=["township"])
    r = c.post(reverse("notices:edit", args=[n.pk]), form)
    assert r.status_code == 200 and "保存失败" in r.content.decode() and "领导改的标题" in r.content.decode()
    assert Notice.objects.get(pk=n.pk).title == "领导改的标题"
    r = c.post(reverse("notices:edit", args=[n.pk]), {**form, "version": n.version + 1})
    assert r.status_code == 302 and Notice.objects.get(pk=n.pk).title == "改后的标题"


def test_only_the_publishing_bureau_edits_and_the_city_reads(world, login):
    n = publish(world)
    assert login(world.city_user).get(reverse("notices:detail", args=[n.pk])).status_code == 200
    assert login(world.city_user).get(reverse("notices:edit", args=[n.pk])).status_code == 403
    assert login(world.outsider).get(reverse("notices:detail", args=[n.pk])).status_code == 404
    assert login(world.town).get(reverse("notices:manage")).status_code == 403


def test_a_background_import_tells_its_user(world):
    from keguan.exchange.models import ImportRun, RunStatus
    from keguan.exchange.services import run_write
    from tests.conftest import workbook

    data = workbook([["新导入测试科技有限公司", "91450103MA5N000000", "青秀区"]],
                    headers=["企业名称", "统一社会信用代码", "所在区县"])
    run = ImportRun.objects.create(kind="enterprises", region=world.a, user=world.staff, file_name="企业.xlsx",
                                   data=data, status=RunStatus.QUEUED, background=True)
    run_write(run)
    [m] = Message.objects.filter(user=world.staff)
    assert m.url == reverse("exchange:run", args=[run.pk])
    assert ("导入已完成" in m.text) == (ImportRun.objects.get(pk=run.pk).status == RunStatus.DONE)
    assert "企业.xlsx" in m.text
