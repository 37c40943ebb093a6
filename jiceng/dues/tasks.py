"""Background tasks of the dues app (django-tasks; run by `manage.py run_worker`)."""

from django_tasks import task

from jiceng.core.scope import system_actor
from jiceng.dues.services.arrears import lapse_reviews_raise
from jiceng.dues.services.fixing import today
from jiceng.dues.services.ledger import ledger_run


@task()
def check_dues() -> dict:
    """Nightly: open this month in the ledger for every assessed member, then raise the 自行脱党
    reviews due (each run of six unpaid months once). Also run by ``manage.py check_dues``."""
    opened = ledger_run(month=today())
    return {"opened": opened, "raised": lapse_reviews_raise(system_actor("check_dues"))}
