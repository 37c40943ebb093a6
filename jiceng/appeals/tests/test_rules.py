from datetime import datetime

import pytest
from django.utils import timezone

from jiceng.appeals import rules
from jiceng.appeals.models import DeadlineUnit


def at(*args):
    return timezone.make_aware(datetime(*args))


@pytest.mark.parametrize(("value", "code"), [("投诉", "complaint"), ("complaint", "complaint"), ("建议", "suggest"),
                                             (" 咨询 ", "consult"), ("抱怨", None), (3, None), (None, None)])
def test_appeal_type_accepts_the_chinese_word_or_the_code(value, code):
    assert rules.appeal_type_code(value) == code


def test_urgency_words():
    assert rules.urgency_code("紧急") == "urgent"
    assert rules.urgency_code("normal") == "normal"
    assert rules.urgency_code("很急") is None


def test_hours_are_counted_on_the_clock():
    assert rules.due(at(2025, 10, 1, 9, 0), rules.Term(2, DeadlineUnit.HOURS)) == rules.Due(at(2025, 10, 1, 11, 0))


def test_calendar_days_end_past_a_holiday(db):
    # 7 days from 2025-09-26 is 2025-10-03, inside the National Day break: the period ends on 10-09
    # (民法典 Art. 203; 2025-10-08 is still a holiday, 10-09 the first working day after it)
    due = rules.due(at(2025, 9, 26, 10, 0), rules.Term(7, DeadlineUnit.DAYS))
    assert timezone.localtime(due.at).date().isoformat() == "2025-10-09"
    assert not due.uncertain


def test_working_days_skip_the_break(db, settings):
    settings.WORKDAY_COUNT_START = True  # RULES §9 example
    due = rules.due(at(2025, 9, 26, 10, 0), rules.Term(5, DeadlineUnit.WORKDAYS))
    assert timezone.localtime(due.at).strftime("%Y-%m-%d %H:%M") == "2025-10-09 23:59"


def test_a_count_into_an_unknown_year_is_flagged_not_guessed(db):
    due = rules.due(at(2099, 12, 28, 10, 0), rules.Term(5, DeadlineUnit.WORKDAYS))
    assert due.uncertain
    assert timezone.localtime(due.at).date().isoformat() == "2100-01-04"


def test_suggestion_names_the_words_that_matched():
    table = [(1, "井盖破损丢失", ["井盖", "窨井"]), (2, "噪音扰民", ["噪音", "施工", "夜间"])]
    s = rules.suggest_category("小区门口夜间施工噪音很大", table)
    assert s.category_id == 2 and "噪音" in s.reason and "施工" in s.reason
    assert rules.suggest_category("井盖丢了", table).category_id == 1
    nothing = rules.suggest_category("你好", table)
    assert nothing.category_id is None and nothing.reason


def test_address_names_a_community():
    communities = [(1, "嘉园一里社区居委会"), (2, "嘉园二里社区居委会"), (3, "角门东里社区居委会")]
    assert rules.community_from_address("丰台区嘉园一里3号楼", communities) == 1
    assert rules.community_from_address("角门东里社区5号院", communities) == 3
    assert rules.community_from_address("马家堡西路", communities) is None
