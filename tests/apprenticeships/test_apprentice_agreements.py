"""Apprenticeship training agreements (职业教育法 2022 Art. 30): a pairing starts only once the agreement
of school, enterprise and apprentice (and the guardian of a minor) is recorded, with stipend and insurance."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.apprenticeships import agreements as apprentice_agreements
from portal.extensions import db
from portal.models import ApprenticeAgreement
from portal.platform.checks import district_today
from tests.apprenticeships.test_apprenticeships import published_world
from tests.conftest import client_for


def form(**overrides) -> dict:
    today = district_today()
    return {
        "starts_on": (today + timedelta(days=7)).isoformat(),
        "signed_on": today.isoformat(),
        "stipend_yuan": "1800",
        "insurer": "中国人寿莱芜支公司",
        "insurance_policy": "学徒责任险 2026-018",
        "insurance_paid_by": "enterprise",
        "insurance_from": (today + timedelta(days=7)).isoformat(),
        "insurance_until": (today + timedelta(days=400)).isoformat(),
        "guardian_name": "",
        "guardian_relation": "",
        "guardian_consent_on": "",
        **overrides,
    }


def agreements() -> int:
    return db.session.scalar(select(func.count()).select_from(ApprenticeAgreement))


def url(run, student) -> str:
    return f"/school/apprenticeships/runs/{run.id}/agreements/{student.id}"


def test_a_pairing_has_not_started_until_its_agreement_is_recorded(app, build):
    w, run = published_world(build)
    placed = w.students[0]
    placed.birth_date = date(2000, 1, 1)
    db.session.commit()
    client = client_for(app, w.staff)
    page = client.get(f"/school/apprenticeships/runs/{run.id}").get_data(as_text=True)
    assert "职业教育法" in page and 'class="warning"' in page  # listed: missing, not started
    assert 'data-testid="agreement-missing"' in client.get(url(run, placed)).get_data(as_text=True)
    assert client.post(url(run, placed), data=form()).status_code == 302
    agreement = db.session.scalar(select(ApprenticeAgreement))
    assert (agreement.stipend_yuan, agreement.insurance_paid_by, agreement.apprentice_minor) == (
        1800,
        "enterprise",
        False,
    )
    assert agreement.terms_version == "2022-art30-v1"
    shown = client.get(url(run, placed)).get_data(as_text=True)
    assert 'data-testid="agreement-recorded"' in shown and "中国人寿莱芜支公司" in shown
    # Recorded once: a second post changes nothing.
    client.post(url(run, placed), data=form(stipend_yuan="1"))
    assert agreements() == 1 and db.session.scalar(select(ApprenticeAgreement)).stipend_yuan == 1800


def test_every_party_reads_the_agreement_and_no_one_else(app, build):
    """School, enterprise and apprentice are the agreement's parties: the apprentice and the enterprise
    read what was signed (the apprentice sees "not started" before); another student does not."""
    w, run = published_world(build)
    placed, other = w.students[0], w.students[1]
    placed.birth_date = date(2000, 1, 1)
    db.session.commit()
    student_page = f"/student/apprenticeships/{run.programme_id}"
    student = client_for(app, placed)
    assert 'data-testid="agreement-missing"' in student.get(student_page).get_data(as_text=True)
    enterprise_page = f"/enterprise/apprenticeships/{run.programme_id}"
    hr = client_for(app, w.hr)
    assert f'data-testid="agreement-missing-{placed.id}"' in hr.get(enterprise_page).get_data(as_text=True)
    assert client_for(app, w.staff).post(url(run, placed), data=form()).status_code == 302
    mine = student.get(student_page).get_data(as_text=True)
    assert 'data-testid="agreement-stipend"' in mine and "中国人寿莱芜支公司" in mine
    theirs = hr.get(enterprise_page).get_data(as_text=True)
    assert f'data-testid="agreement-{placed.id}"' in theirs and "学徒责任险 2026-018" in theirs
    assert "学徒责任险 2026-018" not in client_for(app, other).get(student_page).get_data(as_text=True)


def test_every_missing_term_is_refused_beside_its_field_with_the_article(app, build):
    w, run = published_world(build)
    placed = w.students[0]
    placed.birth_date = date(2000, 1, 1)
    db.session.commit()
    response = client_for(app, w.staff).post(
        url(run, placed),
        data=form(stipend_yuan="0", insurer="", insurance_paid_by="", insurance_from="", signed_on=""),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("stipend_yuan", "insurer", "insurance_paid_by", "insurance_until", "signed_on"):
        assert f'id="{field}-error"' in page
    assert page.count("职业教育法") >= 3
    assert agreements() == 0


def test_an_apprentice_under_18_needs_the_guardians_consent(app, build):
    w, run = published_world(build)
    placed = w.students[0]
    placed.birth_date = district_today() - timedelta(days=365 * 16)
    db.session.commit()
    client = client_for(app, w.staff)
    response = client.post(url(run, placed), data=form())
    assert response.status_code == 400 and 'id="guardian_name-error"' in response.get_data(as_text=True)
    assert "民法典" in response.get_data(as_text=True) and agreements() == 0
    consent = form(
        guardian_name="张父", guardian_relation="父亲", guardian_consent_on=district_today().isoformat()
    )
    assert client.post(url(run, placed), data=consent).status_code == 302
    agreement = db.session.scalar(select(ApprenticeAgreement))
    assert (agreement.apprentice_minor, agreement.guardian_name) == (True, "张父")
    assert "张父" in client.get(url(run, placed)).get_data(as_text=True)


def test_an_unknown_date_of_birth_counts_as_a_minor(app, build):
    w, run = published_world(build)
    refused = client_for(app, w.staff).post(url(run, w.students[0]), data=form())
    assert refused.status_code == 400 and agreements() == 0


def test_only_the_programmes_school_and_only_placed_students(app, build):
    w, run = published_world(build)
    unplaced = w.students[1]
    assert apprentice_agreements.pairing(run, unplaced.id) is None
    client = client_for(app, w.staff)
    assert client.get(url(run, unplaced)).status_code == 404
    stranger = build.school(name="别的学校")
    assert client_for(app, stranger).get(url(run, w.students[0])).status_code == 404
    assert client_for(app, w.hr).get(url(run, w.students[0])).status_code == 403


def test_the_demo_data_shows_a_signed_agreement_and_pairings_not_started(app, demo):
    from portal.models import Organisation, Teacher
    from seed.loader import remove_demo

    agreement = db.session.scalar(select(ApprenticeAgreement))
    assert agreement is not None and agreement.guardian_name and agreement.apprentice_minor
    assert apprentice_agreements.missing_agreements(agreement.programme_id) >= 1  # listed: not started
    school = db.session.scalar(select(Organisation).where(Organisation.name == "莱芜职业中专"))
    assert (school.staffing_quota, school.part_time_funding) == (120, 480_000)
    levels = {t.dq_level for t in db.session.scalars(select(Teacher).where(Teacher.school_id == school.id))}
    assert {"junior", "intermediate", "senior", "unknown"} <= levels
    remove_demo()
    db.session.commit()
    assert agreements() == 0
