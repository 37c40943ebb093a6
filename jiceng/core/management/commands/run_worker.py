import os
import socket
import threading
import uuid

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from django.utils import timezone

from jiceng.core.models import WorkerHeartbeat


def beat(worker_id: str, started) -> None:
    close_old_connections()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:100], "pid": os.getpid(), "started_at": started,
                  "seen_at": timezone.now()},
    )


class Command(BaseCommand):
    help = "运行后台任务进程（django-tasks 数据库后端），并定期写入心跳供 /healthz 查看。"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")

    def handle(self, interval, **options):
        worker_id = f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        started = timezone.now()
        stop = threading.Event()

        def loop():
            while not stop.is_set():
                try:
                    beat(worker_id, started)
                except Exception as exc:  # keep beating through a database hiccup
                    self.stderr.write(f"heartbeat failed: {exc}")
                finally:
                    connection.close()
                stop.wait(settings.WORKER_HEARTBEAT_SECONDS)

        threading.Thread(target=loop, name="heartbeat", daemon=True).start()
        try:
            call_command("db_worker", interval=interval, worker_id=worker_id[:64], queue_name="*")
        finally:
            stop.set()
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
