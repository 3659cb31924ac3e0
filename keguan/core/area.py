"""The workbench: the home page every signed-in user lands on."""

from keguan.core.areas import Area, Entry, register

register(Area(code="core", title="工作台", order=0, app="keguan.core", urls="keguan.core.urls", url_prefix="",
              menu=(Entry("首页", "core:home", "house"),), reports_area=False,
              scope_walk="keguan.core.scope_walk"))
