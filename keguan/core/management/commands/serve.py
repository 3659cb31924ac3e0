from __future__ import annotations

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动 keguan：先迁移数据库，再用 waitress 提供服务，并在旁边启动一个后台任务进程（keguan worker）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="监听地址，默认 127.0.0.1；局域网访问用 0.0.0.0")
        parser.add_argument("--port", type=int, default=8000, help="端口，默认 8000")
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-migrate", action="store_true", help="不自动迁移数据库")
        parser.add_argument("--no-worker", action="store_true",
                            help="不启动后台任务进程（大文件导入等；须另行运行 keguan worker）")

    def handle(self, *args, host: str, port: int, threads: int, no_migrate: bool, no_worker: bool,
               **options) -> None:
        from waitress import serve

        from keguan.wsgi import application

        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        from django.db import connection

        if connection.vendor == "sqlite":
            # Planner statistics for tables that grew through imports (SQLite keeps none by itself).
            with connection.cursor() as cur:
                cur.execute("PRAGMA optimize")
        from keguan.core import areas

        for job in areas.start_jobs():  # each area's catch-up at start (e.g. stages whose records lapsed)
            said = job()
            if said:
                self.stdout.write(said)
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        self.stdout.write(self.style.SUCCESS(f"keguan 已启动：http://{shown}:{port}/  （按 Ctrl+C 停止）"))
        worker = None

        def stop(signum, frame):  # SIGTERM (systemd, docker stop): leave through the finally below
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        if not no_worker:
            # A separate process: the worker's signal handling needs a main thread, and a long import must
            # not hold the web server's interpreter.
            worker = subprocess.Popen([sys.executable, "-m", "keguan.cli", "worker", "--verbosity", "0"])
            self.stdout.write(f"后台任务进程已启动（pid {worker.pid}）")
        try:
            serve(application, host=host, port=port, threads=threads, ident="keguan")
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
