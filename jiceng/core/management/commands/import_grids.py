import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiceng.core.scope import system_actor
from jiceng.core.services.grids import GridImportError, import_grids


class Command(BaseCommand):
    help = ("从 GeoJSON 导入网格边界。每个要素的 properties 须有 name（网格名称）和 community（所属社区 12 位代码）；"
            "同一社区下同名网格更新边界，否则新增。全部校验通过才写入。")

    def add_arguments(self, parser):
        parser.add_argument("geojson", type=Path)

    def handle(self, geojson, **options):
        try:
            data = json.loads(geojson.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"无法读取 {geojson}：{exc}") from exc
        try:
            report = import_grids(system_actor("import_grids"), data)
        except GridImportError as exc:
            raise CommandError("导入失败，未写入任何数据：\n" + "\n".join(exc.problems)) from exc
        self.stdout.write(self.style.SUCCESS(f"新增 {report['added']} 个网格，更新 {report['updated']} 个网格边界"))
