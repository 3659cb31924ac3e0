"""Helpers shared by the pipeline's views. Who may do what is asked of ``keguan.core.permissions``
(``pipeline.view``, ``pipeline.records``, ``pipeline.write``, ``pipeline.batches``, ``pipeline.export``,
``pipeline.import``, ``pipeline.self_check``); which records, of ``keguan.core.scope`` through the selectors."""

from __future__ import annotations

from django.http import QueryDict
from django.utils import timezone

from keguan.core.permissions import demand

PER_PAGE = 20  # rows on a page of the district lists


def require_lists(user) -> None:
    """The district lists (高企申报, 高企证书, 培育库, 科小入库) are the bureaus'."""
    demand(user, "pipeline.view", "高企申报、高企证书、培育库和科小入库名单只对市、区县科技局人员开放")


def scope_name(user) -> str:
    """The user's region as named in export titles and file names."""
    return user.region.name if user.region else "全部"


def query_without(params: QueryDict, *without: str) -> str:
    params = params.copy()
    for key in without:
        params.pop(key, None)
    return params.urlencode()


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def errors_text(form) -> str:
    """A form's errors as one Chinese sentence, for a message when the page has no place for the form."""
    parts = [" ".join(v) for k, v in form.errors.items() if k == "__all__"]
    parts += [f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items() if k in form.fields]
    return "；".join(parts)
