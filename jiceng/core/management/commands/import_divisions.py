import resource
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiceng.core.scope import system_actor
from jiceng.core.services.divisions import DivisionImportError, import_divisions


class Command(BaseCommand):
    help = "导入国家统计局统计用区划代码（provinces/cities/areas/streets/villages .csv 或 .csv.gz）。可重复执行。"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--province", help="只导入该省（2 位代码，如 11）")
        parser.add_argument("--city", help="只导入该市（4 位代码，如 1101）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, directory, province, city, no_progress, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} 不是目录")
        for value, digits, flag in ((province, 2, "--province"), (city, 4, "--city")):
            if value and (len(value) != digits or not value.isdigit()):
                raise CommandError(f"{flag} 应为 {digits} 位数字")
        started = time.perf_counter()
        try:
            report = import_divisions(system_actor("import_divisions"), directory, province=province, city=city,
                                      progress=not no_progress)
        except DivisionImportError as exc:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(exc.problems)) from exc
        elapsed = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        for level, r in report.levels.items():
            self.stdout.write(
                f"{level:10} 读取 {r.read:>8,}  新增 {r.added:>8,}  更名 {r.renamed:>6,}  未变 {r.unchanged:>8,}"
                f"  并入上级 {r.merged:>4,}"
            )
        self.stdout.write(self.style.SUCCESS(f"完成：{elapsed:.1f} 秒，峰值内存 {peak:.0f} MB"))
