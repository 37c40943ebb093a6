"""Regulations on the shape of the party-organization tree, as pure functions.

Sources: 中国共产党章程 (2022) Art. 30; 中国共产党支部工作条例（试行）(2018) Arts. 5–8, 16;
中国共产党发展党员工作细则 (2014) Art. 21; RULES.md §1 and §4.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

COMMITTEES = {"committee", "working_committee"}

ALLOWED_CHILDREN = {
    "committee": {"committee", "working_committee", "general_branch", "branch"},
    "working_committee": {"committee", "working_committee", "general_branch", "branch"},
    "general_branch": {"branch"},
    "branch": {"group"},
    "group": set(),
}
ROOT_KINDS = COMMITTEES

KIND_NAMES = {"committee": gettext_lazy("党委"), "working_committee": gettext_lazy("党工委"),
              "general_branch": gettext_lazy("党总支"), "branch": gettext_lazy("党支部"),
              "group": gettext_lazy("党小组")}

JOINT_UNITS_GUIDE = 5


@dataclass(frozen=True)
class Finding:
    """A rule's verdict: ``error`` refuses the change, otherwise it is a warning to show."""

    field: str
    message: str
    error: bool = True


def check_placement(kind: str, parent_kind: str | None) -> list[Finding]:
    """党章 Art. 30 and 支部工作条例 Art. 5: 党委 → 党总支 → 党支部 → 党小组; a 党小组 sits in a 支部."""
    if parent_kind is None:
        if kind not in ROOT_KINDS:
            return [Finding("parent", _("%(kind)s必须隶属于上级党组织") % {"kind": KIND_NAMES[kind]})]
        return []
    if kind not in ALLOWED_CHILDREN[parent_kind]:
        message = _("%(parent)s下不能设立%(kind)s") % {"parent": KIND_NAMES[parent_kind], "kind": KIND_NAMES[kind]}
        return [Finding("kind", message)]
    return []


def check_flags(*, kind: str, is_temporary: bool, temporary_until, is_joint: bool, joint_units: int | None,
                may_approve_admission: bool, parent_kind: str | None, parent_is_street_committee: bool,
                area_level: str | None, sector: str | None = None) -> list[Finding]:
    """Temporary, joint and approval-power flags (支部工作条例 Arts. 5–6; 发展党员工作细则 Art. 21)."""
    findings = []
    if is_temporary and temporary_until is None:
        findings.append(Finding("temporary_until", _("临时党组织须填写撤销日期（任务完成后撤销）")))
    if is_joint and kind not in {"branch", "general_branch"}:
        findings.append(Finding("is_joint", _("联合党组织应为党支部或党总支")))
    if is_joint and joint_units is not None and joint_units > JOINT_UNITS_GUIDE:
        message = _("联合党支部所含单位一般不超过%(n)d个") % {"n": JOINT_UNITS_GUIDE}
        findings.append(Finding("joint_units", message, error=False))
    if may_approve_admission:
        reason = approval_power_refusal(kind=kind, is_temporary=is_temporary,
                                        parent_is_street_committee=parent_is_street_committee,
                                        area_level=area_level, sector=sector)
        if reason:
            findings.append(Finding("may_approve_admission", reason))
    return findings


def is_community_or_village(area_level: str | None, sector: str | None) -> bool:
    """An organization of a community or village: placed in a community (or one of its grids), or of
    the village sector."""
    return area_level in {"community", "grid"} or sector == "village"


def approval_power_refusal(*, kind: str, is_temporary: bool, parent_is_street_committee: bool,
                           area_level: str | None, sector: str | None = None) -> str | None:
    """发展党员工作细则 Art. 21: 预备党员 are approved by a 基层党委 with that power; 党总支, 党支部 and
    temporary organizations cannot, nor can a community or village 党委 under a street or town 党委."""
    if kind not in COMMITTEES:
        return _("只有基层党委可以审批预备党员（党总支、党支部不能审批）")
    if is_temporary:
        return _("临时党组织不能审批预备党员")
    # Under a street 党工委, a territorial committee with no place recorded is a community's.
    local = is_community_or_village(area_level, sector) or (sector == "territorial" and area_level is None)
    if parent_is_street_committee and local:
        return _("街道党（工）委下属的社区、村党委不能审批预备党员")
    return None


def term_years(kind: str, *, community_or_village: bool) -> int:
    """Terms: 基层党委 5 years; 党总支 3; branch committees 3, of villages and communities 5
    (党章 Art. 30; 支部工作条例 Art. 16)."""
    if kind in COMMITTEES:
        return 5
    if kind == "branch" and community_or_village:
        return 5
    return 3
