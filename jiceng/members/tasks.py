"""Background tasks of the members app (django-tasks; run by `manage.py run_worker`)."""

from django_tasks import task

from jiceng.core.scope import system_actor
from jiceng.members.services.exports import export_run
from jiceng.members.services.imports import import_insert_run, import_validate_run
from jiceng.members.services.transfers import transfer_flag_expired


@task()
def check_transfer_letters() -> int:
    """Daily: members whose introduction letter expired unreceived are flagged as a lost relationship
    (口袋党员, RULES §5). Also run by ``manage.py check_transfers``."""
    return transfer_flag_expired(system_actor("check_transfers"))


@task()
def import_validate(job_id: int) -> None:
    """党员名册导入, step 1: read and check every row of the uploaded file (see services.imports)."""
    import_validate_run(job_id)


@task()
def import_insert(job_id: int) -> None:
    """党员名册导入, step 3: insert the good rows the importer chose to keep."""
    import_insert_run(job_id)


@task()
def export_roll(job_id: int) -> None:
    """党员名册导出: write the filtered roll to an .xlsx file (see services.exports)."""
    export_run(job_id)
