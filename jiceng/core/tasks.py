"""Background tasks of the core (django-tasks; run by `manage.py run_worker`)."""

from django_tasks import task

from jiceng.core.services.areas import area_pinyin_fill


@task()
def fill_area_pinyin() -> int:
    """Pinyin initials for areas imported or renamed in bulk."""
    return area_pinyin_fill()
