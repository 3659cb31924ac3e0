from django.urls import reverse

from keguan.accounts.models import Organisation


def test_staff_registers_a_university_and_sees_it(world, login):
    c = login(world.staff)
    response = c.post(reverse("accounts:organisation_create"), {"kind": "university", "name": "测试大学", "region": world.a.pk})
    assert response.status_code == 302
    org = Organisation.objects.get(name="测试大学")
    assert org.region == world.a and org.history.first().history_user == world.staff
    assert "测试大学" in c.get(reverse("accounts:organisation_list")).content.decode()
    # a sibling district does not see it
    assert "测试大学" not in login(world.outsider).get(reverse("accounts:organisation_list")).content.decode()


def test_bad_credit_code_and_foreign_region_are_refused(world, login):
    c = login(world.staff)
    html = c.post(
        reverse("accounts:organisation_create"),
        {"kind": "institute", "name": "坏代码研究所", "region": world.a.pk, "credit_code": "914403001922038217"},
    ).content.decode()
    assert "校验位错误" in html
    response = c.post(reverse("accounts:organisation_create"), {"kind": "institute", "name": "外区所", "region": world.b.pk})
    assert response.status_code == 200 and not Organisation.objects.filter(name="外区所").exists()


def test_read_only_roles_cannot_register(world, login):
    assert login(world.town).get(reverse("accounts:organisation_create")).status_code == 403
