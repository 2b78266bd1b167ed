"""What an internship tells its parties: a step taken reads the notices about it that asked the actor
to act (the student's offer notice stayed unread after the offer was answered), HR is told when
confirming a hire would replace where the school recorded the student went, and the school is offered
its teachers when naming the supervisor, and told one is missing before it is asked to confirm."""

from __future__ import annotations

from portal.extensions import db
from portal.internships import services as internships
from portal.notifications import services as notifications
from portal.organisations import services as organisations
from portal.programs import records as school_records
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


def test_the_school_is_offered_its_teachers_as_the_supervisor(app, world):  # noqa: F811
    school_records.create_teacher(world.staff.organisation, name="李老师", subjects="焊接")
    placement = applied(world)
    internships.offer(world.hr, placement.id, terms())
    internships.answer(world.student, placement.id, accept=True)
    db.session.commit()
    page = client_for(app, world.staff).get(f"/school/internships/{placement.id}").text
    assert 'list="supervisors"' in page and '<option value="李老师">' in page
    assert (
        'id="supervisors"'
        not in client_for(app, world.hr).get(f"/enterprise/internships/{placement.id}").text
    )


def test_approving_without_a_supervisor_is_refused_before_anything_is_asked(app, world):  # noqa: F811
    placement = applied(world)
    internships.offer(world.hr, placement.id, terms())
    internships.answer(world.student, placement.id, accept=True)
    db.session.commit()
    client = client_for(app, world.staff)
    client.confirms = False  # as a browser without JavaScript posts the form
    url = f"/school/internships/{placement.id}/approve"
    missing = client.post(url, data={"school_supervisor": " "})
    assert missing.status_code == 400 and 'data-testid="confirm-page"' not in missing.text
    assert 'id="school_supervisor-error"' in missing.text  # said at once, beside the field
    asked = client.post(url, data={"school_supervisor": "李老师"})
    assert asked.status_code == 200 and 'data-testid="confirm-page"' in asked.text
    db.session.refresh(placement)
    assert placement.status == "accepted"
