from __future__ import annotations

import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from keguan.reports.docx.render import default_template
from keguan.reports.draft import Draft
from keguan.reports.models import IssueItem, PlanItem, ReportTemplate, ReportVersion

YEAR = timezone.localdate().year


def test_generate_preview_edit_and_versions(world, login):
    c = login(world.staff)
    response = c.post(reverse("reports:home"), {"period": str(YEAR)})
    v1 = ReportVersion.objects.get()
    assert response.status_code == 302 and v1.number == 1 and v1.created_by == world.staff
    html = c.get(reverse("reports:version", args=[v1.pk])).content.decode()
    assert "青秀区科学技术局" in html and 'class="kg-fig"' in html
    # edit the opening: a new version, the old one kept
    edit = c.get(reverse("reports:version_edit", args=[v1.pk]))
    assert edit.status_code == 200
    response = c.post(reverse("reports:version_edit", args=[v1.pk]), {"opening": "我局上半年工作扎实有效。", "note": "改开头"})
    v2 = ReportVersion.objects.get(number=2)
    assert response.status_code == 302 and v2.origin == "edited" and v2.note == "改开头"
    assert v2.draft["opening"]["runs"] == [{"text": "我局上半年工作扎实有效。", "figure": None}]
    assert v1.draft["opening"]["runs"][0]["text"] != "我局上半年工作扎实有效。"
    # the downloaded Word file carries the edited text
    got = c.get(reverse("reports:version_download", args=[v2.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    assert "我局上半年工作扎实有效。" in text
    # nothing changed → no new version
    response = c.post(reverse("reports:version_edit", args=[v2.pk]), {"opening": "我局上半年工作扎实有效。"})
    assert "没有修改任何内容" in response.content.decode() and ReportVersion.objects.count() == 2


def test_plans_and_issues_flow_into_the_draft(world, login):
    c = login(world.staff)
    c.post(reverse("reports:plans"), {"area": "enterprises", "text": "组织高企申报培训", "due": f"{YEAR + 1}-03-31"})
    c.post(reverse("reports:issues"), {"period": str(YEAR), "area": "enterprises", "text": "企业研发投入不足"})
    assert PlanItem.objects.get().created_by == world.staff and IssueItem.objects.count() == 1
    c.post(reverse("reports:home"), {"period": str(YEAR)})
    html = c.get(reverse("reports:version", args=[ReportVersion.objects.get().pk])).content.decode()
    assert "组织高企申报培训（完成时限：" in html and "企业研发投入不足。" in html


def test_bad_template_is_refused_with_the_placeholder_named(world, login):
    c = login(world.staff)
    d = docx.Document(io.BytesIO(default_template()))
    d.add_paragraph("{{ bureau_seal }}")
    buf = io.BytesIO()
    d.save(buf)
    html = c.post(reverse("reports:templates"), {"name": "坏模板", "file": SimpleUploadedFile("t.docx", buf.getvalue())}).content.decode()
    assert "bureau_seal" in html and not ReportTemplate.objects.exists()
    html = c.post(reverse("reports:templates"), {"name": "假文件", "file": SimpleUploadedFile("t.docx", b"hello")}).content.decode()
    assert "不是有效的 Word" in html
    response = c.post(reverse("reports:templates"), {"name": "本局模板", "file": SimpleUploadedFile("t.docx", default_template())})
    assert response.status_code == 302 and ReportTemplate.objects.get().active


def test_city_reads_district_versions_but_cannot_edit_them(world, login):
    login(world.staff).post(reverse("reports:home"), {"period": str(YEAR)})
    v = ReportVersion.objects.get()
    city = login(world.city_user)
    assert city.get(reverse("reports:version", args=[v.pk])).status_code == 200
    assert city.post(reverse("reports:version_edit", args=[v.pk]), {"opening": "x"}).status_code == 403
    outsider = login(world.outsider)
    assert outsider.get(reverse("reports:version", args=[v.pk])).status_code == 404


def test_report_pages_are_for_bureaus(world, login):
    for persona in (world.town, world.expert, world.ent_user):
        assert login(persona).get(reverse("reports:home")).status_code == 403


def test_cli_report_writes_a_docx(world, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "总结.docx"
    call_command("report", region=world.a.code, period=str(YEAR), out=str(out))
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert f"青秀区科学技术局{YEAR}年工作总结" in text


def test_template_page_explains_placeholders_and_offers_the_default_and_a_sample(world, login):
    c = login(world.staff)
    html = c.get(reverse("reports:templates")).content.decode()
    assert 'data-testid="placeholders"' in html and "章节循环" in html and "署名单位" in html and "成文日期" in html
    default = c.get(reverse("reports:template_default"))
    assert default.status_code == 200 and default.content == default_template()
    assert "attachment" in default["Content-Disposition"]
    sample = c.get(reverse("reports:template_sample"))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(sample.content)).paragraphs)
    assert "{{" not in text and "{%" not in text and "工作总结" in text
    # a bureau's own template tried on the sample, and another district's is out of reach
    c.post(reverse("reports:templates"), {"name": "本局模板", "file": SimpleUploadedFile("t.docx", default_template())})
    own = ReportTemplate.objects.get()
    assert c.get(reverse("reports:template_sample"), {"template": own.pk}).status_code == 200
    assert login(world.outsider).get(reverse("reports:template_sample"), {"template": own.pk}).status_code == 404


def test_what_is_missing_is_said_on_the_preview_never_in_the_document(world, login):
    """No plans entered and no problem found: the chapters are left out of the document and the preview
    says what to enter; not a word of that reaches the Word file."""
    c = login(world.staff)
    c.post(reverse("reports:home"), {"period": f"{YEAR}H1"})
    v = ReportVersion.objects.get()
    assert v.draft["notes"], v.draft
    html = c.get(reverse("reports:version", args=[v.pk])).content.decode()
    assert 'data-testid="draft-notes"' in html and "请在“工作计划”中录入计划后重新生成" in html
    got = c.get(reverse("reports:version_download", args=[v.pk]))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs)
    for words in ("请在", "录入", "暂无", "重新生成"):
        assert words not in text, text
    # with a plan for the next half-year the plan chapter is back, and its note gone
    c.post(reverse("reports:plans"), {"area": "enterprises", "text": "组织高企申报培训", "due": f"{YEAR}-11-30"})
    c.post(reverse("reports:home"), {"period": f"{YEAR}H1"})
    v2 = ReportVersion.objects.get(number=2)
    assert not any("工作计划" in n for n in v2.draft["notes"])
    assert "组织高企申报培训" in Draft.from_json(v2.draft).plain_text()
