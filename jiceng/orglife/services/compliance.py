"""Writes of the compliance part: the export of a branch's full-process record book (全程纪实册) as
.xlsx, audited (it carries the names of the people who hosted and recorded every meeting)."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit
from jiceng.core.spreadsheets import Sheet, write_xlsx
from jiceng.orglife.selectors.compliance import BranchReport


def record_book_xlsx(actor, *, book: dict) -> bytes:
    """The record book (from ``selectors.compliance.record_book``) as a workbook of four sheets."""
    report: BranchReport = book["report"]
    branch = report.branch
    basics = [
        (_("党支部"), report.org.name),
        (_("上级党组织"), report.org.parent.name if report.org.parent else ""),
        (_("成立日期"), report.org.established_on.isoformat() if report.org.established_on else ""),
        (_("年度"), report.year),
        (_("党员人数"), branch.active_members),
        (_("正式党员"), branch.full_members),
        (_("支部委员会"), _("已设立") if branch.has_committee else _("未设立")),
        (_("党小组"), "、".join(name for _pk, name in branch.groups)),
        *((p.get_title_display(), p.holder_name) for p in book["posts"]),
        (_("组织生活达标率"), f"{report.tally.percent}%" if report.tally.percent is not None else "—"),
        (_("学习完成率"), f"{book['study'].percent}%" if book["study"] and book["study"].percent is not None else "—"),
    ]
    periods = [(c.kind.name, c.group[1] if c.group else "", c.span.label, c.held, c.required if c.required else "",
                c.label) for c in report.cells]
    def numbers(rate):
        return ("", "", "", "") if rate is None else (rate.expected, rate.excused, rate.present,
                                                      "" if rate.rate is None else float(rate.rate))

    meetings = [(m.kind.name, m.org.name, timezone.localtime(m.starts_at).strftime("%Y-%m-%d %H:%M"), m.topic, m.place,
                 m.host, m.recorder, *numbers(book["attendance"].get(m.pk)), m.content, m.resolutions)
                for m in book["meetings"]]
    study = [(i.title, i.get_kind_display(), i.starts_on.isoformat(), i.due_on.isoformat() if i.due_on else "",
              book["study_done"].get(i.pk, 0), branch.active_members) for i in book["study_items"]]
    out = io.BytesIO()
    write_xlsx(out, [
        Sheet(_("基本情况"), [_("项目"), _("内容")], basics, widths=[16, 50]),
        Sheet(_("达标情况"), [_("类型"), _("党小组"), _("周期"), _("已召开"), _("应召开"), _("状态")], periods,
              widths=[16, 20, 16, 8, 8, 10]),
        Sheet(_("会议记录"), [_("类型"), _("召开组织"), _("时间"), _("主题"), _("地点"), _("主持人"), _("记录人"),
                              _("应到"), _("请假"), _("实到"), _("出席率（%）"), _("内容"), _("决议")], meetings,
              widths=[14, 24, 17, 30, 16, 10, 10, 6, 6, 6, 10, 60, 40]),
        Sheet(_("学习情况"), [_("学习内容"), _("形式"), _("开始"), _("期限"), _("完成人数"), _("党员人数")], study,
              widths=[40, 8, 12, 12, 10, 10]),
    ])
    audit.record(actor, "compliance.export", report.org, node_path=report.org.path,
                 summary={"year": report.year, "meetings": len(book["meetings"])})
    return out.getvalue()
