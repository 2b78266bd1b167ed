"""One round of errors (issue 26): each form runs its field checks and the service's rules in one
pass (portal.platform.web.one_pass), so a form with every field wrong shows every problem on the first
answer, beside its field, and nothing is saved; an import reports every problem of every row on
the first upload."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AlignmentThreshold, NamedClass, Organisation, Posting, Program, User
from portal.platform.checks import district_today
from portal.platform.spreadsheets import ImportRefused
from portal.postings import sheets as posting_sheets
from portal.statistics.models import DistrictInput
from tests.conftest import Builders, en_client
from tests.partnerships.test_proposals import pair  # noqa: F401  (fixture)
from tests.platform.test_spreadsheets import xlsx
from tests.portal.test_accounts import enterprise_form
from tests.postings.test_posting_sheets import HEADER, row

TODAY = district_today()


def errors(response) -> dict[str, str]:
    html = response.get_data(as_text=True)
    return {
        m.group(1): m.group(2) for m in re.finditer(r'<div id="([a-z_0-9-]+)-error">(.*?)</div>', html, re.S)
    }


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_enterprise_registration_shows_the_credit_code_with_the_rest(app, build):
    taken = build.enterprise()
    before = (count(Organisation), count(User))
    response = en_client(app).post(
        "/auth/register/enterprise",
        data=enterprise_form(
            org_name="",
            credit_code="91350100M000100Y44",  # 18 characters, wrong check character: a service rule
            address="",
            contact_person="",
            name="",
            email=taken.email,  # taken: a service rule
            password="short",
            confirm="other",
        ),
    )
    assert response.status_code == 400
    found = errors(response)
    assert {
        "org_name",
        "credit_code",
        "address",
        "contact_person",
        "name",
        "email",
        "password",
        "confirm",
    } <= set(found), found
    assert "credit code" in found["credit_code"]
    assert (count(Organisation), count(User)) == before


def test_registration_service_collects_the_account_and_the_enterprise(app, build):
    from portal.accounts import services as accounts
    from portal.accounts.services import NewAccount
    from portal.organisations.services import NewEnterprise
    from portal.platform.errors import Invalid

    with pytest.raises(Invalid) as refused:
        accounts.register_enterprise(
            NewAccount("x@example.com", "X", "123"),
            NewEnterprise("某企业", "91350100M000100Y44", "nope", "nowhere", "地址", "人", "123", "huge"),
        )
    assert {p.field for p in refused.value.problems} == {
        "password",
        "credit_code",
        "industry",
        "town",
        "size",
    }


def test_proposal_terms_every_problem_at_once(app, pair):  # noqa: F811
    staff, hr, _program, _posting, proposal = pair
    response = en_client(app, hr).post(
        f"/enterprise/proposals/{proposal.id}/terms",
        data={
            "kind": "order_class",
            "title": "",
            "seats": "0",
            "start_date": (TODAY + timedelta(days=366 * 6)).isoformat(),
            "duration_months": "",
            "school_provides": "x" * 1001,
            "enterprise_provides": "设备",
            "admissions_mode": "nobody",
        },
    )
    assert response.status_code == 400
    found = errors(response)
    assert {"title", "seats", "start_date", "duration_months", "school_provides", "admissions_mode"} <= set(
        found
    ), found
    db.session.expire_all()
    assert proposal.terms is None


def test_named_class_publishing_every_problem_at_once(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = Builders.cooperation(staff, hr, seats=30)
    db.session.commit()
    response = en_client(app, staff).post(
        f"/school/cooperations/{cooperation.id}/named-class",
        data={
            "name": "",
            "seats": "31",  # more than the cooperation agreed: a service rule
            "opens_on": TODAY.isoformat(),
            "closes_on": "not a date",
            "criteria": "x" * 2001,
            "publish": "1",
        },
    )
    assert response.status_code == 400
    found = errors(response)
    assert {"name", "seats", "closes_on", "criteria", "free_choice"} <= set(found), found
    assert "30" in found["seats"]
    assert count(NamedClass) == 0


def test_new_major_every_problem_at_once(app, build):
    staff = build.school(programs=("焊接技术应用",))
    before = count(Program)
    response = en_client(app, staff).post(
        "/school/majors/new",
        data={
            "name": "焊接技术应用",
            "code": "",
            "intake_capacity": "",
            "enrolment": "-3",
            "skills": "x" * 1001,
        },
    )
    assert response.status_code == 400
    found = errors(response)
    # The duplicate name (a service rule) with the missing intake and the rest.
    assert {"name", "intake_capacity", "enrolment", "skills"} <= set(found), found
    assert "already" in found["name"]
    assert count(Program) == before


@pytest.fixture
def admin(app, build):
    build.admin()
    db.session.commit()
    return en_client(app, db.session.scalar(select(User).where(User.email == "admin@example.com")))


def test_dashboard_inputs_every_problem_at_once(app, admin):
    response = admin.post(
        "/admin/dashboard/inputs", data={"key": "nonsense", "year": "1999", "value": "", "source": ""}
    )
    assert response.status_code == 400
    assert {"key", "year", "value", "source"} <= set(errors(response))
    assert count(DistrictInput) == 0


def test_alignment_thresholds_every_problem_at_once(app, admin):
    before = count(AlignmentThreshold)
    response = admin.post("/admin/alignment", data={"shortage_above": "", "surplus_below": "1.5"})
    assert response.status_code == 400
    found = errors(response)
    assert {"shortage_above", "surplus_below"} <= set(found), found
    assert "below 1" in found["surplus_below"]  # judged although the other ratio is missing
    assert count(AlignmentThreshold) == before


def test_an_import_finds_every_problem_of_every_row_on_the_first_upload(app, build):
    hr = build.enterprise()
    rows = [
        row(
            "现代学徒制",
            "焊工学徒",
            人数="很多",  # a required cell that cannot be read
            报名截止日期="明天",  # another
            培养年限=3,  # not a field of an apprenticeship
            工学交替安排="",  # required for an apprenticeship
            企业师傅="王师傅",  # not name/skills/title
            每月补贴=-5,  # below the range
        ),
        row("订单班", "", 所需专业="焊接技术应用", 培养年限=99),  # no title, years out of range
    ]
    with pytest.raises(ImportRefused) as refused:
        posting_sheets.import_postings(hr, xlsx(HEADER, rows), "p.xlsx")
    db.session.rollback()
    by_line: dict[int, set[str]] = {}
    for error in refused.value.errors:
        by_line.setdefault(error.line, set()).add(error.column)
    assert {"人数", "报名截止日期", "培养年限", "工学交替安排", "企业师傅", "每月补贴"} <= _chinese(
        by_line[2]
    ), by_line
    assert {"标题", "培养年限"} <= _chinese(by_line[3]), by_line
    assert count(Posting) == 0


def _chinese(columns: set[str]) -> set[str]:
    """The template's Chinese headers of the reported columns (labels are in the request's language)."""
    spec = posting_sheets.POSTINGS
    out = set()
    for label in columns:
        for column in spec.columns:
            if str(column.label) == label:
                out |= {h for h in HEADER if h in column.headers() or h == str(column.label)}
    return out | columns


def test_the_dashboard_says_when_the_target_year_has_passed_and_an_admin_can_set_it(app, admin):
    from portal.rules import services as rule_settings
    from portal.rules.settings import PLAN_TARGET_YEAR

    page = admin.get("/admin/dashboard").get_data(as_text=True)
    passed = TODAY.year > 2022
    assert ('data-testid="target-year-passed"' in page) is passed
    rule_settings.set_value(
        db.session.scalar(select(User).where(User.email == "admin@example.com")),
        PLAN_TARGET_YEAR.key,
        TODAY.year,
        "后续规划沿用目标（测试）",
    )
    db.session.commit()
    page = admin.get("/admin/dashboard").get_data(as_text=True)
    assert 'data-testid="target-year-passed"' not in page and 'data-testid="target-year"' in page


def test_registration_chooses_nothing_for_the_person(app, build):
    """No major or organisation is picked silently: the lists start on "— choose —", and a form sent
    without a choice says it is required (issue 26)."""
    build.school()
    client = en_client(app)
    for path, name in (("/auth/register/student", "program"), ("/auth/register/student", "school")):
        html = client.get(path).get_data(as_text=True)
        select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
        first = re.search(r"<option([^>]*)>", select_html).group(1)
        assert 'value=""' in first and "selected" not in select_html.split("</option>", 1)[1]
    html = client.get("/auth/register/join").get_data(as_text=True)
    select_html = re.search(r'<select[^>]*name="organisation".*?</select>', html, re.S).group(0)
    assert 'value=""' in re.search(r"<option([^>]*)>", select_html).group(1)
    response = client.post(
        "/auth/register/student",
        data={"school": "", "program": "", "name": "学生", "email": "s@example.com", "password": "x" * 12},
    )
    assert response.status_code == 400
    assert {"school", "program"} <= set(errors(response))
