"""``keguan serve``: migrate, run each area's start jobs once, start a task worker beside the web server, then
serve. gunicorn (``--workers`` processes × ``--threads`` threads) on Linux; waitress (one process) on Windows
or with ``--server waitress``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("启动 keguan：先迁移数据库，再提供服务（Linux 上用 gunicorn 多进程，Windows 上用 waitress），"
            "并在旁边启动一个后台任务进程（keguan worker）")

    def add_arguments(self, parser) -> None:
        from keguan.core.serving import default_workers

        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1；局域网访问用 0.0.0.0")
        parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
        parser.add_argument("--server", choices=("gunicorn", "waitress"), default=None,
                            help="gunicorn（Linux 默认）或 waitress（Windows 默认，单进程）")
        parser.add_argument("--workers", type=int, default=None,
                            help=f"gunicorn 进程数，默认为 CPU 核数（至少 2；本机 {default_workers()}）")
        parser.add_argument("--threads", type=int, default=4, help="每个进程的线程数，默认 4")
        parser.add_argument("--timeout", type=int, default=120,
                            help="一个请求最长的处理时间（秒），超时的 gunicorn 进程被重启；默认 120（生成总结、导出）")
        parser.add_argument("--no-migrate", action="store_true", help="不自动迁移数据库")
        parser.add_argument("--no-worker", action="store_true",
                            help="不启动后台任务进程（大文件导入等；须另行运行 keguan worker）")

    def handle(self, *args, host: str, port: int, server: str | None, workers: int | None, threads: int,
               timeout: int, no_migrate: bool, no_worker: bool, **options) -> None:
        from keguan.core import serving

        server = server or ("waitress" if os.name == "nt" else "gunicorn")
        if server == "gunicorn" and (os.name == "nt" or serving.ThreadWorker is None):
            raise CommandError("gunicorn 不可用（Windows 或未安装），请用 --server waitress")
        if workers is not None and workers < 1 or threads < 1:
            raise CommandError("--workers、--threads 至少为 1")
        plan = serving.Plan(host=host, port=port, workers=workers or serving.default_workers(),
                            threads=threads, timeout=timeout)

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        from django.db import connection, connections

        if connection.vendor == "sqlite":
            # Planner statistics for tables that grew through imports (SQLite keeps none by itself).
            with connection.cursor() as cur:
                cur.execute("PRAGMA optimize")
        connections.close_all()  # gunicorn forks its workers from this process: none may share a connection
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        how = (f"gunicorn，{plan.workers} 个进程 × {plan.threads} 个线程" if server == "gunicorn"
               else f"waitress，{plan.workers * plan.threads} 个线程")
        self.stdout.write(self.style.SUCCESS(f"keguan 已启动：http://{shown}:{port}/  （{how}；按 Ctrl+C 停止）"))
        self.stdout.flush()
        worker = None

        def stop(signum, frame):  # SIGTERM (systemd, docker stop): leave through the finally below
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)  # gunicorn installs its own (graceful stop, then SystemExit)
        if not no_worker:
            # A separate process: the worker's signal handling needs a main thread, and a long import must
            # not hold a web process.
            worker = subprocess.Popen([sys.executable, "-m", "keguan.cli", "worker", "--verbosity", "0"])
            self.stdout.write(f"后台任务进程已启动（pid {worker.pid}）")
            self.stdout.flush()
        # Each area's catch-up at start (e.g. stages whose records lapsed): once, beside the server rather than
        # before it, so that a long one never keeps the pages from answering (keguan startjobs).
        catch_up = subprocess.Popen([sys.executable, "-m", "keguan.cli", "startjobs"])
        try:
            if server == "gunicorn":
                serving.run_gunicorn(plan)
            else:
                serving.run_waitress(plan)
        finally:
            if catch_up.poll() is None:
                catch_up.terminate()  # (the catch-up is safe to stop: each firm is its own transaction)
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
