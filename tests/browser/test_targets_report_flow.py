"""The city sets a target, the district sees its completion and rank, generates its work summary and
downloads the Word document."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from .menu import menu_link

pytestmark = pytest.mark.browser


def test_target_completion_rank_and_summary(world, page, login_as):
    year = timezone.localdate().year
    # City staff set 青秀区's target for valid 高企 (it has 1 now: 50% done with a target of 2).
    login_as("city")
    menu_link(page, "市定目标").click()
    # no target yet: the page opens on the first area's tab; the 高企 targets are under 创新主体培育
    page.get_by_test_id("target-areas").get_by_role("link", name=re.compile("^创新主体培育")).click()
    cell = page.get_by_label("青秀区有效高新技术企业目标")
    cell.fill("2")
    page.get_by_role("button", name="保存目标").click()
    expect(page.get_by_text(f"{year}年市定目标已保存")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # District staff see completion and rank on their dashboard.
    login_as("staff")
    menu_link(page, "指标看板").click()
    page.wait_for_load_state("load")  # the period select submits through keguan.js
    page.select_option("#id_period", str(year))
    expect(page.get_by_test_id("completion-ent_hnte_valid")).to_have_text("50.0%")
    expect(page.get_by_test_id("rank-ent_hnte_valid")).to_have_text("全市第一")
    # The target shows read-only on the targets page.
    menu_link(page, "市定目标").click()
    expect(page.locator(f'[data-testid="t-ent_hnte_valid-{world.a.pk}"]')).to_have_text("2")
    expect(page.get_by_role("button", name="保存目标")).to_have_count(0)

    # Generate the summary, see its figures with their sources, download it and open it.
    menu_link(page, "生成工作总结").click()
    page.wait_for_load_state("load")
    page.select_option("#id_period", str(year))
    page.get_by_role("button", name="生成初稿").click()
    preview = page.locator("#report-preview")
    expect(preview).to_contain_text(f"青秀区科学技术局{year}年工作总结")
    expect(page.get_by_test_id("draft-notes")).to_contain_text("工作计划")
    # stated in its item and again under 存在的问题 (behind the target): the same words both times
    completion = preview.locator('.kg-fig[data-indicator="ent_hnte_valid"][data-kind="completion"]')
    expect(completion.first).to_have_text("完成市定目标的50.0%")
    expect(completion.last).to_have_text("完成市定目标的50.0%")
    with page.expect_download() as info:
        page.locator("#download-docx").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    document = docx.Document(io.BytesIO(open(download.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"青秀区科学技术局{year}年工作总结和{year + 1}年工作计划" in text
    assert "完成市定目标的50.0%" in text
    # no plan entered: the document has no empty plan chapter, and the preview said so
    assert "二、存在的问题" in text and "三、" not in text and "请在" not in text
