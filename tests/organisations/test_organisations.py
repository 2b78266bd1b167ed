"""Verification of organisations, membership approval, student confirmation."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Organisation, OrgStatus
from tests.conftest import Builders, client_for


def admin_client(app, build):
    admin = build.admin()
    db.session.commit()
    client = client_for(app, admin)
    return client


def test_queue_lists_pending_and_verify(app, build):
    hr = build.enterprise(verified=False)
    client = admin_client(app, build)
    queue = client.get("/admin/organisations").get_data(as_text=True)
    assert hr.organisation.name in queue
    assert client.post(f"/admin/organisations/{hr.organisation_id}/verify").status_code == 302
    org = db.session.get(Organisation, hr.organisation_id)
    db.session.refresh(org)
    assert org.status == OrgStatus.VERIFIED.value and org.verified_at is not None
    assert f"/admin/organisations/{org.id}/verify" not in client.get("/admin/organisations").get_data(
        as_text=True
    )


def test_reject_needs_reason_and_applicant_sees_it(app, build):
    hr = build.enterprise(verified=False)
    client = admin_client(app, build)
    refused = client.post(f"/admin/organisations/{hr.organisation_id}/reject", data={"reason": "  "})
    assert refused.status_code == 400 and "请填写理由" in refused.get_data(as_text=True)
    assert db.session.get(Organisation, hr.organisation_id).status == "pending"

    client.post(f"/admin/organisations/{hr.organisation_id}/reject", data={"reason": "营业执照与名称不符"})
    hr_client = client_for(app, hr)
    home = hr_client.get("/enterprise/").get_data(as_text=True)
    assert "认证未通过" in home and "营业执照与名称不符" in home
    # The applicant corrects and submits again: back in the queue.
    assert hr_client.post("/enterprise/resubmit").status_code == 302
    org = db.session.get(Organisation, hr.organisation_id)
    db.session.refresh(org)
    assert org.status == "pending"
    assert hr_client.post("/enterprise/resubmit").status_code == 400  # only once


def test_member_join_and_approval(app, build):
    hr = build.enterprise()
    joiner = Builders.member(hr, "join@example.com", "新同事")
    db.session.commit()
    client = client_for(app, hr)
    assert "join@example.com" in client.get("/enterprise/members").get_data(as_text=True)
    assert client.post(f"/enterprise/members/{joiner.id}/approve").status_code == 302
    db.session.refresh(joiner)
    assert joiner.membership_status == "active"
    again = client.post(f"/enterprise/members/{joiner.id}/approve")
    assert again.status_code in (400, 404)
    joined = client_for(app, "join@example.com")
    assert joined.get("/enterprise/members").status_code == 200


def test_each_home_lists_who_asks_to_join_and_only_then(app, build):
    """The home reads the list of join requests only when its counts say there are some: an
    enterprise's colleague, a school's student and staff member each appear on their home."""
    hr = build.enterprise()
    staff = build.school()
    client, school_client = client_for(app, hr), client_for(app, staff)
    home = client.get("/enterprise/").get_data(as_text=True)
    assert "申请加入的同事" in home and "暂无加入申请。" in home  # colleagues, not internship applicants
    Builders.member(hr, "join@example.com", "新同事")
    student = build.student(staff, confirmed=False)
    Builders.member(staff, "teacher@example.com", "新老师")
    db.session.commit()
    assert "join@example.com" in client.get("/enterprise/").get_data(as_text=True)
    school_home = school_client.get("/school/").get_data(as_text=True)
    assert student.email in school_home and "teacher@example.com" in school_home


def test_member_rejection_needs_reason(app, build):
    hr = build.enterprise()
    joiner = Builders.member(hr, "join@example.com")
    db.session.commit()
    client = client_for(app, hr)
    assert client.post(f"/enterprise/members/{joiner.id}/reject", data={"reason": ""}).status_code == 400
    client.post(f"/enterprise/members/{joiner.id}/reject", data={"reason": "不是本公司员工"})
    db.session.refresh(joiner)
    assert joiner.membership_status == "rejected"
    seen = client_for(app, "join@example.com")
    assert "不是本公司员工" in seen.get("/enterprise/").get_data(as_text=True)


def test_pending_member_cannot_approve(app, build):
    hr = build.enterprise()
    first = Builders.member(hr, "a@example.com", "A")
    second = Builders.member(hr, "b@example.com", "B")
    db.session.commit()
    client = client_for(app, first)
    assert client.post(f"/enterprise/members/{second.id}/approve").status_code == 302  # sent home
    db.session.refresh(second)
    assert second.membership_status == "pending"


def test_school_confirms_its_students(app, build):
    staff = build.school()
    student = build.student(staff, confirmed=False)
    student_client = client_for(app, student)
    assert "等待学校确认" in student_client.get("/student/").get_data(as_text=True)
    client = client_for(app, staff)
    assert student.email in client.get("/school/members").get_data(as_text=True)
    client.post(f"/school/members/{student.id}/approve")
    db.session.refresh(student)
    assert student.membership_status == "active"
    assert "等待学校确认" not in student_client.get("/student/").get_data(as_text=True)


def test_other_school_cannot_confirm(app, build):
    staff_a, staff_b = build.school(), build.school()
    student = build.student(staff_a, confirmed=False)
    client = client_for(app, staff_b)
    assert client.post(f"/school/members/{student.id}/approve").status_code == 404
    db.session.refresh(student)
    assert student.membership_status == "pending"


def test_verified_school_publishes_major(app, build):
    staff = build.school()
    client = client_for(app, staff)
    program = staff.organisation.programs[0]
    assert client.post(f"/school/majors/{program.id}/publish").status_code == 302
    db.session.refresh(program)
    assert program.status == "published"
