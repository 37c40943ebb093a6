"""Demo data of the members app: a roll for every branch of the demo streets (registered as a
``load_demo`` step in ``MembersConfig.ready``). Deterministic: the same names and numbers every time."""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker

from jiceng.core.demo import PASSWORD
from jiceng.core.identity import check_character
from jiceng.core.models import Org, Role
from jiceng.core.models.orgs import PostTitle
from jiceng.core.periods import add_years
from jiceng.core.services.accounts import grant_create, user_create
from jiceng.core.services.orgs import post_assign
from jiceng.members.models import Member, MemberStatus
from jiceng.members.rules.organization import committee_required
from jiceng.members.services.roll import member_bulk_create, member_clean, member_link_user, today

CATEGORIES = ["in_service"] * 11 + ["retired"] * 6 + ["self_employed", "annual_salary", "unemployed", "student",
                                                    "farmer", "relief"]
EDUCATION = ["postgraduate", "bachelor", "bachelor", "college", "college", "secondary", "high_school", "junior"]
ETHNICITIES = ["汉族"] * 12 + ["回族", "满族", "蒙古族"]


def _id_number(rnd: random.Random, area_code: str, birth: date, male: bool, used: set) -> str:
    while True:
        seq = rnd.randrange(0, 499) * 2 + (1 if male else 0)
        body = f"{area_code}{birth:%Y%m%d}{seq:03d}"
        number = body + check_character(body)
        if number not in used:
            used.add(number)
            return number


def demo_rows(branch: Org, size: int, rnd: random.Random, fake: Faker, used: set, day: date) -> list[dict]:
    rows = []
    area_code = (branch.area.code if branch.area_id else "110106")[:6]
    for n in range(size):
        male = rnd.random() < 0.55
        birth = date(rnd.randint(1942, 2003), rnd.randint(1, 12), rnd.randint(1, 28))
        earliest = add_years(birth, 18)
        probationary = n % 11 == 5
        if probationary:
            joined = day - timedelta(days=rnd.randint(30, 330))
        else:
            joined = earliest + timedelta(days=rnd.randint(0, max(1, (day - earliest).days - 400)))
        retired = birth.year < 1966
        rows.append(member_clean(
            name=fake.name_male() if male else fake.name_female(),
            id_number=_id_number(rnd, area_code, birth, male, used), branch=branch, joined_on=joined,
            phone=f"1{rnd.choice('3578')}{rnd.randrange(10**9):09d}",
            category="retired" if retired else rnd.choice(CATEGORIES[:11] + CATEGORIES[17:]),
            status="probationary" if probationary else "full", education=rnd.choice(EDUCATION),
            ethnicity=rnd.choice(ETHNICITIES), work_unit="" if retired else (branch.unit_name or fake.company()),
            residence=branch.area if branch.area_id and branch.area.level in {"community", "grid"} else None,
            day=day))
    return rows


def load_members_demo(actor, made: dict, out) -> None:
    rnd = random.Random("jiceng-members-demo")
    fake = Faker("zh_CN")
    fake.seed_instance(4)
    used: set[str] = set()
    day = today()
    for orgs in made.values():
        working = orgs["working"]
        branches = Org.objects.filter(path__subtree=working.path, kind="branch").select_related("area").order_by("path")
        rows = []
        for index, branch in enumerate(branches):
            size = 12 if branch.pk == orgs["first_branch"].pk else (2 if branch.is_joint else 3 + (index * 7) % 11)
            made_rows = demo_rows(branch, size, rnd, fake, used, day)
            rows += made_rows
            full = sum(1 for row in made_rows if row["status"] == "full")
            if committee_required(full) and (index % 4 or branch.pk == orgs["first_branch"].pk):
                for n, title in enumerate((PostTitle.ORGANIZATION, PostTitle.PUBLICITY), start=1):  # + the secretary
                    post_assign(actor, org=branch, title=title, holder_name=made_rows[n]["name"],
                                term_start=branch.term_started_on or day)
        out(f"生成 {working.area.name} 的党员名册（{len(rows)} 人）…")
        member_bulk_create(actor, rows, source="演示数据")
    return [member_account(actor, made["110106015"]["first_branch"])]


def member_account(actor, branch: Org) -> tuple[str, str, str]:
    """The demo account ``member``: a full member of the demo branch signed in as themself."""
    member = Member.objects.filter(branch=branch, status=MemberStatus.FULL).order_by("pk").first()
    user = user_create(actor, username="member", display_name=f"{branch.name} {member.name}", password=PASSWORD,
                       mobile="13800000099", is_demo=True)
    role = Role.objects.get(code="party_member")
    grant_create(actor, user=user, role=role, org=branch)
    member_link_user(actor, member=member, user=user)
    return ("member", role.name, branch.name)
