"""The public dues calculator: no sign-in, no personal data in or out."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from jiceng.core.api import ERRORS
from jiceng.dues import rules

router = Router(tags=["dues"])


class QuoteOut(Schema):
    category: str = Field(description="one of " + ", ".join(rules.CATEGORIES))
    base: str = Field(description="the monthly base in yuan, a Decimal string with two places")
    rate: str | None = Field(description="a fraction as a Decimal string (\"0.015\" is 1.5 %); null where the "
                                         "rule fixes a monthly amount (farmer, student, unemployed, relief)")
    amount: str = Field(description="the monthly amount in yuan, a Decimal string with two places")


def quote_clean(category: str, base: str) -> rules.Quote:
    """The quote of query text, or a field-level ValidationError naming every bad input."""
    errors = {}
    category = (category or "").strip()
    if category not in rules.CATEGORIES:
        errors["category"] = [_("党费类别无效，应为：%(codes)s") % {"codes": "、".join(rules.CATEGORIES)}]
    value, problem = rules.parse_money(base)
    if problem:
        errors["base"] = [problem]
    if errors:
        raise ValidationError(errors)
    return rules.quote(category, value)


@router.get("/dues/quote", response={200: QuoteOut, **ERRORS}, auth=None)
def dues_quote(request, category: str, base: str):
    """党费测算: the monthly amount of a dues category (the member roll's codes) and a monthly base
    (税后月收入 or 离退休费), by 中组发〔2008〕3号; half up to 0.01 yuan. Public."""
    q = quote_clean(category, base)
    return {"category": q.category, "base": f"{q.base:.2f}",
            "rate": None if q.rate is None else str(q.rate.normalize()), "amount": f"{q.amount:.2f}"}
