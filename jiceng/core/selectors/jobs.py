"""Reads of background jobs (imports, exports). A job is its creator's alone: anyone else, however
wide their scope, gets a 404, as for a record out of scope."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from jiceng.core.models import Job, JobState


def _own(actor) -> QuerySet[Job]:
    if getattr(actor, "pk", None) is None or getattr(actor, "is_system", False):
        return Job.objects.none()
    return Job.objects.filter(created_by=actor)


def job_get(actor, job_id, *, kind: str | None = None) -> Job:
    """The actor's job ``job_id`` (of ``kind`` when given), or 404."""
    qs = _own(actor)
    if kind:
        qs = qs.filter(kind=kind)
    try:
        return qs.get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def job_recent(actor, *, kind: str, limit: int = 10) -> list[Job]:
    """The actor's latest jobs of ``kind``, newest first."""
    return list(_own(actor).filter(kind=kind).order_by("-created_at", "-pk")[:limit])


def job_output(actor, job_id, *, kind: str | None = None) -> Job:
    """The actor's job whose output file is ready, or 404."""
    job = job_get(actor, job_id, kind=kind)
    if not job.output or job.state != JobState.DONE:
        raise Http404
    return job
