"""The scoped dues API: ledger, payments (refusals change nothing), fixing, arrears, scope → 404."""

import json
from datetime import date
from decimal import Decimal as D

from jiceng.dues.models import Assessment, LedgerMonth, Payment
from jiceng.dues.tests.helpers import YEAR, member_account

API = "/api/v1"


def post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_ledger_and_payment(world, branch_setup, client_for):
    worker = branch_setup["worker"]
    client = client_for("branch")
    rows = client.get(f"{API}/dues/branches/{world.grid_branch.pk}/ledger").json()
    row = next(r for r in rows if r["member"] == worker.pk)
    assert (row["amount"], row["arrears"], len(row["months"])) == ("75.05", 10, 11)
    response = post(client, f"{API}/dues/members/{worker.pk}/payments", {"months": ["2026-10", "2026-11"],
                                                                         "payer": worker.pk})
    assert response.status_code == 201
    assert (response.json()["amount"], response.json()["receipt_no"]) == ("150.10", "2026-00001")
    again = post(client, f"{API}/dues/members/{worker.pk}/payments", {"months": ["2026-11"], "payer": worker.pk})
    assert again.status_code == 409


def test_refusals_are_422_and_change_nothing(world, branch_setup, client_for):
    worker, other = branch_setup["worker"], branch_setup["retired"]
    client = client_for("branch")
    url = f"{API}/dues/members/{worker.pk}/payments"
    cases = [({"months": ["2026-11"], "payer": other.pk}, "payer"),
             ({"months": ["2026-04"], "payer": worker.pk}, "months"),
             ({"months": ["2027-03"], "payer": worker.pk}, "months"),
             ({"months": ["2026-13"], "payer": worker.pk}, "months"),
             ({"months": ["2026-11"], "method": "online"}, "payer")]
    for body, field in cases:
        response = post(client, url, body)
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field
    assert not Payment.objects.exists() and not LedgerMonth.objects.filter(paid__isnull=False, due__gt=0).exists()


def test_out_of_scope_is_404(world, branch_setup, personas, client_for):
    from jiceng.members.tests import factories
    from jiceng.members.tests.mobility_helpers import branch

    elsewhere = branch(world.bajiao_community_committee, "八角北路第1党支部")
    stranger = factories.member(elsewhere, "外人")
    client = client_for("branch")
    assert client.get(f"{API}/dues/branches/{elsewhere.pk}/ledger").status_code == 404
    assert post(client, f"{API}/dues/members/{stranger.pk}/payments",
                {"months": ["2026-11"], "payer": stranger.pk}).status_code == 404
    assert client.put(f"{API}/dues/members/{stranger.pk}/bases/{YEAR}", data=json.dumps({"base": "100"}),
                      content_type="application/json").status_code == 404
    assert post(client, f"{API}/dues/orgs/{elsewhere.pk}/fixing", {"year": YEAR}).status_code == 404
    assert client.get(f"{API}/dues/orgs/{elsewhere.pk}/arrears").status_code == 404
    assert not Payment.objects.exists()


def test_bases_fixing_and_recalculation(world, personas, fixed_today, client_for):
    from jiceng.members.tests import factories

    m = factories.member(world.grid_branch, "陈基数")
    client = client_for("branch")
    url = f"{API}/dues/members/{m.pk}/bases/{YEAR}"
    assert client.put(url, data=json.dumps({"base": "-3"}), content_type="application/json").status_code == 422
    assert client.put(url, data=json.dumps({"base": "5001"}), content_type="application/json").json()["fixed"] is False
    fixed = post(client, f"{API}/dues/orgs/{world.grid_branch.pk}/fixing", {"year": YEAR, "fixed_on": "2026-01-08"})
    assert fixed.json() == {"fixed": 1, "without_base": 0}
    assert Assessment.objects.get(member=m).amount == D("75.02")
    refused = client.put(url, data=json.dumps({"base": "3000"}), content_type="application/json")
    assert refused.status_code == 422 and Assessment.objects.get(member=m).amount == D("75.02")
    done = client.put(url, data=json.dumps({"base": "3000", "effective_from": "2026-07-01", "reason": "降薪"}),
                      content_type="application/json")
    assert done.json()["amount"] == "15.00"


def test_arrears_reviews_and_my_dues(world, branch_setup, personas, client_for):
    from django.test import Client

    worker = branch_setup["worker"]
    arrears = client_for("street").get(f"{API}/dues/orgs/{world.majiabao_committee.pk}/arrears?min_months=10").json()
    assert {a["name"] for a in arrears} == {"王在岗", "李退休", "赵学生"}
    assert client_for("street").get(f"{API}/dues/reviews").status_code == 200
    own = Client()
    own.force_login(member_account(worker))
    months = own.get(f"{API}/dues/my").json()
    assert len(months) == 11 and months[-1]["paid"] is None
    paid = post(own, f"{API}/dues/members/{worker.pk}/payments", {"months": ["2026-11"], "method": "online"})
    assert paid.status_code == 201 and paid.json()["method"] == "online"
    assert LedgerMonth.objects.get(member=worker, month=date(YEAR, 11, 1)).paid == D("75.05")
    assert own.get(f"{API}/dues/branches/{world.grid_branch.pk}/ledger").status_code == 404
