"""Demo data for 通知公告: a few notices of the demo city's bureau and of each demo district's bureau, with an
attachment, some already read by their recipients. Written through the services (a handful of rows)."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from keguan.accounts.models import User
from keguan.regions.models import Region

from . import services
from .models import Message, Notice, NoticeRead
from .selectors import audience_users

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")

CITY_NOTICES = [
    ("关于开展{year}年度高新技术企业认定申报工作的通知", ["district", "enterprise"], True,
     "各县（市、区）科技局，各有关企业：\n\n根据《高新技术企业认定管理办法》和《高新技术企业认定管理工作指引》，"
     "现将{year}年度高新技术企业认定申报工作有关事项通知如下。\n\n一、申报条件：企业申请认定时须注册成立一年以上，"
     "近三个会计年度研究开发费用总额占同期销售收入总额的比例符合要求，近一年高新技术产品（服务）收入占企业同期总收入的比例不低于60%。\n\n"
     "二、申报时间：第一批申报材料请于{year}年5月31日前报送所在县（市、区）科技局，由县（市、区）科技局审核后统一报送。\n\n"
     "三、工作要求：各县（市、区）科技局要加强政策宣传和申报辅导，做好企业培育入库工作，确保申报材料真实、完整。\n\n"
     "附件：{year}年度高新技术企业认定申报指引"),
    ("关于报送{last}年度企业研发经费投入情况的通知", ["district"], False,
     "各县（市、区）科技局：\n\n为做好{last}年度全社会研发经费投入统计工作，请组织辖区内规模以上工业企业和有研发活动的企业"
     "按时完成研发经费填报，并于{year}年3月31日前将填报进度报市科技局。\n\n联系人：市科技局政策法规科。"),
]
DISTRICT_NOTICES = [
    ("关于组织辖区科技型中小企业开展评价入库工作的通知", ["township", "enterprise"],
     "各乡镇（街道）、各有关企业：\n\n{year}年度科技型中小企业评价工作已经启动。请各乡镇（街道）专干摸排辖区内符合条件的企业，"
     "指导企业在全国科技型中小企业信息服务平台填报，并于每月25日前将进展报区科技局。\n\n企业在填报中遇到问题，可联系区科技局成果科。"),
    ("关于召开科技特派员工作推进会的通知", ["commissioner", "township"],
     "各科技特派员、各乡镇（街道）专干：\n\n定于下周三上午9:00在区政府3楼会议室召开科技特派员工作推进会，"
     "请各特派员准备本季度服务日志和下一步工作计划，准时参会。"),
]


def make_notices_demo(*, districts: list[Region], today: dt.date | None = None, seed: int = 2024) -> int:
    """The city's and each district's notices. Returns how many notices were made."""
    today = today or timezone.localdate()
    rng = random.Random(f"notices-{seed}")
    if not districts:
        return 0
    city = districts[0].parent
    made: list[Notice] = []
    words = {"year": today.year, "last": today.year - 1}
    author = User.objects.filter(region=city, role="city_staff").first()
    for title, groups, attach, body in CITY_NOTICES:
        files = [SimpleUploadedFile(f"{title.format(**words)[:20]}-申报指引.pdf", PDF)] if attach else []
        made.append(services.notice_create(actor=author, region=city, title=title.format(**words),
                                           body=body.format(**words), groups=groups, publish=True,
                                           pinned=attach, files=files))
    for d in districts:
        clerk = User.objects.filter(region=d, role="district_staff").first()
        for i, (title, groups, body) in enumerate(DISTRICT_NOTICES):
            made.append(services.notice_create(actor=clerk, region=d, title=title, body=body.format(**words),
                                               groups=groups, publish=True,
                                               files=[SimpleUploadedFile("工作安排.pdf", PDF)] if i == 0 else []))
    now = timezone.now()
    for n in made:
        Notice.objects.filter(pk=n.pk).update(published_at=now - dt.timedelta(days=rng.randint(1, 20)))
        users = list(audience_users(n).order_by("pk")[:40])
        readers = [u for u in users if rng.random() < 0.5]
        NoticeRead.objects.bulk_create([NoticeRead(notice=n, user=u) for u in readers])
    return len(made)


def wipe(enterprise_ids: list[int], district_ids: list[int]) -> None:
    """The demo reload's step: the notices of these districts and of their city, and the receipts and messages
    of the accounts the generator has removed."""
    cities = Region.objects.filter(pk__in=district_ids).values("parent_id")
    regions = list(Region.objects.filter(pk__in=district_ids).values_list("pk", flat=True)) + list(
        Region.objects.filter(pk__in=cities).values_list("pk", flat=True))
    notices = Notice.objects.filter(region_id__in=regions)
    NoticeRead.objects.filter(notice__in=notices).delete()
    NoticeRead.objects.exclude(user_id__in=User.objects.values("pk")).delete()
    Message.objects.exclude(user_id__in=User.objects.values("pk")).delete()
    Notice.history.filter(region_id__in=regions).delete()
    for n in notices:
        for a in n.attachments.all():
            a.file.delete(save=False)
    notices.delete()
