"""keguan's own deployment checks: Django system checks with the ``deploy`` flag, so they run with
``keguan check --deploy`` and ``keguan check-deploy`` (which is that, failing on errors), never at every start.

Each check reads settings (tests override them) and says what is wrong and what to do, in Chinese."""

from __future__ import annotations

import datetime as dt
import os

from django.conf import settings
from django.core.checks import Error, Info, Warning, register

TAG = "keguan"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}


@register(TAG, deploy=True)
def secret_key_check(app_configs, **kwargs):
    key_file = settings.DATA_DIR / "secret_key"
    try:
        generated = key_file.read_text(encoding="utf-8").strip()
    except OSError:
        generated = None
    if generated and settings.SECRET_KEY == generated:
        return [Error("SECRET_KEY 是 keguan 在数据目录中自动生成的密钥",
                      hint="在环境变量 SECRET_KEY 中设置一个至少 50 个字符的随机密钥（多个 keguan 实例须相同），"
                           "如 python -c 'import secrets; print(secrets.token_urlsafe(50))'",
                      id="keguan.E001")]
    return []


@register(TAG, deploy=True)
def debug_check(app_configs, **kwargs):
    if settings.DEBUG:
        return [Error("调试模式已开启（KEGUAN_DEBUG）：出错页面会显示代码和设置",
                      hint="生产环境不要设置 KEGUAN_DEBUG", id="keguan.E002")]
    return []


@register(TAG, deploy=True)
def allowed_hosts_check(app_configs, **kwargs):
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts:
        return [Warning("ALLOWED_HOSTS 为 *：任何主机名都被接受",
                        hint="在环境变量 ALLOWED_HOSTS 中列出本站的域名或 IP，用逗号分隔", id="keguan.W003")]
    if hosts <= LOCAL_HOSTS:
        return [Error("ALLOWED_HOSTS 只有本机地址：经域名、局域网 IP 或 nginx 转发的访问都会被拒绝（400）",
                      hint="在环境变量 ALLOWED_HOSTS 中列出本站的域名或 IP，如 ALLOWED_HOSTS=kj.example.gov.cn",
                      id="keguan.E003")]
    return []


@register(TAG, deploy=True)
def database_check(app_configs, **kwargs):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine.endswith("sqlite3"):
        return [Warning("数据库是 SQLite：适用于单机、少量用户",
                        hint="多人同时使用或运行多个 keguan 实例时，用 PostgreSQL："
                             "DATABASE_URL=postgres://用户:密码@主机:5432/库名",
                        id="keguan.W004")]
    if "postgresql" not in engine:
        return [Warning(f"数据库 {engine} 未经测试", hint="keguan 支持 PostgreSQL 和 SQLite", id="keguan.W005")]
    return []


@register(TAG, deploy=True)
def backups_check(app_configs, **kwargs):
    folder = settings.DATA_DIR / "backups"
    if not folder.is_dir():
        return [Warning(f"备份目录 {folder} 不存在：尚未备份过",
                        hint="运行 keguan backup，并用 cron 或 systemd 定时器每天运行一次", id="keguan.W006")]
    if os.name != "nt" and folder.stat().st_mode & 0o007:
        return [Error(f"备份目录 {folder} 本机其他用户可以读取（权限 {folder.stat().st_mode & 0o777:o}）",
                      hint=f"chmod 700 {folder}（备份含全部企业和个人信息）", id="keguan.E007")]
    return []


@register(TAG, deploy=True)
def task_worker_check(app_configs, **kwargs):
    """Tasks waiting long in the queue mean no worker takes them (keguan serve --no-worker, no keguan worker)."""
    from django.db import DatabaseError
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    try:
        stuck = DBTaskResult.objects.ready().filter(
            enqueued_at__lt=timezone.now() - dt.timedelta(minutes=10)).count()
    except DatabaseError:  # not migrated yet
        return []
    if stuck:
        return [Error(f"有 {stuck} 个后台任务（大文件导入等）已等待 10 分钟以上：没有后台任务进程在运行",
                      hint="keguan serve 默认启动一个；用了 --no-worker 或用其他方式启动网站时，另行运行 keguan worker "
                           "（多个实例共用一个数据库时，至少一个实例运行它）",
                      id="keguan.E008")]
    return [Info("后台任务（一万行以上的导入）由 keguan serve 启动的后台任务进程或 keguan worker 处理；"
                 "所有实例都用 --no-worker 时须另行运行 keguan worker", id="keguan.I008")]


@register(TAG, deploy=True)
def https_check(app_configs, **kwargs):
    found = []
    https = settings.SECURE_SSL_REDIRECT or settings.SECURE_HSTS_SECONDS
    if not https and not settings.SESSION_COOKIE_SECURE:
        found.append(Warning("未开启 HTTPS：密码和会话以明文传输",
                             hint="在 nginx 上配置 TLS，并设 KEGUAN_HTTPS=true、KEGUAN_BEHIND_PROXY=true",
                             id="keguan.W009"))
    if https and not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        found.append(Error("已开启 HTTPS，但会话或 CSRF Cookie 未设为仅经 HTTPS 发送",
                           hint="删除 KEGUAN_SECURE_COOKIES=false（KEGUAN_HTTPS=true 时默认开启）",
                           id="keguan.E010"))
    if settings.SECURE_SSL_REDIRECT and not getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        found.append(Warning("KEGUAN_HTTPS 已开启，但未设 KEGUAN_BEHIND_PROXY：nginx 以 HTTP 转发的请求会被不断重定向",
                             hint="nginx 在前面终止 TLS 时，设 KEGUAN_BEHIND_PROXY=true，"
                                  "并在 nginx 中 proxy_set_header X-Forwarded-Proto $scheme",
                             id="keguan.W011"))
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not https:
        found.append(Warning("KEGUAN_BEHIND_PROXY 已开启，但 KEGUAN_HTTPS 未开启",
                             hint="nginx 提供 HTTPS 时，设 KEGUAN_HTTPS=true", id="keguan.W012"))
    return found
