"""科技项目 on a firm's page (一企一策): staff see its submitted projects and the funds won, the firm's own user
sees its drafts too with links to the applicant's pages, and a firm of another district shows nothing."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from keguan.enterprises.hooks import firm_sections
from keguan.projects.models import Application
from keguan.projects.services import applications as svc

from .test_manage import TODAY, _running, program_call, submitted  # noqa: F401


def _section(user, enterprise):
    return next((s for s in firm_sections(user, enterprise) if s.title == "科技项目"), None)


def test_staff_and_the_firm_see_its_projects_on_its_page(world, login):
    world.call = program_call(world.a)
    submitted(world, world.call, title="智能传感器研发")
    svc.application_save(actor=world.ent_user, application=Application(call=world.call, enterprise=world.ent_a,
                                                                        district=world.a),
                         title="尚未提交的草稿", field="electronics")
    running = _running(world)
    svc.funding_add(actor=world.staff, application=running, source="county", amount=Decimal("80000"), on=TODAY)
    staff = _section(world.staff, world.ent_a)
    assert staff is not None and staff.summary.startswith("申报2项，立项1项") and "获资助8.00万元" in staff.summary
    assert "尚未提交的草稿" not in [r.text.split(" ", 1)[1] for r in staff.rows]
    assert all(r.url.startswith("/projects/applications/") for r in staff.rows)
    own = _section(world.ent_user, world.ent_a)
    assert "申报3项" in own.summary and any("尚未提交的草稿" in r.text for r in own.rows)
    assert all(r.url.startswith("/projects/apply/") for r in own.rows)
    assert _section(world.town, world.ent_a) is None  # 乡镇专干 has no projects.view
    page = login(world.staff).get(reverse("enterprises:detail", args=[world.ent_a.pk])).content.decode()
    assert "一企一策" in page and "智能传感器研发" in page and "获资助8.00万元" in page
    # another district's firm: nothing of district A's
    other = _section(world.outsider, world.ent_b)
    assert other is not None and other.rows == () and other.summary == ""
