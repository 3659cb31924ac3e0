"""``keguan import``: the engine from the command line (same checks, same single transaction)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keguan.core.errors import ImportRejected


class Command(BaseCommand):
    help = ("从 .xlsx/.xls/.csv 导入数据（先检查全部数据，有任何错误时不写入）。"
            "keguan import --list；keguan import 类型 --template 模板.xlsx；keguan import 类型 文件 [--dry-run] [--region 代码] [--user 用户名]")

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", nargs="?", help="导入类型，见 --list")
        parser.add_argument("file", nargs="?", help="要导入的文件")
        parser.add_argument("--list", action="store_true", help="列出可导入的数据类型")
        parser.add_argument("--template", metavar="文件", help="把该类型的导入模板写到此文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--region", help="导入到的区划代码（账号只有一个区县时可省略）")
        parser.add_argument("--user", help="操作人用户名（记入变更历史；须有该类型的导入权限）")
        parser.add_argument("--param", action="append", default=[], metavar="名=值",
                            help="该类型的导入参数，如 --param round=12（研发经费填报轮次）、--param year=2025")

    def handle(self, *args, kind, file, list, template, dry_run, region, user, param, **options) -> None:  # noqa: A002
        from keguan.exchange.engine import check_file, run_import
        from keguan.exchange.kinds import Context, ParamError, resolve_params
        from keguan.exchange.registry import all_kinds, get_kind
        from keguan.exchange.sheets import template_xlsx

        if list:
            for k in all_kinds():
                self.stdout.write(f"{k.code:<16} {k.title}（{'、'.join(k.headers)}）")
            return
        if not kind:
            raise CommandError("请指定导入类型（keguan import --list 列出全部）")
        try:
            k = get_kind(kind)
        except KeyError:
            raise CommandError(f"没有导入类型 {kind}（keguan import --list 列出全部）") from None
        actor = self._user(user, k)
        target = self._region(region, actor, k)
        ctx = Context(user=actor, region=target, reason="命令行导入")
        if k.params:
            if target is None:
                raise CommandError("请用 --region 指定区划代码（该类型的导入参数按区划选择）")
            given = {}
            for item in param:
                name, sep, value = item.partition("=")
                if not sep:
                    raise CommandError(f"--param 应写成 名=值，而不是 {item}")
                given[name.strip()] = value.strip()
            try:
                ctx.params = resolve_params(k, ctx, given)
            except ParamError as exc:
                choices = "；".join(f"{p.name}：" + "、".join(f"{v}（{label}）" for v, label in p.options(ctx))
                                   for p in k.params)
                raise CommandError(f"{exc}。可选：{choices}") from exc
        if template:
            out = Path(template)
            if out.suffix.lower() != ".xlsx":
                raise CommandError("模板文件应以 .xlsx 结尾")
            out.write_bytes(template_xlsx(k, ctx))
            self.stdout.write(self.style.SUCCESS(f"已写出{k.title}导入模板：{out}"))
            return
        if not file:
            raise CommandError("请指定要导入的文件，或用 --template 写出模板")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}")
        if target is None:
            raise CommandError("请用 --region 指定导入到的区划代码")
        data = path.read_bytes()
        ctx.reason = f"命令行导入（{path.name}）"
        if dry_run:
            checked = check_file(k, data, path.name, ctx)
            if not checked.ok:
                self._fail(checked.errors)
            self.stdout.write(self.style.SUCCESS(
                f"检查通过（未写入）：共 {checked.rows} 行，将新增 {checked.added}、更新 {checked.updated}、不变 {checked.unchanged}"
                + (f"、跳过 {checked.skipped}" if checked.skipped else "")))
            return
        try:
            checked = run_import(k, data, path.name, ctx)
        except ImportRejected as exc:
            self._fail(exc.errors)
        self.stdout.write(self.style.SUCCESS(
            f"已导入{k.title}到{target.name}：共 {checked.rows} 行，新增 {checked.added}、更新 {checked.updated}、不变 {checked.unchanged}"
            + (f"、跳过 {checked.skipped}" if checked.skipped else "")))

    def _fail(self, errors) -> None:
        for row, column, message in errors:
            where = f"第{row}行" if row else "文件"
            self.stderr.write(f"{where}\t{column}\t{message}")
        raise CommandError(f"导入失败，共 {len(errors)} 处问题，未写入任何数据")

    def _user(self, username, kind):
        if not username:
            return None
        from django.contrib.auth import get_user_model

        from keguan.core.permissions import may

        actor = get_user_model().objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"找不到用户 {username}")
        if not may(actor, kind.import_perm):
            raise CommandError(f"用户 {username} 没有导入{kind.title}的权限")
        return actor

    def _region(self, code, actor, kind):
        from keguan.core.scope import scoped
        from keguan.regions.models import Region

        regions = Region.objects.filter(level__in=kind.levels)
        if actor is not None:
            regions = scoped(regions, actor)
        if code:
            region = regions.filter(code=code).first()
            if region is None:
                level = dict(Region._meta.get_field("level").choices).get(kind.region_level, "")
                raise CommandError(f"区划代码 {code} 不是{level}区划" + ("，或不在该用户的管辖范围内" if actor else ""))
            return region
        if actor is not None:
            found = list(regions[:2])
            if len(found) == 1:
                return found[0]
        return None
