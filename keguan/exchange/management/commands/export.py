"""``keguan export``: any kind's export from the command line (the same file as the page's 导出)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("导出数据到 .xlsx（与导入模板的列相同，可修改后再导入）。"
            "keguan export 类型 [--region 代码] [--stage 阶段] --out 文件.xlsx；类型见 keguan import --list")

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", help="导出类型，如 enterprises（keguan import --list 列出全部）")
        parser.add_argument("--region", default=None, help="区划代码：只导出该区划及其下级的数据")
        parser.add_argument("--stage", default="", help="培育阶段，如 hnte（企业名录）")
        parser.add_argument("--filter", action="append", default=[], metavar="名=值", help="该类型支持的其他筛选条件")
        parser.add_argument("--out", required=True, help="输出文件 .xlsx")

    def handle(self, *args, what: str, region: str | None, stage: str, filter: list[str], out: str,  # noqa: A002
               **options) -> None:
        from keguan.exchange.kinds import Context, ParamError, resolve_params
        from keguan.exchange.registry import get_kind
        from keguan.exchange.sheets import export_xlsx
        from keguan.regions.models import Region

        try:
            kind = get_kind(what)
        except KeyError:
            raise CommandError(f"没有导出类型 {what}（keguan import --list 列出全部）") from None
        filters = {}
        for item in filter:
            name, sep, value = item.partition("=")
            if not sep:
                raise CommandError(f"--filter 应写成 名=值，而不是 {item}")
            filters[name.strip()] = value.strip()
        if stage:
            filters["stage"] = stage
        place = None
        if region:
            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"找不到区划代码 {region}")
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应以 .xlsx 结尾")
        ctx = Context(user=None, region=place, filters=filters)
        if kind.params:
            if place is None:
                raise CommandError("请用 --region 指定区划代码（该类型按区划和参数导出）")
            given = {p.name: filters.pop(p.name) for p in kind.params if p.name in filters}
            try:
                ctx.params = resolve_params(kind, ctx, given)
            except ParamError as exc:
                raise CommandError(str(exc)) from exc
        count = 0

        def rows():
            nonlocal count
            for row in kind.export_rows(ctx):
                count += 1
                yield row

        try:
            content = export_xlsx(kind, ctx, rows(), scope_name=place.name if place else "全部")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"已导出{kind.title} {count} 条到 {path}"))
