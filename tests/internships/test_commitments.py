"""Before answering an offer, the student sees what else holds their time (another internship
approved or under way, an admitted named class, a signed apprenticeship), as the school sees it when
approving: the clash was first seen at the school's approval, after the student had accepted."""

from __future__ import annotations

from portal.extensions import db
from portal.internships import services as internships
from tests.conftest import client_for
from tests.internships.test_internships import applied, approve, internship_posting, terms, world  # noqa: F401


def test_the_student_sees_an_approved_internship_before_accepting_another(app, world):  # noqa: F811
    first = applied(world)
    internships.offer(world.hr, first.id, terms())
    internships.answer(world.student, first.id, accept=True)
    approve(world, first)
    second = applied(world, posting=internship_posting(world.hr, title="装配岗位实习"))
    internships.offer(world.hr, second.id, terms())
    db.session.commit()

    page = client_for(app, world.student).get(f"/student/internships/{second.id}").get_data(as_text=True)
    assert 'data-testid="other-commitments"' in page
    assert "焊接岗位实习（岗位实习）" in page  # the kind in the page's language, as the school reads it
    mine = client_for(app, world.student).get(f"/student/internships/{first.id}").get_data(as_text=True)
    assert 'data-testid="other-commitments"' not in mine  # answered already: nothing to weigh
