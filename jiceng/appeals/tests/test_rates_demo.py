"""The demo's appeal history: the three-rates page, rankings and hot spots have content after ``make run``."""

import time

import pytest

from jiceng.appeals.demo_history import load_history_demo
from jiceng.appeals.models import Appeal, HotSpotTask, RankingSnapshot
from jiceng.appeals.selectors import hotspots as hotspot_sel
from jiceng.appeals.selectors import rates as sel
from jiceng.core.demo import load_demo
from jiceng.core.models import Area, User


@pytest.mark.django_db(transaction=False)
def test_demo_history_fills_rates_rankings_and_hot_spots(monkeypatch):
    timings = []

    def timed(actor, made, out):
        started = time.perf_counter()
        result = load_history_demo(actor, made, out)
        timings.append(time.perf_counter() - started)
        return result

    from jiceng.core import registry
    monkeypatch.setattr(registry, "_demo_steps", [(o, timed if s is load_history_demo else s)
                                                  for o, s in registry._demo_steps])
    load_demo()
    assert timings and timings[0] < 10
    assert 250 <= Appeal.objects.count() <= 800
    last = sel.shift(sel.current_period(), -1)
    snap = RankingSnapshot.objects.get(period=last, kind="streets")
    ranked = [r for r in snap.rows if r["rank"] is not None]
    assert len(ranked) == 6 and len({r["score"] for r in ranked}) > 1  # a realistic spread
    district = User.objects.get(username="district")
    data = sel.area_stats(district, "110106000000", last)
    assert data["total"]["counts"]["received"] > 50 and data["total"]["rates"]["score"] is not None
    assert len([d for d in data["departments"] if d["counts"]["received"]]) >= 5
    vp = sel.viewpoint(User.objects.get(username="street"), Area.objects.get(code="110106015000").code)
    kinds = {c["kind"] for c in hotspot_sel.recurring_addresses(vp, last)}
    assert kinds == {"address", "point"}
    assert HotSpotTask.objects.count() == 1
