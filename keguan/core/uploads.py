from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ImportRejected

MAX_UPLOAD = 10 * 1024 * 1024


def import_page(
    request: HttpRequest, *, run: Callable[[bytes, str], Any], on_success: Callable[[Any], HttpResponse],
    context: dict[str, Any],
) -> HttpResponse:
    """The shared upload page: GET shows it; POST runs ``run(data, filename)`` and either hands its result
    to ``on_success`` or shows every (row, column, problem) it was rejected for."""
    errors: list = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [(None, "文件", "请选择要上传的文件")]
        elif upload.size > MAX_UPLOAD:
            errors = [(None, "文件", "文件不能超过10MB")]
        else:
            try:
                result = run(upload.read(), upload.name)
            except ImportRejected as exc:
                errors = exc.errors
            else:
                return on_success(result)
    return render(request, "core/import_page.html", {**context, "errors": errors})
