"""A step taken on an internship settles the notices about it that asked the actor to act: the
student's offer notice stayed unread, counted on every page, after the offer was answered."""

from __future__ import annotations

from portal.extensions import db
from portal.internships import services as internships
from portal.notifications import services as notifications
from portal.organisations import services as organisations
from tests.conftest import Builders
from tests.internships.test_internships import applied, terms, world  # noqa: F401


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
