"""How ``keguan serve`` runs the web server: gunicorn (several processes, each with a few threads) on Linux,
waitress (one process) where gunicorn cannot run (Windows) or when asked (``--server waitress``).

Only ``keguan serve`` imports this module; gunicorn is imported inside the functions that use it."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    host: str
    port: int
    workers: int
    threads: int
    timeout: int = 120  # report generation and exports
    graceful_timeout: int = 30
    keepalive: int = 5
    max_requests: int = 2000
    max_requests_jitter: int = 200
    backlog: int = 2048


def default_workers() -> int:
    """One worker per CPU core, at least two (one busy with a report still leaves the other)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(2, cores)


def gunicorn_options(plan: Plan) -> dict[str, object]:
    options: dict[str, object] = {
        "bind": [f"[{plan.host}]:{plan.port}" if ":" in plan.host else f"{plan.host}:{plan.port}"],
        "workers": plan.workers,
        "threads": plan.threads,
        "worker_class": "keguan.core.serving.ThreadWorker",
        "timeout": plan.timeout,
        "graceful_timeout": plan.graceful_timeout,
        "keepalive": plan.keepalive,
        "max_requests": plan.max_requests,
        "max_requests_jitter": plan.max_requests_jitter,
        "backlog": plan.backlog,
        "accesslog": "-",  # stdout
        "errorlog": "-",  # stderr
        "proc_name": "keguan",
        # gunicorn ≥ 24 opens a control socket in the home folder: several instances on one server would share
        # its path.
        "control_socket_disable": True,
    }
    if os.path.isdir("/dev/shm"):
        options["worker_tmp_dir"] = "/dev/shm"  # the heartbeat file, off a possibly slow disk
    return options


def run_gunicorn(plan: Plan) -> None:
    """Run gunicorn's arbiter in this process until it stops (SIGTERM: graceful; SIGINT: quick); it leaves
    through ``SystemExit``."""
    from gunicorn.app.base import BaseApplication

    class App(BaseApplication):
        def load_config(self) -> None:
            for key, value in gunicorn_options(plan).items():
                if key in self.cfg.settings:  # an older gunicorn lacks some
                    self.cfg.set(key, value)

        def load(self):
            from keguan.wsgi import application

            return application

    App().run()


def run_waitress(plan: Plan) -> None:
    from waitress import serve

    from keguan.wsgi import application

    # Idle keep-alive sockets count against connection_limit: keep it far above the browsers a bureau has.
    serve(application, host=plan.host, port=plan.port, threads=plan.threads * plan.workers, ident="keguan",
          connection_limit=1000, channel_timeout=plan.timeout, backlog=plan.backlog)


try:
    import selectors
    import time
    from functools import partial

    from gunicorn.workers.gthread import TConn
    from gunicorn.workers.gthread import ThreadWorker as _GThread
except ImportError:  # Windows, or gunicorn missing: keguan serve uses waitress
    _GThread = None
    ThreadWorker = None

FIRST_BYTES_SECONDS = 15  # a new connection that sends nothing for this long is closed

if _GThread is not None:

    class ThreadWorker(_GThread):
        """gunicorn's gthread worker, except that a new connection waits for its first bytes in the worker's
        poller rather than in a thread: idle connections (browsers' preconnects, a slow client, someone
        holding sockets open) cost no thread, so they cannot keep /healthz or a real request waiting."""

        def accept(self, listener) -> None:
            if not hasattr(self, "pending_conns"):  # another gunicorn: its own accept
                return super().accept(listener)
            try:
                client_sock, client_addr = listener.accept()
            except BlockingIOError:
                return None
            except OSError as e:
                import errno

                if e.errno in (errno.ECONNABORTED,):
                    return None
                raise
            self.nr_conns += 1
            conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())  # non-blocking
            conn.timeout = time.monotonic() + FIRST_BYTES_SECONDS
            self.pending_conns.append(conn)
            self.poller.register(client_sock, selectors.EVENT_READ,
                                 partial(self.on_pending_socket_readable, conn))
            return None
