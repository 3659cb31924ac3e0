from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "创建账号。角色：city_staff 市局人员、district_leader 区局领导、district_staff 区局科员、township_liaison 乡镇专干、enterprise 企业用户、commissioner 科技特派员/专家；--superuser 创建系统管理员"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", default=None)
        parser.add_argument("--region", default=None, help="所属区划代码，如 450103")
        parser.add_argument("--name", default="", help="姓名")
        parser.add_argument("--phone", default="")
        parser.add_argument("--enterprise", default=None, help="企业用户所属企业的统一社会信用代码")
        parser.add_argument("--password", default=None, help="不给出时交互输入")
        parser.add_argument("--superuser", action="store_true")

    def handle(self, *args, **o) -> None:
        from keguan.accounts.models import Role, User
        from keguan.accounts.services import user_create
        from keguan.core.errors import ServiceError
        from keguan.regions.models import Region

        Enterprise = User._meta.get_field("enterprise").related_model  # noqa: N806 (accounts sits below enterprises)

        password = o["password"] or getpass.getpass("密码：")
        if o["superuser"]:
            if User.objects.filter(username=o["username"]).exists():
                raise CommandError(f"用户名 {o['username']} 已存在")
            User.objects.create_superuser(o["username"], password=password, full_name=o["name"])
            self.stdout.write(self.style.SUCCESS(f"已创建系统管理员 {o['username']}"))
            return
        if o["role"] not in Role.values:
            raise CommandError("--role 应为：" + "、".join(f"{v}（{label}）" for v, label in Role.choices))
        region = Region.objects.filter(code=o["region"] or "").first()
        if region is None:
            raise CommandError(f"找不到区划代码 {o['region']}")
        enterprise = None
        if o["enterprise"]:
            enterprise = Enterprise.objects.filter(credit_code=o["enterprise"]).first()
            if enterprise is None:
                raise CommandError(f"找不到统一社会信用代码为 {o['enterprise']} 的企业")
        try:
            user = user_create(actor=None, username=o["username"], password=password, role=o["role"], region=region,
                               full_name=o["name"], phone=o["phone"], enterprise=enterprise)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(self.style.SUCCESS(f"已创建账号 {user.username}（{user.get_role_display()}，{region.name}）"))
