"""Demo study (学习): each demo street's working committee assigns items this year, the first branch
one of its own; the members of each branch complete them at rates between about 55% and 95%, so
that the rates page shows branches on both sides of the 80% goal and the demo account ``member``
has items done and items open."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from jiceng.core.models import Org
from jiceng.members.models import Member
from jiceng.members.models.roll import ACTIVE_STATUSES
from jiceng.orglife.models import StudyRecord
from jiceng.orglife.services.study import study_item_create

ITEMS = [  # title, kind, url, days ago
    ("学习《中国共产党章程》总纲", "text", "", 200),
    ("观看专题片：作风建设永远在路上", "video", "https://www.12371.cn/special/zfjs/", 120),
    ("学习《中国共产党支部工作条例（试行）》", "link",
     "https://www.12371.cn/2018/11/25/ARTI1543140424431540.shtml", 60),
    ("学习党的二十届四中全会精神", "text", "", 10),
]


def load_study_demo(actor, made: dict, out) -> None:
    rnd = random.Random("jiceng-study-demo")
    day = timezone.localdate()
    records = []
    for orgs in made.values():
        working, first = orgs["working"], orgs["first_branch"]
        items = []
        for title, kind, url, ago in ITEMS:
            starts = max(day - timedelta(days=ago), day.replace(month=1, day=1))
            items.append(study_item_create(actor, org=working, title=title, kind=kind, url=url, starts_on=starts,
                                           body=f"{title}。请认真学习并记录学习心得。",
                                           due_on=starts + timedelta(days=30)))
        items.append(study_item_create(actor, org=first, title="学习本支部年度工作计划", starts_on=day,
                                       body="支部委员会研究制定的年度工作计划，请全体党员学习。"))
        branches = Org.objects.filter(path__subtree=working.path, kind="branch").order_by("path")
        for index, branch in enumerate(branches):
            share = 0.55 + (index * 0.13) % 0.4
            for member in Member.objects.filter(branch=branch, status__in=ACTIVE_STATUSES).order_by("pk"):
                for item in items:
                    if item.org_id not in (working.pk, branch.pk) or item.starts_on == day:
                        continue
                    if rnd.random() < share:
                        when = datetime.combine(item.starts_on + timedelta(days=rnd.randint(0, 20)), time(20, 0))
                        records.append(StudyRecord(item=item, member=member, completed_at=timezone.make_aware(
                            min(when, datetime.combine(day, time(8, 0))))))
        out(f"生成 {working.area.name} 的学习内容和学习记录…")
    StudyRecord.objects.bulk_create(records, batch_size=2000)
