"""An expert service team's own annual summary (科技专家服务团年度工作总结), in the shape the teams write it:
一、工作开展情况 — 强化组织保障, 开展科技下乡, 专家现场指导, 开展技能培训 (and new varieties introduced) —
and 二、下一年工作打算, written from the team's records of the year: its members and chief expert, the
villages and firms it and its members serve, the members' service logs, the trainings they attended and
the needs they completed. A part with no records behind it is left out, never written with a zero.

Built as a ``keguan.reports.draft.Draft`` and rendered to Word by the work summary's renderer
(``keguan.reports.docx.render_docx``, the default template)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from keguan.reports.docx.render import render_docx
from keguan.reports.draft import Chapter, Draft, Paragraph, Part
from keguan.reports.phrasing import ITEM_WORDS

from .models import (
    Assignment,
    Demand,
    DemandStatus,
    Kind,
    ServiceKind,
    ServiceLog,
    Team,
    TrainingAttendance,
    VillageInfo,
)

TOP_VISITS = 4


def team_summary_years(team: Team, today: dt.date | None = None) -> list[int]:
    """The years a summary can be written for: from the team's founding to this year, latest first."""
    today = today or timezone.localdate()
    last = min(today.year, team.end_on.year if team.end_on else today.year)
    return list(range(last, team.start_on.year - 1, -1))


def _overlaps(start: dt.date, end: dt.date) -> Q:
    return Q(start_on__lte=end) & (Q(end_on__isnull=True) | Q(end_on__gte=start))


def _n(value) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _items(sentences: list[str]) -> str:
    if len(sentences) < 2:
        return "".join(sentences)
    return "".join(f"{ITEM_WORDS[i] if i < len(ITEM_WORDS) else i + 1}是{s}" for i, s in enumerate(sentences))


def team_summary_draft(team: Team, year: int) -> Draft:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = list(team.members.select_related("commissioner").order_by("-is_chief", "id"))
    people = [m.commissioner for m in members]
    ids = [c.pk for c in people]
    chief = next((m.commissioner for m in members if m.is_chief), None)
    assignments = Assignment.objects.filter(_overlaps(start, end)).filter(Q(team=team) | Q(commissioner_id__in=ids))
    villages = set(assignments.filter(village__isnull=False).values_list("village_id", flat=True))
    to_villages = set(assignments.filter(village__isnull=False, commissioner__isnull=False)
                      .values_list("commissioner_id", flat=True))
    industrial = assignments.filter(enterprise__isnull=False, commissioner__kind=Kind.INDUSTRY)
    firms = set(industrial.values_list("enterprise_id", flat=True))
    industrial_people = set(industrial.values_list("commissioner_id", flat=True))
    flags = VillageInfo.objects.filter(village_id__in=villages)
    revitalisation = flags.filter(revitalisation=True).count()
    key_industry = flags.filter(key_industry=True).count()
    logs = ServiceLog.objects.filter(commissioner_id__in=ids, served_on__gte=start, served_on__lte=end)
    agg = logs.aggregate(n=Count("id"), served=Sum("served"), introduced=Sum("introduced"))
    reached = logs.filter(village__isnull=False).values("village_id").distinct().count()
    consulting = logs.filter(kind=ServiceKind.CONSULTING).count()
    teaching = logs.filter(kind=ServiceKind.TEACHING).aggregate(n=Count("id"), served=Sum("served"))
    visits = list(logs.filter(kind__in=[ServiceKind.GUIDANCE, ServiceKind.DEMONSTRATION, ServiceKind.INTRODUCTION])
                  .select_related("commissioner", "village", "enterprise").order_by("-served", "served_on", "id")[:TOP_VISITS])
    attended = TrainingAttendance.objects.filter(commissioner_id__in=ids, training__held_on__gte=start,
                                                 training__held_on__lte=end).aggregate(n=Count("id"), h=Sum("hours"))
    done = Demand.objects.filter(commissioner_id__in=ids, status=DemandStatus.DONE, done_on__gte=start,
                                 done_on__lte=end).count()
    silent = set(villages) - set(logs.filter(village__isnull=False).values_list("village_id", flat=True))

    name = team.name
    draft = Draft(title=f"{name}{year}年工作总结和{year + 1}年工作打算", region=team.district.code,
                  region_name=team.district.name, period=str(year), period_label=f"{year}年", author=name,
                  date=f"{timezone.localdate():%Y年%-m月%-d日}")
    draft.opening = Paragraph().add(
        f"{year}年，{name}在区委区政府的正确领导和区科技局的精心指导下，围绕"
        f"{team.industries or '全区主导产业'}等产业技术需求，组织专家深入村组、企业开展科技服务，"
        "为助力乡村振兴提供科技和人才支撑。现将全年工作总结及下一年工作打算汇报如下：")

    done_parts: list[Part] = []
    # 1. 组织保障
    if people:
        text = f"{name}根据产业发展需要，调整充实专家队伍，进一步明确工作任务、工作目标和工作职责。目前服务团成员{len(people)}人"
        if chief is not None:
            text += f"，首席专家为{chief.employer}{chief.name}" + (f"（{chief.title}）" if chief.title else "")
        text += "。"
        if villages:
            text += f"向{len(villages)}个村（社区）"
            extra = "、".join(x for x in (f"其中乡村振兴驻点村{revitalisation}个" if revitalisation else "",
                                           f"重点产业发展村{key_industry}个" if key_industry else "") if x)
            text += f"（{extra}）" if extra else ""
            text += f"选派{len(to_villages)}名科技特派员助力乡村振兴工作。" if to_villages else "开展结对服务。"
        if firms:
            text += (f"同时选派工业科技特派员，向{len(firms)}个工业企业派驻了{len(industrial_people)}名工业科技特派员，"
                     "帮助企业提高自主创新能力、加速科研成果转化。")
        done_parts.append(Part("强化组织保障，完善科技服务体系", [Paragraph().add(text)]))
    # 2. 科技下乡
    if agg["n"]:
        text = f"{year}年，服务团成员开展科技下乡服务{agg['n']}次"
        if reached:
            text += f"，深入{reached}个村（社区）"
        if agg["served"]:
            text += f"，服务群众{agg['served']}人次"
        if consulting:
            text += f"，为群众解答各类疑难问题{consulting}次"
        if done:
            text += f"；完成群众和企业提出的服务需求{done}项"
        done_parts.append(Part("开展科技下乡活动，助力乡村振兴", [Paragraph().add(text + "。")]))
    # 3. 专家现场指导
    if visits:
        sentences = []
        for log in visits:
            place = log.village.name if log.village_id else log.enterprise.name
            what = log.content.strip().splitlines()[0].rstrip("。；，")[:80]
            sentences.append(f"{log.served_on.month}月{log.served_on.day}日，{log.commissioner.name}到{place}"
                             f"{log.get_kind_display()}，{what}。")
        done_parts.append(Part("专家现场指导，促进产学研合作", [Paragraph().add(_items(sentences))]))
    # 4. 培训
    training_bits = []
    if teaching["n"]:
        training_bits.append(f"举办技术培训{teaching['n']}场" + (f"，培训土专家、田秀才{teaching['served']}人次"
                                                           if teaching["served"] else ""))
    if agg["introduced"]:
        training_bits.append(f"引进推广新品种、新技术{agg['introduced']}个")
    if attended["n"]:
        training_bits.append(f"服务团成员参加科技特派员业务培训{attended['n']}人次、共{_n(attended['h'] or 0)}学时")
    if training_bits:
        done_parts.append(Part("开展技能培训，提高农民科学素质", [Paragraph().add("；".join(training_bits) + "。")]))

    plans: list[Part] = []
    industries = team.industries or "特色种养殖"
    plans.append(Part("开展技能培训，提升科技含量", [Paragraph().add(
        f"以农村青壮年劳动力、合作社负责人、种植养殖大户为主要培训对象，围绕{industries}等产业开展实用技术培训，"
        "做到授课到组、指导到户、培训到人。")]))
    if silent:
        plans.append(Part("扩大服务覆盖，补齐服务短板", [Paragraph().add(
            f"结对的{len(villages)}个村（社区）中，仍有{len(silent)}个{year}年未开展上门服务，"
            "下一步将合理调配专家力量，确保结对村服务全覆盖。")]))
    plans.append(Part("加大科技成果引进与转化力度", [Paragraph().add(
        "加强与高校、科研院所对接，引进推广适合本地的新品种、新技术，推动科研成果与区内企业、合作社对接落地。")]))

    def numbered(parts: list[Part]) -> list[Part]:
        for i, part in enumerate(parts, start=1):
            part.title = f"{i}.{part.title}"
        return parts

    chapters = []
    if done_parts:
        chapters.append(Chapter(title=f"一、{year}年{name}工作开展情况", parts=numbered(done_parts)))
    else:
        chapters.append(Chapter(title=f"一、{year}年{name}工作开展情况", paragraphs=[Paragraph().add(
            f"{year}年服务团尚无服务记录。")]))
    chapters.append(Chapter(title=f"二、{year + 1}年{name}工作打算", parts=numbered(plans)))
    draft.chapters = chapters
    return draft


def team_summary_docx(team: Team, year: int) -> bytes:
    return render_docx(team_summary_draft(team, year))
