"""Roll export (党员名册导出) to .xlsx: the members the roll list shows for the same filters, among those
the exporter may export (``export_member``), in the columns of the import template, so an export
can be corrected and read back. ID numbers and mobiles are masked except on the rows where the
exporter holds ``unmask_member``. Every export is audited (``member.export``) with its row count and
whether anything was unmasked. Small sets are written at once; large ones by a job."""

from __future__ import annotations

import io
import logging
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Job, JobState, Org
from jiceng.core.services.jobs import job_finish, job_progress
from jiceng.core.spreadsheets import Sheet, write_xlsx
from jiceng.members.models import Member
from jiceng.members.selectors.roll import RollFilter, member_list
from jiceng.members.services.imports import COLUMNS

log = logging.getLogger(__name__)

KIND = "members.export"
EXPORT = "members.export_member"
UNMASK = "members.unmask_member"
INLINE_LIMIT = 2000  # more rows than this are written by a job, with a progress bar
PROGRESS_EVERY = 1000
WIDTHS = {"seq": 6, "name": 10, "id_number": 20, "birth_date": 12, "phone": 13, "branch": 30, "party_group": 16,
          "category": 12, "joined_on": 12, "full_on": 12, "work_unit": 30, "job_title": 14, "residence": 18}


def export_queryset(actor, filters: RollFilter):
    """The members to export: the roll list for ``filters``, limited to where the actor may export."""
    if scope.reach(actor, EXPORT).nowhere:
        raise PermissionDenied(_("您没有导出党员名册的权限。"))
    return scope.visible(actor, EXPORT, member_list(actor, filters)).select_related("branch__area")


def export_orgs(actor):
    """The organizations whose members the actor may export (the export page's choice of 党组织)."""
    return scope.visible(actor, EXPORT, Org.objects.exclude(kind="group").filter(is_active=True)).order_by("path")


def _cells(member: Member, seq: int, unmask: bool) -> list:
    values = {
        "seq": seq, "name": member.name, "sex": member.get_sex_display(), "ethnicity": member.ethnicity,
        "id_number": member.id_number if unmask else member.id_masked, "birth_date": member.birth_date,
        "education": member.get_education_display(), "phone": member.phone if unmask else member.phone_masked,
        "branch": member.branch.name, "party_group": member.party_group.name if member.party_group_id else "",
        "category": member.get_category_display(), "status": member.get_status_display(),
        "joined_on": member.joined_on, "full_on": member.full_on, "work_unit": member.work_unit,
        "job_title": member.job_title, "residence": member.residence.name if member.residence_id else "",
        "note": member.note,
    }
    return [values[c.key] for c in COLUMNS]


def export_write(actor, filters: RollFilter, target, *, job: Job | None = None) -> dict:
    """Write the export to ``target`` (a path or a binary file) and audit it; returns the counts.
    With ``job``, its progress moves every ``PROGRESS_EVERY`` rows."""
    members = export_queryset(actor, filters)
    counts = {"count": 0, "unmasked": 0}

    def rows() -> Iterator[list]:
        for member in members.iterator(chunk_size=PROGRESS_EVERY):
            unmask = scope.can(actor, UNMASK, member)
            counts["count"] += 1
            counts["unmasked"] += unmask
            yield _cells(member, counts["count"], unmask)
            if job is not None and counts["count"] % PROGRESS_EVERY == 0:
                job_progress(job, done=counts["count"])

    with translation.override("zh-hans"):
        write_xlsx(target, [Sheet(_("党员花名册"), [c.header for c in COLUMNS], rows(),
                                  widths=[WIDTHS.get(c.key, 10) for c in COLUMNS])])
    audit.record(actor, "member.export", None, summary={
        "count": counts["count"], "unmasked": counts["unmasked"] > 0, "unmasked_rows": counts["unmasked"],
        "filters": {k: v for k, v in asdict(filters).items() if v}, "job": job.pk if job else None})
    return counts


def export_file_name() -> str:
    return _("党员名册-%(day)s.xlsx") % {"day": timezone.localdate().strftime("%Y%m%d")}


def export_inline(actor, filters: RollFilter) -> bytes:
    """A small export at once (the API's GET); more than ``INLINE_LIMIT`` rows need a job."""
    count = export_queryset(actor, filters).count()
    if count > INLINE_LIMIT:
        raise Conflict({"__all__": [_("共 %(n)d 人，超过 %(limit)d 人的导出请创建导出作业") % {
            "n": count, "limit": INLINE_LIMIT}]})
    buffer = io.BytesIO()
    export_write(actor, filters, buffer)
    return buffer.getvalue()


def export_start(actor, *, filters: RollFilter) -> Job:
    """Queue an export of the roll for ``filters``; the job's file is the result."""
    total = export_queryset(actor, filters).count()
    job = Job.objects.create(kind=KIND, created_by=actor, state=JobState.PENDING, total=total,
                             file_name=export_file_name(), options={"filters": asdict(filters)})
    from jiceng.members.tasks import export_roll

    transaction.on_commit(partial(export_roll.enqueue, job.pk))
    return job


def export_run(job_id: int) -> None:
    """Task body: write the file, keep it as the job's output."""
    job = Job.objects.filter(pk=job_id, kind=KIND, state=JobState.PENDING).select_related("created_by").first()
    if job is None:
        return
    job_progress(job, state=JobState.RUNNING)
    try:
        with tempfile.TemporaryFile() as tmp:
            counts = export_write(job.created_by, RollFilter(**job.options.get("filters", {})), tmp, job=job)
            tmp.seek(0)
            job.output.save(f"roll-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.xlsx", File(tmp), save=False)
        job_finish(job, JobState.DONE, total=counts["count"], done=counts["count"],
                   result={"count": counts["count"], "unmasked": counts["unmasked"] > 0})
    except (PermissionDenied, Http404):
        job_finish(job, JobState.FAILED, error=_("您已没有导出党员名册的权限。"))
    except Exception:
        log.exception("export job %s failed", job.pk)
        job_finish(job, JobState.FAILED, error=_("导出时发生意外错误，请重试，或联系管理员。"))
