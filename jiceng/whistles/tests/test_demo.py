import pytest

from jiceng.core.demo import load_demo
from jiceng.core.models import User
from jiceng.whistles.models import EnterpriseRequest, Whistle, WhistleCall
from jiceng.whistles.selectors.whistles import department_inbox, whistle_list


@pytest.mark.django_db(transaction=False)
def test_demo_whistles_and_enterprise_requests():
    load_demo()
    assert Whistle.objects.filter(caller__path__startswith="/11/01/06/015/").count() == 3
    assert Whistle.objects.filter(status="open").count() == 1
    assert WhistleCall.objects.filter(on_time=True).count() >= 3
    assert WhistleCall.objects.filter(on_time=False).count() == 1
    assert EnterpriseRequest.objects.filter(uscc="91350100M000100Y43", uscc_flagged=False, status="new").exists()
    assert EnterpriseRequest.objects.filter(status="converted", whistle__status="open").count() == 1
    dept = User.objects.get(username="dept")
    pending = department_inbox(dept).filter(reported_at__isnull=True)
    assert pending.count() == 1 and pending.get().department.name == "丰台区城管执法局"
    assert whistle_list(User.objects.get(username="street")).count() == 3
    assert whistle_list(dept).count() == 2
