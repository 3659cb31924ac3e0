"""The scope walker's view of 通知公告 (see ``keguan.core.scope_walk``): each bureau's published notice, addressed
to the bureau's own staff (so no persona outside the bureau's region is in its audience), with an attachment;
and a system message to one user of each bureau."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from keguan.core.scope_walk import MANAGERS, PERSONAS, Kwarg, SceneContext, Walk, Write, status

from . import services
from .models import Notice, NoticeStatus

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RECORDS = ("notice", "message")


def _scene(ctx: SceneContext) -> dict:
    w = ctx.world
    from keguan.accounts.models import User

    owners = {"city": w.city_user, "a": w.staff, "b": w.outsider,
              "far_district": User.objects.get(username="cn_far_staff")}
    out: dict = {"notice": {}, "message": {}}
    for key, word in ctx.places.items():
        region = ctx.regions[key]
        group = "city" if key == "city" else "district"
        out["notice"][key] = services.notice_create(
            actor=None, region=region, title=f"{word}通知哨兵", body=f"{word}通知正文哨兵", groups=[group],
            publish=True, files=[SimpleUploadedFile("附件.pdf", PDF)])
        [out["message"][key]] = services.send_message([owners[key]], f"{word}消息哨兵", "/")
    return out


def _leaks(kind: str, obj) -> list[str]:
    if kind == "notice":
        return [obj.title, obj.body]
    return [obj.text]


def _draft(n: Notice) -> None:
    Notice.objects.filter(pk=n.pk).update(status=NoticeStatus.DRAFT)


def _form(n: Notice | None) -> dict:
    return {"title": "范围测试通知", "body": "范围测试正文", "groups": ["district"], "action": "save",
            "version": n.version if n is not None else ""}


WALK = Walk(
    pk_kinds={**{f"notices:{name}": "notice" for name in ("read", "attachment", "detail", "edit", "unread_export",
                                                           "publish", "withdraw")},
              "notices:message": "message"},
    kwargs={"file": Kwarg(of="notice", value=lambda n: n.attachments.first().pk, is_id=True, missing=999999)},
    writes={
        "notices:create": Write(MANAGERS, lambda _: _form(None)),
        "notices:edit": Write(MANAGERS, _form),
        "notices:publish": Write(MANAGERS, lambda n: {}, prepare=_draft),
        "notices:withdraw": Write(MANAGERS, lambda n: {}),
    },
    page_shows={"notices:manage": "notice"},
    page_status={"notices:inbox": status(set(PERSONAS)), "notices:manage": status(MANAGERS),
                 "notices:create": status(MANAGERS)},
    anchors={"notices.Notice": lambda n: (n.region, None)},
    region_records=RECORDS,
    scene=_scene,
    leaks=_leaks,
)
