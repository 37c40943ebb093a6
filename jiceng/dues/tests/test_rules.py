"""The dues rules (RULES §3) and every dues example of RULES §9."""

from datetime import date
from decimal import Decimal as D

import pytest

from jiceng.dues import rules
from jiceng.members.models import DuesCategory


@pytest.mark.parametrize(("category", "base", "amount"), [
    ("in_service", "3000", "15.00"), ("in_service", "3000.01", "30.00"), ("in_service", "5000", "50.00"),
    ("in_service", "5001", "75.02"), ("in_service", "12000", "240.00"),
    ("retired", "5000", "25.00"), ("retired", "6000", "60.00"), ("student", "0", "0.20"),
])
def test_rules_section_9_examples(category, base, amount):
    assert rules.quote(category, D(base)).amount == D(amount)


def test_half_up_rounding_and_brackets_include_their_upper_bound():
    assert rules.quote("in_service", D("5003")).amount == D("75.05")  # 75.045 → 75.05
    assert rules.quote("in_service", D("10000")).rate == D("0.015")
    assert rules.quote("in_service", D("10000.01")).rate == D("0.02")
    assert rules.quote("annual_salary", D("8000")).amount == D("120.00")
    assert rules.quote("self_employed", D("8000")).amount == D("120.00")
    assert rules.quote("retired", D("5000.01")).rate == D("0.01")


def test_fixed_amount_categories_and_farmers():
    for category in ("student", "unemployed", "relief"):
        q = rules.quote(category, D("9000"))
        assert (q.rate, q.amount) == (None, D("0.20")) and "0.2元" in q.tier
    assert rules.quote("farmer", D("0")).amount == D("0.20")
    assert rules.quote("farmer", D("0"), farmer_amount=D("0.5")).amount == D("0.50")
    assert rules.farmer_amount_refusal(D("1.00")) is None and rules.farmer_amount_refusal(D("0.20")) is None
    assert rules.farmer_amount_refusal(D("1.01")) and rules.farmer_amount_refusal(D("0.19"))


def test_every_roll_category_has_a_rule():
    assert set(DuesCategory.values) == set(rules.CATEGORIES)


@pytest.mark.parametrize(("text", "ok"), [
    ("5003", True), ("5003.5", True), ("0", True), ("9999999.99", True), ("-1", False), ("abc", False),
    ("NaN", False), ("Infinity", False), ("1e12", False), ("1.001", False), ("", False), ("sNaN", False),
])
def test_parse_money(text, ok):
    value, problem = rules.parse_money(text)
    assert (value is not None, problem is None) == (ok, ok)


def test_deductions_setting_and_hardship():
    assert rules.net_base(D("6000"), D("900"), deduct=True) == D("5100")
    assert rules.net_base(D("6000"), D("900"), deduct=False) == D("6000")
    assert rules.net_base(D("500"), D("900"), deduct=True) == D("0")
    assert rules.hardship_amount(D("75.05"), rules.Hardship.EXEMPT, None) == D("0.00")
    assert rules.hardship_amount(D("75.05"), rules.Hardship.REDUCED, D("10")) == D("10.00")
    errors = rules.hardship_refusal(D("75.05"), rules.Hardship.REDUCED, D("80"), "", None)
    assert set(errors) == {"hardship_approved_by", "hardship_amount"}
    assert rules.hardship_refusal(D("75.05"), rules.Hardship.EXEMPT, None, "马家堡街道工委", date(2026, 1, 5)) == {}


def test_probationary_members_pay_from_admission():
    assert rules.pays_from(2026, date(2026, 6, 30)) == date(2026, 6, 1)
    assert rules.pays_from(2026, date(2020, 6, 30)) == date(2026, 1, 1)


def test_payment_window_backpay_and_prepay():
    today = date(2026, 11, 24)
    assert rules.month_refusal(date(2026, 5, 1), today, backpay=6, prepay=3) is None
    assert "补交" in rules.month_refusal(date(2026, 4, 1), today, backpay=6, prepay=3)
    assert rules.month_refusal(date(2027, 2, 1), today, backpay=6, prepay=3) is None
    assert "预交" in rules.month_refusal(date(2027, 3, 1), today, backpay=6, prepay=3)


def test_proxy_voluntary_and_lapse():
    assert rules.proxy_refusal(7, 7) is None
    assert "代交" in rules.proxy_refusal(7, 8) and rules.proxy_refusal(7, None)
    assert rules.voluntary_to_centre(D("1000")) and not rules.voluntary_to_centre(D("999.99"))
    assert rules.lapse_due(6) and not rules.lapse_due(5)


def test_rate_sql_matches_the_python_tiers():
    import sqlite3

    conn = sqlite3.connect(":memory:")
    sql = rules.rate_sql("?1", "?2")
    for category in rules.CATEGORIES:
        for base in ("0", "3000", "3000.01", "5000", "5001", "10000", "10000.01", "12000"):
            (bp,) = conn.execute(f"SELECT {sql}", (category, float(base))).fetchone()
            rate = rules.quote(category, D(base)).rate
            assert bp == (None if rate is None else int(rate * 10000)), (category, base)
