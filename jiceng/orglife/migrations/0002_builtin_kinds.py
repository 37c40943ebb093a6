"""The eight built-in kinds of organizational life with the defaults of RULES §2 (支部工作条例 2018)."""

from django.db import migrations

KINDS = [
    # code, name, period, audience, per_group, needs_committee, rule text
    ("assembly", "支部党员大会", "quarter", "all", False, False, "支部党员大会一般每季度召开1次"),
    ("committee", "支部委员会会议", "month", "committee", False, True, "支部委员会会议一般每月召开1次"),
    ("group", "党小组会", "month", "group", True, False, "党小组会一般每月召开1次"),
    ("lecture", "党课", "quarter", "all", False, False, "党员领导干部应当定期为基层党员讲党课；支部每季度至少1次（本地做法，可设置）"),
    ("theme_day", "主题党日", "month", "all", False, False, "党支部每月相对固定1天开展主题党日"),
    ("life_meeting", "组织生活会", "year", "all", False, False, "组织生活会一般每年召开1次，一般安排在第四季度"),
    ("appraisal", "民主评议党员", "year", "all", False, False, "民主评议党员一般每年开展1次，可与组织生活会结合"),
    ("talk", "谈心谈话", "year", "all", False, False, "支部委员之间、支部委员和党员之间每年至少谈心谈话1次"),
]


def create(apps, schema_editor):
    MeetingKind = apps.get_model("orglife", "MeetingKind")
    for order, (code, name, period, audience, per_group, needs_committee, rule) in enumerate(KINDS, start=1):
        MeetingKind.objects.update_or_create(code=code, defaults={
            "name": name, "period": period, "times": 1, "audience": audience, "per_group": per_group,
            "needs_committee": needs_committee, "rule_text": rule, "is_builtin": True, "order": order})


def remove(apps, schema_editor):
    apps.get_model("orglife", "MeetingKind").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("orglife", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
