from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable


class KeysFirstPaginator(Paginator):
    """A paginator that reads a page of a queryset in two steps: first the page's primary keys, in the
    queryset's order, then those rows (with their ``select_related`` joins), returned in that order.

    The same rows in the same order as ``qs[bottom:top]``. The first query selects only keys, so the
    database can answer it from an index that covers the filter and the sort and skip an ``OFFSET`` without
    reading rows; and without the joins of ``select_related`` its planner is not tempted to start from the
    joined table (SQLite sorted every matching row for a city user's page 1 that way)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        qs = self.object_list
        if not (isinstance(qs, QuerySet) and qs._iterable_class is ModelIterable and not qs.query.combinator
                and not qs.query.is_sliced):
            return self._get_page(qs[bottom:top], number, self)
        keys = list(qs.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in qs.filter(pk__in=keys)} if keys else {}
        return self._get_page([rows[k] for k in keys if k in rows], number, self)


def paginate(request, qs, per_page: int = 20, count: int | None = None):
    """The requested page of ``qs``. ``count``: how many rows ``qs`` holds, when the caller knows it already
    (from counts it shows anyway), so that the paginator does not count them again."""
    paginator = KeysFirstPaginator(qs, per_page)
    if count is not None:
        paginator.count = count  # (Paginator.count is a cached_property: this is its value)
    number = request.GET.get("page") or 1
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def querystring_without(request, *keys: str) -> str:
    params = request.GET.copy()
    for key in keys:
        params.pop(key, None)
    return params.urlencode()
