"""总结结构 (a bureau's headings, order and hidden parts of its work summary) and 各区县总结对比."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from keguan.indicators.selectors import Engine
from keguan.regions.models import Region, RegionLevel
from keguan.reports import registry
from keguan.reports.builder import build_draft
from keguan.reports.draft import Paragraph
from keguan.reports.models import ReportPartLayout, ReportVersion
from keguan.reports.services import layout_save, report_generate
from keguan.reports.structure import layout_for
from keguan.rules.periods import Period

YEAR = Period.parse(str(timezone.localdate().year))  # the world's firms are in the library this year
ENT_HEADING = "突出创新主体培育，着力壮大科技企业梯队"


@pytest.fixture
def extra_part():
    """A part an area registers after bureaus arranged their structure."""
    part = registry.register_part(registry.ReportPart(
        area="zz_new", build=lambda ctx: [Paragraph(area="zz_new").add("新领域工作有序开展。")]))
    yield part
    registry._PARTS.pop("zz_new", None)


def _rows(region, **changes):
    """The region's layout as the page would post it, with ``changes`` per area (title/position/shown)."""
    return [{"area": lp.area, "title": lp.title, "position": lp.position, "shown": lp.shown,
             **changes.get(lp.area, {})} for lp in layout_for(region)]


def _post(region, **changes) -> dict:
    data = {"action": "save"}
    for lp in layout_for(region):
        row = {"title": lp.title, "position": lp.position, "shown": lp.shown, **changes.get(lp.area, {})}
        data |= {f"{lp.area}-title": row["title"], f"{lp.area}-position": str(row["position"]),
                 f"{lp.area}-version": str(lp.version)}
        if row["shown"]:
            data[f"{lp.area}-shown"] = "on"
    return data


def _summary_titles(draft) -> list[str]:
    return [p.title for p in draft.chapters[0].parts]


# layout_for ---------------------------------------------------------------------------------------------

def test_default_layout_follows_the_registry(world):
    layout = layout_for(world.a)
    assert [lp.area for lp in layout] == [p.area for p in registry.parts()]
    assert [lp.position for lp in layout] == list(range(1, len(layout) + 1))
    ent = next(lp for lp in layout if lp.area == "enterprises")
    assert ent.title == ent.default_title == ENT_HEADING and ent.shown and ent.version == 0
    assert "，" in next(lp for lp in layout if lp.area == "rd").title  # two phrases, like the bureaus write


def test_a_part_registered_later_comes_last_with_its_default_heading(world, extra_part):
    layout_save(actor=world.staff, region=world.a, rows=list(reversed(
        [r for r in _rows(world.a) if r["area"] != "zz_new"])))
    ReportPartLayout.objects.filter(region=world.a, area="zz_new").delete()
    layout = layout_for(world.a)
    assert layout[-1].area == "zz_new" and layout[-1].title == "扎实推进zz_new工作，持续提升科技创新水平"
    assert layout[-1].position == len(layout) and not layout[-1].customised


def test_stored_rows_of_unknown_areas_are_ignored(world):
    ReportPartLayout.objects.create(region=world.a, area="gone", title="已撤销的领域", position=1)
    layout = layout_for(world.a)
    assert "gone" not in [lp.area for lp in layout] and layout[0].position == 1
    build_draft(world.a, YEAR)  # no error either


def test_the_draft_follows_the_layout(world):
    default = build_draft(world.a, YEAR)
    assert _summary_titles(default)[0] == f"（一）{ENT_HEADING}"
    layout_save(actor=world.staff, region=world.a, rows=_rows(
        world.a, enterprises={"title": "培育创新主体，壮大企业梯队"}))
    assert _summary_titles(build_draft(world.a, YEAR))[0] == "（一）培育创新主体，壮大企业梯队"
    layout_save(actor=world.staff, region=world.a, rows=_rows(world.a, enterprises={"shown": False}))
    draft = build_draft(world.a, YEAR)
    assert all(p.area != "enterprises" for p in draft.chapters[0].parts)
    assert "培育创新主体" not in draft.plain_text()
    # another district keeps the default
    assert _summary_titles(build_draft(world.b, YEAR))[0] == f"（一）{ENT_HEADING}"


def test_the_draft_writes_the_parts_in_the_bureaus_order(world, extra_part):
    default = [p.area for p in build_draft(world.a, YEAR).chapters[0].parts]
    assert default[0] == "enterprises" and default[-1] == "zz_new"
    layout_save(actor=world.staff, region=world.a, rows=_rows(world.a, zz_new={"position": 0}))
    parts = build_draft(world.a, YEAR).chapters[0].parts
    assert [p.area for p in parts] == ["zz_new", *default[:-1]]
    assert parts[0].title.startswith("（一）") and parts[1].title == f"（二）{ENT_HEADING}"


# the 总结结构 page ----------------------------------------------------------------------------------------

def test_structure_page_is_for_bureaus_only(world, login):
    for user in (world.town, world.expert, world.ent_user):
        assert login(user).get(reverse("reports:structure")).status_code == 403
        assert login(user).post(reverse("reports:structure"), _post(world.a)).status_code == 403
    for user in (world.staff, world.leader, world.city_user):
        assert login(user).get(reverse("reports:structure")).status_code == 200
    assert not ReportPartLayout.objects.exists()


def test_edits_are_saved_per_bureau_with_history(world, login):
    c = login(world.staff)
    response = c.post(reverse("reports:structure"), _post(world.a, enterprises={"title": "  培育创新主体，壮大企业梯队 "},
                                                          rd={"shown": False}))
    assert response.status_code == 302
    ent = ReportPartLayout.objects.get(region=world.a, area="enterprises")
    assert ent.title == "培育创新主体，壮大企业梯队" and ent.updated_by == world.staff and ent.version == 1
    assert not ReportPartLayout.objects.get(region=world.a, area="rd").shown
    assert ent.history.get().history_user == world.staff
    # the city edits its own layout, never a district's
    cc = login(world.city_user)
    cc.post(reverse("reports:structure"), _post(world.city, enterprises={"title": "全市创新主体培育，梯队建设成效明显"}))
    assert ReportPartLayout.objects.get(region=world.city, area="enterprises").title.startswith("全市")
    assert ReportPartLayout.objects.get(region=world.a, area="enterprises").title == "培育创新主体，壮大企业梯队"
    html = cc.get(reverse("reports:structure")).content.decode()
    assert "全市创新主体培育" in html and "培育创新主体，壮大企业梯队" not in html
    # the district's page shows the change in its history
    html = login(world.leader).get(reverse("reports:structure")).content.decode()
    assert "结构调整记录" in html and "staff" in html and "培育创新主体，壮大企业梯队" in html
    # renamed again: a change with old → new in the history
    c = login(world.staff)
    c.post(reverse("reports:structure"), _post(world.a, enterprises={"title": "壮大创新主体，做强企业梯队"}))
    html = c.get(reverse("reports:structure")).content.decode()
    assert "<del>培育创新主体，壮大企业梯队</del> → <ins>壮大创新主体，做强企业梯队</ins>" in html


def test_move_buttons_and_inline_errors(world, login, extra_part):
    c = login(world.staff)
    data = _post(world.a) | {"move": "zz_new:up"}
    assert c.post(reverse("reports:structure"), data).status_code == 302
    order = [lp.area for lp in layout_for(world.a)]
    assert order[-2] == "zz_new"
    # htmx: the page comes back with the notice, no redirect
    response = c.post(reverse("reports:structure"), _post(world.a) | {"move": "zz_new:up"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已保存" in response.content.decode()
    # an empty or too long title: nothing saved, the errors under the fields in Chinese
    before = list(ReportPartLayout.objects.values_list("title", "position", "version"))
    html = c.post(reverse("reports:structure"), _post(world.a, enterprises={"title": "  "},
                                                      rd={"title": "长" * 41})).content.decode()
    assert "请填写标题" in html and "标题最多 40 字（现有 41 字）" in html and "请按提示修改标红的栏位" in html
    html = c.post(reverse("reports:structure"), _post(world.a, rd={"position": "abc"})).content.decode()
    assert "顺序须为 1–99 的整数" in html
    assert list(ReportPartLayout.objects.values_list("title", "position", "version")) == before


def test_restore_default(world, login):
    c = login(world.staff)
    c.post(reverse("reports:structure"), _post(world.a, enterprises={"title": "培育创新主体，壮大企业梯队"}))
    versions = {f"{lp.area}-version": str(lp.version) for lp in layout_for(world.a)}
    response = c.post(reverse("reports:structure"), {"action": "reset", **versions})
    assert response.status_code == 302 and not ReportPartLayout.objects.filter(region=world.a).exists()
    assert {lp.area: lp.title for lp in layout_for(world.a)}["enterprises"] == ENT_HEADING
    html = c.get(reverse("reports:structure")).content.decode()
    assert "恢复默认" in html and "删除" in html  # the history keeps the arrangement and its removal
    html = c.post(reverse("reports:structure"), {"action": "reset"}, follow=True).content.decode()
    assert "总结结构已是默认，无需恢复" in html


def test_a_stale_edit_is_refused_and_a_second_save_goes_through(world, login):
    stale = _post(world.a, enterprises={"title": "我的标题，我的写法"})  # staff opened the page
    login(world.leader).post(reverse("reports:structure"), _post(world.a, enterprises={"title": "领导的标题，领导的写法"}))
    c = login(world.staff)
    html = c.post(reverse("reports:structure"), stale).content.decode()
    assert "保存失败：您打开此页面后，leader于" in html and "标题 " in html and "领导的标题，领导的写法" in html
    assert ReportPartLayout.objects.get(region=world.a, area="enterprises").title == "领导的标题，领导的写法"
    # the page keeps what staff typed and carries the current versions: saving again is knowing
    assert 'value="我的标题，我的写法"' in html
    again = stale | {f"{lp.area}-version": str(lp.version) for lp in layout_for(world.a)}
    assert c.post(reverse("reports:structure"), again).status_code == 302
    assert ReportPartLayout.objects.get(region=world.a, area="enterprises").title == "我的标题，我的写法"
    # a restore made on a page read before another save is refused too
    old = {"action": "reset", "enterprises-version": "1", "rd-version": "1"}
    html = c.post(reverse("reports:structure"), old).content.decode()
    assert "保存失败" in html and ReportPartLayout.objects.filter(region=world.a).exists()


# 各区县总结对比 -----------------------------------------------------------------------------------------

def test_compare_is_for_the_city_only(world, login):
    for user in (world.staff, world.leader, world.outsider, world.town, world.expert, world.ent_user):
        assert login(user).get(reverse("reports:compare"), {"period": YEAR.key}).status_code == 403


def test_compare_shows_the_citys_districts_saved_version_first(world, login):
    saved = report_generate(actor=world.staff, region=world.a, period=YEAR)
    draft = dict(saved.draft)
    draft["chapters"][0]["parts"][0]["title"] = "（一）甲区人工改过的标题，保存的版本"
    ReportVersion.objects.create(region=world.a, period=YEAR.key, number=2, draft=draft, origin="edited",
                                 created_by=world.staff)
    far = Region.objects.filter(level=RegionLevel.COUNTY).exclude(path__startswith=world.city.path).first()
    c = login(world.city_user)
    html = c.get(reverse("reports:compare"), {"period": YEAR.key}).content.decode()
    assert "甲区人工改过的标题，保存的版本" in html and "第2版 · 人工修改" in html
    assert world.b.name in html and "未保存 · 系统生成" in html  # district B has none saved: generated
    assert far is None or far.name not in html
    assert f"（一）{ENT_HEADING}" in html and 'class="kg-fig"' in html
    # a district picked: only it; a far district's code is not honoured
    html = c.get(reverse("reports:compare"), {"period": YEAR.key, "d": [world.b.code]}).content.decode()
    assert f'data-district="{world.b.code}"' in html and f'data-district="{world.a.code}"' not in html
    if far is not None:
        html = c.get(reverse("reports:compare"), {"period": YEAR.key, "d": [far.code]}).content.decode()
        assert f'data-district="{far.code}"' not in html


def test_compare_uses_one_engine_for_all_districts(world, login, monkeypatch):
    engines = []
    real = Engine.__init__

    def spy(self, districts):
        engines.append(len(districts))
        real(self, districts)

    monkeypatch.setattr(Engine, "__init__", spy)
    assert login(world.city_user).get(reverse("reports:compare"), {"period": YEAR.key}).status_code == 200
    assert len(engines) == 1 and engines[0] > 1


def test_compare_honours_each_districts_structure(world, login):
    layout_save(actor=world.staff, region=world.a, rows=_rows(world.a, enterprises={"title": "甲区的写法，自有的标题"}))
    html = login(world.city_user).get(reverse("reports:compare"), {"period": YEAR.key}).content.decode()
    assert "（一）甲区的写法，自有的标题" in html and f"（一）{ENT_HEADING}" in html


def test_layout_save_refuses_other_bureaus(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        layout_save(actor=world.outsider, region=world.a, rows=_rows(world.a))
    with pytest.raises(PermissionDenied):
        layout_save(actor=world.city_user, region=world.a, rows=_rows(world.a))
