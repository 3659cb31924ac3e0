from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "导出数据到 .xlsx。目前可导出：enterprises（企业名录，可按区划、阶段筛选）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", choices=["enterprises"])
        parser.add_argument("--region", default=None, help="区划代码：只导出该区划及其下级的企业")
        parser.add_argument("--stage", default="", help="培育阶段，如 hnte")
        parser.add_argument("--out", required=True, help="输出文件 .xlsx")

    def handle(self, *args, what: str, region: str | None, stage: str, out: str, **options) -> None:
        from keguan.enterprises.exports import enterprise_export_xlsx
        from keguan.enterprises.models import Enterprise, Stage
        from keguan.regions.models import Region

        qs = Enterprise.objects.select_related("district", "township").order_by("name", "id")
        scope = "全部"
        if region:
            r = Region.objects.filter(code=region).first()
            if r is None:
                raise CommandError(f"找不到区划代码 {region}")
            field = "township" if r.level >= 4 else "district"
            qs = qs.filter(**{f"{field}__path__startswith": r.path})
            scope = r.name
        if stage:
            if stage not in Stage.values:
                raise CommandError("--stage 应为：" + "、".join(f"{v}（{label}）" for v, label in Stage.choices))
            qs = qs.filter(stage=stage)
        path = Path(out)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件应以 .xlsx 结尾")
        count = qs.count()
        path.write_bytes(enterprise_export_xlsx(qs, scope_name=scope))
        self.stdout.write(self.style.SUCCESS(f"已导出 {count} 家企业到 {path}"))
