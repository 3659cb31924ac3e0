from __future__ import annotations


class ServiceError(Exception):
    """A business rule refused the change. ``field`` names the form field, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ImportRejected(Exception):
    """An import found problems; nothing was stored. ``errors`` are (row, field, message) triples."""

    def __init__(self, errors: list[tuple[int | None, str, str]]):
        self.errors = errors
        super().__init__(f"导入失败，共 {len(errors)} 处错误")
