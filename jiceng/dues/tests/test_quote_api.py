"""The public calculator: the contract of GET /api/v1/dues/quote and the page with the same."""

import pytest
from django.test import Client

URL = "/api/v1/dues/quote"


@pytest.mark.parametrize(("category", "base", "rate", "amount"), [
    ("in_service", "3000", "0.005", "15.00"), ("in_service", "3000.01", "0.01", "30.00"),
    ("in_service", "5001", "0.015", "75.02"), ("in_service", "12000", "0.02", "240.00"),
    ("retired", "6000", "0.01", "60.00"), ("student", "0", None, "0.20"), ("farmer", "0", None, "0.20"),
])
def test_quote_contract(db, category, base, rate, amount):
    response = Client().get(URL, {"category": category, "base": base})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"category", "base", "rate", "amount"}
    assert body == {"category": category, "base": f"{float(base):.2f}", "rate": rate, "amount": amount}


@pytest.mark.parametrize(("params", "fields"), [
    ({"category": "worker", "base": "5000"}, {"category"}),
    ({"category": "in_service", "base": "-1"}, {"base"}),
    ({"category": "in_service", "base": "abc"}, {"base"}),
    ({"category": "in_service", "base": "NaN"}, {"base"}),
    ({"category": "in_service", "base": "1e30"}, {"base"}),
    ({"category": "in_service", "base": "100.001"}, {"base"}),
    ({"category": "", "base": ""}, {"category", "base"}),
    ({"base": "5000"}, {"category"}),
])
def test_quote_bad_input_is_422_with_field_errors(db, params, fields):
    response = Client().get(URL, params)
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == fields


def test_calculator_page_works_without_login(db):
    page = Client().get("/dues/calculator/", {"category": "in_service", "base": "5003"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "¥75.05" in text and "5000元以上至10000元（含10000元）者，交纳1.5%" in text and "1.5%" in text


def test_calculator_page_shows_field_errors(db):
    text = Client().get("/dues/calculator/", {"category": "in_service", "base": "-5"}).content.decode()
    assert "金额不能为负数" in text and 'aria-invalid="true"' in text
