"""Background tasks of the members app (django-tasks; run by `manage.py run_worker`)."""

from django_tasks import task

from jiceng.core.scope import system_actor
from jiceng.members.services.transfers import transfer_flag_expired


@task()
def check_transfer_letters() -> int:
    """Daily: members whose introduction letter expired unreceived are flagged as a lost relationship
    (口袋党员, RULES §5). Also run by ``manage.py check_transfers``."""
    return transfer_flag_expired(system_actor("check_transfers"))
