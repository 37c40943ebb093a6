from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jiceng.core.scope import system_actor
from jiceng.core.services.accounts import token_issue


class Command(BaseCommand):
    help = "为用户签发个人 API 令牌；标准输出只打印令牌本身，便于脚本使用。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="令牌用途")
        parser.add_argument("--days", type=int, default=None, help="有效天数（0 表示不过期）")

    def handle(self, username, name, days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在")
        try:
            _token, raw = token_issue(system_actor("issue_token"), user=user, name=name, days=days)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(raw)
