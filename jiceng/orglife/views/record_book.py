"""全程纪实册: a branch's year as one printable page (print CSS; the browser's "print to PDF" makes the
PDF) and as an .xlsx workbook."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from jiceng.core.spreadsheets import xlsx_response
from jiceng.orglife.selectors import compliance as selectors
from jiceng.orglife.services.compliance import record_book_xlsx
from jiceng.orglife.views.compliance import year_of


def _sections(book: dict) -> list[dict]:
    """The meetings grouped by kind, in the kinds' order, with each kind's cells."""
    report = book["report"]
    out = []
    for kind in report.kinds:
        meetings = [m for m in book["meetings"] if m.kind_id == kind.id]
        cells = report.cells_of(kind.code)
        if meetings or cells:
            out.append({"kind": kind, "meetings": [(m, book["attendance"].get(m.pk)) for m in meetings],
                        "cells": cells})
    return out


@login_required
def record_book(request, org_id):
    year = year_of(request)
    book = selectors.record_book(request.user, org_id, year)
    return render(request, "orglife/compliance/book.html", {
        **book, "org": book["report"].org, "year": year, "sections": _sections(book),
        "study_rows": [(i, book["study_done"].get(i.pk, 0)) for i in book["study_items"]],
        "printed": selectors.today(),
    })


@login_required
def record_book_download(request, org_id):
    year = year_of(request)
    book = selectors.record_book(request.user, org_id, year)
    content = record_book_xlsx(request.user, book=book)
    return xlsx_response(content, f"{book['report'].org.name}{year}年全程纪实册.xlsx")


urlpatterns = [
    path("orglife/compliance/book/<int:org_id>/", record_book, name="record_book"),
    path("orglife/compliance/book/<int:org_id>/xlsx/", record_book_download, name="record_book_xlsx"),
]
