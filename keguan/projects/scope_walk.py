"""The scope walker's view of 科技项目 (see ``keguan.core.scope_walk``): which district (and firm) each record
belongs to. The pages, writes and scene are added with the pages."""

from __future__ import annotations

from keguan.core.scope_walk import Walk


def _application(a):
    return a.district, a.enterprise_id


WALK = Walk(
    anchors={
        "projects.Program": lambda x: (x.region, None),
        "projects.Call": lambda x: (x.region, None),
        "projects.CallAttachment": lambda x: (x.call.region, None),
        "projects.Criterion": lambda x: (x.call.region, None),
        "projects.Application": _application,
        "projects.BudgetLine": lambda x: _application(x.application),
        "projects.ApplicationFile": lambda x: _application(x.application),
        "projects.ApplicationStep": lambda x: _application(x.application),
        "projects.Funding": lambda x: _application(x.application),
        "projects.Disbursement": lambda x: _application(x.application),
        "projects.ProjectCheck": lambda x: _application(x.application),
        "projects.Expert": lambda x: (x.region, None),
        "projects.Conflict": lambda x: (x.expert.region, None),
        "projects.Assignment": lambda x: (x.application.district, None),
        "projects.Score": lambda x: (x.assignment.application.district, None),
    },
)
