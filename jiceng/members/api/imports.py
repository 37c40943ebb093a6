"""Endpoints of roll import and export. Thin: the services do the work; the job is read back with
``GET /api/v1/jobs/{id}`` (jiceng.core.api_jobs)."""

from typing import Literal

from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from jiceng.core.api import ERRORS, ErrorOut
from jiceng.core.api_jobs import JobOut
from jiceng.core.selectors import jobs as job_selectors
from jiceng.core.spreadsheets import XLSX_CONTENT_TYPE, xlsx_response
from jiceng.members.selectors.roll import RollFilter
from jiceng.members.services import exports, imports

router = Router(tags=["members"])
XLSX = {"responses": {200: {"description": "an .xlsx file", "content": {XLSX_CONTENT_TYPE: {}}}}}


@router.post("/members/import", response={202: JobOut, **ERRORS})
def member_import(request, file: File[UploadedFile]):
    """Upload a roll (.xlsx or .csv with the template's Chinese headers). Answers 202 with the job:
    poll ``GET /api/v1/jobs/{id}`` until ``state`` is ``validated`` (or ``failed``), read the bad rows
    in ``errors``, then ``POST /api/v1/jobs/{id}/confirm``."""
    return Status(202, imports.import_start(request.user, upload=file))


class ConfirmIn(Schema):
    choice: Literal["good_rows", "nothing"]


@router.post("/jobs/{int:job_id}/confirm", response={202: JobOut, 409: ErrorOut, **ERRORS})
def import_confirm(request, job_id: int, payload: ConfirmIn):
    """After validation: ``good_rows`` inserts the rows without errors (the job runs again: poll it
    until ``done``), ``nothing`` abandons the import. Once only: a second choice is 409."""
    job = job_selectors.job_get(request.user, job_id, kind=imports.KIND)
    return Status(202, imports.import_confirm(request.user, job=job, choice=payload.choice))


@router.get("/members/import/template", response=ERRORS, openapi_extra=XLSX)
def import_template(request):
    """The .xlsx template: headers and an example row, a sheet explaining each column, and the
    branches you may import into with their numbers."""
    return xlsx_response(imports.import_template(request.user), "党员名册导入模板.xlsx")


class ExportQuery(Schema):
    q: str = Field("", max_length=50)
    branch: int | None = Field(None, ge=1, le=2**63 - 1)
    status: str = Field("", max_length=20)
    flag: str = Field("", max_length=20)
    category: str = Field("", max_length=20)
    sex: str = Field("", max_length=10)


@router.get("/members/export", response={409: ErrorOut, **ERRORS}, openapi_extra=XLSX)
def member_export(request, filters: Query[ExportQuery]):
    """The roll for the same filters as ``GET /api/v1/members`` as .xlsx, at once, up to 2,000 rows
    (more: 409, use ``POST``). ID numbers and mobiles are masked unless you may unmask them."""
    content = exports.export_inline(request.user, RollFilter(**filters.dict()))
    return xlsx_response(content, exports.export_file_name())


@router.post("/members/export", response={202: JobOut, **ERRORS})
def member_export_job(request, payload: ExportQuery):
    """An export job of any size: poll ``GET /api/v1/jobs/{id}``, then download
    ``GET /api/v1/jobs/{id}/file``."""
    return Status(202, exports.export_start(request.user, filters=RollFilter(**payload.dict())))
