"""What cannot be undone asks once (issue 13 item 5): with JavaScript a dialog (the form's
data-confirm), without it a confirmation page that re-posts the same fields. Until the
user agrees, nothing changes."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from portal.extensions import db
from portal.models import ClassApplication, Organisation
from portal.named_classes import services as nc
from portal.platform.confirm import MESSAGES
from tests.conftest import login
from tests.named_classes.test_named_classes import class_input, make_cooperation


@pytest.fixture
def world(app, build):
    staff, hr = build.school(), build.enterprise()
    student = build.student(staff)
    cooperation = make_cooperation(staff, hr)
    named = nc.create_named_class(staff, cooperation.id, class_input(), publish=True)
    application = nc.apply(student, named.id, "申请")
    db.session.commit()
    client = app.test_client()
    client.confirms = False  # a browser without JavaScript
    login(client, staff.email)
    return staff, named, application, client


def _status(application_id: int) -> str:
    db.session.expire_all()
    return db.session.get(ClassApplication, application_id).status


def test_without_javascript_admitting_asks_on_a_page_then_admits(world):
    _staff, named, application, client = world
    page = client.get(f"/school/named-classes/{named.id}").get_data(as_text=True)
    assert f'data-confirm="{MESSAGES["admit"]}"' in page  # the dialog's text, for app.js

    asked = client.post(
        f"/school/class-applications/{application.id}/admit",
        data={"class_id": str(named.id)},
        headers={"Referer": f"http://localhost/school/named-classes/{named.id}"},
    )
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'data-testid="confirm-page"' in body
    assert str(MESSAGES["admit"]) in body
    assert f'name="class_id" value="{named.id}"' in body and 'name="confirmed" value="1"' in body
    assert f'href="/school/named-classes/{named.id}"' in body  # cancel goes back
    assert _status(application.id) == "submitted" and db.session.get(type(named), named.id).taken == 0

    done = client.post(
        f"/school/class-applications/{application.id}/admit",
        data={"class_id": str(named.id), "confirmed": "1"},
    )
    assert done.status_code == 302 and _status(application.id) == "admitted"


def test_a_rejection_keeps_its_reason_through_the_question(world):
    _staff, named, application, client = world
    asked = client.post(
        f"/school/class-applications/{application.id}/reject",
        data={"class_id": str(named.id), "reason": "名额已满 <b>"},
    )
    assert 'name="reason" value="名额已满 &lt;b&gt;"' in asked.get_data(as_text=True)
    assert _status(application.id) == "submitted"
    client.post(
        f"/school/class-applications/{application.id}/reject",
        data={"class_id": str(named.id), "reason": "名额已满 <b>", "confirmed": "1"},
    )
    assert _status(application.id) == "rejected"
    assert db.session.get(ClassApplication, application.id).decision_reason == "名额已满 <b>"


def test_cancel_never_goes_to_another_site(world):
    _staff, named, application, client = world
    asked = client.post(
        f"/school/class-applications/{application.id}/admit",
        headers={"Referer": "https://evil.example/school/"},
    )
    assert 'href="/"' in asked.get_data(as_text=True) and "evil" not in asked.get_data(as_text=True)


def test_verifying_an_organisation_asks_first(app, build):
    hr = build.enterprise(verified=False)
    build.admin()
    db.session.commit()
    client = app.test_client()
    client.confirms = False
    login(client, "admin@example.com")
    with force_locale("zh"):
        assert client.post(f"/admin/organisations/{hr.organisation_id}/verify").status_code == 200
    assert db.session.get(Organisation, hr.organisation_id).status == "pending"
    assert (
        client.post(f"/admin/organisations/{hr.organisation_id}/verify", data={"confirmed": "1"}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(Organisation, hr.organisation_id).status == "verified"


def test_every_irreversible_action_names_its_question(app):
    asked = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions.get(rule.endpoint), "confirmation", None) in MESSAGES
    }
    expected = {
        "admin.verify",
        "admin.reject",
        "admin.pilot_approve",
        "admin.posting_take_down",
        "school.apprenticeships.apprenticeship_publish",
        "school.partnerships.proposal_accept",
        "enterprise.partnerships.proposal_accept",
        "school.named_classes.application_admit",
        "school.named_classes.application_reject",
    }
    assert expected <= asked, expected - asked
