"""Audit log: one entry per state change (who, when, from, to, why), none for a refusal, never changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select, update

from portal.audit import services as audit
from portal.extensions import db
from portal.models import AppendOnlyError, AuditEntry, Enterprise, Organisation, User
from portal.organisations import services as organisations
from portal.platform.errors import ServiceError
from portal.programs import services as programs
from tests.conftest import Builders, client_for


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


def _only_new(before: int) -> AuditEntry:
    """Exactly one entry was written since `before` entries; return it."""
    db.session.expire_all()
    assert _count() == before + 1
    return db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


def _entry_of(client, url: str, data: dict | None = None) -> AuditEntry:
    """The one entry a POST to `url` writes; the POST succeeds (redirects)."""
    before = _count()
    assert client.post(url, data=data).status_code == 302
    return _only_new(before)


# --- each hooked transition writes exactly one entry ------------------------------------------


def test_verify_writes_one_entry(app, build):
    admin = build.admin()
    hr = build.enterprise(verified=False)
    entry = _entry_of(client_for(app, admin), f"/admin/organisations/{hr.organisation_id}/verify")
    assert (entry.subject_type, entry.subject_id) == ("organisation", hr.organisation_id)
    assert entry.action == "verify"
    assert (entry.from_state, entry.to_state, entry.reason) == ("pending", "verified", None)
    assert (entry.actor_id, entry.actor_email) == (admin.id, admin.email)
    assert entry.organisation_ids == [hr.organisation_id]
    assert entry.created_at.tzinfo is not None
    assert abs(entry.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_reject_and_resubmit_write_one_entry_each(app, build):
    admin = build.admin()
    hr = build.enterprise(verified=False)
    org_id = hr.organisation_id
    before = _count()
    response = client_for(app, admin).post(
        f"/admin/organisations/{org_id}/reject", data={"reason": "执照模糊"}
    )
    assert response.status_code == 302
    entry = _only_new(before)
    assert (entry.action, entry.from_state, entry.to_state) == ("reject", "pending", "rejected")
    assert entry.reason == "执照模糊"
    assert entry.actor_id == admin.id

    entry = _entry_of(client_for(app, hr), "/enterprise/resubmit")
    assert (entry.action, entry.from_state, entry.to_state) == ("resubmit", "rejected", "pending")
    assert (entry.actor_id, entry.subject_id) == (hr.id, org_id)


def test_member_approve_and_reject_write_one_entry_each(app, build):
    hr = build.enterprise()
    joiner = Builders.member(hr, "join@example.com")
    other = Builders.member(hr, "other@example.com", "O")
    db.session.commit()
    client = client_for(app, hr)

    entry = _entry_of(client, f"/enterprise/members/{joiner.id}/approve")
    assert (entry.subject_type, entry.subject_id, entry.action) == ("user", joiner.id, "approve")
    assert (entry.from_state, entry.to_state, entry.actor_id) == ("pending", "active", hr.id)
    assert entry.organisation_ids == [hr.organisation_id]

    entry = _entry_of(client, f"/enterprise/members/{other.id}/reject", {"reason": "不认识"})
    assert (entry.action, entry.from_state, entry.to_state) == ("reject", "pending", "rejected")
    assert entry.reason == "不认识"


def test_student_confirmation_writes_one_entry(app, build):
    staff = build.school()
    student = build.student(staff, confirmed=False)
    entry = _entry_of(client_for(app, staff), f"/school/members/{student.id}/approve")
    assert (entry.subject_id, entry.action, entry.to_state) == (student.id, "approve", "active")
    assert entry.actor_id == staff.id


def test_disable_and_enable_write_one_entry_each(app, build):
    admin = build.admin()
    hr = build.enterprise()
    client = client_for(app, admin)
    entry = _entry_of(client, f"/admin/users/{hr.id}/disable")
    assert (entry.subject_type, entry.subject_id, entry.action) == ("user", hr.id, "disable")
    assert (entry.from_state, entry.to_state, entry.actor_id) == ("enabled", "disabled", admin.id)
    entry = _entry_of(client, f"/admin/users/{hr.id}/enable")
    assert (entry.action, entry.from_state, entry.to_state) == ("enable", "disabled", "enabled")


def test_program_publish_writes_one_entry(app, build):
    staff = build.school()
    program = staff.organisation.programs[0]
    before = _count()
    programs.publish_program(program, actor=staff)
    db.session.commit()
    entry = _only_new(before)
    assert (entry.subject_type, entry.subject_id, entry.action) == ("program", program.id, "publish")
    assert (entry.from_state, entry.to_state, entry.actor_id) == ("draft", "published", staff.id)
    assert entry.organisation_ids == [staff.organisation_id]


def test_program_publish_through_the_school_page_writes_one_entry(app, build):
    staff = build.school()
    program = staff.organisation.programs[0]
    entry = _entry_of(client_for(app, staff), f"/school/majors/{program.id}/publish")
    assert (entry.subject_id, entry.action, entry.to_state) == (program.id, "publish", "published")


def test_system_actor_and_extra_organisations(app, build):
    hr = build.enterprise()
    staff = build.school()
    entry = audit.record(
        None,
        ("cooperation", 7),
        "agree",
        "proposed",
        "agreed",
        organisations=[staff.organisation_id, hr.organisation_id],
    )
    db.session.commit()
    assert entry.actor_id is None and entry.actor_email is None
    assert entry.organisation_ids == sorted([staff.organisation_id, hr.organisation_id])
    found = audit.search(organisation_id=hr.organisation_id).items
    assert entry in found
    assert audit.history(("cooperation", 7)) == [entry]


def test_created_records_the_state_its_column_gave_it(app, build):
    """`audit.created` reads the status after the flush: a status left to its column's default
    (never set in the constructor) is recorded, not None."""
    admin = build.admin()
    org = Enterprise(name="默认状态企业", town="莱城区")
    assert org.status is None  # the default comes with the INSERT
    assert audit.created(admin, org, "create") is org and org.id is not None
    (entry,) = audit.history(org)
    assert (entry.actor_id, entry.action, entry.from_state, entry.to_state) == (
        admin.id,
        "create",
        None,
        "pending",
    )


# --- a refused transition writes nothing ---------------------------------------------------


def test_refused_transitions_write_nothing(app, build):
    admin = build.admin()
    hr = build.enterprise()  # verified
    pending_hr = build.enterprise(verified=False)
    staff = build.school()
    other_staff = build.school()
    student = build.student(staff, confirmed=False)
    joiner = Builders.member(hr, "join@example.com")
    db.session.commit()
    admin_client, hr_client, other_client = (
        client_for(app, admin),
        client_for(app, hr),
        client_for(app, other_staff),
    )
    before = _count()

    assert admin_client.post(f"/admin/organisations/{hr.organisation_id}/verify").status_code == 400  # twice
    posted = admin_client.post(f"/admin/organisations/{hr.organisation_id}/reject", data={"reason": "late"})
    assert posted.status_code == 400  # not pending
    posted = admin_client.post(
        f"/admin/organisations/{pending_hr.organisation_id}/reject", data={"reason": " "}
    )
    assert posted.status_code == 400  # no reason
    assert admin_client.post("/admin/organisations/99999/verify").status_code == 404
    assert hr_client.post("/enterprise/resubmit").status_code == 400  # not rejected
    assert admin_client.post(f"/admin/users/{admin.id}/disable").status_code == 400  # self
    assert admin_client.post(f"/admin/users/{hr.id}/enable").status_code == 400  # already enabled
    assert other_client.post(f"/school/members/{student.id}/approve").status_code == 404  # foreign
    assert hr_client.post(f"/enterprise/members/{student.id}/approve").status_code == 404
    assert hr_client.post(f"/enterprise/members/{joiner.id}/reject", data={"reason": ""}).status_code == 400
    program_id = staff.organisation.programs[0].id
    assert other_client.post(f"/school/majors/{program_id}/publish").status_code == 404
    with pytest.raises(ServiceError):
        organisations.approve_member(staff, staff.id)  # oneself
    db.session.rollback()
    programs.publish_program(staff.organisation.programs[0], actor=staff)
    db.session.commit()
    before += 1
    with pytest.raises(ServiceError):
        programs.publish_program(staff.organisation.programs[0], actor=staff)  # twice
    db.session.rollback()

    db.session.expire_all()
    assert _count() == before
    assert db.session.get(User, joiner.id).membership_status == "pending"
    assert db.session.get(Organisation, pending_hr.organisation_id).status == "pending"


# --- append-only ---------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(app, build):
    build.enterprise()  # its verification wrote an entry
    entry = db.session.scalar(select(AuditEntry).limit(1))
    entry_id, reason = entry.id, entry.reason

    entry.reason = "rewritten history"
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()

    db.session.delete(db.session.get(AuditEntry, entry_id))
    with pytest.raises(AppendOnlyError):
        db.session.flush()
    db.session.rollback()

    with pytest.raises(AppendOnlyError):
        db.session.execute(update(AuditEntry).values(reason="bulk"))
    db.session.rollback()
    with pytest.raises(AppendOnlyError):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()

    db.session.expire_all()
    assert db.session.get(AuditEntry, entry_id).reason == reason
    assert _count() >= 1


def test_history_survives_deleted_accounts(app, build):
    admin = build.admin()
    hr = build.enterprise(verified=False)
    organisations.verify(admin, hr.organisation_id)
    db.session.commit()
    # Deleting people (e.g. `flask remove-demo`) must not be blocked by, nor erase, the log.
    db.session.execute(update(Organisation).values(verified_by_id=None))
    db.session.execute(delete(User).where(User.id == admin.id))
    db.session.commit()
    entry = audit.search(action="verify").items[0]
    assert (entry.actor_id, entry.actor_email) == (admin.id, "admin@example.com")


# --- the administrators' page ----------------------------------------------------------------


def _rows(html: str) -> int:
    body = html.split('data-testid="audit-log"', 1)
    return body[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") if len(body) == 2 else 0


def test_non_admins_are_refused(app, build):
    staff = build.school()
    people = [build.enterprise(), staff, build.student(staff)]
    for person in people:
        assert client_for(app, person).get("/admin/audit").status_code == 403
    response = app.test_client().get("/admin/audit")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_admin_page_lists_newest_first_and_filters(app, build):
    admin = build.admin()
    hr = build.enterprise(verified=False, name="甲企业")
    rejected = build.enterprise(verified=False, name="乙企业")
    build.school()  # verified by the builder, as the same admin
    organisations.verify(admin, hr.organisation_id)
    organisations.reject(admin, rejected.organisation_id, "资料不全<script>")
    joiner = Builders.member(hr, "join@example.com")
    organisations.approve_member(hr, joiner.id)
    db.session.commit()
    client = client_for(app, admin)

    html = client.get("/admin/audit").get_data(as_text=True)
    assert _rows(html) == _count()
    # Newest first: the member approval comes before the rejection, which comes before the verification.
    assert html.index(hr.email) < html.index("资料不全") < html.index(f"#{hr.organisation_id}<")
    assert "<script>" not in html.split('data-testid="audit-log"')[1] and "&lt;script&gt;" in html
    assert 'href="/admin/audit"' in html  # the nav links the page

    html = client.get("/admin/audit?subject_type=user").get_data(as_text=True)
    assert _rows(html) == 1 and hr.email in html
    html = client.get("/admin/audit?action=reject").get_data(as_text=True)
    assert _rows(html) == 1 and "资料不全" in html
    html = client.get(f"/admin/audit?actor={hr.email}").get_data(as_text=True)
    assert _rows(html) == 1
    html = client.get("/admin/audit?actor=admin@").get_data(as_text=True)
    assert _rows(html) == _count() - 1
    html = client.get("/admin/audit?actor=system").get_data(as_text=True)
    assert _rows(html) == 0
    html = client.get("/admin/audit?subject_type=organisation&action=verify").get_data(as_text=True)
    assert _rows(html) == 2  # staff's school by the builder, hr's enterprise
    # Unknown filter values are ignored, not errors.
    assert client.get("/admin/audit?subject_type=x&action=y&from=nonsense&page=abc").status_code == 200


def test_date_range_uses_the_districts_calendar_days(app, build):
    admin = build.admin()
    db.session.commit()
    shanghai = timezone(timedelta(hours=8))
    # 2026-03-01 00:30 in Laiwu is still 2026-02-28 in UTC.
    moments = {
        "before": datetime(2026, 2, 28, 23, 59, tzinfo=shanghai),
        "first": datetime(2026, 3, 1, 0, 30, tzinfo=shanghai),
        "last": datetime(2026, 3, 2, 23, 59, tzinfo=shanghai),
        "after": datetime(2026, 3, 3, 0, 0, tzinfo=shanghai),
    }
    for name, moment in moments.items():
        db.session.add(
            AuditEntry(
                created_at=moment,
                actor_id=admin.id,
                actor_email=admin.email,
                subject_type="organisation",
                subject_id=1,
                action="verify",
                reason=name,
            )
        )
    db.session.commit()
    html = client_for(app, admin).get("/admin/audit?from=2026-03-01&to=2026-03-02").get_data(as_text=True)
    assert _rows(html) == 2
    assert ">first<" in html and ">last<" in html and ">before<" not in html and ">after<" not in html
    html = client_for(app, admin).get("/admin/audit?from=2026-03-02").get_data(as_text=True)
    assert ">last<" in html and ">after<" in html and ">first<" not in html


def test_admin_page_is_paginated(app, build):
    admin = build.admin()
    for i in range(audit.PER_PAGE + 5):
        audit.record(admin, ("organisation", i + 1), "verify", "pending", "verified", reason=f"r{i}")
    db.session.commit()
    client = client_for(app, admin)
    first = client.get("/admin/audit?actor=admin@example.com").get_data(as_text=True)
    assert _rows(first) == audit.PER_PAGE and 'rel="next"' in first
    assert f">r{audit.PER_PAGE + 4}<" in first  # newest on page 1
    second = client.get("/admin/audit?actor=admin%40example.com&page=2").get_data(as_text=True)
    assert _rows(second) == 5 and ">r0<" in second and 'rel="prev"' in second
    assert "actor=admin@example.com" in first.split('rel="next" href="')[1].split('"')[0]
