"""年度党费核定: bases entered by the branch, the set-based yearly fixing (one ``INSERT … SELECT`` for
every member of the organizations fixed), and the audited recalculation of a base mid-year."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core import audit, scope
from jiceng.core.models import Org
from jiceng.core.periods import month_start
from jiceng.dues import rules
from jiceng.dues.models import Assessment, DuesBase, DuesYear, LedgerMonth, Recalculation
from jiceng.members.models import ACTIVE_STATUSES, Member

MANAGE = "dues.manage_dues"
TIERED_SQL = ", ".join(f"'{c}'" for c in rules.TIERED)
ACTIVE_SQL = ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)


def today() -> date:
    return timezone.localdate()


def _year_clean(year, errors: dict) -> int | None:
    this = today().year
    if not isinstance(year, int) or not this - 1 <= year <= this + 1:
        errors["year"] = [_("年度应为去年、今年或明年")]
        return None
    return year


def _base_inputs(member: Member, *, base, deductions, farmer_amount, hardship, hardship_amount,
                 hardship_approved_by, hardship_approved_on) -> tuple[dict, rules.Quote]:
    """Validated inputs of a base entry and the quote they give; field errors for every problem."""
    errors: dict[str, list] = {}
    values = {}
    for field, raw, required in (("base", base, member.category in rules.TIERED), ("deductions", deductions, False),
                                 ("farmer_amount", farmer_amount, False), ("hardship_amount", hardship_amount, False)):
        if raw in (None, ""):
            if required:
                errors[field] = [_("请填写计算基数（元/月）")]
            values[field] = None
            continue
        values[field], problem = rules.parse_money(raw)
        if problem:
            errors[field] = [problem]
    base_value, deductions_value = values["base"] or Decimal("0.00"), values["deductions"] or Decimal("0.00")
    if not errors.get("deductions") and deductions_value > base_value:
        errors["deductions"] = [_("扣除的社保和公积金不能大于计算基数")]
    farmer = values["farmer_amount"]
    if member.category == "farmer" and farmer is not None and not errors.get("farmer_amount"):
        if problem := rules.farmer_amount_refusal(farmer):
            errors["farmer_amount"] = [problem]
    if errors:
        raise ValidationError(errors)
    net = rules.net_base(base_value, deductions_value, deduct=settings.DUES_DEDUCT_CONTRIBUTIONS)
    computed = rules.quote(member.category, net, farmer_amount=farmer if member.category == "farmer" else None)
    hardship = hardship or ""
    problems = rules.hardship_refusal(computed.amount, hardship, values["hardship_amount"], hardship_approved_by,
                                      hardship_approved_on)
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})
    inputs = {"base": base_value, "deductions": deductions_value,
              "farmer_amount": farmer if member.category == "farmer" else None, "hardship": hardship,
              "hardship_amount": values["hardship_amount"] if hardship == rules.Hardship.REDUCED else None,
              "hardship_approved_by": (hardship_approved_by or "").strip()[:120] if hardship else "",
              "hardship_approved_on": hardship_approved_on if hardship else None}
    amount = rules.hardship_amount(computed.amount, hardship, inputs["hardship_amount"])
    return inputs, rules.Quote(member.category, net, computed.rate, amount, computed.tier)


@transaction.atomic
def dues_base_set(actor, *, member: Member, year: int, base=None, deductions=None, farmer_amount=None,
                  hardship: str = "", hardship_amount=None, hardship_approved_by: str = "",
                  hardship_approved_on: date | None = None, effective_from: date | None = None,
                  reason: str = "") -> DuesBase:
    """Enter a member's base for a year (税后月收入 or 离退休费, the contributions deducted by setting).

    Before the year is fixed for the member this only records the inputs. Afterwards it is a
    年中重新核定: ``effective_from`` (a month of that year) and a reason are required; the assessment
    changes, a ``Recalculation`` keeps the values before and after, and the unpaid ledger months from
    that month on take the new amount (paid months keep what was paid)."""
    scope.require(actor, MANAGE, member)
    member = Member.objects.select_for_update().get(pk=member.pk)
    errors: dict[str, list] = {}
    year = _year_clean(year, errors)
    if errors:
        raise ValidationError(errors)
    inputs, computed = _base_inputs(member, base=base, deductions=deductions, farmer_amount=farmer_amount,
                                    hardship=hardship, hardship_amount=hardship_amount,
                                    hardship_approved_by=hardship_approved_by,
                                    hardship_approved_on=hardship_approved_on)
    assessment = Assessment.objects.select_for_update().filter(member=member, year=year).first()
    if assessment is not None:
        _recalculate(actor, assessment, inputs, computed, effective_from, reason)
    row, _created = DuesBase.objects.update_or_create(
        member=member, year=year, defaults={**inputs, "branch_id": member.branch_id,
                                            "entered_by": audit.user_of(actor)})
    if assessment is None:
        audit.record(actor, "dues.base", member, node_path=member.branch.path,
                     summary={"year": year, "base_entered": True})
    return row


def _recalculate(actor, assessment: Assessment, inputs: dict, computed: rules.Quote, effective_from, reason):
    errors: dict[str, list] = {}
    if effective_from is None or effective_from.year != assessment.year:
        errors["effective_from"] = [_("本年度党费已核定；修改基数属于重新核定，请选择自本年度哪个月起执行")]
    if not (reason or "").strip():
        errors["reason"] = [_("请填写重新核定的原因（如工资调整、退休）")]
    if errors:
        raise ValidationError(errors)
    effective_from = month_start(effective_from)
    fields = ("base", "deductions", "net_base", "rate", "amount", "hardship")
    before = {f: str(getattr(assessment, f)) for f in fields}
    assessment.base, assessment.deductions, assessment.net_base = inputs["base"], inputs["deductions"], computed.base
    assessment.rate, assessment.amount, assessment.hardship = computed.rate, computed.amount, inputs["hardship"]
    assessment.rule_version = rules.RULE_VERSION
    assessment.save()
    after = {f: str(getattr(assessment, f)) for f in fields}
    Recalculation.objects.create(assessment=assessment, effective_from=effective_from, before=before, after=after,
                                 reason=reason.strip()[:200], actor=audit.user_of(actor))
    changed = LedgerMonth.objects.filter(member_id=assessment.member_id, month__gte=effective_from,
                                         month__year=assessment.year, paid__isnull=True).update(due=computed.amount)
    audit.record(actor, "dues.recalculate", assessment.member, node_path=assessment.branch.path, summary={
        "year": assessment.year, "effective_from": effective_from, "before": before, "after": after,
        "reason": reason.strip(), "months": changed})


def _fix_sql(vendor: str, deduct: bool, org_path: str | None) -> str:
    """One ``INSERT … SELECT``: the assessment of every active member (of the organizations under
    ``org_path``) not yet fixed for the year whose base is entered or whose category needs none."""
    greatest = "GREATEST" if vendor == "postgresql" else "MAX"
    month_of = ("CAST(date_trunc('month', m.joined_on) AS date)" if vendor == "postgresql"
                else "date(m.joined_on, 'start of month')")
    base, deductions = "COALESCE(b.base, 0)", "COALESCE(b.deductions, 0)"
    net = f"{greatest}({base} - {deductions}, 0)" if deduct else base
    bp = rules.rate_sql("m.category", net)
    fixed = (f"CASE WHEN m.category = 'farmer' THEN COALESCE(b.farmer_amount, {rules.FARMER_MIN}) "
             f"ELSE {rules.FIXED_AMOUNT} END")
    cents = f"(CAST(ROUND({net} * 100) AS BIGINT) * {bp} + 5000) / 10000"  # integer half up, both databases
    computed = f"CASE WHEN {bp} IS NULL THEN {fixed} ELSE {cents} / 100.0 END"
    amount = (f"CASE COALESCE(b.hardship, '') WHEN '{rules.Hardship.EXEMPT}' THEN 0 "
              f"WHEN '{rules.Hardship.REDUCED}' THEN b.hardship_amount ELSE {computed} END")
    table = Assessment._meta.db_table
    scope_join = "JOIN core_org o ON o.id = m.branch_id AND o.path LIKE %(prefix)s" if org_path else ""
    # only table names and constants are interpolated; values are bound parameters
    return f"""
        INSERT INTO {table} (member_id, branch_id, year, category, base, deductions, net_base, rate, amount, hardship,
                             starts, rule_version, fixed_on, created_at)
        SELECT m.id, m.branch_id, %(year)s, m.category, {base}, {deductions}, {net}, {bp} / 10000.0, {amount},
               COALESCE(b.hardship, ''),
               CASE WHEN m.joined_on < %(jan)s THEN %(jan)s ELSE {month_of} END, %(version)s, %(fixed_on)s, %(now)s
        FROM {Member._meta.db_table} m {scope_join}
        LEFT JOIN {DuesBase._meta.db_table} b ON b.member_id = m.id AND b.year = %(year)s
        WHERE m.status IN ({ACTIVE_SQL}) AND m.joined_on <= %(dec31)s
          AND (b.id IS NOT NULL OR m.category NOT IN ({TIERED_SQL}))
          AND NOT EXISTS (SELECT 1 FROM {table} a WHERE a.member_id = m.id AND a.year = %(year)s)
    """  # noqa: S608


def fix_statement(org_path: str | None) -> str:
    return _fix_sql(connection.vendor, settings.DUES_DEDUCT_CONTRIBUTIONS, org_path)


@transaction.atomic
def dues_year_fix(actor, *, org: Org, year: int, fixed_on: date | None = None) -> int:
    """核定 the year for every branch under ``org`` on the date the branch chose (``fixed_on``, default
    today): each active member (正式 and 预备; 预备党员 from the month of admission) whose base is entered,
    or whose category pays a fixed amount, gets an assessment. Members fixed already keep theirs (a
    change is a recalculation); members entered later are fixed by running it again. Set-based: one
    statement whatever the number of members. Returns the number of members fixed now."""
    scope.require(actor, MANAGE, org)
    errors: dict[str, list] = {}
    year = _year_clean(year, errors)
    fixed_on = fixed_on or today()
    if year and fixed_on.year not in (year - 1, year):
        errors["fixed_on"] = [_("核定日期应在该年度内或上一年年底")]
    if errors:
        raise ValidationError(errors)
    params = {"year": year, "jan": date(year, 1, 1), "dec31": date(year, 12, 31), "version": rules.RULE_VERSION,
              "fixed_on": fixed_on, "now": timezone.now(), "prefix": org.path + "%"}
    with connection.cursor() as cursor:
        cursor.execute(fix_statement(org.path), params)
        fixed = cursor.rowcount
    branches = Org.objects.filter(kind="branch", path__startswith=org.path).values_list("pk", flat=True)
    DuesYear.objects.bulk_create(
        [DuesYear(branch_id=pk, year=year, fixed_on=fixed_on, fixed_by=audit.user_of(actor)) for pk in branches],
        update_conflicts=True, unique_fields=["branch", "year"], update_fields=["fixed_on", "fixed_by"],
        batch_size=5000)
    audit.record(actor, "dues.fix", org, summary={"year": year, "fixed_on": fixed_on, "members": fixed})
    return fixed


def members_without_base(org: Org, year: int):
    """Active members of tiered categories under ``org`` with neither a base nor an assessment for ``year``."""
    return (Member.objects.filter(branch__path__startswith=org.path, status__in=ACTIVE_STATUSES,
                                  category__in=list(rules.TIERED))
            .exclude(dues_bases__year=year).exclude(dues_assessments__year=year))


BASE_ALIASES = {"id_number": ["身份证号", "公民身份号码"], "name": ["姓名"],
                "base": ["计算基数", "税后月收入", "月工资收入", "离退休费"],
                "deductions": ["个人缴纳的社保和公积金", "社保公积金", "扣除"],
                "farmer_amount": ["农民党员月交金额"]}


def dues_bases_import(actor, *, branch: Org, year: int, file, keep_good: bool = False) -> tuple[int, list[str]]:
    """Bases from a spreadsheet (身份证号, 计算基数, optional 社保公积金): each row goes through
    ``dues_base_set``; a row of a member already fixed is refused (a recalculation is one by one, with
    its month and reason). With errors, nothing is kept unless ``keep_good``. Returns (kept, errors)."""
    from jiceng.core import crypto
    from jiceng.core.identity import InvalidIdNumber, parse_resident_id
    from jiceng.core.spreadsheets import SheetReader, SpreadsheetError

    scope.require(actor, MANAGE, branch)
    members = {m.id_index: m for m in Member.objects.filter(branch=branch, status__in=ACTIVE_STATUSES)}
    fixed = set(Assessment.objects.filter(branch=branch, year=year).values_list("member_id", flat=True))
    kept, problems = 0, []
    try:
        with transaction.atomic(), SheetReader(file, name="bases.xlsx", aliases=BASE_ALIASES,
                                               required=["id_number"]) as sheet:
            for line, row in sheet:
                try:
                    number = parse_resident_id(str(row.get("id_number") or "")).number
                except InvalidIdNumber as exc:
                    problems.append(_("第%(n)d行：%(e)s") % {"n": line, "e": exc})
                    continue
                member = members.get(crypto.blind_index(number))
                if member is None or member.pk in fixed:
                    problems.append(_("第%(n)d行：%(e)s") % {"n": line, "e": _("不是本支部的党员") if member is None
                                                              else _("本年度已核定，修改基数请逐人重新核定")})
                    continue
                try:
                    with transaction.atomic():
                        dues_base_set(actor, member=member, year=year, base=row.get("base"),
                                      deductions=row.get("deductions"), farmer_amount=row.get("farmer_amount"))
                    kept += 1
                except ValidationError as exc:
                    problems.append(_("第%(n)d行：%(e)s") % {"n": line, "e": "；".join(exc.messages)})
            if problems and not keep_good:
                transaction.set_rollback(True)
                kept = 0
    except SpreadsheetError as exc:
        return 0, [str(exc)]
    return kept, problems
