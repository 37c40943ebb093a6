from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from jiceng.core.models import WorkerHeartbeat


@never_cache
def healthz(request):
    """Database reachable, and the age of the freshest task-worker heartbeat (seconds)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
    except Exception as exc:  # any driver error means: not reachable
        return JsonResponse({"status": "error", "database": str(exc)[:200]}, status=503)
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    age = round((timezone.now() - last).total_seconds(), 1) if last else None
    worker = "ok" if age is not None and age <= settings.WORKER_STALE_SECONDS else "stale"
    return JsonResponse({"status": "ok", "database": database, "worker": worker, "worker_heartbeat_age": age})
