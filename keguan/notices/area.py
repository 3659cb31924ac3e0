"""通知公告: notices the city or a district bureau publishes to role groups in its regions, with attachments
and read receipts; 我的消息: the notices addressed to a user and the system's messages to it
(``keguan.notices.services.send_message``)."""

from keguan.core.areas import Area, Entry, register
from keguan.core.permissions import Permission
from keguan.core.roles import CITY, DISTRICT_EDITORS, EVERYONE

register(Area(
    code="notices", title="工作台", order=5, app="keguan.notices", urls="keguan.notices.urls", url_prefix="notices/",
    reports_area=False, scope_walk="keguan.notices.scope_walk", on_start=("keguan.notices.digest.digest_at_start",),
    demo="keguan.notices.demo.make_notices_demo", demo_order=90, demo_wipe="keguan.notices.demo.wipe",
    permissions=(
        Permission("notices.view", "查看发给本人的通知公告和系统消息", EVERYONE),
        Permission("notices.publish", "起草、发布、撤回本单位的通知公告，查看阅读情况", CITY | DISTRICT_EDITORS),
    ),
    menu=(
        Entry("我的消息", "notices:inbox", "envelope", "notices.view"),
        Entry("通知公告管理", "notices:manage", "megaphone", "notices.publish"),
    ),
))
