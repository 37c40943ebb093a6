"""Writes of the three rates: keeping the monthly rollup (``AppealRollup``) in step with the appeals.

- ``rollup_refresh(period)`` re-sums one month in one transaction (delete + one GROUP BY insert);
- every save or delete of an appeal marks its month dirty (``appeal_changed``, connected in
  ``setup_stats``); a dirty month is re-summed on the next read (``selectors.rates.rollup_ensure``);
- code that writes appeals in bulk (``bulk_create``, ``QuerySet.update``, COPY) calls
  ``rollups_mark_dirty(periods)`` or ``rollup_refresh`` itself;
- ``manage.py refresh_appeal_rollups [--months N | --period YYYY-MM]`` re-sums from scratch.
"""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils import timezone

from jiceng.appeals import rules_rates as rr
from jiceng.appeals.models import Appeal, AppealRollup, RollupPeriod
from jiceng.appeals.selectors import rates as selectors

GRAIN = {"district_id": "district_id", "street_id": "street_id", "community_id": "community_id",
         "department_id": "lead_department_id"}


@transaction.atomic
def rollup_refresh(period: str) -> RollupPeriod:
    """Re-sum the appeals received in ``period`` (``YYYY-MM``) per place × lead department."""
    started = time.perf_counter()
    lo, hi = selectors.bounds(period)
    refreshed_at = timezone.now()
    state, _created = RollupPeriod.objects.select_for_update().get_or_create(
        period=period, defaults={"refreshed_at": refreshed_at})
    AppealRollup.objects.filter(period=period).delete()
    rows = (Appeal.objects.filter(received_at__gte=lo, received_at__lt=hi).exclude(status=rr.MERGED)
            .values(*GRAIN.values()).annotate(**selectors.stable_aggregates()).order_by())
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(AppealRollup._meta.db_table)
    target = ", ".join(connection.ops.quote_name(c) for c in (*GRAIN, *selectors.STABLE))
    source = ", ".join(f"sub.{connection.ops.quote_name(c)}" for c in (*GRAIN.values(), *selectors.STABLE))
    # One INSERT … SELECT (names from the models, values as parameters): the rows never travel to Python.
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} (period, {target}) SELECT %s, {source} FROM ({sql}) sub",  # noqa: S608
                       [period, *params])
        count = cursor.rowcount
    state.refreshed_at, state.dirty, state.rows = refreshed_at, False, count
    state.seconds = time.perf_counter() - started
    state.save()
    return state


def rollups_mark_dirty(periods) -> int:
    """Mark months as changed (their next read re-sums them)."""
    return RollupPeriod.objects.filter(period__in=list(periods), dirty=False).update(dirty=True)


def appeal_changed(sender, instance, **kwargs) -> None:
    """post_save / post_delete of an Appeal: its month's rollup is stale (derived data, not a business flow)."""
    if instance.received_at is not None:
        rollups_mark_dirty([timezone.localtime(instance.received_at).strftime("%Y-%m")])
