"""The public dues calculator (党费测算): the same calculation as ``GET /api/v1/dues/quote``, with the
bracket and the rule's words. No sign-in; nothing personal goes in or out, nothing is stored."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import path

from jiceng.dues import rules
from jiceng.dues.api.quote import quote_clean
from jiceng.members.models import DuesCategory


def calculator(request):
    category, base = request.GET.get("category", ""), request.GET.get("base", "")
    result, errors = None, {}
    if "category" in request.GET or "base" in request.GET:
        try:
            result = quote_clean(category, base)
        except ValidationError as exc:
            errors = {field: messages[0] for field, messages in exc.message_dict.items()}
    tables = [(label, rules.TIERED[code]) for code, label in ((DuesCategory.IN_SERVICE, DuesCategory.IN_SERVICE.label),
                                                              (DuesCategory.RETIRED, DuesCategory.RETIRED.label))]
    return render(request, "dues/calculator.html", {
        "categories": DuesCategory.choices, "category": category or DuesCategory.IN_SERVICE, "base": base,
        "result": result, "errors": errors, "tables": tables, "fixed_words": rules.FIXED_WORDS.values(),
        "words": {"base": rules.BASE_WORDS, "hardship": rules.HARDSHIP_WORDS},
        "rule_version": rules.RULE_VERSION,
        "percent": f"{(result.rate * 100).normalize():f}" if result and result.rate is not None else "",
    })


urlpatterns = [path("dues/calculator/", calculator, name="calculator")]
