"""党费台账 export (.xlsx through core.spreadsheets). Bases are personal data: the column is masked
unless the exporter holds ``view_dues_base`` for the branch. Every export is audited."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.models import Org
from jiceng.core.spreadsheets import Sheet, write_xlsx
from jiceng.dues import selectors

EXPORT = "dues.export_dues"
MASK = "***"


def ledger_xlsx(actor, branch: Org, year: int) -> bytes:
    if not scope.can(actor, EXPORT, branch):
        raise PermissionDenied(_("您没有导出党费台账的权限。"))
    unmask = selectors.can_see_bases(actor, branch)
    book = selectors.ledger(actor, branch, year)

    def cell(c):
        if c is None:
            return ""
        return f"{c.paid:.2f}" if c.paid is not None else (_("欠交") if c.overdue else _("未交"))

    def rows():
        for n, row in enumerate(book.rows, start=1):
            a = row.assessment
            base = (f"{a.net_base:.2f}" if unmask else MASK) if a else ""
            yield [n, row.member.name, row.member.get_category_display(), base,
                   f"{a.amount:.2f}" if a else "", *(cell(c) for c in row.cells), f"{row.paid_total:.2f}", row.arrears]

    headers = [_("序号"), _("姓名"), _("党费类别"), _("核定基数"), _("月交金额"),
               *[_("%(m)d月") % {"m": m} for m in range(1, 13)], _("本年已交"), _("欠交月数")]
    out = io.BytesIO()
    written = write_xlsx(out, [Sheet(_("%(y)d年党费台账") % {"y": year}, headers, rows(), [6, 10, 12, 12, 10])])
    audit.record(actor, "dues.export", branch, summary={"year": year, "rows": written, "bases_unmasked": unmask})
    return out.getvalue()
