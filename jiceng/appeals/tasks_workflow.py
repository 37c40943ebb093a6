"""Background tasks of the appeals workflow (django-tasks; run by `manage.py run_worker`)."""

from django_tasks import task

from jiceng.appeals.services.deadlines import check_deadlines


@task()
def check_appeal_deadlines() -> dict:
    """Hourly: recount deadlines whose year's schedule has been entered, remind the handling units of the
    deadlines within ``APPEAL_REMIND_HOURS``, escalate the overdue one level up. Also run by
    ``manage.py check_appeal_deadlines``."""
    return check_deadlines()
