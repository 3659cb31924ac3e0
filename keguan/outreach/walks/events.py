"""The scope walker's view of 科技活动与企业服务 (events); combined in keguan.outreach.scope_walk.

It holds the anchors of EVERY outreach model (both parts) and the scene: rows of every outreach model, keyed by
place ("a", "a_other", "b"; ``anchored_records``: who sees each row follows its model's anchor, so a township's
rows are checked row by row):

* ``ow_event``: "a" an event of district A held in A's first township (``a_town``: the township liaison sees
  it), with materials, firm ``ent_a`` taking part and a photo (a fake path: nothing is read from disk);
  "a_other" an event of A held in the second township (the liaison of ``a_town`` must not see it), with firm
  ``ent_a2``; "b" the same for district B with firm ``ent_b``. ``ow_event_photo``: the photo of each.
* ``ow_visit``: a visit to ``ent_a`` ("a") and to ``ent_b`` ("b").
* ``ow_questionnaire``: a questionnaire of each district with two questions; ``ow_response``: the answers of
  ``ent_a`` ("a") and ``ent_b`` ("b"), one answer per question.
* ``ow_need``: a need of ``ent_a`` ("a") and of ``ent_b`` ("b"), raised at the visit, each with a follow-up.

Every text a persona must not see carries the word of its place ("甲区", "乙区") and "哨兵".
"""

from __future__ import annotations

import datetime as dt

from keguan.core.scope_walk import SceneContext, Walk

from ..models import (
    Answer,
    Event,
    EventFirm,
    EventMaterial,
    EventPhoto,
    EventRole,
    FirmRole,
    FollowUp,
    MaterialKind,
    Need,
    NeedSource,
    NeedStatus,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    ResponseSource,
    Visit,
)

EVENT_KINDS = ("ow_event", "ow_event_photo")
LEDGER_KINDS = ("ow_visit", "ow_questionnaire", "ow_response", "ow_need")
KINDS = EVENT_KINDS + LEDGER_KINDS
SCENE_DAY = dt.date.today() - dt.timedelta(days=20)


def _event_place(e):
    """An event belongs to the township it was held in, else to its bureau's region."""
    return e.township or e.region


def _place(row):
    return row.township or row.district


ANCHORS = {
    "outreach.Event": lambda e: (_event_place(e), None),
    "outreach.EventMaterial": lambda m: (_event_place(m.event), None),
    "outreach.EventFirm": lambda f: (_event_place(f.event), f.enterprise_id),
    "outreach.EventPhoto": lambda p: (_event_place(p.event), None),
    "outreach.Visit": lambda v: (_place(v), v.enterprise_id),
    "outreach.Questionnaire": lambda q: (q.district, None),
    "outreach.Question": lambda q: (q.questionnaire.district, None),
    "outreach.Response": lambda r: (_place(r), r.enterprise_id),
    "outreach.Answer": lambda a: (_place(a.response), a.response.enterprise_id),
    "outreach.Need": lambda n: (_place(n), n.enterprise_id),
    "outreach.FollowUp": lambda f: (_place(f.need), f.need.enterprise_id),
}


def _scene(ctx: SceneContext) -> dict:
    out: dict = {k: {} for k in KINDS}
    staff = ctx.world.staff
    events = (("a", "a", "a_town", "ent_a"), ("a_other", "a", "a_town2", "ent_a2"), ("b", "b", "b_town", "ent_b"))
    for key, district_key, town_key, ent_key in events:
        word = ctx.places[district_key] + ("另" if key == "a_other" else "")
        event = Event.objects.create(
            region=ctx.regions[district_key], township=ctx.regions[town_key], kind="countryside",
            role=EventRole.HOST, title=f"{word}科技下乡哨兵", theme=f"{word}活动主题哨兵", starts_on=SCENE_DAY,
            place=f"{word}活动地点哨兵", organisers=f"{word}科技局", participants=300, trainees=40, questions=25,
            write_up=f"{word}活动简述哨兵")
        EventMaterial.objects.create(event=event, kind=MaterialKind.BROCHURE, count=1200)
        EventMaterial.objects.create(event=event, kind=MaterialKind.LEAFLET, count=800)
        EventFirm.objects.create(event=event, enterprise=ctx.ents[ent_key], role=FirmRole.EXHIBIT,
                                 outcome=f"{word}参与成效哨兵")
        photo = EventPhoto.objects.create(event=event, file=f"outreach/scope/{key}.jpg", width=10, height=10,
                                          size=100, caption=f"{word}照片说明哨兵")
        out["ow_event"][key], out["ow_event_photo"][key] = event, photo
    for key, ent_key in (("a", "ent_a"), ("b", "ent_b")):
        word = ctx.places[key]
        ent, district = ctx.ents[ent_key], ctx.regions[key]
        visit = Visit.objects.create(
            district=district, township=ent.township, enterprise=ent, visited_on=SCENE_DAY,
            visitors=f"{word}走访人员哨兵", met=f"{word}接待人哨兵", notes=f"{word}走访情况哨兵", created_by=staff)
        survey = Questionnaire.objects.create(
            district=district, title=f"{word}需求调查问卷哨兵", intro=f"{word}问卷说明哨兵", opens_on=SCENE_DAY,
            closes_on=SCENE_DAY + dt.timedelta(days=60), status=QuestionnaireStatus.OPEN)
        q1 = Question.objects.create(questionnaire=survey, order=1, text=f"{word}题目一哨兵", kind=QuestionKind.TEXT,
                                     need_category="talent")
        q2 = Question.objects.create(questionnaire=survey, order=2, text=f"{word}题目二哨兵",
                                     kind=QuestionKind.SINGLE, options="是\n否", required=True)
        response = Response.objects.create(
            questionnaire=survey, enterprise=ent, district=district, township=ent.township,
            source=ResponseSource.STAFF, submitted_by=staff)
        Answer.objects.create(response=response, question=q1, value=f"{word}回答哨兵")
        Answer.objects.create(response=response, question=q2, value="是")
        need = Need.objects.create(
            district=district, township=ent.township, enterprise=ent, category="talent",
            description=f"{word}需求内容哨兵", source=NeedSource.VISIT, visit=visit, raised_on=SCENE_DAY,
            status=NeedStatus.FOLLOWING, created_by=staff)
        FollowUp.objects.create(need=need, on=SCENE_DAY, note=f"{word}跟进情况哨兵")
        out["ow_visit"][key], out["ow_questionnaire"][key] = visit, survey
        out["ow_response"][key], out["ow_need"][key] = response, need
    return out


def _leaks(kind: str, obj) -> list[str]:
    """What identifies a record and must not reach a persona who may not see it. An event's title and date
    appear on the page of a firm that took part, so its write-up, theme and place stand for it."""
    match kind:
        case "ow_event":
            return [obj.write_up, obj.theme, obj.place]
        case "ow_event_photo":
            return [obj.file, obj.caption]
        case "ow_visit":
            return [obj.notes, obj.visitors, obj.met]
        case "ow_questionnaire":
            return []  # (its title and intro are shown to every firm of its district asked to answer)
        case "ow_response":
            return [a.value for a in obj.answers.all() if "哨兵" in a.value]
        case "ow_need":
            return [obj.description, *(f.note for f in obj.follow_ups.all())]
    return []


WALK = Walk(
    anchors=ANCHORS,
    district_records=KINDS,
    anchored_records=KINDS,
    scene=_scene,
    leaks=_leaks,
)
