"""Progress of a run while it works, outside the database.

The write of a confirmed import is one transaction; on SQLite no other connection may write while it runs,
and on any database the run's own row could only be updated inside it (invisible to the page polling it
until the end). So the worker reports progress in a small file under the data folder
(``DATA_DIR/exchange/progress/<run id>``: percent and phase), replaced atomically, which the status partial
reads. Its age is the run's heartbeat: a run whose file has not moved for ``STALE_AFTER`` seconds was
interrupted (the worker was killed or the server restarted). The web server and the worker share the data
folder (``keguan serve`` starts the worker beside itself).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings

STALE_AFTER = 600  # seconds without progress before a running import counts as interrupted


def _path(run_id: int) -> Path:
    return Path(settings.DATA_DIR) / "exchange" / "progress" / str(int(run_id))


def report(run_id: int, percent: int, phase: str) -> None:
    path = _path(run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(f"{max(0, min(100, int(percent)))} {phase}", encoding="utf-8")
    os.replace(tmp, path)


def read(run_id: int) -> tuple[int, str, float] | None:
    """(percent, phase, seconds since the last report), or None when nothing was reported."""
    path = _path(run_id)
    try:
        text = path.read_text(encoding="utf-8")
        age = time.time() - path.stat().st_mtime
    except (FileNotFoundError, ValueError):
        return None
    percent, _, phase = text.partition(" ")
    try:
        return int(percent), phase, age
    except ValueError:
        return None


def clear(run_id: int) -> None:
    try:
        _path(run_id).unlink()
    except FileNotFoundError:
        pass


def reporter(run_id: int, phase: str, *, start: int = 0, end: int = 100):
    """A ``progress(done, total)`` callback for the engine mapping ``done/total`` onto ``start..end`` %."""

    def progress(done: int, total: int) -> None:
        report(run_id, start + (end - start) * done // max(1, total), phase)

    return progress
