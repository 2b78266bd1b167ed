"""Pathways (3+2, 3+4) and their cohorts: the school's records, the dashboard's figures counted from
them by hand, bad input refused with nothing changed, and one school never sees another's."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Organisation
from portal.organisations import services as organisations
from portal.pathways import services
from portal.pathways.models import Pathway, PathwayCohort
from portal.platform.errors import ServiceError
from portal.statistics.scopes import SCOPE_SCHOOL_KINDS
from portal.statistics.services import district_figures
from tests.conftest import client_for, csrf_token

ASSESSED = date(2026, 7, 1)


def _pathway(staff, college="济南职业学院", higher="460110", kind="3+2", quota=40, program=0):
    pathway = services.create_pathway(
        staff,
        services.PathwayInput(
            kind=kind,
            program_id=staff.organisation.programs[program].id,
            college=college,
            higher_major=higher,
            yearly_quota=quota,
        ),
    )
    db.session.commit()
    return pathway


def _cohort(staff, pathway, year, enrolled, transferred=None, not_transferred=None):
    services.record_cohort(
        staff,
        pathway.id,
        services.CohortInput(
            year, enrolled, transferred, not_transferred, ASSESSED if transferred is not None else None
        ),
    )
    db.session.commit()


def _figures() -> dict:
    return {f.key: f for f in district_figures()}


def test_the_scope_is_the_dashboards(app):
    # One definition: the dashboard's is the one pathways (and 1+X results, groups) count within.
    assert organisations.SCOPE_SCHOOL_KINDS is SCOPE_SCHOOL_KINDS


def test_a_3_2_pathway_takes_its_majors_from_the_2021_catalogue(app, build):
    staff = build.school(programs=("焊接技术应用",))
    by_code = _pathway(staff, higher="460110")
    assert (by_code.higher_code, by_code.higher_name) == ("460110", "智能焊接技术")
    by_name = _pathway(staff, college="山东工业职业学院", higher="智能焊接技术")
    assert by_name.higher_code == "460110"
    # A 中职 major is not a 3+2 college's major; a made-up name is refused.
    for wrong in ("660105", "焊接大师专业"):
        with pytest.raises(ServiceError) as refused:
            _pathway(staff, college="莱芜职业技术学院", higher=wrong)
        assert refused.value.field == "higher_major"
        db.session.rollback()
    # 3+4: the catalogue holds no 本科 majors, so the name is kept as typed and marked unchecked.
    four = _pathway(staff, college="齐鲁工业大学", higher="机械设计制造及其自动化", kind="3+4")
    assert four.higher_code is None and not four.higher_checked
    assert db.session.scalar(select(func.count(Pathway.id))) == 3


def test_bad_input_is_refused_beside_each_field_and_nothing_is_written(app, build):
    staff = build.school()
    with pytest.raises(ServiceError) as refused:
        services.create_pathway(
            staff,
            services.PathwayInput(kind="2+3", program_id=None, college="", higher_major="", yearly_quota=-1),
        )
    fields = {p.field for p in refused.value.problems}
    assert fields == {"kind", "program_id", "college", "higher_major", "yearly_quota"}
    db.session.rollback()
    pathway = _pathway(staff)
    bad = [
        services.CohortInput(None, None),
        services.CohortInput(2025, 30, 20, 15, ASSESSED),  # 35 > 30
        services.CohortInput(2025, 30, 20, None, ASSESSED),  # one of the two
        services.CohortInput(2025, 30, 20, 5, None),  # no date
    ]
    for data in bad:
        with pytest.raises(ServiceError):
            services.record_cohort(staff, pathway.id, data)
        db.session.rollback()
    assert db.session.scalar(select(func.count(PathwayCohort.id))) == 0


def test_one_school_never_reads_or_records_anothers_pathway(app, build):
    mine, theirs = build.school(), build.school()
    pathway = _pathway(mine)
    with pytest.raises(ServiceError) as refused:
        services.record_cohort(theirs, pathway.id, services.CohortInput(2025, 30))
    assert refused.value.status_code == 404
    db.session.rollback()
    # Nor may it pair another school's major.
    with pytest.raises(ServiceError):
        services.create_pathway(
            theirs,
            services.PathwayInput("3+2", mine.organisation.programs[0].id, "某学院", "460110", 10),
        )
    db.session.rollback()
    client = client_for(app, theirs)
    assert client.get(f"/school/pathways/{pathway.id}").status_code == 404
    page = client.get("/school/pathways/")
    response = client.post(
        f"/school/pathways/{pathway.id}",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "entry_year": 2025, "enrolled": 30},
    )
    assert response.status_code == 404
    assert "济南职业学院" not in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PathwayCohort.id))) == 0


def test_the_dashboard_counts_colleges_pairs_and_transfers_by_hand(app, build):
    """Hand count: school A has 3+2 with college X (two of its majors to one college major: 2 pairs)
    and college Y (1 pair), and a 3+4 with university Z (not a 3+2 college); school B, unverified,
    has 3+2 with college W (not counted). 3+2 colleges: X, Y = 2; pairs: 3.
    Cohorts assessed: X/major0 2024: 30 enrolled, 24 transferred, 4 not → 24/28; Y 2024: 20 → 15/20;
    Z 2023: 10 → 9/10; X/major0 2025: enrolled only (not assessed, not counted); W: 5/5 (not counted).
    Transfer rate: (24 + 15 + 9) / (28 + 20 + 10) = 48 / 58 = 82.8 %."""
    a = build.school(programs=("焊接技术应用", "工业机器人技术应用"))
    b = build.school(verified=False)
    x0 = _pathway(a, college="学院X", higher="460110", program=0)
    _pathway(a, college="学院X", higher="460110", program=1)
    y = _pathway(a, college="学院Y", higher="460305", program=1)
    z = _pathway(a, college="大学Z", higher="机械工程", kind="3+4")
    w = _pathway(b, college="学院W", higher="460110")
    _cohort(a, x0, 2024, 30, 24, 4)
    _cohort(a, x0, 2025, 32)
    _cohort(a, y, 2024, 20, 15, 5)
    _cohort(a, z, 2023, 10, 9, 1)
    _cohort(b, w, 2024, 5, 5, 0)
    figures = _figures()
    assert figures["pathway_colleges"].value == 2 and figures["pathway_colleges"].target == 6
    assert figures["pathway_majors"].value == 3 and figures["pathway_majors"].target == 9
    rate = figures["pathway_transfer_rate"]
    assert rate.value == 82.8 and rate.detail == "48 / 58"
    assert services.district_pathways().by_kind == {"3+2": (39, 48), "3+4": (9, 10)}
    # Correcting a year replaces it, never adds a second cohort.
    _cohort(a, y, 2024, 20, 20, 0)
    assert _figures()["pathway_transfer_rate"].detail == "53 / 58"
    assert db.session.scalar(select(func.count(PathwayCohort.id))) == 5
    # B's records count once B is verified.
    db.session.get(Organisation, b.organisation_id).status = "verified"
    db.session.commit()
    assert _figures()["pathway_colleges"].value == 3


def test_a_school_records_a_pathway_and_a_cohort_through_its_pages_and_the_target_moves(app, build):
    staff = build.school()
    admin_client = client_for(app, build.admin())
    assert 'data-testid="value-pathway_colleges">0<' in admin_client.get("/admin/dashboard").get_data(
        as_text=True
    )
    client = client_for(app, staff)
    page = client.get("/school/pathways/")
    token = csrf_token(page.get_data(as_text=True))
    refused = client.post("/school/pathways/", data={"csrf_token": token, "kind": "3+2", "program_id": 0})
    assert refused.status_code == 400 and "选择本校的专业" in refused.get_data(as_text=True)
    response = client.post(
        "/school/pathways/",
        data={
            "csrf_token": token,
            "kind": "3+2",
            "program_id": staff.organisation.programs[0].id,
            "college": "济南职业学院",
            "higher_major": "智能焊接技术",
            "yearly_quota": 40,
        },
    )
    assert response.status_code == 302
    detail = response.location
    response = client.post(
        detail,
        data={
            "csrf_token": token,
            "entry_year": 2023,
            "enrolled": 40,
            "transferred": 36,
            "not_transferred": 4,
            "assessed_on": "2026-06-30",
        },
    )
    assert response.status_code == 302
    assert "90.0%" in client.get(detail).get_data(as_text=True)
    dashboard = admin_client.get("/admin/dashboard").get_data(as_text=True)
    assert 'data-testid="value-pathway_colleges">1<' in dashboard
    assert 'data-testid="value-pathway_transfer_rate">90.0%<' in dashboard
    records = admin_client.get("/admin/pathways/").get_data(as_text=True)
    assert "济南职业学院" in records and "460110" in records


def test_a_students_profile_shows_the_pathway_of_their_major(app, build):
    staff = build.school()
    student = build.student(staff)
    _pathway(staff, college="济南职业学院")
    page = client_for(app, student).get("/student/internships/profile/").get_data(as_text=True)
    assert 'data-testid="student-pathways"' in page and "济南职业学院" in page


def test_roles_other_than_school_are_refused(app, build):
    hr = build.enterprise()
    client = client_for(app, hr)
    assert client.get("/school/pathways/").status_code == 403
    assert client.get("/admin/pathways/").status_code == 403
    assert app.test_client().get("/school/pathways/").status_code == 302
