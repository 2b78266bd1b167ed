"""Who reaches what with a token: each scope against each operation, another organisation's ids,
revoked and expired tokens, Idempotency-Key, field problems all at once, rate limits per token."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ApiToken, Posting, Program, Teacher, TeachingNeed
from portal.platform.checks import district_today
from portal.platform.model_base import utcnow
from tests.api.conftest import bearer
from tests.conftest import client_for

NEW_POSTING = {
    "kind": "internship",
    "title": "数控实习",
    "headcount": 3,
    "town": "fengcheng",
    "deadline": (district_today() + timedelta(days=60)).isoformat(),
    "details": {"positions": "数控操作", "months": 3},
}


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(build):
    """Two enterprises and two schools, each with records, and an administrator."""
    hr, other_hr = build.enterprise(), build.enterprise()
    staff, other_staff = build.school(), build.school()
    own_posting = build.posting(hr, publish=False)
    foreign_posting = build.posting(other_hr, publish=False)
    from portal.programs import records as school_records

    foreign_teacher = school_records.create_teacher(other_staff.organisation, name="别校老师")
    foreign_need = school_records.create_need(other_staff.organisation, course="别校课程", hours=10)
    own_need = school_records.create_need(staff.organisation, course="本校课程", hours=10)
    db.session.commit()
    return {
        "hr": hr,
        "other_hr": other_hr,
        "staff": staff,
        "other_staff": other_staff,
        "admin": build.admin(),
        "own_posting": own_posting.id,
        "foreign_posting": foreign_posting.id,
        "foreign_major": other_staff.organisation.programs[0].id,
        "own_major": staff.organisation.programs[0].id,
        "foreign_teacher": foreign_teacher.id,
        "foreign_need": foreign_need.id,
        "own_need": own_need.id,
    }


def _operations(w):
    """(method, path, body, roles that may, needs write) for every token operation."""
    return [
        ("GET", "/api/v1/me", None, {"hr", "staff", "admin"}, False),
        ("GET", "/api/v1/enterprise/postings", None, {"hr"}, False),
        ("POST", "/api/v1/enterprise/postings", NEW_POSTING, {"hr"}, True),
        ("GET", f"/api/v1/enterprise/postings/{w['own_posting']}", None, {"hr"}, False),
        ("PUT", f"/api/v1/enterprise/postings/{w['own_posting']}", NEW_POSTING, {"hr"}, True),
        ("GET", f"/api/v1/enterprise/postings/{w['own_posting']}/proposals", None, {"hr"}, False),
        ("GET", "/api/v1/school/majors", None, {"staff"}, False),
        ("POST", "/api/v1/school/majors", {"name": "数控技术应用", "intake_capacity": 40}, {"staff"}, True),
        ("GET", f"/api/v1/school/majors/{w['own_major']}", None, {"staff"}, False),
        ("GET", f"/api/v1/school/majors/{w['own_major']}/proposals", None, {"staff"}, False),
        ("GET", "/api/v1/school/teachers", None, {"staff"}, False),
        ("POST", "/api/v1/school/teachers", {"name": "新老师"}, {"staff"}, True),
        ("GET", "/api/v1/school/teaching-needs", None, {"staff"}, False),
        ("POST", "/api/v1/school/teaching-needs", {"course": "焊接", "hours": 8}, {"staff"}, True),
        (
            "POST",
            f"/api/v1/school/teaching-needs/{w['own_need']}/status",
            {"status": "filled"},
            {"staff"},
            True,
        ),
        ("GET", "/api/v1/school/placements", None, {"staff"}, False),
        ("GET", "/api/v1/district/dashboard", None, {"admin"}, False),
        ("GET", "/api/v1/district/yearly-report", None, {"admin"}, False),
    ]


@pytest.mark.parametrize("scope", ["read", "write"])
def test_each_scope_against_each_operation(client, world, token_for, scope):
    raws = {who: token_for(world[who], scope=scope) for who in ("hr", "staff", "admin")}
    for method, path, body, allowed, needs_write in _operations(world):
        for who, raw in raws.items():
            response = client.open(path, method=method, json=body, headers=bearer(raw))
            if who not in allowed:
                expected = 403
            elif needs_write and scope == "read":
                expected = 403
            else:
                created = method == "POST" and path.endswith(("postings", "majors", "teachers", "needs"))
                expected = 201 if created else 200
            assert response.status_code == expected, (scope, who, method, path, response.get_json())
            if expected == 403:
                assert response.mimetype == "application/problem+json"
        assert client.open(path, method=method, json=body).status_code == 401


def test_no_read_or_write_across_organisations(client, world, token_for):
    hr, staff = token_for(world["hr"]), token_for(world["staff"])

    def state():
        counts = [_count(model) for model in (Posting, Program, Teacher, TeachingNeed)]
        return (*counts, db.session.get(Posting, world["foreign_posting"]).title)

    before = state()
    foreign = [
        (hr, "GET", f"/api/v1/enterprise/postings/{world['foreign_posting']}", None),
        (hr, "PUT", f"/api/v1/enterprise/postings/{world['foreign_posting']}", NEW_POSTING),
        (hr, "POST", f"/api/v1/enterprise/postings/{world['foreign_posting']}/publish", None),
        (hr, "POST", f"/api/v1/enterprise/postings/{world['foreign_posting']}/close", None),
        (hr, "GET", f"/api/v1/enterprise/postings/{world['foreign_posting']}/proposals", None),
        (staff, "GET", f"/api/v1/school/majors/{world['foreign_major']}", None),
        (staff, "PUT", f"/api/v1/school/majors/{world['foreign_major']}", {"name": "数控技术应用"}),
        (staff, "POST", f"/api/v1/school/majors/{world['foreign_major']}/publish", None),
        (staff, "POST", f"/api/v1/school/majors/{world['foreign_major']}/close", None),
        (staff, "GET", f"/api/v1/school/majors/{world['foreign_major']}/proposals", None),
        (staff, "PUT", f"/api/v1/school/teachers/{world['foreign_teacher']}", {"name": "改名"}),
        (staff, "DELETE", f"/api/v1/school/teachers/{world['foreign_teacher']}", None),
        (
            staff,
            "PUT",
            f"/api/v1/school/teaching-needs/{world['foreign_need']}",
            {"course": "改", "hours": 2},
        ),
        (
            staff,
            "POST",
            f"/api/v1/school/teaching-needs/{world['foreign_need']}/status",
            {"status": "closed"},
        ),
        (staff, "GET", "/api/v1/school/named-classes/1/applicants", None),
    ]
    for raw, method, path, body in foreign:
        response = client.open(path, method=method, json=body, headers=bearer(raw))
        assert response.status_code == 404, (method, path, response.get_json())
    db.session.expire_all()
    assert state() == before
    # Lists hold the token's organisation's records only.
    listed = client.get("/api/v1/enterprise/postings", headers=bearer(hr)).get_json()["items"]
    assert {p["id"] for p in listed} == {world["own_posting"]}
    teachers = client.get("/api/v1/school/teachers", headers=bearer(staff)).get_json()["items"]
    assert "别校老师" not in [t["name"] for t in teachers]


def test_revoked_expired_and_disabled_tokens_are_refused_at_once(client, world, token_for):
    from portal.api import tokens

    raw = token_for(world["hr"])
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.hash_of(raw)))
    assert token.last_used_at is not None  # shown on the API access page
    tokens.revoke(world["hr"], token.id)
    db.session.commit()
    refused = client.get("/api/v1/me", headers=bearer(raw))
    assert refused.status_code == 401 and "Bearer" in refused.headers["WWW-Authenticate"]

    expiring = token_for(world["hr"])
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == tokens.hash_of(expiring)))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(expiring)).status_code == 401

    staff_raw = token_for(world["staff"])
    world["staff"].disabled = True  # as an administrator disabling the account does
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(staff_raw)).status_code == 401
    assert client.get("/api/v1/me", headers=bearer("xqt_made-up")).status_code == 401


def test_tokens_are_stored_hashed_and_shown_once(app, world, token_for):
    raw = token_for(world["hr"])
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert raw not in stored and all(len(h) == 64 for h in stored)

    web = client_for(app, world["hr"])
    page = web.get("/enterprise/api-access").get_data(as_text=True)
    assert raw not in page and raw[:8] in page  # the prefix tells tokens apart
    made = web.post("/enterprise/api-access/tokens", data={"name": "ERP", "scope": "read", "days": "30"})
    shown = re.search(r"xqt_[A-Za-z0-9_-]{43}", made.get_data(as_text=True))
    assert made.status_code == 200 and shown is not None
    assert shown.group(0) not in web.get("/enterprise/api-access").get_data(as_text=True)
    assert client_ok(web, shown.group(0))
    other = client_for(app, world["other_hr"])
    token_id = db.session.scalar(
        select(ApiToken.id).where(ApiToken.organisation_id == world["hr"].organisation_id)
    )
    assert other.post(f"/enterprise/api-access/tokens/{token_id}/revoke").status_code == 404


def client_ok(app_client, raw: str) -> bool:
    app_client.confirms = False
    return app_client.get("/api/v1/me", headers=bearer(raw)).status_code == 200


def test_idempotency_key_replays_the_first_answer_and_writes_once(client, world, token_for):
    raw = token_for(world["hr"])
    headers = bearer(raw, **{"Idempotency-Key": "order-7"})
    before = _count(Posting)
    first = client.post("/api/v1/enterprise/postings", json=NEW_POSTING, headers=headers)
    again = client.post("/api/v1/enterprise/postings", json=NEW_POSTING, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json()["id"] == again.get_json()["id"]
    assert _count(Posting) == before + 1
    changed = client.post(
        "/api/v1/enterprise/postings", json={**NEW_POSTING, "title": "别的"}, headers=headers
    )
    assert changed.status_code == 422 and changed.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert _count(Posting) == before + 1
    # Another token may use the same key for its own request.
    other = client.post(
        "/api/v1/enterprise/postings",
        json=NEW_POSTING,
        headers=bearer(token_for(world["other_hr"]), **{"Idempotency-Key": "order-7"}),
    )
    assert other.status_code == 201 and _count(Posting) == before + 2


@pytest.mark.parametrize("key", ["order 7", "订单7", "x" * 201, "tab\there"])
def test_an_idempotency_key_the_spec_refuses_is_refused_and_nothing_is_written(client, world, token_for, key):
    """The spec's header schema (pattern ^[!-~]+$, at most 200): a space inside, non-ASCII, too long, a
    control character. The API fuzzer found a key with a space accepted."""
    before = _count(Posting)
    answer = client.post(
        "/api/v1/enterprise/postings",
        json=NEW_POSTING,
        headers=bearer(token_for(world["hr"]), **{"Idempotency-Key": key}),
    )
    assert answer.status_code == 422
    assert answer.get_json()["errors"] == [
        {
            "field": "Idempotency-Key",
            "message": "Idempotency-Key 须为 1 至 200 个可见 ASCII 字符（字母、数字和标点），不含空格。",
        }
    ]
    assert _count(Posting) == before


def test_every_field_problem_at_once_with_the_forms_messages(client, world, token_for):
    raw = token_for(world["hr"])
    body = {
        "kind": "internship",
        "title": "",
        "headcount": "three",
        "town": "x",
        "deadline": "2001-01-01",
        "details": {"months": 99},
    }
    response = client.post(
        "/api/v1/enterprise/postings", json=body, headers=bearer(raw, **{"Accept-Language": "en"})
    )
    assert response.status_code == 422
    problems = {e["field"]: e["message"] for e in response.get_json()["errors"]}
    assert set(problems) >= {"title", "headcount", "town", "deadline", "details.months", "details.positions"}
    assert problems["deadline"] == "The application deadline is in the past."  # the form's message
    assert problems["title"] == "Title is required."
    zh = client.post(
        "/api/v1/enterprise/postings", json=body, headers=bearer(raw, **{"Accept-Language": "zh"})
    )
    assert zh.get_json()["errors"] and all(
        any("\u4e00" <= ch <= "\u9fff" for ch in e["message"]) for e in zh.get_json()["errors"]
    )


def test_state_conflicts_are_409(client, world, token_for):
    raw = token_for(world["hr"])
    path = f"/api/v1/enterprise/postings/{world['own_posting']}"
    assert client.post(path + "/publish", headers=bearer(raw)).status_code == 200
    again = client.post(path + "/publish", headers=bearer(raw))
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert client.post(path + "/close", headers=bearer(raw)).status_code == 200
    assert client.put(path, json=NEW_POSTING, headers=bearer(raw)).status_code == 409


def test_rate_limit_is_per_token(app_factory, build, token_for):
    app = app_factory(API_RATE_LIMIT="3 per minute")
    with app.app_context():
        hr = build.enterprise()
        one, two = token_for(hr), token_for(hr)
    client = app.test_client()
    client.confirms = False
    statuses = [client.get("/api/v1/me", headers=bearer(one)).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/me", headers=bearer(one))
    assert limited.mimetype == "application/problem+json" and "Retry-After" in limited.headers
    assert client.get("/api/v1/me", headers=bearer(two)).status_code == 200


def test_the_same_key_sent_twice_at_once_writes_once(app, world, token_for, db_url):
    """Two requests with one Idempotency-Key at the same moment: one posting, one answer for both."""
    import threading

    raw = token_for(world["hr"])
    before = _count(Posting)
    barrier = threading.Barrier(2)
    answers: list = []

    def send():
        client = app.test_client()
        client.confirms = False
        barrier.wait()
        response = client.post(
            "/api/v1/enterprise/postings",
            json=NEW_POSTING,
            headers=bearer(raw, **{"Idempotency-Key": "same"}),
        )
        answers.append((response.status_code, response.get_json().get("id")))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    assert [status for status, _id in answers] == [201, 201]
    assert len({posting_id for _status, posting_id in answers}) == 1
    assert _count(Posting) == before + 1


def test_a_teacher_carries_the_2022_certification_checked_as_on_the_form(client, world, token_for):
    """教师厅〔2022〕2号: a level needs its date and certifying body (every problem at once, as on the
    form); a certified teacher reads back with level, date and body; the yes/no of earlier clients
    still records a teacher (level not recorded)."""
    raw = token_for(world["staff"])
    headers = bearer(raw, **{"Accept-Language": "en"})
    refused = client.post(
        "/api/v1/school/teachers", json={"name": "周老师", "dq_level": "junior"}, headers=headers
    )
    assert refused.status_code == 422
    assert {"dq_certified_on", "dq_certified_by"} <= {e["field"] for e in refused.get_json()["errors"]}
    assert _count(Teacher) == 1  # only the other school's
    made = client.post(
        "/api/v1/school/teachers",
        json={
            "name": "周老师",
            "dq_level": "intermediate",
            "dq_certified_on": "2025-09-01",
            "dq_certified_by": "school",
        },
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["dq_level"], body["dq_certified_on"], body["dq_certified_by"]) == (
        "intermediate",
        "2025-09-01",
        "school",
    )
    assert body["subject_teacher"] is True and body["double_qualified"] is True
    legacy = client.post(
        "/api/v1/school/teachers", json={"name": "吴老师", "double_qualified": True}, headers=headers
    )
    assert legacy.status_code == 201 and legacy.get_json()["dq_level"] == "unknown"
