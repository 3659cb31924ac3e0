"""The area registry: every app declares itself once, and the suite fails when an area forgets a piece."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from keguan.core import areas
from keguan.core.permissions import get_permission
from keguan.indicators import registry as indicators
from keguan.reports import registry as report_parts

OWN_APPS = [a for a in settings.INSTALLED_APPS if a.startswith("keguan.")]
NOT_AREAS = {"keguan.demo"}  # the demo generator is a tool, not an area of the bureau's work


def test_every_app_declares_an_area():
    declared = {a.app for a in areas.all_areas()}
    missing = [app for app in OWN_APPS if app not in NOT_AREAS and app not in declared]
    assert not missing, f"apps without an area.py that registers them: {missing}"
    assert len({a.code for a in areas.all_areas()}) == len(areas.all_areas())


@pytest.mark.parametrize("area", areas.all_areas(), ids=lambda a: a.code)
def test_area_declaration_is_complete(area):
    for dotted in (*area.reminders, *area.home, *area.on_start, *area.kinds, area.demo, area.demo_wipe):
        if dotted:
            assert callable(areas.resolve(dotted)) or hasattr(areas.resolve(dotted), "code"), dotted
    for module in (area.urls, area.indicators, area.report, area.scope_walk):
        if module:
            import_module(module)
    if area.demo:
        assert area.demo_wipe, f"{area.code}: a demo step needs demo_wipe, or a reload leaves its rows behind"
    for entry in area.menu:
        reverse(entry.url_name)
        if entry.perm is not None:
            get_permission(entry.perm)
    for perm in area.permissions:
        assert perm.area == area.code, f"{perm.code} declared by area {area.code}"
    has_models = any(m.__module__.startswith(area.app + ".") for m in apps.get_models())
    if has_models:
        assert area.scope_walk, f"{area.code} has models but no scope_walk module for tests/test_scope.py"


def test_indicators_and_report_parts_belong_to_areas():
    codes = {a.code for a in areas.all_areas()}
    for ind in indicators.all_indicators():
        assert ind.area in codes, ind.code
    for part in report_parts.parts():
        assert part.area in codes and part.title == areas.area_title(part.area)


def test_every_url_comes_from_an_area():
    prefixes = {a.url_prefix for a in areas.all_areas() if a.urls}
    for p in get_resolver().url_patterns:
        route = str(p.pattern)
        if route.startswith("admin/"):
            continue
        assert isinstance(p, URLResolver | URLPattern)
        assert route in prefixes, f"URL {route!r} is mounted outside the area registry (keguan/urls.py)"


def test_home_shows_the_areas_reminders_and_cards(world):
    c = Client()
    c.force_login(world.staff)
    response = c.get(reverse("core:home"))
    assert response.status_code == 200
    assert "企业梯队培育（按当前阶段" in response.content.decode()  # the enterprise area's card
    assert response.context["reminders"] == []  # nothing due in this world
