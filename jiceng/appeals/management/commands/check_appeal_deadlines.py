from django.core.management.base import BaseCommand

from jiceng.appeals.tasks_workflow import check_appeal_deadlines


class Command(BaseCommand):
    help = ("接诉即办：重算放假安排已录入年份的办结期限，对临近期限的诉求提醒承办单位，"
            "对超期诉求逐级升级督办（社区→街道→区）。建议每小时运行一次。")

    def handle(self, **options):
        result = check_appeal_deadlines.call()
        self.stdout.write(self.style.SUCCESS(
            f"重算期限：{result['recounted']} 件；到期提醒：{result['reminded']} 件；"
            f"超期升级：{result['escalated']} 件"))
