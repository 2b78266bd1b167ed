"""HR judges an internship applicant on the placement page (user review): the major with its level,
the year of entry with the school year, the age on a stated day; never the date of birth or the
sex themselves, and never for another enterprise. The applicants list names the major and the day
of the application, and the student's name opens the application."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.extensions import db
from portal.internships import services as internships
from portal.rules import internships as rules
from tests.conftest import client_for
from tests.internships.test_internships import ADULT, TODAY, applied, terms, world  # noqa: F401


def _card(html: str, testid: str) -> str:
    return html.split(f'data-testid="{testid}"', 1)[1].split("</section>", 1)[0]


def test_hr_sees_the_applicants_major_year_of_entry_and_age_not_the_birth_date(app, world):  # noqa: F811
    placement = applied(world, birth=ADULT, entry_year=TODAY.year - 2, sex="f")
    client = client_for(app, world.hr)
    html = client.get(f"/enterprise/internships/{placement.id}").get_data(as_text=True)
    card = _card(html, "applicant")
    major = re.search(r'data-testid="applicant-major">([^<]+)<', card).group(1)
    assert major.startswith("焊接技术应用")
    age = rules.age_on(ADULT, TODAY)  # no start date yet: reckoned today, and the page says so
    assert f'data-testid="applicant-age">{age} 岁<' in card
    assert f"按今天（{TODAY.isoformat()}）计算" in card
    assert re.search(rf'data-testid="applicant-entry-year">{TODAY.year - 2}（第 \d 学年）<', card)
    assert ADULT.isoformat() not in html  # the age stands for the date of birth
    assert "女" not in card  # and nothing about the sex

    # With the offer's start date the age is the one the rules judge (Art. 16(2)).
    starts = TODAY + timedelta(days=400)
    internships.offer(world.hr, placement.id, terms(starts_on=starts, ends_on=starts + timedelta(days=150)))
    db.session.commit()
    card = _card(client.get(f"/enterprise/internships/{placement.id}").get_data(as_text=True), "applicant")
    assert f'data-testid="applicant-age">{rules.age_on(ADULT, starts)} 岁<' in card
    assert f"按实习开始日期（{starts.isoformat()}）计算" in card


def test_another_enterprise_gets_a_404_for_the_applicant(app, world):  # noqa: F811
    placement = applied(world)
    other = world.build.enterprise()
    response = client_for(app, other).get(f"/enterprise/internships/{placement.id}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert world.student.name not in page and "焊接技术应用" not in page


def test_the_student_reads_no_applicant_card_about_themselves(app, world):  # noqa: F811
    placement = applied(world)
    html = client_for(app, world.student).get(f"/student/internships/{placement.id}").get_data(as_text=True)
    assert 'data-testid="applicant"' not in html


def test_the_applicants_list_links_the_name_and_shows_major_and_date(app, world):  # noqa: F811
    placement = applied(world)
    html = client_for(app, world.hr).get("/enterprise/internships/").get_data(as_text=True)
    table = html.split('data-testid="placements"', 1)[1].split("</table>", 1)[0]
    assert re.search(
        rf'<a href="/enterprise/internships/{placement.id}" data-testid="applicant-link">\s*'
        rf"{re.escape(world.student.name)}\s*</a>",
        table,
    )
    assert 'data-testid="applicant-major">焊接技术应用<' in table
    applied_on = re.search(r'data-testid="applied-on"><time datetime="[^"]+">([\d-]+)</time>', table)
    assert applied_on and applied_on.group(1) == TODAY.isoformat()
    # The enterprise's own name is no column of its own list.
    assert world.hr.organisation.name not in table
