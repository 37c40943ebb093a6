from django.core.management.base import BaseCommand

from jiceng.dues.tasks import check_dues


class Command(BaseCommand):
    help = ("党费：为已核定的党员开出本月台账，并为连续六个月未交党费的党员提出自行脱党审查"
            "（同一连续欠交只提一次）。建议每天运行一次。")

    def handle(self, **options):
        result = check_dues.call()
        self.stdout.write(self.style.SUCCESS(
            f"本月新开台账：{result['opened']} 条；新提出自行脱党审查：{result['raised']} 件"))
