"""The list kit (keguan.core.lists): per-user page size and columns, batch export and 加入培育库, row
delete with its confirm step and undo, and the print layout."""

from __future__ import annotations

import io

import openpyxl
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from keguan.accounts.models import ListPreference
from keguan.enterprises.models import Enterprise, Stage
from keguan.enterprises.services import enterprise_create
from keguan.pipeline import services as pipeline
from keguan.pipeline.models import PoolMember

from .conftest import DISTRICT_A, credit_code

LIST = reverse("enterprises:list")
PREFS = reverse("accounts:list_prefs")


def _sheet_names(response) -> list[str]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    return [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]


def _fresh(world, n: int, name: str) -> Enterprise:
    """A firm entered by mistake: no year figures, labels or other records."""
    return enterprise_create(actor=world.staff, name=name, credit_code=credit_code(DISTRICT_A, n), district=world.a)


# --- preferences -----------------------------------------------------------------------------------------


def test_page_size_and_columns_are_remembered_per_user(world, client):
    client.force_login(world.staff)
    assert ">统一社会信用代码</th>" in client.get(LIST).content.decode()
    r = client.post(PREFS, {"list": "enterprises", "per_page": "50", "next": LIST + "?stage=hnte"})
    assert r.status_code == 302 and r["Location"] == LIST + "?stage=hnte"
    r = client.post(PREFS, {"list": "enterprises", "choose_columns": "1", "columns": ["district", "stage", "bogus"],
                            "next": LIST})
    pref = ListPreference.objects.get(user=world.staff, list_code="enterprises")
    assert pref.per_page == 50 and pref.columns == ["district", "stage"]  # unknown keys dropped
    page = client.get(LIST)
    html = page.content.decode()
    assert page.context["kit"].per_page == 50 and page.context["page"].paginator.per_page == 50
    assert ">统一社会信用代码</th>" not in html and ">区县</th>" in html and ">企业名称</th>" in html  # name is fixed
    assert '<option value="50" selected>' in html

    # another user keeps the defaults
    client.force_login(world.leader)
    other = client.get(LIST)
    assert other.context["kit"].per_page == 20 and ">统一社会信用代码</th>" in other.content.decode()
    assert not ListPreference.objects.filter(user=world.leader).exists()

    # a page size outside 20/50/100 is not stored; 恢复默认 clears the columns
    client.force_login(world.staff)
    client.post(PREFS, {"list": "enterprises", "per_page": "5000", "next": LIST})
    client.post(PREFS, {"list": "enterprises", "choose_columns": "1", "reset": "1", "next": "https://evil.example/"})
    pref.refresh_from_db()
    assert pref.per_page is None and pref.columns is None
    assert client.get(LIST).context["kit"].per_page == 20


def test_preferences_of_an_unknown_list_are_refused(world, client):
    client.force_login(world.staff)
    assert client.post(PREFS, {"list": "nope", "per_page": "50"}).status_code == 404
    assert client.get(PREFS, {"list": "nope"}).status_code == 404
    page = client.get(PREFS, {"list": "enterprises", "next": "https://evil.example/"})
    assert page.status_code == 200 and 'name="columns" value="credit_code"' in page.content.decode()
    assert page.context["next"] == "/"  # only pages of this site


# --- batch export and 加入培育库 ----------------------------------------------------------------------------


def test_batch_export_has_exactly_the_selected_rows_and_never_a_foreign_one(world, client):
    extra = _fresh(world, 21, "=HYPERLINK(\"x\")有限公司")
    client.force_login(world.staff)
    url = reverse("enterprises:export")
    r = client.get(url, {"ids": [world.ent_a.pk, extra.pk, world.ent_b.pk, "x"]})
    assert r.status_code == 200
    names = _sheet_names(r)
    assert sorted(names) == sorted([world.ent_a.name, extra.name])  # B's firm ignored, not exported
    content = r.content
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    cell = next(c for row in ws.iter_rows(min_row=2) for c in row[:1] if c.value == extra.name)
    assert cell.data_type == "s" and cell.quotePrefix  # formula-like text stays text
    # same columns as the list export
    whole = client.get(url)
    head = [c.value for c in next(openpyxl.load_workbook(io.BytesIO(whole.content)).worksheets[0].iter_rows(max_row=1))]
    assert [c.value for c in next(ws.iter_rows(max_row=1))] == head
    # only ids of another district: an empty export, never B's firm
    assert _sheet_names(client.get(url, {"ids": [world.ent_b.pk]})) == []
    # without the export permission: refused
    client.force_login(world.expert)
    assert client.get(url, {"ids": [world.ent_a.pk]}).status_code == 403


def test_batch_actions_are_offered_by_permission(world, client):
    client.force_login(world.staff)
    html = client.get(LIST).content.decode()
    assert 'data-testid="batch-export"' in html and 'data-testid="batch-pool"' in html
    assert f'name="ids" value="{world.ent_a.pk}"' in html
    client.force_login(world.city_user)  # exports, but does not put firms into pools
    html = client.get(LIST).content.decode()
    assert 'data-testid="batch-export"' in html and 'data-testid="batch-pool"' not in html
    client.force_login(world.expert)  # neither: no checkboxes at all
    html = client.get(LIST).content.decode()
    assert 'data-batch' not in html and 'name="ids"' not in html


def test_batch_add_to_pool(world, client):
    year = timezone.localdate().year
    pool = pipeline.pool_create(district=world.a, actor=None, start_year=year, end_year=year + 2)
    client.force_login(world.staff)
    back = LIST + "?stage=sme"
    page = client.get(reverse("pipeline:pool_batch"), {"ids": [world.ent_a2.pk, world.ent_b.pk], "next": back})
    assert page.status_code == 200
    html = page.content.decode()
    assert world.ent_a2.name in html and world.ent_b.name not in html
    assert "经科小/高企预审，列入高企培育" in html  # the pre-check's default reason
    r = client.post(reverse("pipeline:precheck_pool"), {
        "pool": pool.pk, "on": timezone.localdate().isoformat(), "reason": "经科小/高企预审，列入高企培育",
        "enterprise": [world.ent_a2.pk], "next": back,
    })
    assert r.status_code == 302 and r["Location"] == back
    assert PoolMember.objects.filter(pool=pool, enterprise=world.ent_a2, exited_on__isnull=True).exists()
    # a foreign firm posted anyway: 404, nothing added
    r = client.post(reverse("pipeline:precheck_pool"), {
        "pool": pool.pk, "on": timezone.localdate().isoformat(), "reason": "x", "enterprise": [world.ent_b.pk]})
    assert r.status_code == 404 and not PoolMember.objects.filter(enterprise=world.ent_b).exists()
    client.force_login(world.town)
    assert client.get(reverse("pipeline:pool_batch"), {"ids": [world.ent_a2.pk]}).status_code == 403


# --- row actions: 删除 with a confirm step, blockers, undo ---------------------------------------------------


def test_row_actions_follow_permissions(world, client):
    mistake = _fresh(world, 22, "误录入测试有限公司")
    client.force_login(world.staff)
    html = client.get(LIST).content.decode()
    assert reverse("enterprises:edit", args=[mistake.pk]) in html and reverse("enterprises:delete", args=[mistake.pk]) in html
    client.force_login(world.town)  # reads the firms of its township
    html = client.get(LIST).content.decode()
    pk = world.ent_a.pk
    assert reverse("enterprises:detail", args=[pk]) in html
    assert reverse("enterprises:edit", args=[pk]) not in html and reverse("enterprises:delete", args=[pk]) not in html


def test_delete_refused_without_permission_and_when_blocked(world, client):
    url = reverse("enterprises:delete", args=[world.ent_a2.pk])
    client.force_login(world.town)
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404 and client.post(url).status_code == 404
    client.force_login(world.staff)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "企业年度数据" in html and "不能删除" in html and 'data-testid="confirm-delete"' not in html
    r = client.post(url, follow=True)
    assert "不能删除" in r.content.decode()
    assert Enterprise.objects.filter(pk=world.ent_a2.pk).exists()
    # another area's records block it too (read from the model's relations): a firm only in a pool
    year = timezone.localdate().year
    pool = pipeline.pool_create(district=world.a, actor=None, start_year=year, end_year=year + 2)
    pooled = _fresh(world, 24, "仅在培育库有限公司")
    pipeline.pool_add(pool=pool, enterprise=pooled, actor=world.staff, on=timezone.localdate(), reason="测试")
    html = client.get(reverse("enterprises:delete", args=[pooled.pk])).content.decode()
    assert "培育库企业记录" in html and 'data-testid="confirm-delete"' not in html


def test_delete_with_confirm_is_recorded_and_can_be_undone(world, client):
    mistake = _fresh(world, 23, "误录入撤销有限公司")
    pk = mistake.pk
    url = reverse("enterprises:delete", args=[pk])
    client.force_login(world.staff)
    page = client.get(url)
    assert 'data-testid="confirm-delete"' in page.content.decode()
    assert Enterprise.objects.filter(pk=pk).exists()  # the GET only asks
    r = client.post(url, follow=True)
    html = r.content.decode()
    assert not Enterprise.objects.filter(pk=pk).exists()
    assert "已删除企业“误录入撤销有限公司”" in html and 'data-testid="undo-delete"' in html  # the undo button, not escaped
    assert f'action="{reverse("enterprises:restore", args=[pk])}"' in html
    gone = Enterprise.history.filter(id=pk).latest("history_date")
    assert gone.history_type == "-" and gone.history_user == world.staff and gone.history_change_reason == "删除企业"

    # another district's staff cannot bring it back
    client.force_login(world.outsider)
    assert client.post(reverse("enterprises:restore", args=[pk])).status_code == 404
    assert not Enterprise.objects.filter(pk=pk).exists()

    client.force_login(world.staff)
    r = client.post(reverse("enterprises:restore", args=[pk]))
    assert r.status_code == 302
    back = Enterprise.objects.get(pk=pk)
    assert back.name == "误录入撤销有限公司" and back.stage_changes.count() == 1
    assert back.history.latest("history_date").history_change_reason == "撤销删除"
    assert client.post(reverse("enterprises:restore", args=[pk])).status_code == 404  # nothing left to undo


# --- print layout and query count ---------------------------------------------------------------------------


def test_print_view_has_no_menu_and_states_the_filter(world, client):
    client.force_login(world.staff)
    html = client.get(LIST, {"stage": Stage.HNTE, "print": "1"}).content.decode()
    assert 'id="kg-sidebar"' not in html and "主菜单" not in html and "退出" not in html
    assert "keguan/print.css" in html and "打印日期" in html
    assert "筛选条件：培育阶段：高新技术企业" in html
    assert world.ent_a.name in html and world.ent_a2.name not in html
    assert 'name="ids"' not in html  # no row selection in print
    dash = client.get(reverse("indicators:dashboard"), {"print": "1"})
    assert dash.status_code == 200 and 'id="kg-sidebar"' not in dash.content.decode()
    normal = client.get(LIST).content.decode()
    assert 'id="kg-sidebar"' in normal and "print=1" in normal


def test_list_query_count_does_not_grow_per_row(world, client):
    client.force_login(world.staff)
    client.post(PREFS, {"list": "enterprises", "per_page": "100", "next": LIST})

    def count() -> int:
        """Queries of one list page, the top bar's 待办 computed afresh each time (not kept from an earlier
        page for a minute, which a slow machine could outlast), the lower of two tries."""
        counts = []
        for _ in range(2):
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                assert client.get(LIST).status_code == 200
            counts.append(len(captured))
        return min(counts)

    before = count()
    for n in range(30, 45):
        _fresh(world, n, f"查询计数{n}有限公司")
    assert count() == before


LIST_PAGES = [
    "enterprises:list", "pipeline:precheck", "pipeline:sme_records", "pipeline:applications", "pipeline:certificates",
    "pipeline:pools", "pipeline:pool_members", "rd:list", "exchange:history", "accounts:user_list",
    "accounts:login_log", "accounts:organisation_list", "indicators:dashboard",
]


def test_every_list_offers_print_and_prints_without_menu(world, client):
    client.force_login(world.staff)
    for name in LIST_PAGES:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        assert 'data-testid="print-link"' in page.content.decode(), name
        printed = client.get(reverse(name), {"print": "1"})
        html = printed.content.decode()
        assert printed.status_code == 200 and 'id="kg-sidebar"' not in html and "打印日期" in html, name
        assert 'data-testid="list-tools"' not in html, name


def test_lists_with_columns_follow_the_users_choice(world, client):
    """Every list declared in the kit hides a column its user unticked (here: the second column of each)."""
    from keguan.core.lists import get_list

    client.force_login(world.staff)
    checked = 0
    for name in LIST_PAGES:
        before = client.get(reverse(name))
        kit = before.context.get("kit")
        if kit is None or not kit.spec.columns:
            continue
        assert get_list(kit.spec.code) is kit.spec
        hideable = [c for c in kit.spec.columns if not c.fixed]
        head = f">{hideable[0].label}</th>"
        keep = [c.key for c in hideable[1:]]
        client.post(PREFS, {"list": kit.spec.code, "choose_columns": "1", "columns": keep, "next": "/"})
        after = client.get(reverse(name))
        assert after.context["kit"].cols[hideable[0].key] is False and all(after.context["kit"].cols[k] for k in keep)
        assert after.content.decode().count(head) == before.content.decode().count(head) - 1, name
        checked += 1
    assert checked >= 10


def test_batch_set_tags(world, client):
    from keguan.core.models import DictItem

    watch = DictItem.objects.get(kind="enterprise_tag", code="key_watch")
    invest = DictItem.objects.get(kind="enterprise_tag", code="investment")
    client.force_login(world.staff)
    assert 'data-testid="batch-tags"' in client.get(LIST).content.decode()
    url = reverse("enterprises:batch_tags")
    page = client.get(url, {"ids": [world.ent_a.pk, world.ent_a2.pk, world.ent_b.pk]}).content.decode()
    assert world.ent_a.name in page and world.ent_a2.name in page and world.ent_b.name not in page
    # nothing ticked in "add": an inline Chinese error, nothing changed
    html = client.post(url, {"ids": [world.ent_a.pk], "mode": "add"}).content.decode()
    assert "请至少勾选一个标签" in html
    r = client.post(url, {"ids": [world.ent_a.pk, world.ent_a2.pk, world.ent_b.pk], "tags": [watch.pk], "mode": "add"})
    assert r.status_code == 302
    assert set(world.ent_a.tags.values_list("code", flat=True)) == {"key_watch"}
    assert set(world.ent_a2.tags.values_list("code", flat=True)) == {"key_watch"}
    assert not world.ent_b.tags.exists()  # another district's firm, posted anyway, is left alone
    client.post(url, {"ids": [world.ent_a.pk], "tags": [invest.pk], "mode": "set"})
    assert set(world.ent_a.tags.values_list("code", flat=True)) == {"investment"}
    client.force_login(world.expert)
    assert client.get(url, {"ids": [world.ent_a.pk]}).status_code == 403


def test_filter_conditions_are_written_one_way_for_every_list(db):
    """keguan.core.lists.filter_summary: the print header, the exports' 说明 and the notes above lists."""
    import datetime as dt

    from django import forms

    from keguan.core.lists import filter_summary, hidden_date
    from keguan.regions.models import Region

    class F(forms.Form):
        q = forms.CharField(label="关键词", required=False)
        status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("a", "已受理"), ("b", "已退回")])
        year = forms.TypedChoiceField(label="年度", required=False, coerce=int, choices=[("", "全部"), (2025, "2025年")])
        district = forms.ModelChoiceField(label="区县", queryset=Region.objects.all(), required=False)
        kinds = forms.MultipleChoiceField(label="类型", required=False, choices=[("x", "路演"), ("y", "培训")])
        closing = forms.BooleanField(label="仅看即将截止", required=False)
        count = forms.IntegerField(label="最少人次", required=False)
        since = hidden_date("登记日期自")
        enterprise = forms.IntegerField(required=False, widget=forms.HiddenInput)
        page = forms.IntegerField(required=False)

    district = Region.objects.get(code=DISTRICT_A)
    data = {"q": "南宁", "status": "b", "year": "2025", "district": district.pk, "kinds": ["x", "y"],
            "closing": "on", "count": "0", "since": "2026-01-05", "enterprise": "7", "page": "3"}
    assert filter_summary(F(data)) == (
        f"关键词：南宁；状态：已退回；年度：2025年；区县：{district.name}；类型：路演、培训；仅看即将截止：是；"
        "最少人次：0；登记日期自：2026-01-05"
    )
    assert filter_summary(F({"closing": ""})) == "全部"  # an unticked box is no condition
    assert filter_summary(F({}), none="无") == "无"
    assert filter_summary(F()) == "全部" and filter_summary(None) == "全部"
    assert filter_summary(F({"year": "1999"})) == "条件有误"
    assert filter_summary(F({"year": "1999"}), invalid="条件有误，名单为空") == "条件有误，名单为空"
    assert filter_summary(F({"q": "x", "status": "a"}), skip=("q",)) == "状态：已受理"
    assert dt.date(2026, 1, 5).strftime("%Y-%m-%d") in filter_summary(F({"since": "2026-01-05"}))
