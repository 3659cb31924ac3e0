from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "载入或重新载入演示城市：区县、乡镇、村、企业（含三年数据和阶段记录）和各角色账号"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=2024, help="随机种子；同一种子得到同样的数据")
        parser.add_argument("--scale", type=float, default=1.0, help="规模倍数；1 为每区县 300-2000 家企业")
        parser.add_argument("--enterprises", type=int, default=None, help="企业总数（覆盖 --scale），基准测试用 200000")
        parser.add_argument("--city", default="450100", help="演示城市的区划代码，默认 450100（南宁市）")
        parser.add_argument("--no-users", action="store_true", help="不创建演示账号")
        parser.add_argument("--if-missing", action="store_true", help="已载入过演示城市时不重新生成，只列出账号")

    def handle(self, *args, seed: int, scale: float, enterprises: int | None, city: str, no_users: bool,
               if_missing: bool, **options):
        from keguan.demo.generator import demo_summary, generate_demo

        if scale <= 0:
            raise CommandError("--scale 必须大于 0")
        call_command("migrate", interactive=False, verbosity=0)
        if if_missing:
            existing = demo_summary(city_code=city)
            if existing is not None:
                self.stdout.write("演示城市已存在（重新生成请用 keguan demo 或 scripts/start-demo --reload）")
                self._print(existing)
                return
        started = time.monotonic()
        try:
            result = generate_demo(
                seed=seed, scale=scale, city_code=city, enterprises=enterprises, with_users=not no_users,
                progress=lambda msg: self.stdout.write(msg),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"演示城市已载入（{time.monotonic() - started:.1f} 秒，种子 {seed}）"))
        self._print(result)

    def _print(self, result) -> None:
        out = self.stdout.write
        out(f"城市：{result.city.code} {result.city.name}")
        out(f"区县 {len(result.districts)} 个，乡镇/街道 {result.townships} 个，村/社区 {result.villages} 个，企业 {result.enterprises} 家：")
        for district, count in result.districts:
            out(f"  {district.code} {district.name}  企业 {count} 家")
        if result.logins:
            out(f"演示账号（密码均为 {result.password}）：")
            for login in result.logins:
                note = f"  {login.note}" if login.note else ""
                out(f"  {login.username:<24} {login.role:<10} {login.region}{note}")
