"""数据字典: the administrator adjusts the bureau's lists (企业标签); a label edited shows everywhere, a disabled
item leaves the forms but stays on the records that have it, codes in use are kept, official lists are
read-only; the enterprise list filters by tag and set_tags is the service the batch action uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from keguan.accounts.models import OperationLog
from keguan.core import dictionary
from keguan.core.errors import ServiceError
from keguan.core.models import DictItem
from keguan.enterprises.forms import EnterpriseForm
from keguan.enterprises.models import TAG_KIND, Enterprise
from keguan.enterprises.services import set_tags
from tests.test_enterprise_services import form_data

DICT = "accounts:dictionary_kind"


@pytest.fixture(autouse=True)
def fresh_cache():
    dictionary.forget()
    yield
    dictionary.forget()


def tag(code: str) -> DictItem:
    return DictItem.objects.get(kind=TAG_KIND, code=code)


@pytest.mark.django_db
def test_default_tags_are_there_after_migrate_in_order():
    assert [c for c, _ in dictionary.choices(TAG_KIND)] == ["key_watch", "investment", "srdi_candidate", "ipo_reserve"]
    assert dictionary.label(TAG_KIND, "ipo_reserve") == "上市后备"
    assert dictionary.label(TAG_KIND, "nope") == "nope"
    assert dictionary.seed_defaults() == 0  # written once: a kind with rows is left as the administrator made it


def test_every_area_list_is_registered(world):
    codes = {k.code: k for k in dictionary.kinds()}
    assert codes["enterprise_tag"].editable and codes["enterprise_tag"].area == "enterprises"
    for official in ("region", "industry", "tech_field"):
        assert not codes[official].editable
    assert dictionary.label("industry", "65") == "软件和信息技术服务业"
    assert dictionary.label("tech_field", "bio") == "生物与新医药"
    assert dictionary.label("region", "450103").strip() == "青秀区"


def test_set_tags_replaces_or_adds_and_logs_one_history_row_per_firm(world):
    OperationLog.objects.all().delete()
    before = world.ent_a.history.count()
    assert set_tags([world.ent_a, world.ent_a2], ["key_watch", "investment"], by=world.staff) == 2
    assert set(world.ent_a.tags.values_list("code", flat=True)) == {"key_watch", "investment"}
    assert world.ent_a.history.count() == before + 1
    line = OperationLog.objects.filter(object_id=str(world.ent_a.pk)).get()
    assert line.user == world.staff and "企业标签" in line.summary
    assert set_tags([world.ent_a], ["ipo_reserve"], by=world.staff, add=True) == 1
    assert set(world.ent_a.tags.values_list("code", flat=True)) == {"key_watch", "investment", "ipo_reserve"}
    assert set_tags([world.ent_a], ["ipo_reserve"], by=world.staff, add=True) == 0  # nothing new
    assert set_tags([world.ent_a], [], by=world.staff) == 1
    assert not world.ent_a.tags.exists()
    with pytest.raises(ServiceError) as exc:
        set_tags([world.ent_a], ["no_such"], by=world.staff)
    assert exc.value.field == "tags" and "no_such" in exc.value.message
    with pytest.raises(PermissionDenied):
        set_tags([world.ent_b], ["key_watch"], by=world.staff)  # another district's firm
    assert not world.ent_b.tags.exists()


def test_tags_edited_on_the_enterprise_form_show_on_the_page_and_in_its_history(world, login):
    c = login(world.staff)
    r = c.post(reverse("enterprises:edit", args=[world.ent_a.pk]),
               form_data(world.ent_a, tags=[tag("key_watch").pk, tag("srdi_candidate").pk]))
    assert r.status_code == 302
    html = c.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    tags_html = html[html.index('id="tags"'):][:400]
    assert "重点跟踪" in tags_html and "专精特新培育" in tags_html
    history = html[html.index('id="history"'):]
    assert "企业标签：<del>（空）</del> → <ins>重点跟踪、专精特新培育</ins>" in history


def test_enterprise_users_neither_see_nor_set_tags(world, login):
    set_tags([world.ent_a], ["key_watch"], by=None)
    c = login(world.ent_user)
    r = c.get(reverse("enterprises:edit", args=[world.ent_a.pk]))
    assert "tags" not in r.context["form"].fields
    c.post(reverse("enterprises:edit", args=[world.ent_a.pk]), form_data(world.ent_a, contact_name="王五"))
    assert list(world.ent_a.tags.values_list("code", flat=True)) == ["key_watch"]  # kept
    assert "重点跟踪" not in c.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()


def test_a_label_edited_by_the_administrator_shows_everywhere(world, login):
    set_tags([world.ent_a], ["key_watch"], by=world.staff)
    admin = login(world.city_user)
    r = admin.post(reverse(DICT, args=[TAG_KIND]),
                   {"op": "save", "item": "key_watch", "code": "key_watch", "label": "重点跟踪服务", "order": "10",
                    "enabled": "on"})
    assert r.status_code == 302
    assert dictionary.label(TAG_KIND, "key_watch") == "重点跟踪服务"
    assert tag("key_watch").history.first().history_user == world.city_user  # audit history of the item
    page = admin.get(reverse(DICT, args=[TAG_KIND])).content.decode()
    assert "名称：<del>重点跟踪</del> → <ins>重点跟踪服务</ins>" in page[page.index('id="history"'):]
    line = OperationLog.objects.filter(model="core.dictitem").latest("at")
    assert line.user == world.city_user and line.summary == "修改：名称（修改字典项）"
    staff = login(world.staff)
    assert "重点跟踪服务" in staff.get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    form_html = staff.get(reverse("enterprises:edit", args=[world.ent_a2.pk])).content.decode()
    assert "重点跟踪服务" in form_html
    assert "重点跟踪服务" in staff.get(reverse("enterprises:list")).content.decode()  # the filter's options


def test_a_disabled_tag_leaves_the_forms_but_stays_on_old_records(world, login):
    set_tags([world.ent_a], ["investment"], by=world.staff)
    admin = login(world.city_user)
    assert admin.post(reverse(DICT, args=[TAG_KIND]), {"op": "toggle", "item": "investment"}).status_code == 302
    assert not tag("investment").enabled
    form = EnterpriseForm(instance=Enterprise.objects.get(pk=world.ent_a2.pk), user=world.staff)
    assert "investment" not in {t.code for t in form.fields["tags"].queryset}
    assert "investment" not in [c for c, _ in dictionary.choices(TAG_KIND)]
    own = EnterpriseForm(instance=Enterprise.objects.get(pk=world.ent_a.pk), user=world.staff)
    assert "investment" in {t.code for t in own.fields["tags"].queryset}  # the firm that has it keeps it
    page = login(world.staff).get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    assert "招商引资（已停用）" in page
    with pytest.raises(ServiceError):
        set_tags([world.ent_a2], ["investment"], by=world.staff)  # not given anew
    set_tags([world.ent_a], ["investment", "key_watch"], by=world.staff)  # kept when it already had it
    assert {"investment", "key_watch"} == set(world.ent_a.tags.values_list("code", flat=True))


def test_an_item_in_use_keeps_its_code_and_cannot_be_deleted(world, login):
    set_tags([world.ent_a], ["ipo_reserve"], by=world.staff)
    admin = login(world.city_user)
    r = admin.post(reverse(DICT, args=[TAG_KIND]),
                   {"op": "save", "item": "ipo_reserve", "code": "ipo", "label": "上市后备", "enabled": "on"})
    assert r.status_code == 200 and "代码不能修改" in r.content.decode()
    r = admin.post(reverse(DICT, args=[TAG_KIND]), {"op": "delete", "item": "ipo_reserve"}, follow=True)
    assert "不能删除，只能停用" in r.content.decode()
    assert tag("ipo_reserve").code == "ipo_reserve"
    # an unused one may be renamed in code and deleted
    r = admin.post(reverse(DICT, args=[TAG_KIND]),
                   {"op": "save", "item": "investment", "code": "invest", "label": "招商引资", "enabled": "on"})
    assert r.status_code == 302 and tag("invest")
    assert admin.post(reverse(DICT, args=[TAG_KIND]), {"op": "delete", "item": "invest"}).status_code == 302
    assert not DictItem.objects.filter(kind=TAG_KIND, code="invest").exists()


def test_adding_an_item_checks_the_code_inline(world, login):
    admin = login(world.city_user)
    r = admin.post(reverse(DICT, args=[TAG_KIND]), {"op": "save", "code": "key_watch", "label": "重复"})
    assert r.status_code == 200 and "已被本字典的其他项使用" in r.content.decode()
    r = admin.post(reverse(DICT, args=[TAG_KIND]), {"op": "save", "code": "带 空格", "label": "x"})
    assert "代码只能由字母、数字" in r.content.decode()
    r = admin.post(reverse(DICT, args=[TAG_KIND]), {"op": "save", "code": "gazelle", "label": "瞪羚培育", "enabled": "on"})
    assert r.status_code == 302
    assert [c for c, _ in dictionary.choices(TAG_KIND)][-1] == "gazelle"  # last without an order


def test_official_lists_are_read_only(world, login):
    admin = login(world.city_user)
    r = admin.get(reverse(DICT, args=["industry"]))
    assert r.status_code == 200
    html = r.content.decode()
    assert "GB/T 4754-2017" in html and "国家标准（只读）" in html and 'name="op"' not in html
    r = admin.post(reverse(DICT, args=["industry"]), {"op": "save", "code": "99", "label": "x"})
    assert r.status_code == 403
    with pytest.raises(ServiceError):
        dictionary.item_create(actor=world.city_user, kind="industry", code="99", label="x")
    assert admin.get(reverse(DICT, args=["no_such_list"])).status_code == 404
    assert "企业标签" in admin.get(reverse("accounts:dictionary")).content.decode()


def test_only_the_administrator_keeps_the_dictionary(world, login):
    for user in (world.leader, world.staff, world.town, world.ent_user):
        c = login(user)
        assert c.get(reverse("accounts:dictionary")).status_code == 403
        assert c.post(reverse(DICT, args=[TAG_KIND]), {"op": "toggle", "item": "key_watch"}).status_code == 403
    assert tag("key_watch").enabled


def test_the_enterprise_list_filters_by_tag(world, login):
    set_tags([world.ent_a], ["key_watch"], by=world.staff)
    set_tags([world.ent_a2], ["investment"], by=world.staff)
    r = login(world.staff).get(reverse("enterprises:list"), {"tag": "key_watch"})
    names = [e.name for e in r.context["page"].object_list]
    assert names == [world.ent_a.name]
    r = login(world.staff).get(reverse("enterprises:list"))
    assert {world.ent_a.name, world.ent_a2.name} <= {e.name for e in r.context["page"].object_list}
