"""Homes that say what waits (issue 13, item 3): the counts follow whose turn it is,
stay within the organisation, and cost a fixed number of queries."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import event, select

from portal import inbox
from portal.extensions import db
from portal.models import Proposal
from portal.partnerships import services as proposals
from tests.conftest import client_for
from tests.partnerships.test_proposals import TODAY, publish_posting, publish_program, terms


@contextmanager
def counted():
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


@pytest.fixture
def pair(build):
    staff, hr = build.school(), build.enterprise()
    program = publish_program(staff)
    posting = publish_posting(hr)
    proposal = db.session.scalar(select(Proposal).where(Proposal.posting_id == posting.id))
    return staff, hr, program, posting, proposal


def waiting(items) -> dict[str, int]:
    return {w.key: w.count for w in items}


def test_proposals_wait_for_whoever_acts_next(pair, build):
    """New proposals and those a partner waits on are counted apart: a partner's interest or terms
    is not lost among the matcher's proposals nobody has looked at."""
    staff, hr, program, _posting, proposal = pair

    def counts(who):
        found = waiting(inbox.for_school(who) if who is staff else inbox.for_enterprise(who))
        return found["partners"], found["proposals"]

    assert counts(staff) == (0, 1) and counts(hr) == (0, 1)
    proposals.express_interest(staff, proposal.id)
    db.session.commit()
    assert counts(staff) == (0, 0)
    assert counts(hr) == (1, 0)  # the school waits on the enterprise now
    proposals.propose_terms(hr, proposal.id, terms())
    db.session.commit()
    assert counts(hr) == (0, 0)
    assert counts(staff) == (1, 0)
    assert [(m.program, m.count) for m in inbox.proposals_per_major(staff)] == [(program.name, 1)]
    # Another enterprise and another school see none of it.
    assert waiting(inbox.for_enterprise(build.enterprise()))["partners"] == 0
    assert inbox.proposals_per_major(build.school()) == []
    page = client_for(current_app, staff).get("/school/").get_data(as_text=True)
    assert "等待您答复的企业" in page and "/school/proposals" in page


def test_postings_closing_soon(pair):
    _staff, hr, *_ = pair
    assert waiting(inbox.for_enterprise(hr))["expiring"] == 0
    publish_posting(hr, title="焊工短期订单", headcount=5)
    soon = publish_posting(hr, title="装配工订单", headcount=5)
    soon.deadline = TODAY + timedelta(days=3)
    db.session.commit()
    assert waiting(inbox.for_enterprise(hr))["expiring"] == 1


def test_queries_do_not_grow_with_the_records(pair, build):
    staff, hr, *_ = pair
    admin = build.admin()

    def cost():
        db.session.expire_all()
        with counted() as statements:
            inbox.for_enterprise(hr)
            inbox.for_school(staff)
            inbox.proposals_per_major(staff)
            inbox.for_admin()
        return len(statements)

    before = cost()
    for n in range(6):
        publish_posting(hr, title=f"焊接订单班 {n}", headcount=5)
        build.enterprise()
    after = cost()
    assert before == after, (before, after)
    assert admin


def test_homes_show_counts_with_links(app, pair):
    staff, hr, *_ = pair
    client = client_for(app, hr)
    html = client.get("/enterprise/").get_data(as_text=True)
    assert 'data-testid="waiting-proposals-count">1<' in html
    assert 'href="/enterprise/proposals"' in html
    client = client_for(app, staff)
    html = client.get("/school/").get_data(as_text=True)
    assert 'data-testid="waiting-proposals-count">1<' in html
    assert 'data-testid="proposals-per-major"' in html and "#owner-" in html  # the major's section
    assert 'data-testid="part-time-share"' in html
