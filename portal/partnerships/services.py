"""Partnership proposals: the workflow from a matcher proposal (or a direct request) to a Cooperation.

States (`ProposalStatus`) and the transitions this module allows:

    proposed ──interest──▶ interested ──terms──▶ negotiating ──accept (other side)──▶ agreed
        │                      │                   │  ▲
        │                      │                   └──┘ counter-proposal (other side)
        └──────────────────────┴───────────────────┴──decline (either side, with reason)──▶ declined

    (nothing)  ──ask directly (school or HR)──▶ interested

`agreed` and `declined` are final here; only the matcher reopens a declined
proposal, when its inputs change (`portal.partnerships.matching`). Every refused
transition raises before anything changes; every allowed one writes an audit
entry and notifies the other side's staff. An actor only ever sees proposals of
their own organisation: anything else is NotFound.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.audit import services as audit
from portal.extensions import db
from portal.notifications import services as notifications
from portal.partnerships import cooperations
from portal.partnerships import matching as matcher
from portal.partnerships.cooperation_models import AdmissionsMode, Cooperation, CooperationKind
from portal.partnerships.models import Origin, Proposal, ProposalStatus, Side
from portal.platform import checks, events
from portal.platform.checks import district_today
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.model_base import utcnow
from portal.platform.search import Page
from portal.postings.models import Posting
from portal.postings.services import PostingQuery, own_postings_page, search_postings
from portal.programs.directory import MajorQuery, search_majors
from portal.programs.models import Program, PublicationStatus

TITLE_MAX = 120
PROVIDES_MAX = 1000
MAX_SEATS = 1000
MAX_MONTHS = 72
KINDS = [k.value for k in CooperationKind]
ADMISSIONS_MODES = [m.value for m in AdmissionsMode]

# The posting kind suggests the cooperation kind a form starts with.
KIND_FOR_POSTING = {
    "order_class": CooperationKind.ORDER_CLASS.value,
    "apprenticeship": CooperationKind.APPRENTICESHIP.value,
    "internship": CooperationKind.INTERNSHIP.value,
    "part_time_teacher": CooperationKind.TEACHER_EXCHANGE.value,
    "staff_training": CooperationKind.STAFF_TRAINING.value,
}


@dataclass(frozen=True)
class Terms:
    """What the two sides agree on; stored on the proposal as JSON until accepted."""

    kind: str
    title: str
    seats: int
    start_date: date
    duration_months: int
    school_provides: str = ""
    enterprise_provides: str = ""
    admissions_mode: str = AdmissionsMode.SCHOOL.value

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["start_date"] = self.start_date.isoformat()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Terms:
        return cls(**{**data, "start_date": date.fromisoformat(data["start_date"])})


def _check_start(start: object, today: date) -> None:
    if not isinstance(start, date):
        raise ServiceError(_l("Enter a date."), field="start_date")
    if start < today - timedelta(days=366):
        raise ServiceError(_l("The start date is more than a year in the past."), field="start_date")
    if start > today + timedelta(days=366 * 5):
        raise ServiceError(_l("The start date is more than 5 years ahead."), field="start_date")


def check_terms(terms: Terms, *, today: date | None = None) -> Terms:
    """The terms, checked: every problem at once, each with its field."""
    today = today or district_today()
    problems = Problems()
    if terms.kind not in KINDS:
        problems.add(_l("Please choose a valid kind of cooperation."), field="kind")
    if terms.admissions_mode not in ADMISSIONS_MODES:
        problems.add(_l("Please choose who admits students."), field="admissions_mode")
    problems.check(_check_start, terms.start_date, today)
    checked = Terms(
        kind=terms.kind,
        title=problems.check(checks.text, terms.title, field="title", max_length=TITLE_MAX, required=True),
        seats=problems.check(checks.integer, terms.seats, field="seats", minimum=1, maximum=MAX_SEATS),
        start_date=terms.start_date,
        duration_months=problems.check(
            checks.integer, terms.duration_months, field="duration_months", minimum=1, maximum=MAX_MONTHS
        ),
        school_provides=problems.check(
            checks.text, terms.school_provides, field="school_provides", max_length=PROVIDES_MAX
        ),
        enterprise_provides=problems.check(
            checks.text, terms.enterprise_provides, field="enterprise_provides", max_length=PROVIDES_MAX
        ),
        admissions_mode=terms.admissions_mode,
    )
    problems.raise_if_any()
    return checked


def suggested_terms(proposal: Proposal) -> Terms:
    """What the terms form starts with: the terms on the table, else figures from the posting."""
    if proposal.terms:
        return Terms.from_json(proposal.terms)
    posting = proposal.posting
    start = posting.start_date or district_today() + timedelta(days=90)
    months = 12
    if posting.start_date and posting.end_date:
        months = max(1, min(MAX_MONTHS, round((posting.end_date - posting.start_date).days / 30.4)))
    return Terms(
        kind=KIND_FOR_POSTING.get(posting.kind, CooperationKind.ORDER_CLASS.value),
        title=f"{posting.enterprise.name} × {proposal.program.name}"[:TITLE_MAX],
        seats=max(1, min(posting.headcount or 1, MAX_SEATS)),
        start_date=start,
        duration_months=months,
    )


# --- who is acting ------------------------------------------------------------------


def side_of(user: User) -> Side | None:
    if user.role == Role.SCHOOL_STAFF.value:
        return Side.SCHOOL
    if user.role == Role.ENTERPRISE_HR.value:
        return Side.ENTERPRISE
    return None


def _owner_id(proposal: Proposal, side: Side) -> int:
    return proposal.school_id if side is Side.SCHOOL else proposal.enterprise_id


def get_for(user: User, proposal_id: int) -> Proposal:
    """The proposal if the user's organisation is one of its two sides; otherwise NotFound."""
    proposal = db.session.get(Proposal, proposal_id)
    side = side_of(user)
    if (
        proposal is None
        or side is None
        or user.organisation_id is None
        or _owner_id(proposal, side) != user.organisation_id
    ):
        raise NotFound(_l("Proposal not found."))
    return proposal


def _ensure_verified(user: User) -> None:
    if user.organisation is None or not user.organisation.is_verified:
        raise ServiceError(
            _l("Your organisation has not been verified yet; it cannot take part in proposals.")
        )


def _ensure_open(proposal: Proposal) -> None:
    if proposal.status == ProposalStatus.AGREED.value:
        raise Conflict(_l("This proposal has already been agreed; see the cooperation."))
    if proposal.status == ProposalStatus.DECLINED.value:
        raise Conflict(_l("This proposal has been declined; nothing more can be done with it."))
    if proposal.posting.is_closed:
        raise Conflict(_l("The enterprise has closed this posting."))
    if proposal.program.is_closed:
        raise Conflict(_l("The school has closed this major."))


def _acting(user: User, proposal_id: int) -> tuple[Proposal, Side]:
    proposal = get_for(user, proposal_id)
    _ensure_verified(user)
    _ensure_open(proposal)
    side = side_of(user)
    assert side is not None
    # Acting on the proposal is having seen what its notices asked (refused, it is rolled back).
    notifications.settle(user, _link(proposal, side))
    return proposal, side


def _link(proposal: Proposal, side: Side) -> str:
    return notifications.link(side.value, "proposal", proposal.id)


def _tell_other_side(proposal: Proposal, side: Side, kind: str, **params: Any) -> None:
    other = side.other
    org = proposal.school if other is Side.SCHOOL else proposal.enterprise
    me = proposal.enterprise if other is Side.SCHOOL else proposal.school
    notifications.notify_organisation(
        org,
        kind,
        _link(proposal, other),
        organisation=me.name,
        posting=proposal.posting.title,
        program=proposal.program.name,
        **params,
    )


def _mark_interest(proposal: Proposal, side: Side) -> None:
    if not proposal.interested(side):
        setattr(proposal, f"{side.value}_interested_at", utcnow())


# --- transitions ----------------------------------------------------------------------


def steps(proposal: Proposal, side: Side, organisation_verified: bool) -> frozenset[str]:
    """What `side` may do with `proposal` now: the page offers exactly these, and the steps
    below refuse the rest with their reasons (a test holds the two together)."""
    closed = (
        proposal.status in (ProposalStatus.AGREED.value, ProposalStatus.DECLINED.value)
        or proposal.posting.is_closed
        or proposal.program.is_closed
    )
    if closed or not organisation_verified:
        return frozenset()
    negotiating = proposal.status == ProposalStatus.NEGOTIATING.value
    my_terms_waiting = negotiating and proposal.terms_by == side.value
    allowed = {"decline"}
    if not negotiating and not proposal.interested(side):
        allowed.add("interest")
    if not my_terms_waiting:
        allowed.add("terms")
    if (
        negotiating
        and proposal.terms
        and not my_terms_waiting
        and proposal.school.is_verified
        and proposal.enterprise.is_verified
    ):
        allowed.add("accept")
    return frozenset(allowed)


def express_interest(user: User, proposal_id: int) -> Proposal:
    proposal, side = _acting(user, proposal_id)
    if proposal.interested(side):
        raise Conflict(_l("You have already expressed interest in this proposal."))
    if proposal.status == ProposalStatus.NEGOTIATING.value:
        raise Conflict(_l("Terms are already on the table: accept them or propose others."))
    _mark_interest(proposal, side)
    audit.step(user, proposal, ProposalStatus.INTERESTED.value, "interest")
    _tell_other_side(proposal, side, "reply")
    return proposal


def decline(user: User, proposal_id: int, reason: str) -> Proposal:
    proposal, side = _acting(user, proposal_id)
    reason = checks.reason(reason, missing=_l("Please give a reason for declining."))
    audit.step(
        user,
        proposal,
        ProposalStatus.DECLINED.value,
        "decline",
        reason,
        declined_by=side.value,
        decline_reason=reason,
        declined_at=utcnow(),
    )
    _tell_other_side(proposal, side, "proposal_declined", reason=reason)
    return proposal


def propose_terms(user: User, proposal_id: int, terms: Terms, *, today: date | None = None) -> Proposal:
    """Put terms on the table, or counter-propose the other side's; the other side must answer."""
    proposal, side = _acting(user, proposal_id)
    if proposal.status == ProposalStatus.NEGOTIATING.value and proposal.terms_by == side.value:
        raise Conflict(
            _l("You have already proposed terms; wait for the other side to accept or counter-propose.")
        )
    terms = check_terms(terms, today=today)
    action = "counter_terms" if proposal.status == ProposalStatus.NEGOTIATING.value else "propose_terms"
    _mark_interest(proposal, side)
    proposal.terms, proposal.terms_by, proposal.terms_at = terms.to_json(), side.value, utcnow()
    audit.step(user, proposal, ProposalStatus.NEGOTIATING.value, action)
    _tell_other_side(proposal, side, "terms_proposed")
    return proposal


def accept_terms(user: User, proposal_id: int) -> Cooperation:
    """Accept the other side's terms: the proposal is agreed and the Cooperation created."""
    proposal, side = _acting(user, proposal_id)
    if proposal.status != ProposalStatus.NEGOTIATING.value or not proposal.terms:
        raise Conflict(_l("There are no terms to accept yet."))
    if proposal.terms_by == side.value:
        raise Conflict(_l("You proposed these terms; the other side has to accept them."))
    if not proposal.school.is_verified or not proposal.enterprise.is_verified:
        raise Conflict(_l("Both partners must be verified organisations."))
    terms = Terms.from_json(proposal.terms)
    before = proposal.status
    # First the transition: of two "accept" clicks at once, the second stops here, before
    # it creates a cooperation (eight at once made four cooperations before).
    transition(proposal, ProposalStatus.AGREED.value)
    cooperation = cooperations.create(
        proposal.school_id,
        proposal.enterprise_id,
        terms,
        program_id=proposal.program_id,
        posting_id=proposal.posting_id,
        actor=user,
    )
    _mark_interest(proposal, side)
    proposal.cooperation = cooperation
    db.session.flush()
    audit.record(user, proposal, "agree", before, proposal.status)
    _tell_other_side(proposal, side, "cooperation_agreed", title=cooperation.title)
    events.emit(
        events.COOPERATION_AGREED,
        organisations=(proposal.school_id, proposal.enterprise_id),
        data={"cooperation_id": cooperation.id, "title": cooperation.title, **events_data(proposal)},
    )
    return cooperation


def ask_directly(user: User, posting_id: int, program_id: int) -> Proposal:
    """A proposal started by hand: a school picks a posting, or HR picks a major.

    The asker's own record must be theirs (else NotFound); the other one must be
    public (published, of a verified organisation).
    """
    side = side_of(user)
    if side is None or user.organisation_id is None:
        raise NotFound(_l("Proposal not found."))
    if not (checks.is_id(posting_id) and checks.is_id(program_id)):
        raise NotFound(_l("Major not found.") if side is Side.SCHOOL else _l("Posting not found."))
    posting = db.session.get(Posting, posting_id)
    program = db.session.get(Program, program_id)
    own, other = (program, posting) if side is Side.SCHOOL else (posting, program)
    own_org = (lambda r: r.school_id) if side is Side.SCHOOL else (lambda r: r.enterprise_id)
    if own is None or own_org(own) != user.organisation_id:
        raise NotFound(_l("Major not found.") if side is Side.SCHOOL else _l("Posting not found."))
    if other is None or not _is_public(other):
        raise NotFound(_l("Posting not found.") if side is Side.SCHOOL else _l("Major not found."))
    assert posting is not None and program is not None
    _ensure_verified(user)
    if own.status != PublicationStatus.PUBLISHED.value:
        raise ServiceError(_l("Publish it first: only published postings and majors take part in proposals."))
    existing = db.session.scalar(
        select(Proposal).where(Proposal.posting_id == posting.id, Proposal.program_id == program.id)
    )
    if existing is not None and existing.status != ProposalStatus.PROPOSED.value:
        if existing.status == ProposalStatus.DECLINED.value:
            raise Conflict(_l("This proposal has been declined; nothing more can be done with it."))
        raise Conflict(_l("There is already a proposal for this posting and this major."))
    score, reasons, print_ = matcher.score_pair(posting, program)
    proposal = existing or Proposal(
        posting_id=posting.id,
        program_id=program.id,
        school_id=program.school_id,
        enterprise_id=posting.enterprise_id,
        score=score,
        reasons=reasons,
        inputs_fingerprint=print_,
        scored_at=utcnow(),
    )
    before = existing.status if existing is not None else None
    proposal.origin = Origin.SCHOOL.value if side is Side.SCHOOL else Origin.ENTERPRISE.value
    proposal.started_by_id = user.id
    transition(proposal, ProposalStatus.INTERESTED.value)
    db.session.add(proposal)
    _mark_interest(proposal, side)
    db.session.flush()
    audit.record(user, proposal, "ask", before, proposal.status)
    _tell_other_side(proposal, side, "proposal")
    if existing is None:
        events.emit(
            events.PROPOSAL_CREATED,
            organisations=(proposal.school_id, proposal.enterprise_id),
            data=events_data(proposal),
        )
    return proposal


def events_data(proposal: Proposal) -> dict:
    """What a webhook of proposal events says about one proposal."""
    return {
        "proposal_id": proposal.id,
        "posting_id": proposal.posting_id,
        "program_id": proposal.program_id,
        "school_id": proposal.school_id,
        "enterprise_id": proposal.enterprise_id,
        "score": proposal.score,
        "origin": proposal.origin,
        "status": proposal.status,
    }


def _is_public(record: Posting | Program) -> bool:
    org = record.enterprise if isinstance(record, Posting) else record.school
    return record.status == PublicationStatus.PUBLISHED.value and org is not None and org.is_verified


# --- lists ------------------------------------------------------------------------------

# Overview pages show each major's (or posting's) first proposals and a count; the rest is one
# click away, a page at a time: a popular major may be proposed for thousands of postings.
PER_GROUP = 5
PER_PAGE = 20
ASK_RESULTS = 20


def _ordering():
    order = (
        ProposalStatus.NEGOTIATING,
        ProposalStatus.INTERESTED,
        ProposalStatus.PROPOSED,
        ProposalStatus.AGREED,
        ProposalStatus.DECLINED,
    )
    status_rank = case({s.value: i for i, s in enumerate(order)}, value=Proposal.status, else_=len(order))
    return (status_rank, Proposal.score.desc(), Proposal.id)


@dataclass(frozen=True)
class Group:
    """One major (school side) or posting (enterprise side), its first proposals and how many."""

    owner: Any  # Program or Posting
    items: list[Proposal]
    total: int


def _groups(owners: list, owner_column, where, load) -> list[Group]:
    """Each owner's first PER_GROUP proposals (one windowed query) and its count (one grouped query)."""
    ids = [o.id for o in owners]
    if not ids:
        return []
    totals = dict(
        db.session.execute(
            select(owner_column, func.count()).where(where, owner_column.in_(ids)).group_by(owner_column)
        )
        .tuples()
        .all()
    )
    numbered = (
        select(
            Proposal.id, func.row_number().over(partition_by=owner_column, order_by=_ordering()).label("n")
        )
        .where(where, owner_column.in_(ids))
        .subquery()
    )
    found: dict[int, list[Proposal]] = {i: [] for i in ids}
    for proposal in db.session.scalars(
        select(Proposal)
        .join(numbered, numbered.c.id == Proposal.id)
        .where(numbered.c.n <= PER_GROUP)
        .options(*load)
        .order_by(*_ordering())
    ):
        found[getattr(proposal, owner_column.key)].append(proposal)
    return [Group(o, found[o.id], totals.get(o.id, 0)) for o in owners]


def _page_of(stmt, total: int, page: int) -> tuple[list, int]:
    page = min(max(page, 1), max(1, -(-total // PER_PAGE)))
    return list(db.session.scalars(stmt.offset((page - 1) * PER_PAGE).limit(PER_PAGE))), page


def for_school(user: User) -> list[Group]:
    """Each of the school's majors (a school has tens) with the first demand proposed for it."""
    programs = list(
        db.session.scalars(
            select(Program).where(Program.school_id == user.organisation_id).order_by(Program.name)
        )
    )
    return _groups(
        programs,
        Proposal.program_id,
        Proposal.school_id == user.organisation_id,
        (joinedload(Proposal.posting), joinedload(Proposal.enterprise)),
    )


def for_enterprise(user: User, page: int = 1) -> tuple[list[Group], Page]:
    """The enterprise's postings (an import may bring thousands), a page at a time, each with
    the first majors proposed for it."""
    own = own_postings_page(user, page, per_page=PER_PAGE)
    groups = _groups(
        own.items,
        Proposal.posting_id,
        Proposal.enterprise_id == user.organisation_id,
        (joinedload(Proposal.program), joinedload(Proposal.school)),
    )
    return groups, own


def proposals_of(user: User, owner_id: int, page: int = 1) -> tuple[Any, Page]:
    """Every proposal of one of the user's majors (school) or postings (enterprise), a page at a time."""
    school = side_of(user) is Side.SCHOOL
    model = Program if school else Posting
    owner = db.session.get(model, owner_id) if checks.is_id(owner_id) else None
    if owner is None or (owner.school_id if school else owner.enterprise_id) != user.organisation_id:
        raise NotFound(_l("Major not found.") if school else _l("Posting not found."))
    where = (Proposal.program_id if school else Proposal.posting_id) == owner.id
    load = (
        (joinedload(Proposal.posting), joinedload(Proposal.enterprise))
        if school
        else (joinedload(Proposal.program), joinedload(Proposal.school))
    )
    total = db.session.scalar(select(func.count()).select_from(Proposal).where(where)) or 0
    items, page = _page_of(select(Proposal).where(where).options(*load).order_by(*_ordering()), total, page)
    return owner, Page(items, total, page, PER_PAGE)


def askable_postings(user: User, text: str) -> list[Posting]:
    """Public postings a school may ask about directly, found by what the staff type
    (never a drop-down of every posting of the district)."""
    if not text.strip():
        return []
    query = PostingQuery(q=checks.search_text(text))
    return list(search_postings(query, per_page=ASK_RESULTS).items)


def askable_programs(user: User, text: str) -> list[Program]:
    """Public majors an enterprise may ask about directly, found by what HR type."""

    if not text.strip():
        return []
    return list(search_majors(MajorQuery(q=checks.search_text(text))).items)[:ASK_RESULTS]


def status_counts() -> dict[ProposalStatus, int]:
    """Proposals of the whole district per status (the administrators' overview)."""
    rows = db.session.execute(select(Proposal.status, func.count()).group_by(Proposal.status)).all()
    return {ProposalStatus(status): count for status, count in rows}
