"""Party dues (党费) as pure functions: 《关于中国共产党党费收缴、使用和管理的规定》(中组发〔2008〕3号),
RULES.md §3. No database, no request. Money is ``Decimal``, rounded half up to 0.01 yuan.

The tier tables below are also turned into SQL ``CASE`` expressions (``rate_sql``) by the set-based
yearly fixing, so the Python and the SQL calculation cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

from jiceng.core.periods import add_months, month_start

RULE_VERSION = "中组发〔2008〕3号"
CENT = Decimal("0.01")
MAX_BASE = Decimal("9999999.99")  # a monthly income beyond this is a typing error
FIXED_AMOUNT = Decimal("0.20")  # students, the unemployed, members on relief or 低保
FARMER_MIN, FARMER_MAX = Decimal("0.20"), Decimal("1.00")
VOLUNTARY_CENTRE_THRESHOLD = Decimal("1000")
LAPSE_MONTHS = 6  # 党章 Art. 9: six consecutive months


@dataclass(frozen=True)
class Tier:
    upto: Decimal | None  # inclusive upper bound of the base; None: no bound
    rate: Decimal  # a fraction: 0.015 is 1.5 %
    words: str


# 第三条: 在岗职工党员 … 每月工资收入（税后）在3000元以下（含3000元）者，交纳月工资收入的0.5%；3000元以上至
# 5000元（含5000元）者，交纳1%；5000元以上至10000元（含10000元）者，交纳1.5%；10000元以上者，交纳2%。
SALARY_TIERS = (
    Tier(Decimal("3000"), Decimal("0.005"), "每月工资收入（税后）在3000元以下（含3000元）者，交纳月工资收入的0.5%"),
    Tier(Decimal("5000"), Decimal("0.01"), "3000元以上至5000元（含5000元）者，交纳1%"),
    Tier(Decimal("10000"), Decimal("0.015"), "5000元以上至10000元（含10000元）者，交纳1.5%"),
    Tier(None, Decimal("0.02"), "10000元以上者，交纳2%"),
)
# 第五条: 离退休干部、职工党员，月离退休费收入（税后）在5000元以下（含5000元）的按0.5%交纳党费，在5000元以上
# 的按1%交纳党费。
RETIRED_TIERS = (
    Tier(Decimal("5000"), Decimal("0.005"), "月离退休费收入（税后）在5000元以下（含5000元）的按0.5%交纳党费"),
    Tier(None, Decimal("0.01"), "在5000元以上的按1%交纳党费"),
)
TIERED = {
    "in_service": SALARY_TIERS,
    # 第四条: 实行年薪制人员中的党员，每月以当月实际领取的薪酬收入为计算基数，按照第三条规定的比例交纳党费。
    "annual_salary": SALARY_TIERS,
    # 第六条: 个体经营者等灵活就业党员，以上一年度本人月平均纯收入为计算基数（按季度结算的为上季度），
    # 按照第三条规定的比例交纳党费。
    "self_employed": SALARY_TIERS,
    "retired": RETIRED_TIERS,
}
# 第六条: 农民党员每月交纳党费0.2元至1元。学生党员、下岗失业的党员、依靠抚恤或救济生活的党员、领取当地最低生活
# 保障金的党员，每月交纳党费0.2元。
FIXED_WORDS = {
    "farmer": "农民党员每月交纳党费0.2元至1元",
    "student": "学生党员……每月交纳党费0.2元",
    "unemployed": "下岗失业的党员……每月交纳党费0.2元",
    "relief": "依靠抚恤或救济生活的党员、领取当地最低生活保障金的党员，每月交纳党费0.2元",
}
CATEGORIES = tuple(TIERED) + tuple(FIXED_WORDS)
BASE_WORDS = ("计算基数为每月工资收入（税后），包括职务工资、级别工资、基础工资、工龄工资、岗位工资等固定收入；"
              "不包括住房补贴、住房公积金、取暖费、交通补贴、通讯补贴等改革性补贴，以及特殊岗位津贴和抚恤金")
HARDSHIP_WORDS = "对经济确有困难的党员，经党支部研究，报上一级党委批准后，可以少交或免交党费"
BACKPAY_WORDS = ("党员应当增强党员意识，主动按月交纳党费；特殊情况下，经党组织同意，可以每季度交纳一次或补交党费，"
                 "补交期限原则上不超过6个月")
PREPAY_WORDS = "预交党费须经党支部同意，期限为本设置允许的月数"
PROXY_WORDS = "党员不得由他人代交党费，党组织不得从党员工资中扣缴党费"
VOLUNTARY_WORDS = "党员自愿多交党费1000元以上的，全部上缴中央"
LAPSE_WORDS = ("党员如果没有正当理由，连续六个月不参加党的组织生活，或不交纳党费，或不做党所分配的工作，"
               "就被认为是自行脱党")


class Hardship:
    NONE, REDUCED, EXEMPT = "", "reduced", "exempt"


@dataclass(frozen=True)
class Quote:
    category: str
    base: Decimal
    rate: Decimal | None  # None: a fixed monthly amount, not a share of the base
    amount: Decimal
    tier: str  # the rule's words for the bracket that applied


def money(value: Decimal) -> Decimal:
    """Half up to 0.01 yuan (5003 × 1.5% = 75.045 → 75.05)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(text, *, field: str = "base", maximum: Decimal = MAX_BASE) -> tuple[Decimal | None, str | None]:
    """A non-negative amount of yuan with at most two decimals: ``(value, None)`` or ``(None, error)``."""
    try:
        value = Decimal(str(text).strip())
    except (InvalidOperation, ValueError):
        return None, str(_("请填写金额（元），如 5003 或 5003.50"))
    if not value.is_finite():
        return None, str(_("请填写金额（元），如 5003 或 5003.50"))
    if value < 0:
        return None, str(_("金额不能为负数"))
    if value > maximum:
        return None, str(_("金额不能超过 %(max)s 元，请核对") % {"max": f"{maximum:,}"})
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        return None, str(_("金额最多保留两位小数（分）"))
    return money(value), None


def tier_for(category: str, base: Decimal) -> Tier | None:
    """The bracket of a tiered category; brackets include their upper bound (以下含本数)."""
    for tier in TIERED.get(category, ()):
        if tier.upto is None or base <= tier.upto:
            return tier
    return None


def net_base(base: Decimal, deductions: Decimal, *, deduct: bool) -> Decimal:
    """The calculation base: whether the member's own social-insurance and housing-fund contributions
    are deducted is a setting (``JICENG_DUES_DEDUCT_CONTRIBUTIONS``, default deducted; RULES §3)."""
    return max(base - deductions, Decimal("0")) if deduct else base


def quote(category: str, base: Decimal, *, farmer_amount: Decimal | None = None) -> Quote:
    """The monthly amount of a category and base (第三条至第六条).

    Tiered categories pay a flat rate on the whole base, the bracket chosen by the base with each
    boundary in the lower bracket: 3000 → 15.00, 3000.01 → 30.00, 5001 → 75.02. Farmers pay 0.20 to
    1.00 yuan a month (``farmer_amount``, fixed by the branch; 0.20 when not given); students, the
    unemployed and members on relief 0.20."""
    if category in TIERED:
        tier = tier_for(category, base)
        return Quote(category, base, tier.rate, money(base * tier.rate), tier.words)
    if category == "farmer":
        amount = FARMER_MIN if farmer_amount is None else money(farmer_amount)
        return Quote(category, base, None, amount, FIXED_WORDS[category])
    if category in FIXED_WORDS:
        return Quote(category, base, None, FIXED_AMOUNT, FIXED_WORDS[category])
    raise ValueError(category)


def farmer_amount_refusal(amount: Decimal) -> str | None:
    """农民党员每月交纳党费0.2元至1元 (第六条)."""
    if FARMER_MIN <= amount <= FARMER_MAX:
        return None
    return str(_("农民党员每月交纳党费0.20元至1.00元"))


def hardship_amount(computed: Decimal, hardship: str, reduced_to: Decimal | None) -> Decimal:
    """第九条: 对经济确有困难的党员，经党支部研究，报上一级党委批准后，可以少交或免交党费。"""
    if hardship == Hardship.EXEMPT:
        return Decimal("0.00")
    if hardship == Hardship.REDUCED:
        return money(reduced_to)
    return computed


def hardship_refusal(computed: Decimal, hardship: str, reduced_to: Decimal | None, approved_by: str,
                     approved_on: date | None) -> dict[str, str]:
    """Field errors of a hardship entry: the next-level 党委's approval must be recorded (第九条), and a
    reduced amount must be below the computed one."""
    errors = {}
    if hardship not in (Hardship.NONE, Hardship.REDUCED, Hardship.EXEMPT):
        errors["hardship"] = str(_("少交或免交的选项无效"))
    if hardship and (not (approved_by or "").strip() or approved_on is None):
        errors["hardship_approved_by"] = str(_("少交或免交党费须经党支部研究并报上一级党委批准，请登记批准机关和日期"))
    if hardship == Hardship.REDUCED and (reduced_to is None or not Decimal("0") < reduced_to < computed):
        errors["hardship_amount"] = str(_("少交后的金额应大于0且低于按规定计算的 %(amount)s 元") % {"amount": computed})
    return errors


def pays_from(year: int, joined_on: date) -> date:
    """The first month a member owes in ``year``: 预备党员 pay from the month the branch meeting admits
    them (joined_on); everyone else from January."""
    return max(date(year, 1, 1), month_start(joined_on))


def month_index(month: date) -> int:
    return month.year * 12 + month.month - 1


def months_apart(earlier: date, later: date) -> int:
    return month_index(later) - month_index(earlier)


def payment_window(current: date, *, backpay: int, prepay: int) -> tuple[date, date]:
    """The months one may pay for today: back to ``backpay`` months before the current month (补交期限
    原则上不超过6个月) and ahead to ``prepay`` months after it (预交, a setting, default 3)."""
    this = month_start(current)
    return add_months(this, -backpay), add_months(this, prepay)


def month_refusal(month: date, current: date, *, backpay: int, prepay: int) -> str | None:
    earliest, latest = payment_window(current, backpay=backpay, prepay=prepay)
    if month < earliest:
        return str(_("%(m)s 已超过补交期限：补交原则上不超过%(n)d个月（%(from)s 起），更早的欠交请报上级党组织处理")
                   % {"m": f"{month:%Y-%m}", "n": backpay, "from": f"{earliest:%Y-%m}"})
    if month > latest:
        return str(_("%(m)s 超过预交期限：最多预交%(n)d个月（至 %(to)s）")
                   % {"m": f"{month:%Y-%m}", "n": prepay, "to": f"{latest:%Y-%m}"})
    return None


def proxy_refusal(member_id: int, payer_id: int | None) -> str | None:
    """第十四条: 党员不得由他人代交党费。"""
    if payer_id is not None and payer_id == member_id:
        return None
    return str(_("党费应由党员本人交纳，不得由他人代交；请由党员本人交纳"))


def voluntary_to_centre(amount: Decimal) -> bool:
    """党员自愿一次性多交党费1000元以上（含1000元）的，全部上缴中央 (第十二条)."""
    return amount >= VOLUNTARY_CENTRE_THRESHOLD


def lapse_due(unpaid_run: int) -> bool:
    """党章第九条: 连续六个月不交纳党费 … 被认为是自行脱党 — a review for the branch, never a removal."""
    return unpaid_run >= LAPSE_MONTHS


def rate_sql(category_col: str, base_col: str) -> str:
    """The rate of ``quote`` in basis points (1.5 % → 150) as a SQL CASE over two columns; NULL for
    categories with a fixed amount. Used by the set-based fixing."""
    whens = []
    for category, tiers in TIERED.items():
        inner = " ".join(f"WHEN {base_col} <= {t.upto} THEN {int(t.rate * 10000)}" for t in tiers if t.upto)
        whens.append(f"WHEN {category_col} = '{category}' THEN CASE {inner} ELSE {int(tiers[-1].rate * 10000)} END")
    return f"(CASE {' '.join(whens)} ELSE NULL END)"
