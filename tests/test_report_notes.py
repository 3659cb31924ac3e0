"""工作纪实: notes a bureau keeps as it works, written into the summary's parts as items of their own."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from keguan.reports.builder import build_draft
from keguan.reports.models import ReportPartLayout, WorkNote
from keguan.rules.periods import Period

TODAY = timezone.localdate()
YEAR = TODAY.year - 1  # a whole past year: every date in it may be recorded


def _note(world, on, area, lead, text):
    return WorkNote.objects.create(region=world.a, area=area, happened_on=on, lead=lead, text=text,
                                   created_by=world.staff)


def test_notes_of_the_period_become_items_grouped_by_lead_in_date_order(world):
    _note(world, dt.date(YEAR, 9, 1), "enterprises", "积极组织企业参加科技创新培训", "组织企业参加“专精特新”线上培训。")
    _note(world, dt.date(YEAR, 3, 11), "enterprises", "积极组织企业参加科技创新培训", "组织企业参加市科技局线上培训")
    _note(world, dt.date(YEAR, 5, 20), "general", "搭建政企银沟通交流平台", "举办科技企业融资对接会")
    _note(world, dt.date(YEAR - 1, 12, 30), "enterprises", "上一年的事", "不该写进今年的总结")
    text = build_draft(world.a, Period.parse(str(YEAR))).plain_text()
    assert "积极组织企业参加科技创新培训。3月11日，组织企业参加市科技局线上培训；9月1日，组织企业参加“专精特新”线上培训。" in text
    assert "上一年的事" not in text
    # notes of no area's part make a part of their own, after the areas' parts
    lines = text.splitlines()
    general = lines.index("（二）统筹推进综合工作，持续优化创新生态")
    assert lines[general + 1] == "搭建政企银沟通交流平台。5月20日，举办科技企业融资对接会。"
    assert lines.index("（一）突出创新主体培育，着力壮大科技企业梯队") < general
    # the first half of the year has only March and May
    half = build_draft(world.a, Period.parse(f"{YEAR}H1")).plain_text()
    assert "3月11日" in half and "9月1日" not in half


def test_a_hidden_part_takes_its_notes_with_it(world):
    _note(world, dt.date(YEAR, 4, 2), "rd", "深入企业开展研发投入调研", "走访9家规上工业企业")
    assert "走访9家规上工业企业" in build_draft(world.a, Period.parse(str(YEAR))).plain_text()
    ReportPartLayout.objects.create(region=world.a, area="rd", title="强化研发投入引导", position=1, shown=False)
    assert "走访9家规上工业企业" not in build_draft(world.a, Period.parse(str(YEAR))).plain_text()


def test_the_notes_page_records_lists_by_period_and_deletes(world, login):
    c = login(world.staff)
    url = reverse("reports:notes")
    assert "还没有工作纪实" in c.get(url).content.decode()
    r = c.post(url, {"happened_on": f"{YEAR}-03-11", "area": "enterprises", "lead": "积极组织企业参加科技创新培训。",
                     "text": "组织12家企业参加线上培训"})
    assert r.status_code == 302
    note = WorkNote.objects.get()
    assert note.lead == "积极组织企业参加科技创新培训" and note.created_by == world.staff
    assert note.history.count() == 1
    page = c.get(url + f"?period={YEAR}H1").content.decode()
    assert "组织12家企业参加线上培训" in page
    assert "该期间没有工作纪实" in c.get(url + f"?period={YEAR - 1}").content.decode()
    # a day still to come is a plan, not a note; an empty lead is named
    r = c.post(url, {"happened_on": (TODAY + dt.timedelta(days=3)).isoformat(), "area": "general", "lead": "",
                     "text": "明天的活动"})
    page = r.content.decode()
    assert r.status_code == 200 and "日期不能晚于今天" in page and "这个字段是必填项" in page
    assert WorkNote.objects.count() == 1
    c.post(reverse("reports:note_delete", args=[note.pk]))
    assert not WorkNote.objects.exists() and note.history.count() == 2


def test_another_bureau_cannot_delete_a_note(world, login):
    note = _note(world, dt.date(YEAR, 3, 1), "general", "小标题", "本区的纪实")
    r = login(world.outsider).post(reverse("reports:note_delete", args=[note.pk]))
    assert r.status_code == 404 and WorkNote.objects.filter(pk=note.pk).exists()
