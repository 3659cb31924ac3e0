import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "登 录" in response.content.decode()


def test_home_requires_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_home_counts_by_stage_for_district_staff(world, login):
    c = login(world.staff)
    html = c.get("/").content.decode()
    assert "青秀区" in html
    # district A has one 高企 and one 科小; B's 培育库 firm is not counted
    assert 'data-testid="stage-hnte"' in html
    page = c.get("/")
    counts = {v: n for v, _l, n, _d in page.context["stage_counts"]}
    assert counts["hnte"] == 1 and counts["tech_sme"] == 1 and counts["pool"] == 0


def test_city_home_lists_districts(world, login):
    page = login(world.city_user).get("/")
    rows = {r["area"].name: r["total"] for r in page.context["area_rows"] if r["area"]}
    assert rows["青秀区"] == 2 and rows["江南区"] == 1
