"""What waits for each person: the counts and lists each role's home shows.

Each count is one aggregate query (grouped where a list is shown), so a home costs
the same number of queries whether the organisation has three records or three
thousand (tests/portal/test_inbox.py counts them). Items carry an endpoint and its
arguments, not URLs: the template builds the link.

"Waiting for you" means the next step is this side's:
  proposals      the matcher proposed it and nobody acted, the other side is interested
                 and this side is not yet, or the other side put terms on the table;
  applications   submitted ones this side may decide (by the cooperation's admissions
                 mode), and for the school those the enterprise approved;
  exchanges      proposed ones, and those the other side already accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select

from portal.accounts.models import MembershipStatus, Role, User
from portal.apprenticeships.models import (
    AllocationRun,
    ApprenticePlace,
    ApprenticeshipProgramme,
    ProgrammeStatus,
    RunStatus,
)
from portal.exchanges.models import Exchange, ExchangeStatus
from portal.extensions import db
from portal.internships.models import EntryKind, Placement, PlacementStatus, TimelineEntry
from portal.named_classes.models import ApplicationStatus, ClassApplication, NamedClass, NamedClassStatus
from portal.organisations.models import Organisation, OrgStatus
from portal.partnerships.cooperation_models import AdmissionsMode, Cooperation
from portal.partnerships.models import Proposal, ProposalStatus
from portal.pilots.models import (
    PilotEnterpriseApplication,
    PilotEnterpriseStatus,
    PilotPartnership,
    PilotStatus,
)
from portal.platform.checks import district_today
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import Posting
from portal.programs.models import Program, PublicationStatus

EXPIRING_DAYS = 14


@dataclass(frozen=True)
class Waiting:
    """One line of a home's "waiting for you": how many and what (`portal.platform.links.INBOX` knows
    where, by `key`, the reader acts on it)."""

    key: str
    count: int
    label: Any
    hint: Any = ""
    join_requests: bool = False  # people asking to join the organisation (the home lists them)


@dataclass(frozen=True)
class MajorProposals:
    program_id: int
    program: str
    count: int


@dataclass(frozen=True)
class StudentApplication:
    id: int
    named_class: str
    named_class_id: int
    enterprise: str
    status: str
    closes_on: date
    decide_by: date

    @property
    def state(self) -> ApplicationStatus:
        return ApplicationStatus(self.status)


@dataclass(frozen=True)
class StudentProgramme:
    id: int
    name: str
    enterprise: str
    closes_on: date
    open_now: bool
    published: bool
    placed_at: str | None  # the place's site when placed
    unplaced: bool


def _count(stmt) -> int:
    return int(db.session.scalar(stmt) or 0)


def _counts(*stmts):
    """Several counts as one statement (each a scalar subquery): a home's figures cost one round
    trip to the database, not one each (issue 31, the base cost of a page)."""
    return select(*(stmt.scalar_subquery() for stmt in stmts))


def _counted(statement, **params) -> list[int]:
    row = db.session.execute(statement, params).one()
    return [int(value or 0) for value in row]


# Each home's counts are one statement built once, on first use, with its organisation, user and
# dates as bound parameters (`@cache` below): building and keying a statement of six subqueries
# cost 2 ms a request, five times the query itself (issue 31, the base cost of a page).
ORG, USER = bindparam("org"), bindparam("user")


def _proposals_waiting(side: str, org_id, *, partner_acted: bool | None = None):
    """Proposals whose next step is `side`'s ("school" or "enterprise"); `org_id` is the
    organisation's id or a bound parameter (ORG). `partner_acted`: True, only those where the other
    side has shown interest, asked or proposed terms; False, only the matcher's new proposals."""
    other = "enterprise" if side == "school" else "school"
    own_interest = getattr(Proposal, f"{side}_interested_at")
    new = Proposal.status == ProposalStatus.PROPOSED.value
    acted = or_(
        and_(Proposal.status == ProposalStatus.INTERESTED.value, own_interest.is_(None)),
        and_(Proposal.status == ProposalStatus.NEGOTIATING.value, Proposal.terms_by == other),
    )
    which = {None: or_(new, acted), True: acted, False: new}[partner_acted]
    return and_(getattr(Proposal, f"{side}_id") == org_id, which)


def _proposal_counts(side: str):
    """Those a partner waits on, then the matcher's new ones: counted apart, since a school's terms
    were lost among dozens of proposals nobody had looked at."""
    return tuple(
        select(func.count()).select_from(Proposal).where(_proposals_waiting(side, ORG, partner_acted=acted))
        for acted in (True, False)
    )


def _applications_to_decide(side: str, org_id):
    mode = Cooperation.admissions_mode
    submitted = ClassApplication.status == ApplicationStatus.SUBMITTED.value
    if side == "enterprise":
        who = Cooperation.enterprise_id == org_id
        decides = and_(
            submitted, mode.in_((AdmissionsMode.ENTERPRISE_REVIEW.value, AdmissionsMode.SHARED.value))
        )
    else:
        who = Cooperation.school_id == org_id
        decides = or_(
            and_(submitted, mode.in_((AdmissionsMode.SCHOOL.value, AdmissionsMode.SHARED.value))),
            ClassApplication.status == ApplicationStatus.ENTERPRISE_APPROVED.value,
        )
    return (
        select(func.count())
        .select_from(ClassApplication)
        .join(NamedClass, NamedClass.id == ClassApplication.named_class_id)
        .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
        .where(who, decides)
    )


def _exchanges_waiting(side: str, org_id):
    accepted_by_other = (
        ExchangeStatus.ACCEPTED_BY_SCHOOL if side == "enterprise" else ExchangeStatus.ACCEPTED_BY_ENTERPRISE
    )
    return (
        select(func.count())
        .select_from(Exchange)
        .where(
            getattr(Exchange, f"{side}_id") == org_id,
            Exchange.status.in_((ExchangeStatus.PROPOSED.value, accepted_by_other.value)),
        )
    )


def _pending_members(org_id, role: Role):
    return (
        select(func.count())
        .select_from(User)
        .where(
            User.organisation_id == org_id,
            User.role == role.value,
            User.membership_status == MembershipStatus.PENDING.value,
        )
    )


def _partners_waiting(count: int, label) -> Waiting:
    return Waiting(
        "partners",
        count,
        label,
        hint=_l("They showed interest in a proposal, asked you directly or proposed terms."),
    )


@cache
def _enterprise_counts():
    return _counts(
        *_proposal_counts("enterprise"),
        _applications_to_decide("enterprise", ORG),
        _exchanges_waiting("enterprise", ORG),
        select(func.count())
        .select_from(Posting)
        .where(
            Posting.enterprise_id == ORG,
            Posting.status == PublicationStatus.PUBLISHED.value,
            Posting.deadline >= bindparam("today"),
            Posting.deadline <= bindparam("soon"),
        ),
        _pending_members(ORG, Role.ENTERPRISE_HR),
        _placements(Placement.enterprise_id == ORG, PlacementStatus.APPLIED),
    )


def for_enterprise(hr: User) -> list[Waiting]:
    today = district_today()
    partners, proposals, applicants, exchanges, expiring, members, applied = _counted(
        _enterprise_counts(),
        org=hr.organisation_id,
        today=today,
        soon=today + timedelta(days=EXPIRING_DAYS),
    )
    return [
        _partners_waiting(partners, _l("Schools waiting for your answer")),
        Waiting(
            "proposals",
            proposals,
            _l("New proposals from the matcher"),
            hint=_l("Majors proposed for your postings that nobody has answered yet."),
        ),
        Waiting(
            "applicants",
            applicants,
            _l("Applicants to review"),
            hint=_l("Students who applied to your named classes, where your agreement lets you decide."),
        ),
        Waiting("exchanges", exchanges, _l("Teacher exchanges to answer")),
        Waiting(
            "expiring",
            expiring,
            _l("Postings closing within %(days)d days", days=EXPIRING_DAYS),
            hint=_l("Extend or close them so that schools see the right dates."),
        ),
        Waiting("members", members, _l("Colleagues asking to join"), join_requests=True),
        Waiting(
            "internship_applicants",
            applied,
            _l("New internship applicants"),
            hint=_l("Shortlist, offer or say no: the student waits for your answer."),
        ),
    ]


def _placements(owner, status: PlacementStatus):
    return select(func.count()).select_from(Placement).where(owner, Placement.status == status.value)


@cache
def _student_counts():
    logged = select(TimelineEntry.placement_id).where(
        TimelineEntry.kind == EntryKind.LOG.value, TimelineEntry.period == bindparam("monday")
    )
    return _counts(
        _placements(Placement.student_id == USER, PlacementStatus.OFFERED),
        select(func.count())
        .select_from(Placement)
        .where(
            Placement.student_id == USER,
            Placement.status == PlacementStatus.IN_PROGRESS.value,
            Placement.id.not_in(logged),
        ),
    )


def for_student(student: User) -> list[Waiting]:
    """A student's internship steps: offers to answer, and this week's log while an internship runs."""
    monday = district_today() - timedelta(days=district_today().weekday())  # internships.period_of(LOG)
    offers, logs_due = _counted(_student_counts(), user=student.id, monday=monday)
    return [
        Waiting(
            "internship_offers",
            offers,
            _l("Internship offers to answer"),
            hint=_l("Read the terms, then accept or decline."),
        ),
        Waiting(
            "internship_logs",
            logs_due,
            _l("Weekly internship logs due"),
            hint=_l("Write what you did this week in the internship's timeline."),
        ),
    ]


@cache
def _school_counts():
    return _counts(
        *_proposal_counts("school"),
        _applications_to_decide("school", ORG),
        _pending_members(ORG, Role.STUDENT),
        _pending_members(ORG, Role.SCHOOL_STAFF),
        _exchanges_waiting("school", ORG),
        _placements(Placement.school_id == ORG, PlacementStatus.ACCEPTED),
    )


def for_school(staff: User) -> list[Waiting]:
    partners, proposals, applicants, students, staff_waiting, exchanges, approvals = _counted(
        _school_counts(), org=staff.organisation_id
    )
    return [
        _partners_waiting(partners, _l("Enterprises waiting for your answer")),
        Waiting(
            "proposals",
            proposals,
            _l("New proposals from the matcher"),
            hint=_l("Per major below, with those enterprises wait on."),
        ),
        Waiting(
            "applicants",
            applicants,
            _l("Applicants to admit"),
            hint=_l("Applications you may decide now, including those the enterprise approved."),
        ),
        Waiting("students", students, _l("Students to confirm"), join_requests=True),
        Waiting("staff", staff_waiting, _l("Colleagues asking to join"), join_requests=True),
        Waiting("exchanges", exchanges, _l("Teacher exchanges to answer")),
        Waiting(
            "internship_approvals",
            approvals,
            _l("Accepted internship offers to approve"),
            hint=_l("The student accepted; the internship cannot start before the school approves it."),
        ),
    ]


def proposals_per_major(staff: User) -> list[MajorProposals]:
    """One grouped query: the school's majors with proposals waiting, most first."""
    rows = db.session.execute(
        select(Program.id, Program.name, func.count(Proposal.id))
        .join(Proposal, Proposal.program_id == Program.id)
        .where(_proposals_waiting("school", staff.organisation_id))
        .group_by(Program.id, Program.name)
        .order_by(func.count(Proposal.id).desc(), Program.name)
    ).all()
    return [MajorProposals(pid, name, int(n)) for pid, name, n in rows]


@cache
def _admin_counts():
    return _counts(
        select(func.count()).select_from(Organisation).where(Organisation.status == OrgStatus.PENDING.value),
        select(func.count())
        .select_from(PilotPartnership)
        .where(PilotPartnership.status == PilotStatus.SUBMITTED.value),
        select(func.coalesce(func.sum(PilotPartnership.open_objections), 0)).where(
            PilotPartnership.status == PilotStatus.APPROVED.value
        ),
        select(func.count())
        .select_from(PilotEnterpriseApplication)
        .where(PilotEnterpriseApplication.status == PilotEnterpriseStatus.SUBMITTED.value),
        select(func.count())
        .select_from(Posting)
        .where(
            Posting.status == PublicationStatus.PUBLISHED.value,
            func.date(Posting.published_at) >= bindparam("week_ago"),
        ),
    )


def for_admin() -> list[Waiting]:
    pending_orgs, pilots, objections, pilot_enterprises, new_postings = _counted(
        _admin_counts(), week_ago=district_today() - timedelta(days=7)
    )
    return [
        Waiting("organisations", pending_orgs, _l("Organisations to verify")),
        Waiting("pilots", pilots, _l("Pilot partnerships to decide")),
        Waiting(
            "objections",
            objections,
            _l("Objections to pilots to answer"),
            hint=_l("A pilot cannot become final while an objection is unanswered."),
        ),
        Waiting("pilot_enterprises", pilot_enterprises, _l("Pilot enterprise applications to decide")),
        Waiting(
            "postings",
            new_postings,
            _l("Postings published this week to look over"),
            hint=_l("Take down what breaks the rules; the enterprise reads your reason."),
        ),
    ]


def accounts_by_role() -> dict[str, int]:
    return {
        role: int(n) for role, n in db.session.execute(select(User.role, func.count()).group_by(User.role))
    }


def applications_of(student: User) -> list[StudentApplication]:
    """The student's applications, newest first, with their deadlines (one query)."""
    rows = db.session.execute(
        select(
            ClassApplication.id,
            NamedClass.name,
            NamedClass.id,
            Organisation.name,
            ClassApplication.status,
            NamedClass.closes_on,
            NamedClass.decide_by,
        )
        .join(NamedClass, NamedClass.id == ClassApplication.named_class_id)
        .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
        .join(Organisation, Organisation.id == Cooperation.enterprise_id)
        .where(ClassApplication.student_id == student.id)
        .order_by(ClassApplication.submitted_at.desc())
    ).all()
    return [StudentApplication(*row) for row in rows]


def open_classes_for(student: User) -> int:
    """Named classes of the student's major open for applications today."""
    if not student.program_id or student.membership_status != MembershipStatus.ACTIVE.value:
        return 0
    today = district_today()
    return _count(
        select(func.count())
        .select_from(NamedClass)
        .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
        .where(
            Cooperation.program_id == student.program_id,
            NamedClass.status == NamedClassStatus.OPEN.value,
            NamedClass.opens_on <= today,
            NamedClass.closes_on >= today,
        )
    )


def apprenticeships_of(student: User) -> list[StudentProgramme]:
    """The student's school's programmes with the student's allocation result (three queries)."""
    if not student.organisation_id or student.membership_status != MembershipStatus.ACTIVE.value:
        return []
    today = district_today()
    programmes = db.session.execute(
        select(
            ApprenticeshipProgramme.id,
            ApprenticeshipProgramme.name,
            Organisation.name,
            ApprenticeshipProgramme.opens_on,
            ApprenticeshipProgramme.closes_on,
            ApprenticeshipProgramme.status,
        )
        .join(Organisation, Organisation.id == ApprenticeshipProgramme.enterprise_id)
        .where(
            ApprenticeshipProgramme.school_id == student.organisation_id,
            ApprenticeshipProgramme.status != ProgrammeStatus.DRAFT.value,
        )
        .order_by(ApprenticeshipProgramme.closes_on.desc())
    ).all()
    runs = (
        {
            run.programme_id: run
            for run in db.session.scalars(
                select(AllocationRun).where(
                    AllocationRun.programme_id.in_([p[0] for p in programmes]),
                    AllocationRun.status == RunStatus.PUBLISHED.value,
                )
            )
        }
        if programmes
        else {}
    )
    sid = str(student.id)
    assigned = {pid: run.result["assignments"].get(sid) for pid, run in runs.items()}
    applied = {pid: any(s["id"] == sid for s in run.inputs["students"]) for pid, run in runs.items()}
    place_ids = [int(a) for a in assigned.values() if a]
    sites = (
        dict(
            db.session.execute(
                select(ApprenticePlace.id, ApprenticePlace.site).where(ApprenticePlace.id.in_(place_ids))
            ).all()
        )
        if place_ids
        else {}
    )
    result = []
    for pid, name, enterprise, opens_on, closes_on, status in programmes:
        published = pid in runs
        place = assigned.get(pid)
        result.append(
            StudentProgramme(
                pid,
                name,
                enterprise,
                closes_on,
                open_now=status == ProgrammeStatus.OPEN.value and opens_on <= today <= closes_on,
                published=published,
                placed_at=(sites.get(int(place)) or "—") if place else None,
                unplaced=published and applied.get(pid, False) and not place,
            )
        )
    return result
