"""Concurrent clicks on one record's state machine make one transition, never two (issue 9).

The pattern of test_seat_concurrency.py (tests/races.py): real processes, each with its own app
and engine on the same SQLite file or PostgreSQL database, wait behind a barrier and then act at
once.
Before `locking.transition`, eight "accept terms" made four cooperations, verify ×4 and
reject ×4 recorded pending→rejected three times, and an admission and a withdrawal at the
same moment both went through (seat taken, student withdrawn).
"""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEntry, ClassApplication, Cooperation, NamedClass, Organisation, Proposal
from portal.named_classes import services as nc
from portal.partnerships import services as proposals
from tests import races
from tests.named_classes.test_named_classes import class_input, make_cooperation
from tests.partnerships.test_proposals import pair, terms  # noqa: F401  (fixture)

pytestmark = pytest.mark.xdist_group("races")  # one process runs them all: one pool
PROCESSES = 8
ACTIONS = {
    "approve_internship": "portal.internships.services:approve",
    "accept_terms": "portal.partnerships.services:accept_terms",
    "verify": "portal.organisations.services:verify",
    "reject": "portal.organisations.services:reject",
    "admit": "portal.named_classes.services:admit",
    "withdraw": "portal.named_classes.services:withdraw",
}
ARGS = {"approve_internship": ("李老师",), "reject": ("材料不全",)}  # after the record's id


def at_once(
    pool, db_url: str, round_no: int, jobs_: list[tuple[str, int, int]]
) -> list[tuple[str, int, str]]:
    """Run PROCESSES jobs (action, actor id, record id) at the same moment; their outcomes as
    (action, record id, "done" or "refused")."""
    assert len(jobs_) == PROCESSES
    by_path = {path: action for action, path in ACTIONS.items()}
    outcomes = races.at_once(
        pool,
        db_url,
        round_no,
        [(ACTIONS[action], actor_id, ident, *ARGS.get(action, ())) for action, actor_id, ident in jobs_],
        detach=False,  # the services read the actor's organisation after the barrier
    )
    return [(by_path[path], args[0], outcome.split(":")[0]) for path, args, outcome in outcomes]


def test_eight_accepts_of_one_proposal_make_one_cooperation(pair, db_url, race_pool):  # noqa: F811
    staff, hr, _program, _posting, proposal = pair
    proposals.express_interest(staff, proposal.id)
    proposals.propose_terms(staff, proposal.id, terms())
    db.session.commit()
    outcomes = at_once(race_pool, db_url, 0, [("accept_terms", hr.id, proposal.id)] * PROCESSES)
    assert Counter(o for *_, o in outcomes) == Counter({"done": 1, "refused": PROCESSES - 1})
    assert db.session.scalar(select(func.count()).select_from(Cooperation)) == 1
    agreed = db.session.get(Proposal, proposal.id)
    assert agreed.status == "agreed" and agreed.cooperation_id is not None
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.subject_type == "proposal", AuditEntry.action == "agree")
        )
        == 1
    )


def test_verify_and_reject_at_once_record_one_chain_of_transitions(build, db_url, race_pool):
    admin = build.admin()
    db.session.commit()
    for round_no in range(3):
        hr = build.enterprise(verified=False)
        org_id = hr.organisation_id
        jobs_ = [("verify" if i % 2 else "reject", admin.id, org_id) for i in range(PROCESSES)]
        outcomes = at_once(race_pool, db_url, round_no, jobs_)
        done = [action for action, _, outcome in outcomes if outcome == "done"]
        log = db.session.execute(
            select(AuditEntry.from_state, AuditEntry.to_state)
            .where(
                AuditEntry.subject_type == "organisation",
                AuditEntry.subject_id == org_id,
                AuditEntry.action.in_(["verify", "reject"]),
            )
            .order_by(AuditEntry.id)
        ).all()
        # One transition per success, each from the state the previous one left: pending→verified,
        # or pending→rejected then perhaps rejected→verified; never the same transition twice.
        assert len(log) == len(done) and 1 <= len(done) <= 2, (outcomes, log)
        assert log[0][0] == "pending" and all(a[1] == b[0] for a, b in zip(log, log[1:])), log
        assert len(set(log)) == len(log), log
        assert db.session.get(Organisation, org_id).status == log[-1][1]


def test_admit_and_withdraw_at_once_never_both(build, db_url, race_pool):
    staff, hr = build.school(), build.enterprise()
    students = races.students(build, staff, PROCESSES // 2 * 3)
    cooperation = make_cooperation(staff, hr, seats=len(students))
    named = nc.create_named_class(staff, cooperation.id, class_input(seats=len(students)), publish=True)
    applications = {s.id: nc.apply(s, named.id, "申请").id for s in students}
    db.session.commit()
    for round_no, chunk in enumerate(
        [students[i : i + PROCESSES // 2] for i in range(0, len(students), PROCESSES // 2)]
    ):
        jobs_ = []
        for student in chunk:
            jobs_ += [
                ("admit", staff.id, applications[student.id]),
                ("withdraw", student.id, applications[student.id]),
            ]
        outcomes = at_once(race_pool, db_url, round_no, jobs_)
        for student in chunk:
            ident = applications[student.id]
            won = [action for action, i, outcome in outcomes if i == ident and outcome == "done"]
            status = db.session.get(ClassApplication, ident).status
            assert len(won) == 1 and status == {"admit": "admitted", "withdraw": "withdrawn"}[won[0]], (
                won,
                status,
            )
    taken = db.session.get(NamedClass, named.id).taken
    assert taken == nc.admitted_count(named.id)


def test_the_last_intern_place_is_approved_once(build, db_url, race_pool):
    """Eight accepted placements at an enterprise of 10 employees (10 %: one intern), approved at once:
    one approval wins, the others are refused by the share rule, never two interns."""
    from portal.internships import services as internships
    from portal.models import Placement
    from tests.internships.test_internships import ADULT, internship_posting
    from tests.internships.test_internships import terms as offer_terms

    staff, hr = build.school(), build.enterprise()
    internships.record_staff(hr, 10)
    posting = internship_posting(hr)
    ids = []
    for student in races.students(build, staff, PROCESSES):
        placement = internships.apply(student, posting.id, "申请", ADULT, entry_year=ADULT.year + 16, sex="m")
        internships.offer(hr, placement.id, offer_terms())
        internships.answer(student, placement.id, accept=True)
        ids.append(placement.id)
    db.session.commit()
    outcomes = at_once(race_pool, db_url, 0, [("approve_internship", staff.id, i) for i in ids])
    assert Counter(o for *_, o in outcomes) == Counter({"done": 1, "refused": PROCESSES - 1})
    assert (
        db.session.scalar(select(func.count()).select_from(Placement).where(Placement.status == "approved"))
        == 1
    )
