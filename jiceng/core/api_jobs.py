"""Endpoints of background jobs (imports, exports) of every app: progress, the row report, the
result file. A job is its creator's alone; anyone else gets 404."""

from datetime import datetime

from django.http import FileResponse
from ninja import Router, Schema

from jiceng.core.api import ERRORS
from jiceng.core.selectors import jobs as selectors
from jiceng.core.spreadsheets import XLSX_CONTENT_TYPE

router = Router(tags=["jobs"])


class JobErrorOut(Schema):
    line: int
    field: str
    column: str
    message: str
    name: str = ""


class JobOut(Schema):
    id: int
    kind: str
    state: str
    state_name: str
    file_name: str
    total: int
    done: int
    percent: int
    result: dict
    error: str
    errors: list[JobErrorOut]
    error_count: int
    errors_truncated: bool
    has_file: bool
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_state_name(obj):
        return obj.get_state_display()

    @staticmethod
    def resolve_errors(obj):
        return obj.report.get("errors", [])

    @staticmethod
    def resolve_error_count(obj):
        return obj.report.get("error_count", len(obj.report.get("errors", [])))

    @staticmethod
    def resolve_errors_truncated(obj):
        return bool(obj.report.get("truncated"))

    @staticmethod
    def resolve_has_file(obj):
        return bool(obj.output)


@router.get("/jobs/{int:job_id}", response={200: JobOut, **ERRORS})
def job_detail(request, job_id: int):
    """Progress (``done`` of ``total``), state, the row report (``errors``: line, column, reason) and
    the result of one of your jobs. Poll it while ``state`` is pending, validating or running."""
    return selectors.job_get(request.user, job_id)


@router.get("/jobs/{int:job_id}/file", response=ERRORS,
            openapi_extra={"responses": {200: {"description": "the file (.xlsx)",
                                               "content": {XLSX_CONTENT_TYPE: {}}}}})
def job_file(request, job_id: int):
    """The file a finished job produced (an export)."""
    return job_file_response(selectors.job_output(request.user, job_id))


def job_file_response(job) -> FileResponse:
    """The output of ``job`` as a download named after the job (pages use it too)."""
    return FileResponse(job.output.open("rb"), as_attachment=True, filename=job.file_name or job.output.name,
                        content_type=XLSX_CONTENT_TYPE)
