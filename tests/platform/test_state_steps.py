"""States with their steps (issue 10, item 3): each model says from which states a step may
start (`Stateful.steps`); services refuse what `can` refuses and pages show a step's button
only when `can` says yes, so no template decides who may act from a state's name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import Organisation, Program, PublicationStatus
from portal.organisations import services as organisations
from portal.platform.errors import ServiceError
from portal.platform.model_base import Stateful
from portal.programs import services as programs
from tests.conftest import client_for

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A button or form that acts, on the same line as a test of a state by its name.
ACTION_BY_STATE_NAME = re.compile(
    r"\{%-? (?:el)?if [^%]*\.status (?:==|!=|in|not in) [^%]*%\}[^\n]*(?:post_button|reason_form|<form)"
)


def _stateful_models() -> list[type[Stateful]]:
    return [m.class_ for m in db.Model.registry.mappers if issubclass(m.class_, Stateful)]


def test_every_step_starts_from_states_of_its_model(app):
    checked = 0
    for model in _stateful_models():
        known = {state.value for state in model.states}
        for step, starts in model.steps.items():
            assert starts and starts <= known, (model.__name__, step, starts)
            checked += 1
    assert checked >= 20


def test_no_template_shows_an_action_by_testing_a_state_name():
    offenders = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)[:80]}"
        for path in TEMPLATES.rglob("*.html")
        for match in ACTION_BY_STATE_NAME.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_pattern_finds_what_it_is_meant_to_find():
    line = """{% if o.status != "verified" %}{{ post_button(url_for('admin.verify', org_id=o.id)) }}"""
    assert ACTION_BY_STATE_NAME.search(line)
    assert not ACTION_BY_STATE_NAME.search("""{% if o.can("verify") %}{{ post_button(x) }}""")


@pytest.mark.parametrize(
    ("status", "publish", "close"),
    [("draft", True, True), ("published", False, True), ("closed", True, False)],
)
def test_a_major_offers_exactly_the_steps_its_service_accepts(app, build, status, publish, close):
    staff = build.school()
    program_id = staff.organisation.programs[0].id
    for step, allowed, act in (
        ("publish", publish, programs.publish_program),
        ("close", close, programs.close_program),
    ):
        program = db.session.get(Program, program_id)
        program.status = status
        db.session.commit()
        assert program.can(step) is allowed
        page = client_for(app, staff).get("/school/majors").get_data(as_text=True)
        assert (f"/school/majors/{program_id}/{step}" in page) is allowed
        if allowed:
            act(program, staff)
            assert program.status == (
                PublicationStatus.PUBLISHED if step == "publish" else PublicationStatus.CLOSED
            )
        else:
            with pytest.raises(ServiceError):
                act(program, staff)
        db.session.rollback()


def test_the_verification_page_offers_what_the_service_accepts(app, build):
    hr = build.enterprise(verified=False)
    admin = build.admin()
    organisations.reject(admin, hr.organisation_id, "营业执照不清晰")
    db.session.commit()
    org = db.session.get(Organisation, hr.organisation_id)
    assert org.can("verify") and not org.can("reject")
    page = client_for(app, admin).get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert f"/admin/organisations/{org.id}/verify" in page
    assert f"/admin/organisations/{org.id}/reject" not in page
    with pytest.raises(ServiceError):
        organisations.reject(admin, org.id, "again")
    db.session.rollback()
    organisations.verify(admin, org.id)
    assert db.session.get(Organisation, org.id).status == "verified"
