from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator


def paginate(request, qs, per_page: int = 20):
    paginator = Paginator(qs, per_page)
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
