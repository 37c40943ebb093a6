"""The .xlsx export of a center's statistics (audited: who exported which center and period)."""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _

from jiceng.centers.models import Center
from jiceng.centers.selectors.stats import CenterStats, center_stats
from jiceng.core import audit, scope
from jiceng.core.spreadsheets import Sheet, write_xlsx

VIEW = "centers.view_center"


def stats_export(actor, *, center: Center, start: date | None = None, end: date | None = None
                 ) -> tuple[bytes, CenterStats]:
    scope.require(actor, VIEW, center)
    data = center_stats(center, start, end)
    sheets = [
        Sheet(_("功能室利用"), [_("功能室"), _("类型"), _("预约次数"), _("预约小时"), _("开放小时"), _("利用率（%）")],
              [(r.name, r.kind, r.reservations, round(r.hours, 1), round(r.open_hours, 1), r.utilization)
               for r in data.rooms], widths=(18, 12, 10, 10, 10, 12)),
        Sheet(_("预约用途"), [_("用途"), _("次数")], data.by_purpose, widths=(16, 10)),
        Sheet(_("服务类别"), [_("类别"), _("服务事项数")], data.top_categories, widths=(16, 12)),
        Sheet(_("提供部门"), [_("部门"), _("服务事项数")], data.top_departments, widths=(24, 12)),
    ]
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets)
    audit.record(actor, "center.export", center, node_path=center.area.path,
                 summary={"from": data.start.isoformat(), "to": data.end.isoformat()})
    return buffer.getvalue(), data
