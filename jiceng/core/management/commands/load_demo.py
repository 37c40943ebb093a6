from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from jiceng.core.demo import PASSWORD, load_demo


class Command(BaseCommand):
    help = "载入演示数据（北京市区划、五个街道的网格与党组织、各角色演示账号）。生产环境拒绝执行。"

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="已有用户时什么也不做")

    def handle(self, if_empty, **options):
        if get_user_model().objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据。")
                return
            raise CommandError("数据库已有用户，演示数据只能载入空数据库。")
        try:
            rows = load_demo(out=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入。演示账号（密码均为 {PASSWORD}）："))
        for username, role, node in rows:
            self.stdout.write(f"  {username:10} {role}（{node}）")
