"""What an internship tells its parties: a step taken reads the notices about it that asked the actor
to act (the student's offer notice stayed unread after the offer was answered), and HR is told when
confirming a hire would replace where the school recorded the student went."""

from __future__ import annotations

from portal.extensions import db
from portal.internships import services as internships
from portal.notifications import services as notifications
from portal.organisations import services as organisations
from tests.conftest import Builders, client_for
from tests.internships.test_internships import applied, completed, terms, world  # noqa: F401


def test_answering_the_offer_reads_its_notice_and_only_the_actors(world):  # noqa: F811
    colleague = Builders.member(world.hr, "hr.colleague@example.cn", "同事")
    organisations.approve_member(world.hr, colleague.id)
    db.session.commit()
    unread = {who: notifications.unread_count(who) for who in (world.hr, colleague, world.student)}

    placement = applied(world)
    db.session.commit()
    for hr in (world.hr, colleague):  # the application, told to the enterprise
        assert notifications.unread_count(hr) == unread[hr] + 1
    internships.offer(world.hr, placement.id, terms())
    db.session.commit()
    assert notifications.unread_count(world.hr) == unread[world.hr]  # offering was acting on it
    assert notifications.unread_count(colleague) == unread[colleague] + 1  # not acting is not seeing
    assert notifications.unread_count(world.student) == unread[world.student] + 1  # the offer

    internships.answer(world.student, placement.id, accept=True)
    db.session.commit()
    assert notifications.unread_count(world.student) == unread[world.student]


def test_hr_is_told_that_confirming_a_hire_replaces_the_schools_record(app, world):  # noqa: F811
    done = completed(world)
    client = client_for(app, world.hr)
    assert 'data-testid="hire-replaces"' not in client.get(f"/enterprise/internships/{done.id}").text
    internships.record_destination(world.staff, done.id, "laiwu")
    db.session.commit()
    page = client.get(f"/enterprise/internships/{done.id}").text
    assert 'data-testid="hire-replaces"' in page and "莱芜区其他企业" in page
