"""岗位实习 placements under 《职业学校学生实习管理规定》(教职成〔2021〕4号).

    applied ──shortlist──▶ shortlisted ──offer──▶ offered ──accept──▶ accepted ──approve──▶ approved
    approved ──start (all three signed, consent uploaded)──▶ in_progress ──complete (both graded)──▶ completed
    completed ──hire──▶ hired
    applied | shortlisted ──offer──▶ offered
    applied | shortlisted | offered ──reject (enterprise)──▶ rejected
    accepted ──reject (school)──▶ rejected
    offered ──decline (student)──▶ declined

The student applies; the enterprise shortlists and offers with the terms; the student accepts or
declines; the student's school approves and names its supervisor. The regulation's rules
(portal.rules.internships, each with its article) are checked against the offer's terms, the post's
declared answers and the student when the enterprise offers and again when the school approves
(the 10 %/20 % counts may have changed in between). A placement keeps the rule version it was
offered under; placements that a newer rule would refuse are listed for the school (`to_review`).
Every step is a conditional UPDATE from the state read (`locking.transition`), writes one audit
entry and tells the other side. Functions flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.accounts.models import MembershipStatus, Role, User
from portal.apprenticeships.models import ApprenticeAgreement, ApprenticeshipProgramme
from portal.audit import services as audit
from portal.extensions import db
from portal.internships.models import (
    HOLDING,
    PIPELINE,
    Destination,
    EntryKind,
    Placement,
    PlacementStatus,
    TimelineEntry,
)
from portal.named_classes.models import ApplicationStatus, ClassApplication, NamedClass
from portal.notifications import services as notifications
from portal.organisations.models import Organisation
from portal.platform import checks, events, uploads, vocab
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import lock_row
from portal.platform.model_base import utcnow
from portal.platform.search import Page
from portal.postings.models import Posting, PostingKind
from portal.postings.services import prepares_for, text_matches
from portal.programs.models import PublicationStatus
from portal.rules import internships as rules

STATEMENT_MAX = 1000
TERMS_TEXT_MAX = 200
AGREEMENT_TEXT_MAX = 300
MAX_PAY = 100_000
CONSENT_MAX_BYTES = 2 * 1024 * 1024

# The regulation's rules live in portal.rules.internships, each with its source and article; the
# pages list them from there.
RULES = rules.RULES
MIN_AGE = rules.MIN_AGE


@dataclass(frozen=True)
class OfferTerms:
    """What HR offers. The staff counts are not among them: they come from the enterprise's record and
    the posting (entered once), and the rules count the interns whose dates overlap."""

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
    weekly_hours: int | None = None
    rest_days: int | None = None
    insurance_payer: str = ""
    insurer: str = ""
    cover_starts_on: date | None = None
    cover_ends_on: date | None = None
    lodging_terms: str = ""
    leave_terms: str = ""
    accident_terms: str = ""
    assessment_terms: str = ""


age_on = rules.age_on


def _overlapping(placement: Placement, starts: date | None, ends: date | None, **where) -> int:
    """Other interns at the same enterprise (or post) whose internships overlap these dates: the
    placements the school approved or that run now (an undated one counts, to be safe)."""
    conditions = [
        Placement.id != placement.id,
        Placement.status.in_([s.value for s in HOLDING]),
        *(getattr(Placement, k) == v for k, v in where.items()),
    ]
    if starts is not None and ends is not None:
        conditions += [
            or_(Placement.starts_on.is_(None), Placement.starts_on <= ends),
            or_(Placement.ends_on.is_(None), Placement.ends_on >= starts),
        ]
    return db.session.scalar(select(func.count()).select_from(Placement).where(*conditions)) or 0


def _add(problems: Problems, found) -> None:
    for field, message in found:
        problems.add(message, field=field)


def rule_problems(placement: Placement, terms: OfferTerms, problems: Problems) -> None:
    """Every rule the terms break for this student on this post, each beside its field (all at once)."""
    student, details = placement.student, placement.posting.details or {}
    _add(
        problems,
        rules.student_problems(
            birth_date=student.birth_date,
            entry_year=student.entry_year,
            sex=student.sex,
            starts_on=terms.starts_on,
            details=details,
        ),
    )
    _add(problems, rules.declared_problems(details, complete=False))
    _add(
        problems,
        rules.hours_problems(
            terms.daily_hours,
            terms.weekly_hours,
            terms.rest_days,
            terms.night_shifts,
            terms.overtime,
            terms.holiday_work,
        ),
    )
    _add(problems, rules.pay_problems(terms.pay_monthly, terms.post_wage))
    _add(problems, rules.fee_problems(terms.fee_charged))
    _add(
        problems,
        rules.insurance_problems(
            terms.insurance_payer or None,
            terms.cover_starts_on,
            terms.cover_ends_on,
            terms.starts_on,
            terms.ends_on,
        ),
    )
    starts, ends = terms.starts_on, terms.ends_on
    _add(
        problems,
        rules.share_problems(
            _overlapping(placement, starts, ends, enterprise_id=placement.enterprise_id) + 1,
            placement.enterprise.staff_count,
            _overlapping(placement, starts, ends, posting_id=placement.posting_id) + 1,
            details.get("post_staff_count"),
        ),
    )


def warnings(placement: Placement) -> list[object]:
    """What the rules ask to look at twice without refusing: a long internship, a post that may not
    fit the student's major, words in the posting that suggest a forbidden post."""
    posting = placement.posting
    found = [
        rules.duration_warning(placement.starts_on, placement.ends_on),
        rules.major_fit_warning(
            placement.student.program.name if placement.student.program else None,
            posting.title,
            posting.description,
            str((posting.details or {}).get("positions", "")),
        ),
    ]
    others = other_commitments(placement)
    if others:
        found.append(
            _l(
                "The student is also in %(others)s: check that the periods and hours do not clash.",
                others="、".join(others),
            )
        )
    words = rules.keyword_warnings(posting.title, posting.description)
    if words:
        found.append(
            _l(
                "The posting mentions %(words)s: check that the post is none of those the rules forbid.",
                words="、".join(words),
            )
        )
    return [w for w in found if w is not None]


def other_commitments(placement: Placement) -> list[str]:
    """What else holds the student's time: a named class they were admitted to, an apprenticeship
    with a signed training agreement, another internship approved or under way (issue 26)."""
    student_id = placement.student_id
    found = [
        str(_l("%(name)s (named class)", name=name))
        for name in db.session.scalars(
            select(NamedClass.name)
            .join(ClassApplication, ClassApplication.named_class_id == NamedClass.id)
            .where(
                ClassApplication.student_id == student_id,
                ClassApplication.status == ApplicationStatus.ADMITTED.value,
            )
        )
    ]
    found += [
        str(_l("%(name)s (apprenticeship)", name=name))
        for name in db.session.scalars(
            select(ApprenticeshipProgramme.name)
            .join(ApprenticeAgreement, ApprenticeAgreement.programme_id == ApprenticeshipProgramme.id)
            .where(ApprenticeAgreement.student_id == student_id)
        )
    ]
    found += [
        str(_l("%(name)s (internship)", name=title))
        for title in db.session.scalars(
            select(Posting.title)
            .join(Placement, Placement.posting_id == Posting.id)
            .where(
                Placement.student_id == student_id,
                Placement.id != placement.id,
                Placement.status.in_((PlacementStatus.APPROVED.value, PlacementStatus.IN_PROGRESS.value)),
            )
        )
    ]
    return found


@dataclass(frozen=True)
class Applicant:
    """What the enterprise and the school judge an applicant on, beside the statement: the major with
    its catalogue level, the year of entry with the school year, and the age. The age and school year
    stand for the date of birth and the raw dates: a party sees what the rules judge, no more."""

    major: str | None
    level: str | None  # 中职 or 专科 (portal.programs.catalogue); None for a major outside it
    entry_year: int | None
    school_year: int | None  # 1 for the first school year, on `on`
    age: int | None
    on: date  # the day the age and the school year are reckoned on
    on_start: bool  # `on` is the internship's start date; else today (no start date yet)


def applicant(placement: Placement, *, today: date | None = None) -> Applicant:
    """The applicant of a placement the caller already loaded through `get_for` (the parties only).
    The age is reckoned on the internship's start, as the rules judge it (Art. 16(2)): the offer's
    date, else the posting's; without either, today."""
    student = placement.student
    start = placement.starts_on or placement.posting.start_date
    on = start or today or checks.district_today()
    school_year = rules.school_year(student.entry_year, on) if student.entry_year is not None else None
    program = student.program
    return Applicant(
        major=program.name if program else None,
        level=program.level if program else None,
        entry_year=student.entry_year,
        school_year=school_year if school_year and school_year > 0 else None,
        age=age_on(student.birth_date, on) if student.birth_date else None,
        on=on,
        on_start=start is not None,
    )


def _checked_terms(placement: Placement, terms: OfferTerms) -> dict:
    problems = Problems()
    required = {
        "starts_on": terms.starts_on,
        "ends_on": terms.ends_on,
        "daily_hours": terms.daily_hours,
        "weekly_hours": terms.weekly_hours,
        "rest_days": terms.rest_days,
        "pay_monthly": terms.pay_monthly,
        "post_wage": terms.post_wage,
        "cover_starts_on": terms.cover_starts_on,
        "cover_ends_on": terms.cover_ends_on,
    }
    for field, value in required.items():
        if value is None:
            problems.add(_l("This field is required."), field=field)
    problems.check(checks.date_range, terms.starts_on, terms.ends_on, check_past=False)
    # A number out of its range is judged by no rule (its field already says what is wrong).
    numbers = {}
    for field, value, low, high in (
        ("daily_hours", terms.daily_hours, 1, 24),
        ("weekly_hours", terms.weekly_hours, 1, 168),
        ("rest_days", terms.rest_days, 0, 7),
        ("pay_monthly", terms.pay_monthly, 0, MAX_PAY),
        ("post_wage", terms.post_wage, 1, MAX_PAY),
    ):
        if value is not None:
            numbers[field] = problems.check(checks.integer, value, field=field, minimum=low, maximum=high)
    texts = {
        "shift_pattern": (TERMS_TEXT_MAX, True),
        "insurance_policy": (TERMS_TEXT_MAX, True),
        "insurer": (100, True),
        "mentor_name": (60, True),
        "lodging_terms": (AGREEMENT_TEXT_MAX, True),
        "leave_terms": (AGREEMENT_TEXT_MAX, True),
        "accident_terms": (AGREEMENT_TEXT_MAX, True),
        "assessment_terms": (AGREEMENT_TEXT_MAX, True),
    }
    values = {
        name: problems.check(checks.text, getattr(terms, name), field=name, max_length=limit, required=needed)
        for name, (limit, needed) in texts.items()
    }
    if terms.insurance_payer not in rules.INSURANCE_PAYERS:
        problems.add(_l("Say who pays the internship liability insurance."), field="insurance_payer")
    # Every rule that can be judged from what was given runs with the field checks: one round of
    # problems, each beside its field (the rules skip what is missing).
    rule_problems(placement, replace(terms, **numbers), problems)
    problems.raise_if_any()
    return {
        **required,
        **values,
        "insurance_payer": terms.insurance_payer,
        "night_shifts": bool(terms.night_shifts),
        "overtime": bool(terms.overtime),
        "holiday_work": bool(terms.holiday_work),
        "fee_charged": terms.fee_charged or 0,
        # Snapshots of the counts the shares were judged on, and the rules' version.
        "staff_count": placement.enterprise.staff_count,
        "post_staff_count": (placement.posting.details or {}).get("post_staff_count"),
        "rule_version": rules.RULE_VERSION,
    }


def terms_of(placement: Placement) -> OfferTerms:
    """The placement's terms as offered (texts added since older offers read as empty)."""
    fields = OfferTerms.__dataclass_fields__
    values = {name: getattr(placement, name) for name in fields}
    for name, spec in fields.items():
        if values[name] is None and spec.default == "":
            values[name] = ""
    return OfferTerms(**values)


# --- loading with ownership -----------------------------------------------------------


SUPERVISORS = ("enterprise", "school")  # the parties that supervise a running internship


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


def get_for(
    user: User, placement_id: int, *, party: str | tuple[str, ...] | None = None, lock: bool = False
) -> Placement:
    """A placement the user is a party to (as `party`, or one of them, when given); anything else
    is NotFound."""
    placement = lock_row(Placement, placement_id) if lock else db.session.get(Placement, placement_id)
    found = _party(user, placement) if placement is not None else None
    wanted = (party,) if isinstance(party, str) else party
    if found is None or (wanted is not None and found not in wanted):
        raise NotFound(_l("Internship not found."))
    if lock:  # a step taken: what the notices about this internship asked of the user is seen to
        notifications.settle(user, _link(placement, found))
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
            # The student's major is a column of the enterprise's and the school's lists.
            joinedload(Placement.student).joinedload(User.program),
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


def _expect(placement: Placement, *states: PlacementStatus) -> None:
    if placement.status not in {s.value for s in states}:
        raise Conflict(
            _l("This step is not possible now: the internship is “%(state)s”.", state=placement.state.label)
        )


def offers_to_apply(user, posting: Posting, today: date | None = None) -> bool:
    """Whether a page offers `user` the way to apply to `posting`: a student, an internship still
    open. The application itself (`apply`) checks everything else and says why it refuses."""
    today = today or checks.district_today()
    return bool(
        user.is_authenticated
        and user.role == Role.STUDENT.value
        and posting.kind == PostingKind.INTERNSHIP.value
        and posting.deadline is not None
        and posting.deadline >= today
    )


def apply(
    student: User,
    posting_id: int,
    statement: str,
    birth_date: date | None,
    *,
    entry_year: int | None = None,
    sex: str | None = None,
    today: date | None = None,
) -> Placement:
    """A confirmed student applies to a published internship posting of a verified enterprise, with
    the facts the rules need: date of birth (Art. 16(2)), year of entry (16(1)) and sex (16(4)).
    A first-year student is refused at once when the posting says when it starts."""
    today = today or checks.district_today()
    posting = db.session.get(Posting, posting_id)
    if (
        posting is None
        or posting.kind != PostingKind.INTERNSHIP.value
        or not posting.is_published
        or not posting.enterprise.is_verified
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
    if entry_year is None:
        problems.add(_l("This field is required."), field="entry_year")
    elif not today.year - 10 <= entry_year <= today.year:
        problems.add(_l("Please give the year you entered your school."), field="entry_year")
    elif posting.start_date and rules.is_first_year(entry_year, posting.start_date):
        problems.add(
            _l(
                "You are in your first school year when this internship starts: no 岗位实习 for "
                "first-year students (Art. 16(1))."
            ),
            field="entry_year",
        )
    if sex not in rules.SEXES:
        problems.add(_l("This field is required."), field="sex")
    problems.raise_if_any()
    if db.session.scalar(
        select(Placement.id).where(Placement.posting_id == posting.id, Placement.student_id == student.id)
    ):
        raise Conflict(_l("You have already applied to this internship."))
    student.birth_date, student.entry_year, student.sex = birth_date, entry_year, sex
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
    audit.step(hr, placement, PlacementStatus.SHORTLISTED.value, "shortlist")
    return placement


def offer(hr: User, placement_id: int, terms: OfferTerms) -> Placement:
    """The enterprise offers with its terms; every rule is checked, all problems reported at once."""
    placement = get_for(hr, placement_id, party="enterprise", lock=True)
    _expect(placement, PlacementStatus.APPLIED, PlacementStatus.SHORTLISTED)
    values = _checked_terms(placement, terms)
    for name, value in values.items():
        setattr(placement, name, value)
    placement.offered_at = utcnow()
    audit.step(hr, placement, PlacementStatus.OFFERED.value, "offer")
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
    audit.step(actor, placement, PlacementStatus.REJECTED.value, "reject", placement.reason)
    told = ("student", "enterprise") if party == "school" else ("student",)
    _tell(placement, "internship_rejected", to=told, reason=placement.reason)
    return placement


def answer(student: User, placement_id: int, *, accept: bool, reason: str = "") -> Placement:
    """The student accepts the offered terms (then the school decides) or declines them."""
    placement = get_for(student, placement_id, party="student", lock=True)
    _expect(placement, PlacementStatus.OFFERED)
    placement.answered_at = utcnow()
    if accept:
        audit.step(student, placement, PlacementStatus.ACCEPTED.value, "accept")
        _tell(placement, "internship_accepted", to=("enterprise", "school"))
    else:
        placement.reason = checks.reason(reason, required=False) or None
        audit.step(student, placement, PlacementStatus.DECLINED.value, "decline", placement.reason)
        _tell(placement, "internship_declined", to=("enterprise",))
    return placement


def approve(staff: User, placement_id: int, supervisor: str = "") -> Placement:
    """The school approves an accepted placement and names its supervisor, after the rules are
    checked again: another intern may have been approved at the same enterprise since the offer
    (10 %/20 %), and a rule may have been added since."""
    placement = get_for(staff, placement_id, party="school", lock=True)
    _expect(placement, PlacementStatus.ACCEPTED)
    # Approvals at one enterprise run one after the other (its row locked until the commit), so two
    # schools approving at once cannot both take the last place within the 10 %/20 % shares.
    lock_row(Organisation, placement.enterprise_id)
    problems = Problems()
    name = problems.check(checks.text, supervisor, field="school_supervisor", max_length=60, required=True)
    rule_problems(placement, terms_of(placement), problems)
    problems.raise_if_any()  # each broken rule is shown as its own message
    placement.school_supervisor = name
    placement.approved_at = utcnow()
    audit.step(staff, placement, PlacementStatus.APPROVED.value, "approve")
    _tell(placement, "internship_approved", to=("student", "enterprise"))
    events.emit(
        events.PLACEMENT_APPROVED,
        organisations=(placement.school_id, placement.enterprise_id),
        data=_event_data(placement),
    )
    return placement


# --- the three-party agreement (学校—企业—学生三方协议) ---------------------------------------
# No 岗位实习 without an agreement signed by school, enterprise and student. Its clauses follow the
# headings of the 2021 model text (实习协议示范文本); the terms come from the accepted offer. Each set
# of clauses is kept under the rule version it belongs to: a placement shows the clauses of the
# version it was offered under, so changing the clauses never rewrites a past agreement.
LEGACY_CLAUSES = (
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
MODEL_CLAUSES = (
    (
        "parties",
        _l("The parties: the school, the enterprise and the student named above, with their addresses."),
    ),
    (
        "post",
        _l(
            "The internship: the post, what the student learns there, the place and the period above; the "
            "post is none the 2021 rules forbid (Art. 16, 17) and fits the student's major."
        ),
    ),
    (
        "time",
        _l(
            "Working time and rest: the hours a day and a week and the days of rest above; no night shifts, "
            "overtime or work on public holidays."
        ),
    ),
    (
        "pay",
        _l(
            "Pay: the amount above, at least 80 % of the same post's wage, paid to the student in money at "
            "least once a month, never through a third party and never in goods or vouchers (Art. 18)."
        ),
    ),
    ("lodging", _l("Board and lodging: as written above under board and lodging.")),
    ("leave", _l("Leave: the student asks for leave as written above; the school is told of every absence.")),
    (
        "safety",
        _l(
            "Safety: the enterprise gives safety training and protective equipment and never assigns "
            "work forbidden to minors or to women, or work the rules forbid to every intern."
        ),
    ),
    (
        "insurance",
        _l(
            "Insurance: the internship liability insurance above, paid by the party named above and never "
            "by the student, covers the whole internship."
        ),
    ),
    (
        "accidents",
        _l(
            "Accidents: the parties act at once as written above; costs beyond what the insurance pays are "
            "settled as written above, never charged to the student beyond the law."
        ),
    ),
    (
        "supervision",
        _l(
            "Supervision: the enterprise's mentor and the school's supervisor named above guide the "
            "student together; the student keeps a weekly log, the mentor evaluates monthly and the "
            "supervisor visits."
        ),
    ),
    (
        "assessment",
        _l(
            "Assessment: as written above; at the end both supervisors grade the internship (excellent, "
            "good, pass or fail)."
        ),
    ),
    (
        "no_fee",
        _l(
            "No deposit, fee, commission or other charge of any kind is taken from the student (Art. 19), no "
            "student card, identity card or other document of the student is kept, and no guarantee is asked."
        ),
    ),
    (
        "consent",
        _l(
            "Consent: the student's written consent, and for a student under 18 the guardian's, are kept "
            "with this agreement."
        ),
    ),
    (
        "disputes",
        _l(
            "Each party keeps to this agreement; disputes are settled by consultation, or else under the law."
        ),
    ),
)
AGREEMENT_CLAUSES = tuple(text for _, text in MODEL_CLAUSES)  # today's clauses
CLAUSES_BY_VERSION = {None: LEGACY_CLAUSES, rules.RULE_VERSION: AGREEMENT_CLAUSES}


def clauses_for(placement: Placement) -> tuple:
    """The clauses of the rule version the placement was offered under."""
    return CLAUSES_BY_VERSION.get(placement.rule_version, AGREEMENT_CLAUSES)


def sign(user: User, placement_id: int) -> Placement:
    """One party confirms the agreement, once the school has approved the placement. The
    agreement is signed when all three have; nothing is changed by confirming twice."""
    placement = get_for(user, placement_id, lock=True)
    party = _party(user, placement)
    _expect(placement, PlacementStatus.APPROVED)
    column = f"{party}_signed_at"
    if getattr(placement, column) is not None:
        raise Conflict(_l("You have already confirmed this agreement."))
    if party == "student" and placement.rule_version is not None:  # older offers keep their terms
        problems = Problems()
        _add(problems, _consent_problems(placement))
        problems.raise_if_any()
    setattr(placement, column, utcnow())
    db.session.flush()
    audit.record(user, placement, "sign", None, "signed" if placement.is_signed else None)
    if placement.is_signed:
        _tell(placement, "internship_agreement_signed", to=("student", "enterprise", "school"))
    return placement


def start(actor: User, placement_id: int) -> Placement:
    """The internship starts once the three parties have confirmed the agreement."""
    placement = get_for(actor, placement_id, party=SUPERVISORS, lock=True)
    _expect(placement, PlacementStatus.APPROVED)
    if not placement.is_signed:
        raise ServiceError(_l("The three parties must confirm the agreement before the internship starts."))
    if placement.rule_version is not None:
        problems = Problems()
        _add(problems, _consent_problems(placement))
        problems.raise_if_any()
    placement.started_at = utcnow()
    audit.step(actor, placement, PlacementStatus.IN_PROGRESS.value, "start")
    return placement


def complete(actor: User, placement_id: int) -> Placement:
    placement = get_for(actor, placement_id, party=SUPERVISORS, lock=True)
    _expect(placement, PlacementStatus.IN_PROGRESS)
    if placement.rule_version is not None:
        problems = Problems()
        for field, grade in (
            ("enterprise_grade", placement.enterprise_grade),
            ("school_grade", placement.school_grade),
        ):
            if grade is None:
                problems.add(_l("Both supervisors grade the internship before it is completed."), field=field)
        problems.raise_if_any()
    placement.completed_at = utcnow()
    audit.step(actor, placement, PlacementStatus.COMPLETED.value, "complete")
    _tell(placement, "internship_completed", to=("student", "enterprise", "school"))
    return placement


def hire(hr: User, placement_id: int) -> Placement:
    """The host enterprise confirms it hired the student after the internship."""
    placement = get_for(hr, placement_id, party="enterprise", lock=True)
    _expect(placement, PlacementStatus.COMPLETED)
    placement.hired_at = utcnow()
    placement.destination, placement.destination_at = Destination.HOST.value, utcnow()
    audit.step(hr, placement, PlacementStatus.HIRED.value, "hire")
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


# --- consent, grades, the enterprise's staff record, records to review -----------------------------


def _consent_problems(placement: Placement):
    return rules.consent_problems(
        placement.student_consent_type is not None,
        placement.guardian_consent_type is not None,
        placement.student.birth_date,
        placement.starts_on,
    )


def consent_type(data: bytes | None, field: str) -> str | None:
    """A PDF, PNG or JPEG by its content (never its name); at most 2 MB."""
    if not data:
        return None
    return uploads.document_type(
        data,
        field=field,
        max_bytes=CONSENT_MAX_BYTES,
        too_large=_l("The file is larger than 2 MB."),
        wrong_type=_l("The consent must be a PDF, PNG or JPEG file."),
    )


def upload_consent(
    student: User, placement_id: int, *, own: bytes | None = None, guardian: bytes | None = None
) -> Placement:
    """The student uploads the signed consent (知情同意书), their own and, under 18, the guardian's,
    after accepting the offer and before the agreement starts the internship."""
    placement = get_for(student, placement_id, party="student", lock=True)
    _expect(placement, PlacementStatus.OFFERED, PlacementStatus.ACCEPTED, PlacementStatus.APPROVED)
    problems = Problems()
    own_type = problems.check(consent_type, own, "student_consent")
    guardian_type = problems.check(consent_type, guardian, "guardian_consent")
    if not own and not guardian:
        problems.add(_l("Choose a file to upload."), field="student_consent")
    problems.raise_if_any()
    if own_type:
        placement.student_consent, placement.student_consent_type = own, own_type
    if guardian_type:
        placement.guardian_consent, placement.guardian_consent_type = guardian, guardian_type
    db.session.flush()
    audit.record(student, placement, "upload_consent", None, "guardian" if guardian_type else "student")
    return placement


def consent_file(user: User, placement_id: int, whose: str) -> tuple[bytes, str]:
    """A consent file for the parties of the placement; anything missing is NotFound."""
    placement = get_for(user, placement_id)
    data = getattr(placement, f"{whose}_consent") if whose in ("student", "guardian") else None
    if not data:
        raise NotFound(_l("Internship not found."))
    return data, getattr(placement, f"{whose}_consent_type")


def grade(actor: User, placement_id: int, value: str) -> Placement:
    """The enterprise mentor's or the school supervisor's grade of the internship, while it runs."""
    placement = get_for(actor, placement_id, party=SUPERVISORS, lock=True)
    party = _party(actor, placement)
    _expect(placement, PlacementStatus.IN_PROGRESS)
    field = f"{party}_grade"
    if value not in rules.GRADES:
        raise ServiceError(_l("Please choose a grade."), field=field)
    before = getattr(placement, field)
    setattr(placement, field, value)
    db.session.flush()
    audit.record(actor, placement, "grade", before, value)
    return placement


def record_staff(hr: User, count: int | None, *, today: date | None = None) -> Organisation:
    """The enterprise's employees on the job, entered once and dated; offers read it (10 % rule)."""
    if hr.role != Role.ENTERPRISE_HR.value or not hr.is_member_active:
        raise NotFound(_l("Internship not found."))
    checks.integer(count, field="staff_count", minimum=1, maximum=checks.MAX_INT)
    enterprise = hr.organisation
    before = enterprise.staff_count
    enterprise.staff_count = count
    enterprise.staff_count_on = today or checks.district_today()
    db.session.flush()
    audit.record(hr, enterprise, "record_staff", None if before is None else str(before), str(count))
    return enterprise


# Placements still open to change: a rule added since their offer is checked on them, never applied.
UNDER_REVIEW = (
    PlacementStatus.OFFERED,
    PlacementStatus.ACCEPTED,
    PlacementStatus.APPROVED,
    PlacementStatus.IN_PROGRESS,
)


def to_review(staff: User) -> list[tuple[Placement, list[object]]]:
    """The school's running or pending placements that today's rules would refuse, with why. They
    stay as they are: the school decides what to do (talk to the enterprise, end the internship)."""
    if staff.role != Role.SCHOOL_STAFF.value:
        return []
    found = []
    for placement in db.session.scalars(
        select(Placement)
        .where(
            Placement.school_id == staff.organisation_id,
            Placement.status.in_([s.value for s in UNDER_REVIEW]),
        )
        .options(
            joinedload(Placement.posting), joinedload(Placement.student), joinedload(Placement.enterprise)
        )
        .order_by(Placement.id)
    ):
        problems = Problems()
        rule_problems(placement, terms_of(placement), problems)
        if placement.status in (PlacementStatus.APPROVED.value, PlacementStatus.IN_PROGRESS.value):
            _add(problems, _consent_problems(placement))
        messages = list(dict.fromkeys(str(p.message) for p in problems.items))
        if messages:
            found.append((placement, messages))
    return found


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


@dataclass(frozen=True)
class ListingQuery:
    """Filters of `/internships`, each from a query parameter; unknown values are ignored."""

    major: str = ""
    industry: str = ""
    town: str = ""
    fits: str = ""  # a catalogue major: the postings found to prepare for it (a student's "mine")
    page: int = 1

    @classmethod
    def from_args(cls, args) -> ListingQuery:
        return cls(
            # `?q=` as on /postings; `?major=` is what the page's own form sends.
            major=checks.search_text(args.get("major") or args.get("q")),
            fits=checks.search_text(args.get("fits")),
            industry=args.get("industry") if args.get("industry") in vocab.INDUSTRIES else "",
            town=args.get("town") if args.get("town") in vocab.TOWNS else "",
            page=checks.page_number(args.get("page")),
        )

    def args(self) -> dict:
        values = {"major": self.major, "industry": self.industry, "town": self.town, "fits": self.fits}
        return {k: v for k, v in values.items() if v}


def _open_internships(*columns):
    return (
        select(*columns)
        .select_from(Posting)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(
            Posting.kind == PostingKind.INTERNSHIP.value,
            Posting.status == PublicationStatus.PUBLISHED.value,
            Organisation.is_verified,
        )
    )


def open_postings(query: ListingQuery, *, today: date | None = None, per_page: int = PER_PAGE) -> Page:
    """Published internship postings of verified enterprises still taking applications, soonest
    deadline first."""
    conditions = [Posting.deadline >= (today or checks.district_today())]
    if query.major:  # every word, as /postings?q= searches (PostgreSQL: through the GIN index)
        conditions.append(text_matches(query.major))
    if query.industry:
        conditions.append(Organisation.industry == query.industry)
    if query.town:
        conditions.append(Posting.town == query.town)
    if query.fits:
        conditions.append(prepares_for(query.fits))
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
