"""Writes to background jobs that every app's tasks share: progress while running, the end state."""

from __future__ import annotations

from django.utils import timezone

from jiceng.core.models import Job, JobState

FINAL = (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


def job_progress(job: Job, **fields) -> None:
    """Set ``fields`` (``done``, ``total``, ``state`` …) at once, outside any transaction of the task,
    so the progress bar of another request sees them."""
    for key, value in fields.items():
        setattr(job, key, value)
    Job.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)


def job_finish(job: Job, state: str, **fields) -> None:
    """Save the job in ``state`` with ``fields`` (report, result, error …); final states get their time."""
    for key, value in fields.items():
        setattr(job, key, value)
    job.state = state
    job.finished_at = timezone.now() if state in FINAL else None
    job.save()
