"""The scope walker's view of 科技特派员 (letters); combined in keguan.fieldwork.scope_walk.

The records are the roster part's scene (walks/roster.py): letters ``fw_letter`` ("a" is the expert persona's
own), trainings ``fw_training``, teams ``fw_team`` and commissioners ``fw_commissioner``. A commissioner
reads its own letters and the district's points rule; only district editors write."""

from __future__ import annotations

import datetime as dt

from keguan.core.scope_walk import EDITORS, MANAGERS, TODAY, Walk, Write, status

LAST_YEAR = dt.date.today().year - 1  # the scene's commissioners serve from the start of last year
READERS = MANAGERS | {"town", "expert"}  # fieldwork.view or fieldwork.own


def _rule_payload(_obj) -> dict:
    return {"per_log": "1.5", "log_cap": "40", "per_dispatch": "5", "dispatch_cap": "20", "per_training_hour": "1",
            "training_cap": "10", "goals_weight": "30", "excellent_from": "90", "pass_from": "60", "basic_from": "50",
            "version": ""}


WALK = Walk(
    pk_kinds={
        **{f"fieldwork:{name}": "fw_letter" for name in ("letter", "letter_edit", "letter_assess")},
        **{f"fieldwork:{name}": "fw_training" for name in ("training", "training_edit")},
        "fieldwork:team_summary": "fw_team",
    },
    writes={
        "fieldwork:letter_create": Write(EDITORS, lambda c: {
            "commissioner": c.pk, "year": LAST_YEAR, "goals": "范围测试目标一\n范围测试目标二", "signed_on": ""},
            target="fw_commissioner"),
        "fieldwork:letter_edit": Write(EDITORS, lambda x: {
            "goals": "范围测试目标一\n范围测试目标二", "signed_on": x.signed_on.isoformat() if x.signed_on else "",
            "version": ""}),
        "fieldwork:letter_assess": Write(EDITORS, lambda x: {
            "goals_met": "1", "rating": "pass", "assessed_on": TODAY, "assessment_note": "范围测试考核", "version": ""}),
        "fieldwork:points_rule": Write(EDITORS, _rule_payload, readers=frozenset({"city", "expert"})),
        "fieldwork:training_create": Write(EDITORS, lambda c: {
            "title": "范围测试培训", "held_on": TODAY, "hours": "4", "place": "", "organiser": "", "note": "",
            "attendees": [c.pk], f"hours_{c.pk}": ""}, target="fw_commissioner"),
        "fieldwork:training_edit": Write(EDITORS, lambda t: {
            "title": "范围测试培训改名", "held_on": t.held_on.isoformat(), "hours": "8", "place": "", "organiser": "",
            "note": "", "version": ""}),
    },
    page_shows={"fieldwork:trainings": "fw_training"},
    page_status={
        "fieldwork:letters": status(READERS),
        "fieldwork:trainings": status(MANAGERS | {"town"}),
        "fieldwork:points_rule": status(MANAGERS | {"expert"}),
        "fieldwork:letter_create": status(EDITORS),
        "fieldwork:letter_export": status(MANAGERS),
        "fieldwork:training_create": status(EDITORS),
    },
)
