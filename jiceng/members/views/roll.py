"""Pages: 党员名册 (placeholder until its module lands)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path


@login_required
def index(request):
    return render(request, "members/stub.html", {"title": "党员名册"})


urlpatterns = [path("roll/", index, name="roll")]
