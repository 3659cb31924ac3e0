"""The ``keguan`` command: keguan's own jobs (serve, demo, createuser, backup, import, export …) and every Django
management command behind them (``keguan migrate``, ``keguan shell`` …)."""

from __future__ import annotations

import os
import sys

OWN = {
    "serve": "启动 keguan（自动迁移数据库），默认 http://127.0.0.1:8000/",
    "demo": "载入或重新载入演示城市（--seed N --scale S）",
    "createuser": "创建账号（--role --region 等）",
    "loadregions": "载入全国行政区划（至乡镇/街道）",
    "import": "导入 .xlsx/.xls/.csv（keguan import --list；keguan import enterprises 企业.xlsx --region 450103 [--dry-run]）",
    "export": "导出数据到 .xlsx，可修改后再导入（keguan export enterprises --region 450103 --out 企业.xlsx）",
    "worker": "运行后台任务（大文件导入；keguan serve 会自动启动）",
    "report": "生成工作总结 Word 文档（keguan report --region 450103 --period 2022H1 --out 总结.docx）",
    "assess": "按官方规则评估名单中的企业（科小、高企），输出 JSON 行，不保存（keguan assess 名单.xlsx）",
    "backup": "备份数据库到数据目录的 backups/ 下（文件仅本账户可读）",
    "restore": "从备份文件恢复到空的安装，并迁移到本版本（keguan restore 备份文件 --yes）",
    "digest": "向有待办的用户发送今日待办提醒（我的消息），建议每天早上运行一次（keguan serve 启动时也会运行）",
    "syncstages": "按资质记录核定培育阶段（证书到期回落等），建议每天运行一次",
    "startjobs": "运行各业务领域的启动补做任务（keguan serve 启动时在后台自动运行一次）",
    "check-deploy": "检查生产部署的设置（Django 的 check --deploy 加 keguan 自己的检查），有错误时退出代码为 1",
    "recount": "按企业库重新统计各区县各阶段企业数（直接改库或批量写入后）",
}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keguan.settings")
    if not argv or argv[0] in ("-h", "--help", "help") and len(argv) == 1:
        print("用法：keguan <命令> [选项]\n\nkeguan 的命令：")
        for name, text in OWN.items():
            print(f"  {name:<12} {text}")
        print("\n以及 Django 的全部管理命令（keguan migrate、keguan shell、keguan dbshell …），")
        print("每个命令的选项见 keguan <命令> --help。")
        return
    if argv and argv[0] == "check-deploy":
        argv[0] = "check_deploy"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keguan", *argv])


if __name__ == "__main__":
    main()
