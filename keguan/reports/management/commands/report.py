from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "生成工作总结 Word 文档：keguan report --region 450103 --period 2022H1 --out 总结.docx"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", required=True, help="区划代码（区县或城市）")
        parser.add_argument("--period", required=True, help="期间：2022H1（上半年）或 2022（全年）等")
        parser.add_argument("--out", required=True, help="输出 .docx 文件")
        parser.add_argument("--template", default=None, help="使用指定的 Word 模板（默认：本单位启用的模板或系统默认模板）")
        parser.add_argument("--text", action="store_true", help="同时把全文打印到终端")
        parser.add_argument("--keep-version", action="store_true", help="同时保存为一个版本（页面“历史版本”中可见）")

    def handle(self, *args, region: str, period: str, out: str, template: str | None, text: bool, keep_version: bool,
               **options) -> None:
        from keguan.regions.models import Region
        from keguan.reports.builder import build_draft
        from keguan.reports.docx.render import TemplateProblem, render_docx
        from keguan.reports.services import active_template, report_generate
        from keguan.rules.periods import Period

        r = Region.objects.filter(code=region).first()
        if r is None:
            raise CommandError(f"找不到区划代码 {region}")
        try:
            p = Period.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        target = Path(out)
        if target.suffix.lower() != ".docx":
            raise CommandError("输出文件应以 .docx 结尾")
        template_bytes = Path(template).read_bytes() if template else active_template(r)
        if keep_version:
            from keguan.reports.draft import Draft

            version = report_generate(actor=None, region=r, period=p)
            draft = Draft.from_json(version.draft)
        else:
            draft = build_draft(r, p)
        try:
            content = render_docx(draft, template_bytes)
        except TemplateProblem as exc:
            raise CommandError(f"模板有错误，未生成文件：{exc}") from exc
        target.write_bytes(content)
        if text:
            self.stdout.write(draft.plain_text())
        self.stdout.write(self.style.SUCCESS(f"已生成 {target}（{draft.title}，数字 {len(draft.figures())} 处）"))
