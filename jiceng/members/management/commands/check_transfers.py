from django.core.management.base import BaseCommand

from jiceng.members.tasks import check_transfer_letters


class Command(BaseCommand):
    help = "检查组织关系介绍信：过期未转接的党员列为组织关系未转接（失联）人员，供跟进。建议每天运行一次。"

    def handle(self, **options):
        flagged = check_transfer_letters.call()
        self.stdout.write(self.style.SUCCESS(f"介绍信过期未转接、新列为失联的党员：{flagged} 人"))
