"""责任状 to Excel (the list as shown: the current year without conditions, else its filters) and the bureau's
待办 for this year's letters not yet signed (no 签订日期, not assessed: the list's 未签订)."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from keguan.core.areas import reminders_for
from keguan.fieldwork.services import letters as svc

from .test_letters import TODAY, YEAR, _commissioner, fw  # noqa: F401

THIS_YEAR = TODAY.year


def sheet(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    note = [r[0] for r in book["说明"].iter_rows(values_only=True)]
    return rows[0], rows[1:], note, book.worksheets[0]


def _this_years(world):
    """This year: one signed letter, two unsigned (one with a goal that looks like a formula)."""
    a = svc.letter_create(
        actor=None, commissioner=world.c, year=THIS_YEAR, goals="服务不少于24次", signed_on=TODAY
    )
    b = svc.letter_create(
        actor=None,
        commissioner=_commissioner(world, name="覃特派", start=dt.date(YEAR, 1, 1)),
        year=THIS_YEAR,
        goals='=HYPERLINK("http://x")\n引进新品种2个',
    )
    c = svc.letter_create(
        actor=None,
        commissioner=_commissioner(world, name="蒙特派", start=dt.date(YEAR, 1, 1)),
        year=THIS_YEAR,
        goals="建设示范基地1个",
    )
    return a, b, c


def test_the_export_is_the_list_as_shown(fw, login):  # noqa: F811
    signed, unsigned1, unsigned2 = _this_years(fw)
    c = login(fw.staff)
    head, rows, note, ws = sheet(c.get(reverse("fieldwork:letter_export")))  # no conditions: this year
    assert head[:8] == (
        "区县",
        "科技特派员",
        "派出单位",
        "年度",
        "目标任务（项）",
        "目标任务",
        "签订日期",
        "状态",
    )
    assert sorted(r[1] for r in rows) == sorted(["覃特派", "蒙特派", "韦特派"]) and {r[3] for r in rows} == {
        THIS_YEAR
    }
    assert f"{THIS_YEAR}年度" in "\n".join(note)
    by_name = {r[1]: r for r in rows}
    assert by_name["覃特派"][4] == 2 and by_name["覃特派"][7] == "未签订" and by_name["韦特派"][7] == "已签订"
    formula = next(
        cell for row in ws.iter_rows(min_row=2) for cell in row if str(cell.value).startswith("=HYP")
    )
    assert formula.data_type == "s"  # text, never a formula
    # the filters of the list
    _h, rows, note, _ws = sheet(
        c.get(reverse("fieldwork:letter_export"), {"year": THIS_YEAR, "status": "unsigned"})
    )
    assert sorted(r[1] for r in rows) == sorted(["覃特派", "蒙特派"])
    assert "状态：未签订" in "\n".join(note)
    _h, rows, _n, _ws = sheet(c.get(reverse("fieldwork:letter_export"), {"year": YEAR}))
    assert [(r[1], r[3], r[7]) for r in rows] == [("韦特派", YEAR, "已签订")]
    _h, rows, _n, _ws = sheet(c.get(reverse("fieldwork:letter_export"), {"year": "", "q": "覃"}))
    assert [r[1] for r in rows] == ["覃特派"]
    _h, rows, _n, _ws = sheet(
        c.get(reverse("fieldwork:letter_export"), {"year": "1900"})
    )  # a wrong condition
    assert rows == []
    page = c.get(reverse("fieldwork:letters")).content.decode()
    assert reverse("fieldwork:letter_export") in page and 'data-testid="letter-export"' in page


def test_the_export_is_the_bureaus_and_within_its_scope(fw, login):  # noqa: F811
    _this_years(fw)
    c = login(fw.outsider)
    _h, rows, _n, _ws = sheet(c.get(reverse("fieldwork:letter_export")))
    assert rows == []
    c = login(fw.city_user)
    _h, rows, _n, _ws = sheet(c.get(reverse("fieldwork:letter_export")))
    assert len(rows) == 3
    for user in (fw.expert, fw.town, fw.ent_user):
        c = login(user)
        assert c.get(reverse("fieldwork:letter_export")).status_code == 403, user
    assert "letter-export" not in login(fw.expert).get(reverse("fieldwork:letters")).content.decode()


def _letter_reminders(user):
    return [(r.text, r.count, r.url) for r in reminders_for(user, TODAY) if "责任状" in r.text]


def test_the_bureau_is_reminded_of_this_years_unsigned_letters(fw, login):  # noqa: F811
    signed, unsigned1, unsigned2 = _this_years(fw)
    svc.letter_create(
        actor=None,
        commissioner=_commissioner(fw, name="旧年", start=dt.date(YEAR, 1, 1)),
        year=YEAR,
        goals="去年的",
    )  # last year's, unsigned: not this year's 待办
    url = reverse("fieldwork:letters") + f"?year={THIS_YEAR}&status=unsigned"
    assert _letter_reminders(fw.staff) == [(f"2 份{THIS_YEAR}年度科技特派员责任状尚未签订", 2, url)]
    assert _letter_reminders(fw.leader) == _letter_reminders(fw.staff)
    # the link lists exactly those
    page = login(fw.staff).get(url)
    assert {x.pk for x in page.context["page"].object_list} == {unsigned1.pk, unsigned2.pk}
    # who does not sign letters, or has none unsigned, gets no such 待办
    for user in (fw.expert, fw.town, fw.city_user, fw.outsider, fw.ent_user):
        assert _letter_reminders(user) == [], user
    # signing one takes it off
    svc.letter_update(actor=fw.staff, letter=unsigned1, goals=unsigned1.goals, signed_on=TODAY)
    assert _letter_reminders(fw.staff)[0][1] == 1
    svc.letter_update(actor=fw.staff, letter=unsigned2, goals=unsigned2.goals, signed_on=TODAY)
    assert _letter_reminders(fw.staff) == []
