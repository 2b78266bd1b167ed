"""Student profiles: consent, deletion, a CV checked by content, and who may see them. No enterprise
sees a profile it was not sent (an application) unless the student opted in; each enterprise view
is in the audit log."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.internships import profiles
from portal.internships import services as internships
from portal.internships.profiles import ProfileInput
from portal.models import AuditEntry, OrgStatus, StudentProfile
from portal.organisations import services as organisations
from portal.platform.errors import NotFound, ServiceError
from tests.conftest import login
from tests.internships.test_internships import internship_posting

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def data(**changes) -> ProfileInput:
    values = dict(
        entry_year=date.today().year - 2,
        hometown="fengcheng",
        statement="喜欢焊接，想留在莱芜。",
        certificates="特殊焊接技术, 初级, 2025-06",
        awards="区级, 焊接技能大赛, 二等奖",
        discoverable=False,
        consent=True,
    )
    values.update(changes)
    return ProfileInput(**values)


@pytest.fixture
def world(app, build):
    staff = build.school()
    student = build.student(staff)
    hr = build.enterprise()
    other_hr = build.enterprise()
    profiles.save(student, data(), PDF)
    db.session.commit()
    return type(
        "World", (), {"staff": staff, "student": student, "hr": hr, "other_hr": other_hr, "build": build}
    )


def views() -> list[tuple[int, str]]:
    """Who viewed a student's profile or CV, in the order they did (without ORDER BY, PostgreSQL
    may return the rows in any order: it did, once in CI)."""
    return list(
        db.session.execute(
            select(AuditEntry.actor_id, AuditEntry.action)
            .where(
                AuditEntry.subject_type == "student_profile",
                AuditEntry.action.in_(["view_profile", "view_cv"]),
            )
            .order_by(AuditEntry.id)
        ).tuples()
    )


def test_no_enterprise_sees_a_profile_it_was_not_sent(world, client):
    for user, area in ((world.hr, "enterprise"), (world.other_hr, "enterprise")):
        login(client, user.email)
        assert client.get(f"/{area}/internships/students/{world.student.id}").status_code == 404
        assert client.get(f"/{area}/internships/students/{world.student.id}/cv.pdf").status_code == 404
        assert world.student.name not in client.get("/enterprise/internships/students/").get_data(
            as_text=True
        )
        client.get("/auth/logout")
    assert views() == []
    # The student applies to hr's internship: hr may now see it (logged), the other enterprise still not.
    posting = internship_posting(world.hr)
    internships.apply(world.student, posting.id, "申请", date(2008, 1, 1), entry_year=2024, sex="f")
    db.session.commit()
    login(client, world.hr.email)
    page = client.get(f"/enterprise/internships/students/{world.student.id}")
    assert page.status_code == 200 and "焊接技能大赛" in page.get_data(as_text=True)
    cv = client.get(f"/enterprise/internships/students/{world.student.id}/cv.pdf")
    assert cv.data == PDF and cv.headers["Cache-Control"] == "no-store"
    client.get("/auth/logout")
    login(client, world.other_hr.email)
    assert client.get(f"/enterprise/internships/students/{world.student.id}").status_code == 404
    db.session.expire_all()
    assert views() == [(world.hr.id, "view_profile"), (world.hr.id, "view_cv")]


def test_opt_in_to_be_found_and_the_school_sees_its_students(world, client):
    profiles.save(world.student, data(discoverable=True))
    db.session.commit()
    login(client, world.other_hr.email)
    assert world.student.name in client.get("/enterprise/internships/students/").get_data(as_text=True)
    assert client.get(f"/enterprise/internships/students/{world.student.id}").status_code == 200
    client.get("/auth/logout")
    login(client, world.staff.email)
    assert client.get(f"/school/internships/students/{world.student.id}").status_code == 200
    client.get("/auth/logout")
    login(client, world.build.school().email)  # another school
    assert client.get(f"/school/internships/students/{world.student.id}").status_code == 404


def test_consent_lines_and_cv_checked_all_at_once(world):
    with pytest.raises(ServiceError) as info:
        profiles.save(
            world.student, data(consent=False, certificates="只有名称", hometown="mars"), b"MZ\x90\x00"
        )
    fields = {p.field for p in getattr(info.value, "problems", [info.value])}
    assert fields == {"consent", "certificates", "hometown", "cv"}
    db.session.rollback()
    with pytest.raises(ServiceError):
        profiles.check_cv(b"%PDF-" + b"0" * profiles.CV_MAX_BYTES)


def test_upload_by_content_not_name_and_deletion(world, client):
    login(client, world.student.email)
    page = client.get("/student/internships/profile/").get_data(as_text=True)
    assert "特殊焊接技术, 初级, 2025-06" in page
    form = {
        "entry_year": "2025",
        "hometown": "fengcheng",
        "statement": "新的介绍",
        "certificates": "",
        "awards": "",
        "consent": "y",
        "cv": (io.BytesIO(b"not a pdf at all"), "cv.pdf"),
    }
    refused = client.post("/student/internships/profile/", data=form, content_type="multipart/form-data")
    assert refused.status_code == 400 and 'id="cv-error"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert profiles.own(world.student).statement == "喜欢焊接，想留在莱芜。"  # bad input changed nothing
    form["cv"] = (io.BytesIO(b""), "")  # saved again without a new file: the stored CV stays
    posted = client.post("/student/internships/profile/", data=form, content_type="multipart/form-data")
    assert posted.status_code == 302
    db.session.expire_all()
    assert profiles.own(world.student).statement == "新的介绍" and profiles.own(world.student).cv == PDF
    assert client.post("/student/internships/profile/delete", data={"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(StudentProfile)) is None
    assert client.get(f"/student/internships/students/{world.student.id}/cv.pdf").status_code == 404


def test_only_students_have_a_profile_page(world, client):
    login(client, world.hr.email)
    assert client.get("/enterprise/internships/profile/").status_code == 404
    with pytest.raises(NotFound):
        profiles.save(world.hr, data())


def test_apply_and_profile_pages_exist_only_for_students(world, client):
    posting = internship_posting(world.hr)
    login(client, world.hr.email)
    assert client.get(f"/enterprise/internships/apply/{posting.id}").status_code == 404
    client.get("/auth/logout")
    login(client, world.staff.email)
    assert client.get("/school/internships/profile/").status_code == 404
    assert client.get("/school/internships/students/").status_code == 404


def test_an_enterprise_not_yet_verified_sees_no_student(world, client):
    """Issue 22.1: a registration made a moment ago lists nobody and downloads no CV, even of a
    student who opted in to be found; once the district verifies the enterprise, it does."""
    profiles.save(world.student, data(discoverable=True))
    pending = world.build.enterprise(verified=False)
    db.session.commit()
    login(client, pending.email)
    listing = client.get("/enterprise/internships/students/").get_data(as_text=True)
    assert world.student.name not in listing and 'data-testid="not-verified"' in listing
    assert client.get(f"/enterprise/internships/students/{world.student.id}").status_code == 404
    assert client.get(f"/enterprise/internships/students/{world.student.id}/cv.pdf").status_code == 404
    assert profiles.discoverable(pending) == []
    db.session.expire_all()
    assert views() == []
    organisations.verify(world.build.admin(), pending.organisation_id)
    db.session.commit()
    assert client.get(f"/enterprise/internships/students/{world.student.id}/cv.pdf").data == PDF


def test_a_school_not_verified_sees_no_student(world, client):
    """Students join verified schools only; should a school's verification be withdrawn (set here by
    hand: no page does it yet), its staff read no profile either."""
    world.staff.organisation.status = OrgStatus.PENDING.value
    db.session.commit()
    login(client, world.staff.email)
    assert client.get(f"/school/internships/students/{world.student.id}").status_code == 404


def test_cv_downloads_are_limited_per_enterprise_and_day(world, client, app):
    """Each download is audited and counts against the enterprise's day, whoever of its people
    downloads; profiles stay readable; another enterprise has its own count."""
    app.config["CV_DOWNLOADS_PER_DAY"] = 2
    profiles.save(world.student, data(discoverable=True))
    colleague = world.build.enterprise()  # moved into hr's enterprise below
    colleague.organisation_id = world.hr.organisation_id
    db.session.commit()
    url = f"/enterprise/internships/students/{world.student.id}/cv.pdf"
    login(client, world.hr.email)
    assert client.get(url).data == PDF
    client.get("/auth/logout")
    login(client, colleague.email)
    assert client.get(url).data == PDF
    refused = client.get(url, follow_redirects=True)
    assert refused.data != PDF and "2" in refused.get_data(as_text=True)
    assert profiles.cv_downloads_today(world.hr.organisation_id) == 2
    client.get("/auth/logout")
    login(client, world.other_hr.email)
    assert client.get(url).data == PDF
    db.session.expire_all()
    assert [action for _, action in views()].count("view_cv") == 3


def test_a_profile_update_without_certificates_or_awards_is_saved(world, client):
    """Issue 22.3: a POST leaving out `certificates` or `awards` fell back to the stored lists and gave a
    500; a field left out is now empty, like a field sent empty."""
    login(client, world.student.email)
    form = {"entry_year": "2025", "hometown": "fengcheng", "statement": "只改介绍", "consent": "y"}
    assert client.post("/student/internships/profile/", data=form).status_code == 302
    db.session.expire_all()
    saved = profiles.own(world.student)
    assert saved.statement == "只改介绍" and saved.certificates == [] and saved.awards == []
    assert saved.cv == PDF  # no file sent: the stored CV stays


def test_certificates_written_as_the_hint_shows_with_a_chinese_month(world):
    """The hint's 、 and a month written 2025年6月 are read (issue 26: they were refused as "须填3项")."""
    saved = profiles.save(world.student, data(certificates="电工证、中级、2025年6月\n焊工证，初级，2024.9"))
    assert [c["date"] for c in saved.certificates] == ["2025-06", "2024-09"]
    db.session.rollback()
    with pytest.raises(ServiceError) as info:
        profiles.save(world.student, data(certificates="电工证、中级、去年"))
    assert "2025-06" in str(info.value.message)
    db.session.rollback()
