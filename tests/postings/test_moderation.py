"""Postings moderation: verified enterprises publish at once; administrators take any posting down with a
reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, Notification, Posting
from portal.platform.errors import NotFound
from portal.postings import services as postings
from tests.conftest import Builders, client_for, login


def admin_client(app, build):
    admin = build.admin()
    db.session.commit()
    client = app.test_client()
    client.set_cookie("lang", "en")
    login(client, admin.email)
    return client


def audit_count(action: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))


def test_verified_enterprise_publishes_at_once_and_shows_in_the_queue(app, build):
    hr = build.enterprise(name="山东重工")
    posting = Builders.posting(hr, "internship", title="总装线岗位实习")
    assert posting.is_published  # no moderation step before publication
    client = admin_client(app, build)
    page = client.get("/admin/postings").get_data(as_text=True)
    assert "总装线岗位实习" in page and "山东重工" in page


def test_queue_filters_by_kind_enterprise_and_status_newest_first(app, build):
    heavy, care = build.enterprise(name="山东重工"), build.enterprise(name="颐康养老")
    Builders.posting(heavy, "internship", title="焊接实习")
    Builders.posting(heavy, "order_class", title="智能制造冠名班")
    Builders.posting(care, "apprenticeship", title="养老护理学徒")
    Builders.posting(care, "internship", title="护理草稿", publish=False)
    client = admin_client(app, build)

    page = client.get("/admin/postings").get_data(as_text=True)
    assert page.index("养老护理学徒") < page.index("智能制造冠名班") < page.index("焊接实习")
    assert "护理草稿" not in page
    page = client.get("/admin/postings?kind=internship").get_data(as_text=True)
    assert "焊接实习" in page and "智能制造冠名班" not in page and "养老护理学徒" not in page
    page = client.get(f"/admin/postings?enterprise={care.organisation_id}").get_data(as_text=True)
    assert "养老护理学徒" in page and "焊接实习" not in page
    page = client.get("/admin/postings?status=draft").get_data(as_text=True)
    assert "护理草稿" in page and "焊接实习" not in page
    page = client.get("/admin/postings?status=all&kind=bogus&enterprise=x&page=-1").get_data(as_text=True)
    assert "护理草稿" in page and "焊接实习" in page


def test_take_down_hides_the_posting_tells_the_owner_and_is_audited(app, build):
    hr = build.enterprise(name="山东重工")
    posting = Builders.posting(hr, "internship", title="违规招聘信息")
    public = app.test_client()
    assert public.get(f"/postings/{posting.id}").status_code == 200
    assert "违规招聘信息" in public.get("/postings").get_data(as_text=True)
    client = admin_client(app, build)

    response = client.post(
        f"/admin/postings/{posting.id}/take-down", data={"reason": "收取学生押金，违反规定"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    posting = db.session.get(Posting, posting.id)
    assert posting.is_closed and posting.is_taken_down and posting.takedown_reason == "收取学生押金，违反规定"
    assert public.get(f"/postings/{posting.id}").status_code == 404
    assert "违规招聘信息" not in public.get("/postings").get_data(as_text=True)
    assert "违规招聘信息" not in public.get(f"/enterprises/{hr.organisation_id}").get_data(as_text=True)

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "take_down"))
    assert (entry.subject_type, entry.subject_id) == ("posting", posting.id)
    assert (entry.from_state, entry.to_state, entry.reason) == (
        "published",
        "taken_down",
        "收取学生押金，违反规定",
    )
    assert entry.organisation_ids == [hr.organisation_id]
    note = db.session.scalar(
        select(Notification).where(Notification.user_id == hr.id, Notification.kind == "posting_taken_down")
    )
    assert note.params["reason"] == "收取学生押金，违反规定"

    owner = client_for(app, hr)
    page = owner.get("/auth/notifications").get_data(as_text=True)
    assert "收取学生押金，违反规定" in page
    page = owner.get("/enterprise/postings").get_data(as_text=True)
    assert 'data-testid="taken-down"' in page and "收取学生押金，违反规定" in page
    # The owner cannot bring it back.
    assert owner.post(f"/enterprise/postings/{posting.id}/edit", data={"title": "改"}).status_code in (
        400,
        404,
    )
    db.session.expire_all()
    assert db.session.get(Posting, posting.id).is_taken_down
    # The queue shows it under "taken down", with the reason.
    page = client.get("/admin/postings?status=taken_down").get_data(as_text=True)
    assert "违规招聘信息" in page and "收取学生押金，违反规定" in page


def test_take_down_refusals_change_nothing(app, build):
    hr = build.enterprise()
    posting = Builders.posting(hr, "internship", title="岗位")
    client = admin_client(app, build)
    # No reason.
    assert client.post(f"/admin/postings/{posting.id}/take-down", data={"reason": "  "}).status_code == 400
    # Unknown posting.
    assert client.post("/admin/postings/99999/take-down", data={"reason": "x"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Posting, posting.id).is_published and audit_count("take_down") == 0
    # Twice.
    assert client.post(f"/admin/postings/{posting.id}/take-down", data={"reason": "违规"}).status_code == 302
    response = client.post(f"/admin/postings/{posting.id}/take-down", data={"reason": "再次"})
    assert response.status_code == 400 and "already been taken down" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Posting, posting.id).takedown_reason == "违规" and audit_count("take_down") == 1
    # A posting its owner closed is no longer public: nothing to take down.
    closed = Builders.posting(hr, "internship", title="已关闭")
    postings.close_posting(hr, closed.id)
    db.session.commit()
    assert client.post(f"/admin/postings/{closed.id}/take-down", data={"reason": "x"}).status_code == 400
    assert audit_count("take_down") == 1


def test_only_administrators_moderate(app, build):
    hr = build.enterprise()
    posting = Builders.posting(hr, "internship", title="岗位")
    school = build.school()
    for user in (hr, school):
        client = client_for(app, user)
        assert client.get("/admin/postings").status_code == 403
        assert client.post(f"/admin/postings/{posting.id}/take-down", data={"reason": "x"}).status_code == 403
    assert app.test_client().get("/admin/postings").status_code == 302  # anonymous: to the login page
    db.session.expire_all()
    assert db.session.get(Posting, posting.id).is_published
    # The service refuses a non-administrator too, whatever calls it.
    with pytest.raises(NotFound):
        postings.take_down(hr, posting.id, "x")
    db.session.rollback()
    assert audit_count("take_down") == 0
