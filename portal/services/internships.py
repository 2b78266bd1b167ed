"""岗位实习 placements under 《职业学校学生实习管理规定》(教职成〔2021〕4号).

    applied ──shortlist──▶ shortlisted ──offer──▶ offered ──accept──▶ accepted ──approve──▶ approved
    approved ──start (once all three signed the agreement)──▶ in_progress ──complete──▶ completed
    completed ──hire──▶ hired
    applied | shortlisted ──offer──▶ offered
    applied | shortlisted | offered ──reject (enterprise)──▶ rejected
    accepted ──reject (school)──▶ rejected
    offered ──decline (student)──▶ declined

The student applies; the enterprise shortlists and offers with the terms; the student accepts or
declines; the student's school approves. The regulation's rules (`RULES`) are checked against the
offer's terms when the enterprise offers and again when the school approves (the 10 %/20 % counts
may have changed in between). Every step is a conditional UPDATE from the state read
(`locking.transition`), writes one audit entry and tells the other side. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import vocab
from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import (
    MembershipStatus,
    Organisation,
    OrgStatus,
    Posting,
    PostingKind,
    PublicationStatus,
    Role,
    User,
)
from portal.models.base import utcnow
from portal.models.internships import (
    HOLDING,
    PIPELINE,
    Destination,
    EntryKind,
    Placement,
    PlacementStatus,
    TimelineEntry,
)
from portal.services import audit, checks, events, notifications
from portal.services.errors import Conflict, NotFound, Problems, ServiceError
from portal.services.locking import lock_row, transition
from portal.services.postings import Page, like_escape

STATEMENT_MAX = 1000
TERMS_TEXT_MAX = 200
MAX_PAY = 100_000

# --- the regulation's rules -----------------------------------------------------------
# 《职业学校学生实习管理规定》(教职成〔2021〕4号), read in its 2021 text for the two figures whose
# wording changed from 2016; the article numbers shown to users are only those two:
#   第十六条（二）no 岗位实习 for a student under 16 ("安排、接收未满16周岁的学生进行岗位实习");
#   第十八条 pay in principle at least 80 % of "本单位相同岗位工资标准…或最低档工资标准" (the 2016
#     text said 试用期工资标准; 2021 dropped "probation"), in money, at least monthly.
# The others, checked against the rule's wording (article numbers in the 2021 text not confirmed here,
# so not shown to users):
#   no night shifts, overtime or work on public holidays (the article on working time and rest);
#   at most 8 hours a day: the national standard working day (劳动法第三十六条), beyond it is overtime;
#   no deposit, fee, commission or other charge to the student;
#   internship liability insurance (实习责任保险) for every intern;
#   interns at most 10 % of the enterprise's employees and 20 % of the same post's (2016 第九条).
MIN_AGE = 16
PAY_PERCENT = 80
STAFF_SHARE = 10  # per cent
POST_SHARE = 20  # per cent
MAX_DAILY_HOURS = 8  # the national standard working day; more is overtime


@dataclass(frozen=True)
class Rule:
    code: str
    text: object


RULES = (
    Rule("age", _l("No student under 16 (Art. 16)")),
    Rule("hours", _l("At most 8 hours a day; no night shifts, overtime or work on public holidays")),
    Rule("pay", _l("Pay at least 80 % of the same post's wage, in money, every month (Art. 18)")),
    Rule("fee", _l("No deposit, fee or commission charged to the student")),
    Rule("insurance", _l("Internship liability insurance named in the offer")),
    Rule("share", _l("Interns at most 10 % of the enterprise's employees and 20 % of the same post's")),
)


@dataclass(frozen=True)
class OfferTerms:
    starts_on: date | None
    ends_on: date | None
    daily_hours: int | None
    shift_pattern: str
    night_shifts: bool
    overtime: bool
    holiday_work: bool
    pay_monthly: int | None
    post_wage: int | None
    insurance_policy: str
    fee_charged: int | None
    mentor_name: str
    staff_count: int | None
    post_staff_count: int | None


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def _held(placement: Placement, **where) -> int:
    """Other placements at the same enterprise (or post) that hold an intern now."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Placement)
            .where(
                Placement.id != placement.id,
                Placement.status.in_([s.value for s in HOLDING]),
                *(getattr(Placement, k) == v for k, v in where.items()),
            )
        )
        or 0
    )


def rule_problems(placement: Placement, terms: OfferTerms, problems: Problems) -> None:
    """Every rule the terms break, each beside its field (all at once)."""
    birth_date = placement.student.birth_date
    if terms.starts_on is not None:
        if birth_date is None:
            problems.add(
                _l("The student's date of birth is not known; the age rule cannot be checked."),
                field="starts_on",
            )
        elif age_on(birth_date, terms.starts_on) < MIN_AGE:
            problems.add(
                _l("The student is under 16 on the start date: no internship under 16 (Art. 16)."),
                field="starts_on",
            )
    if terms.daily_hours is not None and terms.daily_hours > MAX_DAILY_HOURS:
        problems.add(_l("At most 8 hours a day: longer days are overtime."), field="daily_hours")
    if terms.night_shifts:
        problems.add(_l("Interns may not work night shifts."), field="night_shifts")
    if terms.overtime:
        problems.add(_l("Interns may not work overtime."), field="overtime")
    if terms.holiday_work:
        problems.add(_l("Interns may not work on public holidays."), field="holiday_work")
    pay, wage = terms.pay_monthly, terms.post_wage
    if pay is not None and wage is not None and pay * 100 < wage * PAY_PERCENT:
        problems.add(
            _l(
                "The pay must be at least 80 %% of the same post's wage: at least %(min)d yuan (Art. 18).",
                min=-(-wage * PAY_PERCENT // 100),
            ),
            field="pay_monthly",
        )
    if terms.fee_charged:
        problems.add(_l("No fee of any kind may be charged to the student."), field="fee_charged")
    if (
        terms.staff_count is not None
        and (_held(placement, enterprise_id=placement.enterprise_id) + 1) * 100
        > terms.staff_count * STAFF_SHARE
    ):
        problems.add(
            _l("Interns would be more than 10 %% of the enterprise's %(n)d employees.", n=terms.staff_count),
            field="staff_count",
        )
    if (
        terms.post_staff_count is not None
        and (_held(placement, posting_id=placement.posting_id) + 1) * 100
        > terms.post_staff_count * POST_SHARE
    ):
        problems.add(
            _l(
                "Interns would be more than 20 %% of the %(n)d employees on this post.",
                n=terms.post_staff_count,
            ),
            field="post_staff_count",
        )


def _checked_terms(placement: Placement, terms: OfferTerms) -> dict:
    problems = Problems()
    required = {
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "daily_hours": terms.daily_hours,
        "pay_monthly": terms.pay_monthly,
        "post_wage": terms.post_wage,
        "staff_count": terms.staff_count,
        "post_staff_count": terms.post_staff_count,
    }
    for field, value in required.items():
        if value is None:
            problems.add(_l("This field is required."), field=field)
    problems.check(checks.date_range, terms.starts_on, terms.ends_on, check_past=False)
    for field, value, low, high in (
        ("daily_hours", terms.daily_hours, 1, 24),
        ("pay_monthly", terms.pay_monthly, 0, MAX_PAY),
        ("post_wage", terms.post_wage, 1, MAX_PAY),
        ("staff_count", terms.staff_count, 1, checks.MAX_INT),
        ("post_staff_count", terms.post_staff_count, 1, checks.MAX_INT),
    ):
        if value is not None:
            problems.check(checks.integer, value, field=field, minimum=low, maximum=high)
    values = {
        "shift_pattern": problems.check(
            checks.text, terms.shift_pattern, field="shift_pattern", max_length=TERMS_TEXT_MAX, required=True
        ),
        "insurance_policy": problems.check(
            checks.text, terms.insurance_policy, field="insurance_policy", max_length=TERMS_TEXT_MAX
        ),
        "mentor_name": problems.check(
            checks.text, terms.mentor_name, field="mentor_name", max_length=60, required=True
        ),
    }
    if not values["insurance_policy"]:
        problems.add(
            _l("Name the internship liability insurance policy that covers the student."),
            field="insurance_policy",
        )
    if not problems.items:
        rule_problems(placement, terms, problems)
    problems.raise_if_any()
    return {
        **required,
        **values,
        "night_shifts": bool(terms.night_shifts),
        "overtime": bool(terms.overtime),
        "holiday_work": bool(terms.holiday_work),
        "fee_charged": terms.fee_charged or 0,
    }


def terms_of(placement: Placement) -> OfferTerms:
    return OfferTerms(**{name: getattr(placement, name) for name in OfferTerms.__dataclass_fields__})


# --- loading with ownership -----------------------------------------------------------


def _party(user: User, placement: Placement) -> str | None:
    """'student', 'enterprise' or 'school' when the user acts for that side of the placement."""
    if not user.is_member_active:
        return None
    if user.role == Role.STUDENT.value and placement.student_id == user.id:
        return "student"
    if user.role == Role.ENTERPRISE_HR.value and placement.enterprise_id == user.organisation_id:
        return "enterprise"
    if user.role == Role.SCHOOL_STAFF.value and placement.school_id == user.organisation_id:
        return "school"
    return None


def get_for(user: User, placement_id: int, *, party: str | None = None, lock: bool = False) -> Placement:
    """A placement the user is a party to (as `party`, when given); anything else is NotFound."""
    placement = lock_row(Placement, placement_id) if lock else db.session.get(Placement, placement_id)
    found = _party(user, placement) if placement is not None else None
    if found is None or (party is not None and found != party):
        raise NotFound(_l("Internship not found."))
    return placement


def party_of(user: User, placement: Placement) -> str | None:
    return _party(user, placement)


# Which step each side may take in each state: the same rules the steps below enforce, for the
# pages to offer only what would be accepted.
_STEPS = {
    "enterprise": {
        "applied": {"shortlist", "reject", "offer"},
        "shortlisted": {"reject", "offer"},
        "offered": {"reject"},
        "approved": {"sign", "start"},
        "in_progress": {"complete", "evaluation"},
        "completed": {"hire"},
    },
    "school": {
        "accepted": {"approve", "reject"},
        "approved": {"sign", "start"},
        "in_progress": {"complete", "visit"},
        "completed": {"destination"},
    },
    "student": {"offered": {"accept", "decline"}, "approved": {"sign"}, "in_progress": {"log"}},
}


def next_steps(placement: Placement, party: str | None) -> set[str]:
    steps = set(_STEPS.get(party or "", {}).get(placement.status, ()))
    if party and getattr(placement, f"{party}_signed_at", None) is not None:
        steps.discard("sign")
    if not placement.is_signed:
        steps.discard("start")
    return steps


def placements_of(user: User, posting_id: int | None = None) -> list[Placement]:
    """The placements the user's side holds: a student's own, an organisation's, newest first."""
    column = {
        Role.STUDENT.value: Placement.student_id,
        Role.ENTERPRISE_HR.value: Placement.enterprise_id,
        Role.SCHOOL_STAFF.value: Placement.school_id,
    }.get(user.role)
    if column is None:
        return []
    owner = user.id if user.role == Role.STUDENT.value else user.organisation_id
    query = (
        select(Placement)
        .where(column == owner)
        .options(
            joinedload(Placement.posting),
            joinedload(Placement.student),
            joinedload(Placement.enterprise),
            joinedload(Placement.school),
        )
        .order_by(Placement.applied_at.desc(), Placement.id.desc())
    )
    if posting_id is not None:
        query = query.where(Placement.posting_id == posting_id)
    return list(db.session.scalars(query))


def pipeline_counts(hr: User) -> list[tuple[PlacementStatus, int]]:
    """How many of the enterprise's placements are in each pipeline state (one query)."""
    counts = {
        status: n
        for status, n in db.session.execute(
            select(Placement.status, func.count())
            .where(Placement.enterprise_id == hr.organisation_id)
            .group_by(Placement.status)
        )
    }
    return [(state, counts.get(state.value, 0)) for state in PIPELINE]


# --- the steps --------------------------------------------------------------------------


def _link(placement: Placement, area: str) -> str:
    return notifications.link(area, "placement", placement.id)


def _tell(placement: Placement, kind: str, *, to: tuple[str, ...], **params) -> None:
    params = {
        "student": placement.student.name,
        "enterprise": placement.enterprise.name,
        "posting": placement.posting.title,
        **params,
    }
    for side in to:
        if side == "student":
            notifications.notify(placement.student, kind, _link(placement, "student"), **params)
        else:
            org = placement.enterprise if side == "enterprise" else placement.school
            notifications.notify_organisation(org, kind, _link(placement, side), **params)


def _move(
    actor: User, placement: Placement, to: PlacementStatus, action: str, reason: str | None = None
) -> None:
    from_state = placement.status
    transition(placement, to.value)
    db.session.flush()
    audit.record(actor, placement, action, from_state, to.value, reason)


def _expect(placement: Placement, *states: PlacementStatus) -> None:
    if placement.status not in {s.value for s in states}:
        raise Conflict(
            _l("This step is not possible now: the internship is “%(state)s”.", state=placement.state.label)
        )


def apply(
    student: User, posting_id: int, statement: str, birth_date: date | None, *, today: date | None = None
) -> Placement:
    """A confirmed student applies to a published internship posting of a verified enterprise."""
    today = today or checks.district_today()
    posting = db.session.get(Posting, posting_id)
    if (
        posting is None
        or posting.kind != PostingKind.INTERNSHIP.value
        or not posting.is_published
        or posting.enterprise.status != OrgStatus.VERIFIED.value
    ):
        raise NotFound(_l("Posting not found."))
    if student.role != Role.STUDENT.value or student.membership_status != MembershipStatus.ACTIVE.value:
        raise ServiceError(_l("Only students confirmed by their school can apply."))
    if posting.deadline < today:
        raise ServiceError(
            _l("The application deadline (%(date)s) has passed.", date=posting.deadline.isoformat())
        )
    problems = Problems()
    statement = problems.check(
        checks.text, statement, field="statement", max_length=STATEMENT_MAX, required=True
    )
    if birth_date is None:
        problems.add(_l("This field is required."), field="birth_date")
    elif not date(today.year - 40, 1, 1) <= birth_date <= today:
        problems.add(_l("Please give your real date of birth."), field="birth_date")
    problems.raise_if_any()
    if db.session.scalar(
        select(Placement.id).where(Placement.posting_id == posting.id, Placement.student_id == student.id)
    ):
        raise Conflict(_l("You have already applied to this internship."))
    student.birth_date = birth_date
    placement = Placement(
        posting=posting,
        student=student,
        enterprise_id=posting.enterprise_id,
        school_id=student.organisation_id,
        statement=statement,
        status=PlacementStatus.APPLIED.value,
    )
    db.session.add(placement)
    try:
        db.session.flush()
    except IntegrityError:
        raise Conflict(_l("You have already applied to this internship.")) from None
    audit.record(student, placement, "apply", None, placement.status)
    _tell(placement, "internship_applied", to=("enterprise",))
    events.emit(
        events.APPLICATION_RECEIVED, organisations=(placement.enterprise_id,), data=_event_data(placement)
    )
    return placement


def _event_data(placement: Placement) -> dict:
    """What a webhook says about a placement: ids and state, never the student's name."""
    return {
        "kind": "internship",
        "placement_id": placement.id,
        "posting_id": placement.posting_id,
        "school_id": placement.school_id,
        "enterprise_id": placement.enterprise_id,
        "status": placement.status,
    }


def shortlist(hr: User, placement_id: int) -> Placement:
    placement = get_for(hr, placement_id, party="enterprise")
    _expect(placement, PlacementStatus.APPLIED)
    _move(hr, placement, PlacementStatus.SHORTLISTED, "shortlist")
    return placement


def offer(hr: User, placement_id: int, terms: OfferTerms) -> Placement:
    """The enterprise offers with its terms; every rule is checked, all problems reported at once."""
    placement = get_for(hr, placement_id, party="enterprise", lock=True)
    _expect(placement, PlacementStatus.APPLIED, PlacementStatus.SHORTLISTED)
    values = _checked_terms(placement, terms)
    for name, value in values.items():
        setattr(placement, name, value)
    placement.offered_at = utcnow()
    _move(hr, placement, PlacementStatus.OFFERED, "offer")
    _tell(placement, "internship_offered", to=("student",))
    return placement


def reject(actor: User, placement_id: int, reason: str) -> Placement:
    """The enterprise turns down an applicant (before the answer); the school an accepted offer."""
    placement = get_for(actor, placement_id, lock=True)
    party = _party(actor, placement)
    if party == "enterprise":
        _expect(placement, PlacementStatus.APPLIED, PlacementStatus.SHORTLISTED, PlacementStatus.OFFERED)
    elif party == "school":
        _expect(placement, PlacementStatus.ACCEPTED)
    else:
        raise NotFound(_l("Internship not found."))
    placement.reason = checks.reason(reason)
    _move(actor, placement, PlacementStatus.REJECTED, "reject", placement.reason)
    told = ("student", "enterprise") if party == "school" else ("student",)
    _tell(placement, "internship_rejected", to=told, reason=placement.reason)
    return placement


def answer(student: User, placement_id: int, *, accept: bool, reason: str = "") -> Placement:
    """The student accepts the offered terms (then the school decides) or declines them."""
    placement = get_for(student, placement_id, party="student", lock=True)
    _expect(placement, PlacementStatus.OFFERED)
    placement.answered_at = utcnow()
    if accept:
        _move(student, placement, PlacementStatus.ACCEPTED, "accept")
        _tell(placement, "internship_accepted", to=("enterprise", "school"))
    else:
        placement.reason = checks.reason(reason, required=False) or None
        _move(student, placement, PlacementStatus.DECLINED, "decline", placement.reason)
        _tell(placement, "internship_declined", to=("enterprise",))
    return placement


def approve(staff: User, placement_id: int) -> Placement:
    """The school approves an accepted placement, after the rules are checked again: another
    intern may have been approved at the same enterprise since the offer (10 %/20 %)."""
    placement = get_for(staff, placement_id, party="school", lock=True)
    _expect(placement, PlacementStatus.ACCEPTED)
    # Approvals at one enterprise run one after the other (its row locked until the commit), so two
    # schools approving at once cannot both take the last place within the 10 %/20 % shares.
    lock_row(Organisation, placement.enterprise_id)
    problems = Problems()
    rule_problems(placement, terms_of(placement), problems)
    problems.raise_if_any()  # each broken rule is shown as its own message
    placement.approved_at = utcnow()
    _move(staff, placement, PlacementStatus.APPROVED, "approve")
    _tell(placement, "internship_approved", to=("student", "enterprise"))
    events.emit(
        events.PLACEMENT_APPROVED,
        organisations=(placement.school_id, placement.enterprise_id),
        data=_event_data(placement),
    )
    return placement


# --- the three-party agreement (学校—企业—学生三方协议) ---------------------------------------
# The regulation allows no 岗位实习 without an agreement signed by school, enterprise and student. Its
# clauses below are the contents the regulation requires; the terms come from the accepted offer.
AGREEMENT_CLAUSES = (
    _l("The parties: the school, the enterprise and the student named above, with their addresses."),
    _l("The internship: the post, what the student learns there, the place and the period above."),
    _l(
        "Working time and rest: the hours and shifts above; no night shifts, overtime or work on public "
        "holidays; the national rules on working time and rest apply."
    ),
    _l(
        "Pay: the amount above, at least 80 % of the same post's wage, paid to the student in money at least "
        "once a month, never through a third party and never in goods or vouchers."
    ),
    _l(
        "Safety: the enterprise gives safety training and protective equipment and never assigns work that "
        "minors or the student may not do; the internship liability insurance named above covers the "
        "whole internship."
    ),
    _l(
        "Supervision: the enterprise's mentor and the school's supervisor guide and assess the student "
        "together; the student keeps a weekly log."
    ),
    _l(
        "No deposit, fee, commission or other charge of any kind is taken from the student, and no identity "
        "document is kept."
    ),
    _l("Each party keeps to this agreement; disputes are settled by consultation, or else under the law."),
)


def sign(user: User, placement_id: int) -> Placement:
    """One party confirms the agreement, once the school has approved the placement. The
    agreement is signed when all three have; nothing is changed by confirming twice."""
    placement = get_for(user, placement_id, lock=True)
    party = _party(user, placement)
    _expect(placement, PlacementStatus.APPROVED)
    column = f"{party}_signed_at"
    if getattr(placement, column) is not None:
        raise Conflict(_l("You have already confirmed this agreement."))
    setattr(placement, column, utcnow())
    db.session.flush()
    audit.record(user, placement, "sign", None, "signed" if placement.is_signed else None)
    if placement.is_signed:
        _tell(placement, "internship_agreement_signed", to=("student", "enterprise", "school"))
    return placement


def start(actor: User, placement_id: int) -> Placement:
    """The internship starts once the three parties have confirmed the agreement."""
    placement = get_for(actor, placement_id, lock=True)
    if _party(actor, placement) not in ("enterprise", "school"):
        raise NotFound(_l("Internship not found."))
    _expect(placement, PlacementStatus.APPROVED)
    if not placement.is_signed:
        raise ServiceError(_l("The three parties must confirm the agreement before the internship starts."))
    placement.started_at = utcnow()
    _move(actor, placement, PlacementStatus.IN_PROGRESS, "start")
    return placement


def complete(actor: User, placement_id: int) -> Placement:
    placement = get_for(actor, placement_id, lock=True)
    if _party(actor, placement) not in ("enterprise", "school"):
        raise NotFound(_l("Internship not found."))
    _expect(placement, PlacementStatus.IN_PROGRESS)
    placement.completed_at = utcnow()
    _move(actor, placement, PlacementStatus.COMPLETED, "complete")
    _tell(placement, "internship_completed", to=("student", "enterprise", "school"))
    return placement


def hire(hr: User, placement_id: int) -> Placement:
    """The host enterprise confirms it hired the student after the internship."""
    placement = get_for(hr, placement_id, party="enterprise", lock=True)
    _expect(placement, PlacementStatus.COMPLETED)
    placement.hired_at = utcnow()
    placement.destination, placement.destination_at = Destination.HOST.value, utcnow()
    _move(hr, placement, PlacementStatus.HIRED, "hire")
    _tell(placement, "internship_hired", to=("student", "school"))
    return placement


def record_destination(staff: User, placement_id: int, destination: str) -> Placement:
    """The school records where the student went after a completed internship. A hire the host
    enterprise confirmed stays "hired by the host enterprise"."""
    placement = get_for(staff, placement_id, party="school", lock=True)
    _expect(placement, PlacementStatus.COMPLETED)
    before = placement.destination
    placement.destination = checks.choice(destination, Destination, field="destination")
    placement.destination_at = utcnow()
    db.session.flush()
    audit.record(staff, placement, "record_destination", before, placement.destination)
    return placement


# --- during the internship: one timeline of logs, evaluations and visits ---------------------
ENTRY_MAX = 2000


def period_of(kind: EntryKind, day: date) -> date:
    """The week's Monday for a log, the month's first day for an evaluation, the day for a visit."""
    if kind is EntryKind.LOG:
        return day - timedelta(days=day.weekday())
    if kind is EntryKind.EVALUATION:
        return day.replace(day=1)
    return day


def add_entry(
    user: User,
    placement_id: int,
    kind: str,
    day: date | None,
    text: str,
    score: int | None = None,
    *,
    today: date | None = None,
) -> TimelineEntry:
    """The student's weekly log, the enterprise's monthly evaluation or the school's visit, while the
    internship is in progress; one per week, month or day (a second one says so)."""
    today = today or checks.district_today()
    placement = get_for(user, placement_id)
    party = _party(user, placement)
    problems = Problems()
    entry_kind = EntryKind(kind) if kind in {k.value for k in EntryKind} else None
    if entry_kind is None or entry_kind.party != party:
        raise NotFound(_l("Internship not found."))
    _expect(placement, PlacementStatus.IN_PROGRESS)
    if day is None:
        problems.add(_l("This field is required."), field="day")
    elif day > today or (placement.starts_on and day < placement.starts_on - timedelta(days=6)):
        problems.add(_l("Choose a day of the internship, not in the future."), field="day")
    text = problems.check(checks.text, text, field="text", max_length=ENTRY_MAX, required=True)
    if entry_kind is EntryKind.EVALUATION:
        problems.check(checks.integer, score, field="score", minimum=1, maximum=5)
    problems.raise_if_any()
    period = period_of(entry_kind, day)
    taken = Conflict(_l("There is already an entry of this kind for %(period)s.", period=period.isoformat()))
    if db.session.scalar(
        select(TimelineEntry.id).where(
            TimelineEntry.placement_id == placement.id,
            TimelineEntry.kind == entry_kind.value,
            TimelineEntry.period == period,
        )
    ):
        raise taken
    entry = TimelineEntry(
        placement_id=placement.id,
        kind=entry_kind.value,
        period=period,
        text=text,
        score=score if entry_kind is EntryKind.EVALUATION else None,
        author_id=user.id,
    )
    db.session.add(entry)
    try:
        db.session.flush()
    except IntegrityError:
        raise taken from None
    return entry


def timeline(placement: Placement) -> list[TimelineEntry]:
    """Every entry of a placement, newest first: the same list for the student, enterprise and school."""
    return list(
        db.session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.placement_id == placement.id)
            .options(joinedload(TimelineEntry.author))
            .order_by(TimelineEntry.period.desc(), TimelineEntry.id.desc())
        )
    )


def send_reminders(today: date | None = None) -> int:
    """Tell the student whose log of last week is missing and the enterprise whose evaluation of last
    month is missing, once per period; safe to run any number of times (daily, say)."""
    today = today or checks.district_today()
    last_week = period_of(EntryKind.LOG, today) - timedelta(days=7)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    sent = 0
    running = db.session.scalars(
        select(Placement)
        .where(Placement.status == PlacementStatus.IN_PROGRESS.value)
        .options(
            joinedload(Placement.student), joinedload(Placement.enterprise), joinedload(Placement.posting)
        )
    )
    written = {
        (p, k, d)
        for p, k, d in db.session.execute(
            select(TimelineEntry.placement_id, TimelineEntry.kind, TimelineEntry.period)
            .join(Placement, TimelineEntry.placement_id == Placement.id)
            .where(
                Placement.status == PlacementStatus.IN_PROGRESS.value,
                TimelineEntry.period.in_([last_week, last_month]),
            )
        )
    }
    for placement in running:
        began = placement.starts_on or today
        if (
            began <= last_week
            and (placement.id, EntryKind.LOG.value, last_week) not in written
            and placement.log_reminded_for != last_week
        ):
            placement.log_reminded_for = last_week
            _tell(placement, "internship_log_late", to=("student",), week=last_week.isoformat())
            sent += 1
        if (
            began <= last_month
            and (placement.id, EntryKind.EVALUATION.value, last_month) not in written
            and placement.evaluation_reminded_for != last_month
        ):
            placement.evaluation_reminded_for = last_month
            _tell(
                placement,
                "internship_evaluation_late",
                to=("enterprise",),
                month=last_month.strftime("%Y-%m"),
            )
            sent += 1
    db.session.flush()
    return sent


# --- the public list ------------------------------------------------------------------

PER_PAGE = 12
QUERY_MAX = 80


@dataclass(frozen=True)
class ListingQuery:
    """Filters of `/internships`, each from a query parameter; unknown values are ignored."""

    major: str = ""
    industry: str = ""
    town: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> ListingQuery:
        return cls(
            major=checks.search_text(args.get("major"), QUERY_MAX),
            industry=args.get("industry") if args.get("industry") in vocab.INDUSTRIES else "",
            town=args.get("town") if args.get("town") in vocab.TOWNS else "",
            page=checks.page_number(args.get("page")),
        )

    def args(self) -> dict:
        values = {"major": self.major, "industry": self.industry, "town": self.town}
        return {k: v for k, v in values.items() if v}


def _open_internships(*columns):
    return (
        select(*columns)
        .select_from(Posting)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(
            Posting.kind == PostingKind.INTERNSHIP.value,
            Posting.status == PublicationStatus.PUBLISHED.value,
            Organisation.status == OrgStatus.VERIFIED.value,
        )
    )


def open_postings(query: ListingQuery, *, today: date | None = None, per_page: int = PER_PAGE) -> Page:
    """Published internship postings of verified enterprises still taking applications, soonest
    deadline first."""
    conditions = [Posting.deadline >= (today or checks.district_today())]
    if query.major:
        conditions.append(Posting.search_text.like(f"%{like_escape(query.major.lower())}%", escape="\\"))
    if query.industry:
        conditions.append(Organisation.industry == query.industry)
    if query.town:
        conditions.append(Posting.town == query.town)
    total = db.session.scalar(_open_internships(func.count()).where(*conditions)) or 0
    page = min(query.page, max(1, -(-total // per_page)))
    items = list(
        db.session.scalars(
            _open_internships(Posting)
            .where(*conditions)
            .options(joinedload(Posting.enterprise))
            .order_by(Posting.deadline.asc(), Posting.id.asc())
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    return Page(items, total, page, per_page)


def listing_options() -> dict[str, list]:
    """The industries and towns that have open internships, for the filters."""
    return {
        "industries": [
            c for c in db.session.scalars(_open_internships(Organisation.industry).distinct()) if c
        ],
        "towns": [c for c in db.session.scalars(_open_internships(Posting.town).distinct()) if c],
    }
