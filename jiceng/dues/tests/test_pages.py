"""The dues pages: the ledger with arrears and the one-click collection, the fixing, the rates with
drill-down, the statement, my dues, the reviews, the export."""

import io
from datetime import date

from django.test import Client
from openpyxl import load_workbook

from jiceng.core.models import AuditEvent
from jiceng.dues.models import LapseReview, LedgerMonth, Payment
from jiceng.dues.tests.helpers import YEAR, member_account


def test_home_and_workbench_tiles(world, branch_setup, personas, client_for):
    page = client_for("branch").get("/dues/")
    assert page.status_code == 200 and world.grid_branch.name in page.content.decode()
    from jiceng.core.registry import modules_for

    assert "dues" in {m.key for m in modules_for(personas["branch"])}
    assert "my_dues" not in {m.key for m in modules_for(personas["branch"])}  # not linked to a member record
    assert "dues" in {m.key for m in modules_for(personas["street"])}
    assert not {"dues", "my_dues"} & {m.key for m in modules_for(personas["grid"])}
    assert client_for("grid").get("/dues/").status_code == 403


def test_ledger_shows_arrears_and_collects_this_month_in_one_click(world, branch_setup, client_for):
    client = client_for("branch")
    text = client.get(f"/dues/branch/{world.grid_branch.pk}/").content.decode()
    assert "王在岗" in text and "dues-overdue" in text and "登记2026年11月现金收缴" in text
    worker, retired = branch_setup["worker"], branch_setup["retired"]
    response = client.post(f"/dues/branch/{world.grid_branch.pk}/collect/", {"member": [worker.pk, retired.pk]})
    assert response.status_code == 302
    assert sorted(Payment.objects.values_list("receipt_no", flat=True)) == ["2026-00001", "2026-00002"]
    assert LedgerMonth.objects.filter(month=date(YEAR, 11, 1), paid__isnull=False).count() == 2


def test_fixing_page_masks_bases_for_those_without_the_permission(world, branch_setup, client_for):
    assert "5003.00" in client_for("branch").get(f"/dues/branch/{world.grid_branch.pk}/fixing/").content.decode()
    street = client_for("street").get(f"/dues/branch/{world.grid_branch.pk}/fixing/").content.decode()
    assert "5003.00" not in street and "***" in street
    worker = branch_setup["worker"]
    form = client_for("branch").post(f"/dues/branch/{world.grid_branch.pk}/fixing/{worker.pk}/", {"base": "12000"})
    assert form.status_code == 200 and "请选择自本年度哪个月起执行" in form.content.decode()
    done = client_for("branch").post(f"/dues/branch/{world.grid_branch.pk}/fixing/{worker.pk}/",
                                     {"base": "12000", "effective_from": "2026-10", "reason": "晋升"})
    assert done.status_code == 302


def test_bases_import_from_a_spreadsheet(world, personas, fixed_today, client_for):
    from jiceng.core.spreadsheets import Sheet, write_xlsx
    from jiceng.members.tests import factories

    a = factories.member(world.grid_branch, "导入甲")
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet("基数", ["身份证号", "计算基数", "社保公积金"],
                              [[a.id_number, "8000", "800"], ["110105194912310021", "100", ""]])])
    buffer.seek(0)
    buffer.name = "bases.xlsx"
    client = client_for("branch")
    client.post(f"/dues/branch/{world.grid_branch.pk}/fixing/import/", {"file": buffer})
    assert not a.dues_bases.exists()  # one bad row: nothing kept
    buffer.seek(0)
    client.post(f"/dues/branch/{world.grid_branch.pk}/fixing/import/", {"file": buffer, "keep_good": "on"})
    assert a.dues_bases.get().base == 8000


def test_rates_statement_and_export(world, branch_setup, client_for):
    rates = client_for("street").get(f"/dues/rates/{world.majiabao_committee.pk}/").content.decode()
    assert world.grid_branch.name in rates and f"/dues/branch/{world.grid_branch.pk}/" in rates
    assert "dues-rates-data" in rates
    statement = client_for("street").get(f"/dues/statement/{world.majiabao_committee.pk}/").content.decode()
    assert "年度党费收缴情况公示" in statement
    response = client_for("street").get(f"/dues/branch/{world.grid_branch.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:5] == ("序号", "姓名", "党费类别", "核定基数", "月交金额")
    assert {r[3] for r in rows[1:]} == {"***"}  # the street exports without the bases
    assert AuditEvent.objects.filter(action="dues.export").count() == 1
    own = client_for("branch").get(f"/dues/branch/{world.grid_branch.pk}/export.xlsx")
    assert "5003.00" in {r[3] for r in load_workbook(io.BytesIO(own.content)).active.values}


def test_out_of_scope_pages_are_404(world, branch_setup, client_for):
    from jiceng.members.tests.mobility_helpers import branch

    elsewhere = branch(world.bajiao_community_committee, "八角北路第1党支部")
    client = client_for("branch")
    for url in (f"/dues/branch/{elsewhere.pk}/", f"/dues/branch/{elsewhere.pk}/fixing/",
                f"/dues/statement/{elsewhere.pk}/", f"/dues/branch/{elsewhere.pk}/export.xlsx"):
        assert client.get(url).status_code == 404, url


def test_my_dues_and_online_payment(world, branch_setup):
    worker = branch_setup["worker"]
    client = Client()
    client.force_login(member_account(worker))
    text = client.get("/dues/my/").content.decode()
    assert "我的党费" in text and "网上交纳" in text and "未交" in text
    client.post("/dues/my/pay/", {"month": ["2026-11"]})
    payment = Payment.objects.get()
    assert (payment.method, payment.member) == ("online", worker)
    assert payment.receipt_no in client.get("/dues/my/").content.decode()


def test_reviews_page_and_decision(world, branch_setup, client_for):
    from jiceng.dues.services.arrears import lapse_reviews_raise
    from jiceng.testing import SYSTEM

    lapse_reviews_raise(SYSTEM)
    review = LapseReview.objects.filter(member=branch_setup["worker"]).get()
    text = client_for("branch").get("/dues/reviews/").content.decode()
    assert "王在岗" in text and "不会自动处理" in text
    client_for("branch").post(f"/dues/reviews/{review.pk}/decide/", {"state": "referred", "note": "提交支部大会讨论"})
    review.refresh_from_db()
    assert review.state == "referred"
