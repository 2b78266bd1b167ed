"""A cooperation's page says what comes next for the side reading it, with the partner's contact:
it ended at the agreed terms, and neither side knew where the students or the class were handled."""

from __future__ import annotations

import re
from datetime import timedelta

from portal.extensions import db
from portal.named_classes import services as named_classes
from portal.named_classes.services import NamedClassInput
from portal.platform.checks import district_today
from tests.conftest import Builders, en_client


def next_steps(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'data-testid="next-steps">(.*?)</section>', page, re.S).group(1)


def test_an_order_class_cooperation_leads_to_its_classes(app, build):
    staff, hr = build.school(), build.enterprise(name="山东重工测试")
    cooperation = Builders.cooperation(staff, hr, seats=40)
    school, enterprise = en_client(app, staff), en_client(app, hr)
    url = f"/school/cooperations/{cooperation.id}"

    first = next_steps(school, url)
    assert "Publish a named class" in first and f"/school/cooperations/{cooperation.id}/named-class" in first
    page = school.get(url).get_data(as_text=True)
    assert "<dt>Admissions</dt>" in page  # who admits the class's students
    assert re.search(r"Contact at 山东重工测试</dt>\s*<dd[^>]*>联系人 · 0531-1234567</dd>", page)

    today = district_today()
    made = named_classes.create_named_class(
        staff,
        cooperation.id,
        NamedClassInput(
            name="智能制造冠名班（2027级）",
            seats=30,
            opens_on=today,
            closes_on=today + timedelta(10),
            decide_by=today + timedelta(30),
            criteria="二年级",
        ),
        publish=True,
    )
    db.session.commit()
    after = next_steps(school, url)
    assert f'href="/school/named-classes/{made.id}">智能制造冠名班（2027级）</a> · 30 seats' in after
    assert "Publish another named class" in after  # not the first one again, as if none existed
    theirs = next_steps(enterprise, f"/enterprise/cooperations/{cooperation.id}")
    assert f"/enterprise/named-classes/{made.id}" in theirs and "publish-named-class" not in theirs


def test_an_internship_cooperation_leads_to_the_internships(app, build):
    staff, hr = build.school(), build.enterprise()
    cooperation = Builders.cooperation(staff, hr, kind="internship", with_program=True)
    for client, area in ((en_client(app, staff), "school"), (en_client(app, hr), "enterprise")):
        steps = next_steps(client, f"/{area}/cooperations/{cooperation.id}")
        assert "Students apply to the internship posting" in steps and f'href="/{area}/internships/"' in steps
        # Nobody is admitted to an internship cooperation: its terms do not say who admits.
        assert "<dt>Admissions</dt>" not in client.get(f"/{area}/cooperations/{cooperation.id}").text
