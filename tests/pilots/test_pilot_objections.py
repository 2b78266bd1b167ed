"""Objections (异议) during a pilot's notice period (公示) (issue 13, item 10): anyone sends one
with a contact; every problem of the form is shown at once; administrators answer each;
an unanswered objection keeps the pilot from becoming final; contacts stay private."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal import inbox
from portal.extensions import db
from portal.models import PilotObjection, PilotPartnership
from portal.pilots import services as pilots
from portal.pilots.services import NewObjection
from portal.platform.checks import district_today
from portal.platform.errors import Invalid, NotFound, ServiceError
from tests.conftest import csrf_token
from tests.pilots.test_pilots import DAY, client_for, fresh, submitted_pilot

GOOD = NewObjection("李明", "0531-76123456", "该合作的企业实训岗位与专业不对口。")


def approved(world, today=DAY) -> PilotPartnership:
    school, _hr, admin, coop = world
    pilot = submitted_pilot(school, coop)
    pilots.approve_pilot(admin, pilot.id, today=today)
    db.session.commit()
    return pilot


def test_anyone_objects_during_the_notice_period_and_it_holds_the_pilot(world):
    _school, _hr, admin, _coop = world
    pilot = approved(world)
    row = pilots.object_to_pilot(pilot.id, GOOD, today=DAY + timedelta(days=2))
    db.session.commit()
    assert (row.name, row.contact, row.is_answered) == ("李明", "0531-76123456", False)
    assert fresh(PilotPartnership, pilot.id).open_objections == 1
    after = pilot.notice_ends_on + timedelta(days=1)
    # The notice period is over, but the objection is unanswered: still in notice, not finalised.
    assert fresh(PilotPartnership, pilot.id).public_state(after) == "notice"
    assert pilots.finalise_due(today=after) == 0
    assert {w.key: w.count for w in inbox.for_admin()}["objections"] == 1
    pilots.answer_objection(admin, pilot.id, row.id, "经核实，实训岗位与专业对口，已电话答复。")
    db.session.commit()
    assert fresh(PilotPartnership, pilot.id).open_objections == 0
    assert fresh(PilotObjection, row.id).is_answered
    assert pilots.finalise_due(today=after) == 1


def test_every_problem_of_the_form_at_once_and_nothing_stored(world):
    pilot = approved(world)
    too_long = NewObjection("名" * 61, "not a contact", "")
    try:
        pilots.object_to_pilot(pilot.id, too_long, today=DAY)
    except Invalid as exc:
        fields = sorted(p.field for p in exc.problems)
    else:
        raise AssertionError("refused expected")
    db.session.rollback()
    assert fields == ["body", "contact", "name"]
    assert db.session.scalar(select(func.count()).select_from(PilotObjection)) == 0
    assert fresh(PilotPartnership, pilot.id).open_objections == 0


def test_contacts_that_reach_someone(world):
    pilot = approved(world)
    for contact in ("13912345678", "0531-76123456", "li.ming@example.cn", "+86 139 1234 5678"):
        pilots.object_to_pilot(pilot.id, NewObjection("", contact, "异议"), today=DAY)
    for contact in ("", "123", "call me", "li.ming@", "1" * 30):
        try:
            pilots.object_to_pilot(pilot.id, NewObjection("", contact, "异议"), today=DAY)
        except ServiceError as exc:
            assert exc.field == "contact"
        else:
            raise AssertionError(contact)


def test_only_during_the_notice_period_and_only_public_pilots(world):
    school, _hr, _admin, coop = world
    pending = submitted_pilot(school, coop)
    try:
        pilots.object_to_pilot(pending.id, GOOD, today=DAY)
    except NotFound:
        pass
    else:
        raise AssertionError("a submitted pilot is not public")
    db.session.rollback()
    pilots.approve_pilot(_admin, pending.id, today=DAY)
    db.session.commit()
    late = pending.notice_ends_on + timedelta(days=1)
    try:
        pilots.object_to_pilot(pending.id, GOOD, today=late)
    except ServiceError as exc:
        with force_locale("en"):
            assert "notice period of this pilot is over" in str(exc.message)
    else:
        raise AssertionError("refused expected")


def test_answers_are_for_administrators_once(app, world, build):
    school, _hr, admin, _coop = world
    pilot = approved(world)
    row = pilots.object_to_pilot(pilot.id, GOOD, today=DAY)
    db.session.commit()
    for actor in (school, build.enterprise()):
        with pytest.raises(ServiceError):  # only administrators answer
            pilots.answer_objection(actor, pilot.id, row.id, "答复")
        db.session.rollback()
    try:
        pilots.answer_objection(admin, pilot.id, row.id, "   ")
    except ServiceError as exc:
        assert exc.field == "answer"
    db.session.rollback()
    pilots.answer_objection(admin, pilot.id, row.id, "已答复")
    db.session.commit()
    with pytest.raises(ServiceError):  # answered once
        pilots.answer_objection(admin, pilot.id, row.id, "再次答复")
    db.session.rollback()
    assert fresh(PilotPartnership, pilot.id).open_objections == 0


def test_public_form_over_http_shows_every_error_and_keeps_contacts_private(app, world):
    _school, _hr, admin, _coop = world
    pilot = approved(world, today=district_today() - timedelta(days=1))
    client = app.test_client()
    page = client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    assert 'data-testid="objection-form"' in page
    response = client.post(f"/pilots/{pilot.id}/objections", data={"name": "", "contact": "x", "body": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="contact-error"' in html and 'id="body-error"' in html
    assert db.session.scalar(select(func.count()).select_from(PilotObjection)) == 0
    response = client.post(
        f"/pilots/{pilot.id}/objections",
        data={"name": "王五", "contact": "wang.wu@example.cn", "body": "企业资质存疑"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "wang.wu@example.cn" not in html
    assert 'data-testid="objection-counts"' in html
    admin_page = client_for(app, admin).get(f"/admin/pilots/{pilot.id}").get_data(as_text=True)
    assert "wang.wu@example.cn" in admin_page and "企业资质存疑" in admin_page


def test_objection_needs_csrf(app, world, csrf_client):
    pilot = approved(world, today=district_today())
    response = csrf_client.post(
        f"/pilots/{pilot.id}/objections", data={"contact": "13912345678", "body": "x"}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(PilotObjection)) == 0
    page = csrf_client.get(f"/pilots/{pilot.id}").get_data(as_text=True)
    response = csrf_client.post(
        f"/pilots/{pilot.id}/objections",
        data={"csrf_token": csrf_token(page), "contact": "13912345678", "body": "异议"},
    )
    assert response.status_code == 302
