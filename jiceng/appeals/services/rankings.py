"""Publishing a monthly ranking (issue 6): the rows computed at publication are frozen in a
``RankingSnapshot``; later corrections of appeals never rewrite it, and a month is published once."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.appeals.models import RankingSnapshot
from jiceng.appeals.selectors import rates as sel
from jiceng.appeals.selectors import rates_rankings as ranking_sel
from jiceng.core import audit, scope
from jiceng.core.errors import Conflict
from jiceng.core.models import Area

PUBLISH = "appeals.publish_ranking"


def ranking_publish(actor, *, kind: str, district: Area, period: str) -> RankingSnapshot:
    """Freeze the ranking of ``district`` for ``period`` (a finished month). Refused (409, nothing written)
    when that month's ranking of that kind was already published."""
    kind = ranking_sel.parse_kind(kind)
    period = sel.parse_period(period)
    if district.level != "district":
        raise ValidationError({"district": [_("只能发布区一级的排名")]})
    scope.require(actor, PUBLISH, district)
    if period >= sel.current_period():
        raise ValidationError({"period": [_("本月尚未结束，只能发布已结束月份的排名")]})
    existing = RankingSnapshot.objects.filter(kind=kind, area=district, period=period).first()
    if existing is not None:
        raise Conflict(_("%(period)s 的%(kind)s已于 %(at)s 发布，发布后不再更改") % {
            "period": period, "kind": existing.get_kind_display(),
            "at": timezone.localtime(existing.published_at).strftime("%Y-%m-%d %H:%M")})
    params = sel.parameters()
    rows = ranking_sel.compute(kind, district, period, params=params)
    try:
        with transaction.atomic():
            snap = RankingSnapshot.objects.create(
                kind=kind, area=district, period=period, rows=rows, parameters=params.as_dict(),
                published_by=actor if getattr(actor, "pk", None) else None)
            audit.record(actor, "appeal_ranking.publish", snap, node_path=district.path,
                         summary={"kind": kind, "period": period, "units": len(rows)})
    except IntegrityError as exc:  # published by someone else a moment ago
        raise Conflict(_("%(period)s 的排名已经发布，发布后不再更改") % {"period": period}) from exc
    return snap
