"""Pages: 关系转接 (placeholder until its module lands)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def index(request):
    return render(request, "members/stub.html", {"title": "关系转接"})


urlpatterns = [path("transfers/", index, name="transfers")]
