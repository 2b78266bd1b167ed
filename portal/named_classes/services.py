"""Named classes (冠名班/订单班): publication, applications and admissions.

Two explicit state machines:

    class        draft ──open──▶ open ──close──▶ closed
    application  submitted ──withdraw──▶ withdrawn ──apply again──▶ submitted
                 submitted ──review (enterprise)──▶ enterprise_approved
                 submitted | enterprise_approved ──admit──▶ admitted
                 submitted | enterprise_approved ──reject──▶ rejected

Who decides follows the cooperation's `AdmissionsMode`:
SCHOOL: the school's staff alone; ENTERPRISE_REVIEW: the enterprise approves
first, then the school admits (either may reject); SHARED: either partner
admits or rejects.

Dates are district dates. Students apply and withdraw only inside the
application window; decisions continue after it closes, until `decide_by`.

Every refused step raises before anything changes; every accepted step writes
one audit entry and tells the people concerned. Functions flush, never commit.

Seats: admission takes a seat with `UPDATE named_class SET taken = taken + 1
WHERE id = ? AND taken < seats` inside a write transaction (BEGIN IMMEDIATE on
SQLite, the application row locked FOR UPDATE on PostgreSQL); the seat is won
only if that statement changed one row. See SECURITY.md "Limited seats under
concurrency" and tests/portal/test_seat_concurrency.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Date,
    Integer,
    bindparam,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from portal.accounts.models import MembershipStatus, Role, User
from portal.audit import services as audit
from portal.extensions import db
from portal.named_classes.models import (
    BENEFITS,
    ApplicationStatus,
    ClassApplication,
    ClassFigures,
    NamedClass,
    NamedClassStatus,
)
from portal.notifications import services as notifications
from portal.organisations.models import Organisation
from portal.partnerships import cooperations
from portal.partnerships.cooperation_models import (
    AdmissionsMode,
    Cooperation,
    CooperationKind,
    CooperationStatus,
)
from portal.platform import checks, events, spreadsheets, vocab
from portal.platform.checks import district_today
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import begin_write, lock_row, transition
from portal.platform.model_base import utcnow
from portal.platform.search import MAX_PAGE, Page, contains
from portal.programs.models import Program
from portal.rules import apprenticeships as apprenticeship_rule
from portal.rules import services as rule_settings
from portal.rules.settings import ORDER_CLASS_FREE_CHOICE

NAME_MAX = 80
TEXT_MAX = 2000
STATEMENT_MAX = 1000
MAX_YEARS_AHEAD = 2
MAX_SEATS = 1000  # no class in the district is larger; larger is a typo
DEFAULT_DECISION_DAYS = 30
PER_PAGE = 12


class NotPermitted(ServiceError):
    """The partnership does not give this organisation the right (403, not 404: it is a partner)."""

    status_code = 403


def classes_of_cooperation(cooperation_id: int) -> list[NamedClass]:
    """The named classes made from one cooperation, oldest first (its page lists them; the caller has
    already been allowed to see the cooperation)."""
    return list(
        db.session.scalars(
            select(NamedClass).where(NamedClass.cooperation_id == cooperation_id).order_by(NamedClass.id)
        )
    )


def _day(value: date) -> str:
    return value.isoformat()


# --- loading with ownership -------------------------------------------------------


def _is_staff_of(user: User, organisation_id: int) -> bool:
    return (
        user.role in (Role.SCHOOL_STAFF.value, Role.ENTERPRISE_HR.value)
        and user.organisation_id == organisation_id
        and user.is_member_active
    )


def get_for_partner(user: User, class_id: int) -> NamedClass:
    """A class of a cooperation the user's organisation is a partner of; anything else is NotFound."""
    named_class = db.session.get(NamedClass, class_id)
    if named_class is None or not (
        _is_staff_of(user, named_class.school_id) or _is_staff_of(user, named_class.enterprise_id)
    ):
        raise NotFound(_l("Named class not found."))
    return named_class


def classes_of_partner(user: User) -> list[NamedClass]:
    """The classes of the user's organisation's cooperations, newest first."""
    return list(
        db.session.scalars(
            select(NamedClass)
            .join(Cooperation, NamedClass.cooperation_id == Cooperation.id)
            .where(
                or_(
                    Cooperation.school_id == user.organisation_id,
                    Cooperation.enterprise_id == user.organisation_id,
                )
            )
            .options(joinedload(NamedClass.cooperation))
            .order_by(NamedClass.created_at.desc(), NamedClass.id.desc())
        )
    )


def publishable_cooperations(staff: User) -> list[Cooperation]:
    """The school's agreed, active order-class cooperations: the ones a named class can come from."""
    return cooperations.active_of_school(staff.organisation_id, CooperationKind.ORDER_CLASS.value)


def suggested_values(cooperation: Cooperation) -> dict[str, Any]:
    """What a new named class starts with: the class name, seats and benefits the enterprise
    wrote in its order-class posting, and the cooperation's agreed seats. Staff can change all."""
    posting = cooperation.posting
    details = posting.details if posting is not None and posting.kind == "order_class" else {}
    benefits = set(details.get("benefits") or ())
    values: dict[str, Any] = {
        "name": (details.get("class_name") or "").strip(),
        "seats": cooperation.seats or (posting.headcount if posting is not None else None) or None,
        "criteria": (details.get("expectations") or "").strip(),
    }
    values.update({code: code in benefits for code in BENEFITS})
    return values


def get_cooperation_for_school(staff: User, cooperation_id: int) -> Cooperation:
    cooperation = db.session.get(Cooperation, cooperation_id)
    if cooperation is None or not cooperation.involves(staff.organisation_id):
        raise NotFound(_l("Cooperation not found."))
    if cooperation.school_id != staff.organisation_id or staff.role != Role.SCHOOL_STAFF.value:
        raise NotPermitted(_l("Only the school of the cooperation publishes its named class."))
    return cooperation


# --- the class: publish, open, close --------------------------------------------------


@dataclass(frozen=True)
class NamedClassInput:
    name: str
    seats: int | None
    opens_on: date | None
    closes_on: date | None
    decide_by: date | None = None
    scholarship: bool = False
    guaranteed_job: bool = False
    equipment: bool = False
    mentors: bool = False
    benefits_detail: str = ""
    criteria: str = ""
    free_choice: bool = True  # students free to choose an employer at the end (the form asks explicitly)


def _seats(value: object, cooperation: Cooperation) -> int:
    seats = checks.integer(value, field="seats", minimum=1, maximum=MAX_SEATS)
    if seats > cooperation.seats:
        raise ServiceError(
            _l("The cooperation agreed on %(n)d seats; the class cannot have more.", n=cooperation.seats),
            field="seats",
        )
    return seats


def _dates(data: NamedClassInput, today: date, problems: Problems) -> date | None:
    """The dates' problems, each judged from the dates that were given; the decision date."""
    if data.opens_on is None:
        problems.add(_l("This field is required."), field="opens_on")
    if data.closes_on is None:
        problems.add(_l("This field is required."), field="closes_on")
        return None
    if data.opens_on is not None and data.closes_on < data.opens_on:
        problems.add(_l("Applications cannot close before they open."), field="closes_on")
    elif data.closes_on < today:
        problems.add(_l("The application deadline is in the past."), field="closes_on")
    elif data.closes_on > today + timedelta(days=366 * MAX_YEARS_AHEAD):
        problems.add(_l("The deadline is more than %(n)d years ahead.", n=MAX_YEARS_AHEAD), field="closes_on")
    decide_by = data.decide_by or data.closes_on + timedelta(days=DEFAULT_DECISION_DAYS)
    if decide_by < data.closes_on:
        problems.add(_l("Decisions cannot end before applications close."), field="decide_by")
    if decide_by > data.closes_on + timedelta(days=366):
        problems.add(_l("Decisions must end within a year of the deadline."), field="decide_by")
    return decide_by


def _checked(cooperation: Cooperation, data: NamedClassInput, today: date) -> dict[str, Any]:
    """Every problem of the class's fields at once, each with its field."""
    problems = Problems()
    name = problems.check(checks.text, data.name, field="name", max_length=NAME_MAX, required=True)
    seats = problems.check(_seats, data.seats, cooperation)
    decide_by = _dates(data, today, problems)
    benefits = problems.check(checks.text, data.benefits_detail, field="benefits_detail", max_length=TEXT_MAX)
    criteria = problems.check(checks.text, data.criteria, field="criteria", max_length=TEXT_MAX)
    problems.raise_if_any()
    return {
        "name": name,
        "seats": seats,
        "opens_on": data.opens_on,
        "closes_on": data.closes_on,
        "decide_by": decide_by,
        "scholarship": bool(data.scholarship),
        "guaranteed_job": bool(data.guaranteed_job),
        "equipment": bool(data.equipment),
        "mentors": bool(data.mentors),
        "benefits_detail": benefits,
        "criteria": criteria,
    }


def _index(named_class: NamedClass, cooperation: Cooperation) -> None:
    parts = [
        named_class.name,
        cooperation.enterprise.name,
        cooperation.school.name,
        cooperation.program.name if cooperation.program else "",
        named_class.criteria,
        named_class.benefits_detail,
        "冠名班 订单班 named class order class",
    ]
    named_class.search_text = "\n".join(p for p in parts if p).lower()


def create_named_class(
    staff: User,
    cooperation_id: int,
    data: NamedClassInput,
    *,
    publish: bool = False,
    today: date | None = None,
) -> NamedClass:
    """A named class of an agreed order-class cooperation, by its school's staff; a draft unless `publish`."""
    if not staff.is_member_active:
        raise ServiceError(_l("Only confirmed staff can publish named classes."))
    cooperation = get_cooperation_for_school(staff, cooperation_id)
    if cooperation.kind != CooperationKind.ORDER_CLASS.value:
        raise ServiceError(_l("Only an order-class cooperation can publish a named class."))
    if cooperation.status != CooperationStatus.ACTIVE.value:
        raise ServiceError(_l("This cooperation has ended; it can no longer publish a named class."))
    today = today or district_today()
    problems = Problems()
    values = problems.check(_checked, cooperation, data, today)
    required = rule_settings.current(ORDER_CLASS_FREE_CHOICE)
    if required.value and not data.free_choice:
        problems.add(
            _l(
                "An order or named class must leave students free to choose an employer at the end "
                "(%(source)s: %(note)s).",
                source=apprenticeship_rule.FREE_CHOICE_SOURCE,
                note=required.note,
            ),
            field="free_choice",
        )
    problems.raise_if_any()
    named_class = NamedClass(
        cooperation=cooperation,
        status=NamedClassStatus.DRAFT.value,
        taken=0,
        free_choice=bool(data.free_choice),
        free_choice_clause=apprenticeship_rule.FREE_CHOICE_CLAUSE if data.free_choice else None,
        **values,
    )
    _index(named_class, cooperation)
    audit.created(staff, named_class, "create")
    if publish:
        _open(staff, named_class, today)
    return named_class


def _open(staff: User, named_class: NamedClass, today: date) -> NamedClass:
    if not named_class.can("publish"):
        raise ServiceError(_l("Only a draft can be published."))
    for org in (named_class.school, named_class.enterprise):
        if not org.is_verified:
            raise ServiceError(_l("Both partners must be verified before the class is published."))
    if named_class.closes_on < today:
        raise ServiceError(_l("The application deadline has passed; set a later one before publishing."))
    _check_seat_budget(named_class, today)
    audit.step(staff, named_class, NamedClassStatus.OPEN.value, "publish", opened_at=utcnow())
    notifications.notify_organisation(
        named_class.enterprise,
        "named_class_published",
        notifications.link("public", "named_class", named_class.id),
        named_class=named_class.name,
        school=named_class.school.name,
    )
    return named_class


def _check_seat_budget(named_class: NamedClass, today: date) -> None:
    """The classes published from one cooperation never offer more seats than the partners
    agreed. A class counts its seats while it may still admit, and only the seats it filled
    once its decision period is over. The cooperation row is locked, so two classes
    published at the same moment are counted one after the other."""
    cooperation = lock_row(Cooperation, named_class.cooperation_id)
    promised = db.session.scalar(
        select(
            func.coalesce(
                func.sum(case((NamedClass.decide_by < today, NamedClass.taken), else_=NamedClass.seats)), 0
            )
        ).where(
            NamedClass.cooperation_id == cooperation.id,
            NamedClass.status != NamedClassStatus.DRAFT.value,
            NamedClass.id != named_class.id,
        )
    )
    left = cooperation.seats - promised
    if named_class.seats > left:
        raise ServiceError(
            _l(
                "The cooperation agreed on %(agreed)d seats and its published classes already offer "
                "%(promised)d; this class can have at most %(left)d.",
                agreed=cooperation.seats,
                promised=promised,
                left=max(left, 0),
            ),
            field="seats",
        )


def _school_staff_class(staff: User, class_id: int) -> NamedClass:
    named_class = get_for_partner(staff, class_id)
    if named_class.school_id != staff.organisation_id:
        raise NotPermitted(_l("Only the school publishes or closes its named class."))
    return named_class


def open_named_class(staff: User, class_id: int, *, today: date | None = None) -> NamedClass:
    return _open(staff, _school_staff_class(staff, class_id), today or district_today())


def close_named_class(staff: User, class_id: int) -> NamedClass:
    """No more applications; decisions on those received continue until `decide_by`."""
    named_class = _school_staff_class(staff, class_id)
    if not named_class.can("close"):
        raise ServiceError(_l("This class is already closed."))
    audit.step(staff, named_class, NamedClassStatus.CLOSED.value, "close", closed_at=utcnow())
    return named_class


# --- public browsing ---------------------------------------------------------------


@dataclass(frozen=True)
class NamedClassQuery:
    """The public list's filters, each from a query parameter; bad values are ignored."""

    q: str = ""
    industry: str = ""
    school_id: int | None = None
    major: str = ""
    benefits: tuple[str, ...] = ()
    page: int = 1

    @classmethod
    def from_args(cls, args) -> NamedClassQuery:
        raw_school = (args.get("school") or "").strip()
        raw_page = (args.get("page") or "").strip()
        return cls(
            q=checks.search_text(args.get("q")),
            industry=(args.get("industry") or "").strip() if args.get("industry") in vocab.INDUSTRIES else "",
            school_id=checks.whole_number(raw_school),
            major=" ".join((args.get("major") or "").split())[:NAME_MAX],
            benefits=tuple(code for code in BENEFITS if code in args.getlist("benefit")),
            page=min(checks.page_number(raw_page), MAX_PAGE),
        )

    def args(self, **changes) -> dict[str, Any]:
        values: dict[str, Any] = {
            "q": self.q,
            "industry": self.industry,
            "school": self.school_id,
            "major": self.major,
            "benefit": list(self.benefits),
            "page": self.page,
        }
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        return {k: v for k, v in values.items() if v not in ("", None, [])}


_School = aliased(Organisation, name="school_org")
_Enterprise = aliased(Organisation, name="enterprise_org")


def _public_select(*columns):
    return (
        select(*columns)
        .select_from(NamedClass)
        .join(Cooperation, NamedClass.cooperation_id == Cooperation.id)
        .join(_School, Cooperation.school_id == _School.id)
        .join(_Enterprise, Cooperation.enterprise_id == _Enterprise.id)
        .outerjoin(Program, Cooperation.program_id == Program.id)
        .where(
            NamedClass.status == NamedClassStatus.OPEN.value,
            _School.is_verified,
            _Enterprise.is_verified,
        )
    )


@lru_cache(maxsize=256)
def _statements(
    cards: bool, terms: int, industry: bool, school: bool, major: bool, benefits: tuple[str, ...]
):
    """The page's statement and the count's for a query of this shape, built once: building them
    cost the list more than running them (issue 31). Their values are bound when run (`_page_rows`)."""
    conditions = [NamedClass.search_text.like(bindparam(f"term{n}"), escape="\\") for n in range(terms)]
    if industry:
        conditions.append(_Enterprise.industry == bindparam("industry"))
    if school:
        conditions.append(Cooperation.school_id == bindparam("school_id"))
    if major:
        conditions.append(Program.name == bindparam("major"))
    conditions.extend(getattr(NamedClass, code).is_(True) for code in benefits)
    accepting = case((NamedClass.closes_on >= bindparam("today", type_=Date), 0), else_=1)
    page = (
        _public_select(*(_CARD_COLUMNS if cards else (NamedClass.id,)), func.count().over())
        .where(*conditions)
        .order_by(accepting, NamedClass.closes_on.asc(), NamedClass.id.asc())
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    return page, _public_select(func.count()).where(*conditions)


def _page_rows(
    cards: bool, query: NamedClassQuery, today: date | None, per_page: int
) -> tuple[list, int, int]:
    """One page of the open classes of verified partners matching every filter, those still taking
    applications first (their cards, or their ids), each row ending with how many match in all (a
    window count: one statement); that total; and the page (past the last one: the last)."""
    terms = query.q.lower().split()
    page_statement, count_statement = _statements(
        cards,
        len(terms),
        bool(query.industry),
        query.school_id is not None,
        bool(query.major),
        query.benefits,
    )
    values = {f"term{n}": contains(term) for n, term in enumerate(terms)}
    values.update(industry=query.industry, school_id=query.school_id, major=query.major)

    def page_of(number: int) -> list:
        bound = {"today": today or district_today(), "limit": per_page, "offset": (number - 1) * per_page}
        return list(db.session.execute(page_statement, values | bound))

    page = query.page
    rows = page_of(page)
    if rows:
        return rows, rows[0][-1], page
    # Nothing matches, or a page past the last: the count says which is the last.
    total = db.session.scalar(count_statement, values) or 0
    page = max(1, -(-total // per_page))
    return (page_of(page) if total else []), total, page


def search_named_classes(
    query: NamedClassQuery, *, today: date | None = None, per_page: int = PER_PAGE
) -> Page:
    """`_page_rows`'s classes as records, with their partners and major (the home page, the API)."""
    rows, total, page = _page_rows(False, query, today, per_page)
    ids = [row[0] for row in rows]
    loaded = (
        {
            c.id: c
            for c in db.session.scalars(
                # Everything the cards read, in this one query (no query per card).
                select(NamedClass)
                .options(
                    joinedload(NamedClass.cooperation).options(
                        joinedload(Cooperation.school),
                        joinedload(Cooperation.enterprise),
                        joinedload(Cooperation.program),
                    )
                )
                .where(NamedClass.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    return Page([loaded[i] for i in ids if i in loaded], total, page, per_page)


@dataclass(frozen=True)
class ClassCard(ClassFigures):
    """What a class's card on the public list shows, read as plain rows in the page's one
    statement (loading the classes with their cooperations, partners and majors as records was
    half of the page's cost with the page cache off, issue 31); also the key its rendered card is
    kept under (public_views.class_card)."""

    id: int
    name: str
    is_demo: bool
    enterprise_name: str
    school_name: str
    program_name: str | None
    seats: int
    taken: int
    closes_on: date
    scholarship: bool
    guaranteed_job: bool
    equipment: bool
    mentors: bool


_CARD_COLUMNS = (
    NamedClass.id,
    NamedClass.name,
    NamedClass.is_demo,
    _Enterprise.name,
    _School.name,
    Program.name,
    NamedClass.seats,
    NamedClass.taken,
    NamedClass.closes_on,
    *(getattr(NamedClass, code) for code in BENEFITS),
)


def search_class_cards(
    query: NamedClassQuery, *, today: date | None = None, per_page: int = PER_PAGE
) -> Page:
    """`search_named_classes` for the public list: the same classes in the same order, as cards."""
    rows, total, page = _page_rows(True, query, today, per_page)
    return Page([ClassCard(*row[:-1]) for row in rows], total, page, per_page)


@lru_cache(maxsize=1)
def _options_statement():
    """Built once (building it cost more than running it, issue 31)."""
    schools = _public_select(literal(0).label("kind"), _School.id, _School.name.label("name")).distinct()
    majors = _public_select(literal(1), cast(null(), Integer), Program.name).distinct()
    return union_all(schools, majors).order_by("kind", "name")


def filter_options() -> dict[str, list]:
    """Schools and majors that have open classes, for the public filters (one statement)."""
    options: dict[str, list] = {"schools": [], "majors": []}
    for kind, school_id, name in db.session.execute(_options_statement()).tuples():
        if kind == 0:
            options["schools"].append((school_id, name))
        elif name:
            options["majors"].append(name)
    return options


def get_public_class(class_id: int) -> NamedClass:
    """An open or closed class of verified partners (closed ones too: shared links keep working)."""
    named_class = db.session.get(NamedClass, class_id)
    if (
        named_class is None
        or named_class.is_draft
        or not named_class.school.is_verified
        or not named_class.enterprise.is_verified
    ):
        raise NotFound(_l("Named class not found."))
    return named_class


# --- students: apply and withdraw -------------------------------------------------


def _refusal_to_apply(student: User, named_class: NamedClass, today: date):
    """Why this student may not apply to this class now, or None."""
    if student.role != Role.STUDENT.value or student.membership_status != MembershipStatus.ACTIVE.value:
        return _l("Only students confirmed by their school can apply.")
    if student.organisation_id != named_class.school_id:
        return _l("Only students of %(school)s can apply to this class.", school=named_class.school.name)
    if not named_class.is_open:
        return _l("This class is closed to applications.")
    if today < named_class.opens_on:
        return _l("Applications open on %(date)s.", date=_day(named_class.opens_on))
    if today > named_class.closes_on:
        return _l("The application deadline (%(date)s) has passed.", date=_day(named_class.closes_on))
    if named_class.is_full:
        return _l("This class is full.")
    return None


def application_of(student: User, class_id: int) -> ClassApplication | None:
    return db.session.scalar(
        select(ClassApplication).where(
            ClassApplication.named_class_id == class_id, ClassApplication.student_id == student.id
        )
    )


def apply_state(user: User | None, named_class: NamedClass, *, today: date | None = None) -> dict[str, Any]:
    """What the detail page offers this visitor: the form, or why not, and their application."""
    if user is None or not user.is_authenticated or user.role != Role.STUDENT.value:
        return {"can_apply": False, "refusal": None, "application": None}
    existing = application_of(user, named_class.id)
    refusal = _refusal_to_apply(user, named_class, today or district_today())
    if existing is not None and existing.status != ApplicationStatus.WITHDRAWN.value:
        refusal = _l("You have already applied to this class.")
    return {"can_apply": refusal is None, "refusal": refusal, "application": existing}


def apply(student: User, class_id: int, statement: str, *, today: date | None = None) -> ClassApplication:
    """Apply with a short statement; a withdrawn application is submitted again in the same row."""
    named_class = db.session.get(NamedClass, class_id)
    if named_class is None or named_class.is_draft:
        raise NotFound(_l("Named class not found."))
    refusal = _refusal_to_apply(student, named_class, today or district_today())
    if refusal is not None:
        raise ServiceError(refusal)
    statement = checks.text(statement, field="statement", max_length=STATEMENT_MAX, required=True)
    application = application_of(student, class_id)
    if application is not None and application.status != ApplicationStatus.WITHDRAWN.value:
        if application.is_active:
            raise Conflict(_l("You have already applied to this class."))
        raise ServiceError(_l("Your application to this class has already been decided."))
    from_state = application.status if application is not None else None
    if application is None:
        application = ClassApplication(named_class=named_class, student_id=student.id)
        db.session.add(application)
    application.statement = statement
    transition(application, ApplicationStatus.SUBMITTED.value)
    application.submitted_at = utcnow()
    application.withdrawn_at = None
    application.decision_reason = None
    application.decided_by_id = application.reviewed_by_id = None
    application.decided_at = application.reviewed_at = None
    try:
        db.session.flush()
    except IntegrityError:
        # Two submissions of the same student at the same moment: UNIQUE(class, student) let one in.
        raise Conflict(_l("You have already applied to this class.")) from None
    _record(student, application, "submit", from_state)
    _tell_deciders(named_class, "application_submitted", student)
    events.emit(
        events.APPLICATION_RECEIVED,
        organisations=[org.id for org in _deciders(named_class)],
        data={
            "kind": "named_class",
            "application_id": application.id,
            "named_class_id": named_class.id,
            "status": application.status,
        },
    )
    return application


def _tell_deciders(named_class: NamedClass, template: str, student: User) -> None:
    """Tell the organisations that decide on the class's applications what the student did."""
    for org in _deciders(named_class):
        notifications.notify_organisation(
            org, template, _review_link(org, named_class), student=student.name, named_class=named_class.name
        )


def _own_application(student: User, application_id: int) -> ClassApplication:
    # Locked as `admit` locks it: a withdrawal and an admission at the same moment are
    # decided one after the other, never both (3 of 20 were, before).
    application = lock_row(ClassApplication, application_id)
    if application is None or application.student_id != student.id:
        raise NotFound(_l("Application not found."))
    return application


def withdraw(student: User, application_id: int, *, today: date | None = None) -> ClassApplication:
    """Before the deadline, while no decision has been made."""
    application = _own_application(student, application_id)
    named_class = application.named_class
    if not application.can("withdraw"):
        raise ServiceError(_l("Only an application waiting for a decision can be withdrawn."))
    if (today or district_today()) > named_class.closes_on:
        raise ServiceError(
            _l(
                "The application deadline (%(date)s) has passed; the application can no longer be withdrawn.",
                date=_day(named_class.closes_on),
            )
        )
    from_state = application.status
    transition(application, ApplicationStatus.WITHDRAWN.value)
    application.withdrawn_at = utcnow()
    db.session.flush()
    _record(student, application, "withdraw", from_state)
    _tell_deciders(named_class, "application_withdrawn", student)
    return application


def applications_of_student(student: User) -> list[ClassApplication]:
    return list(
        db.session.scalars(
            select(ClassApplication)
            .where(ClassApplication.student_id == student.id)
            .options(joinedload(ClassApplication.named_class).joinedload(NamedClass.cooperation))
            .order_by(ClassApplication.submitted_at.desc(), ClassApplication.id.desc())
        )
    )


# --- partners: review, admit, reject ------------------------------------------------


@dataclass(frozen=True)
class Rights:
    """What one partner's staff may do with a class's applications under its AdmissionsMode."""

    see_applicants: bool = False
    manage: bool = False  # publish and close the class: the school's staff
    review: bool = False  # enterprise approval before the school admits
    admit: bool = False
    reject: bool = False
    admit_needs_review: bool = False  # the school admits only applications the enterprise approved

    def may_review(self, application: ClassApplication) -> bool:
        return self.review and application.can("review")

    def may_admit(self, application: ClassApplication) -> bool:
        return self.admit and application.can("admit_reviewed" if self.admit_needs_review else "admit")


def rights_of(user: User, named_class: NamedClass) -> Rights:
    mode = named_class.cooperation.admissions_mode
    if _is_staff_of(user, named_class.school_id) and user.role == Role.SCHOOL_STAFF.value:
        return Rights(
            see_applicants=True,
            manage=True,
            admit=True,
            reject=True,
            admit_needs_review=mode == AdmissionsMode.ENTERPRISE_REVIEW.value,
        )
    if _is_staff_of(user, named_class.enterprise_id) and user.role == Role.ENTERPRISE_HR.value:
        if mode == AdmissionsMode.ENTERPRISE_REVIEW.value:
            return Rights(see_applicants=True, review=True, reject=True)
        if mode == AdmissionsMode.SHARED.value:
            return Rights(see_applicants=True, admit=True, reject=True)
    return Rights()


def _deciders(named_class: NamedClass) -> list[Organisation]:
    """The organisations told about applications: the school, and the enterprise if it decides too."""
    orgs: list[Organisation] = [named_class.school]
    if named_class.cooperation.admissions_mode != AdmissionsMode.SCHOOL.value:
        orgs.append(named_class.enterprise)
    return orgs


def _review_link(org: Organisation, named_class: NamedClass) -> str:
    area = "enterprise" if org.is_enterprise else "school"
    return notifications.link(area, "named_class", named_class.id)


def _record(
    actor: User, application: ClassApplication, action: str, from_state: str | None, reason: str | None = None
) -> None:
    named_class = application.named_class
    audit.record(
        actor,
        application,
        action,
        from_state,
        application.status,
        reason,
        organisations=(named_class.school_id, named_class.enterprise_id),
    )


def _applicants_class(user: User, class_id: int) -> NamedClass:
    named_class = get_for_partner(user, class_id)
    if not rights_of(user, named_class).see_applicants:
        raise NotPermitted(_l("Under this cooperation the school decides admissions alone."))
    return named_class


def applications_of_class(user: User, class_id: int) -> tuple[NamedClass, list[ClassApplication]]:
    named_class = _applicants_class(user, class_id)
    applications = list(
        db.session.scalars(
            select(ClassApplication)
            .where(ClassApplication.named_class_id == class_id)
            .options(joinedload(ClassApplication.student).joinedload(User.program))
            .order_by(ClassApplication.submitted_at, ClassApplication.id)
        )
    )
    return named_class, applications


def partner_view(user: User, class_id: int) -> tuple[NamedClass, Rights, list[ClassApplication]]:
    """A partner's page of one class: its rights, and the applications when it may see them."""
    named_class = get_for_partner(user, class_id)
    rights = rights_of(user, named_class)
    if not rights.see_applicants:
        return named_class, rights, []
    return (named_class, rights, *applications_of_class(user, class_id)[1:])


def _for_decision(
    user: User, application_id: int, today: date
) -> tuple[ClassApplication, NamedClass, Rights]:
    """The application and its class, read fresh inside a write transaction, the application locked."""
    begin_write()
    application = db.session.execute(
        select(ClassApplication)
        .where(ClassApplication.id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if application is None:
        raise NotFound(_l("Application not found."))
    named_class = db.session.execute(
        select(NamedClass)
        .where(NamedClass.id == application.named_class_id)
        .execution_options(populate_existing=True)
    ).scalar_one()
    if not (_is_staff_of(user, named_class.school_id) or _is_staff_of(user, named_class.enterprise_id)):
        raise NotFound(_l("Application not found."))
    rights = rights_of(user, named_class)
    if not rights.see_applicants:
        raise NotPermitted(_l("Under this cooperation the school decides admissions alone."))
    if application.status == ApplicationStatus.WITHDRAWN.value:
        raise ServiceError(_l("The student has withdrawn this application."))
    if not application.is_active:
        raise ServiceError(_l("This application has already been decided."))
    if today > named_class.decide_by:
        raise ServiceError(
            _l("The decision deadline of this class (%(date)s) has passed.", date=_day(named_class.decide_by))
        )
    return application, named_class, rights


def review(hr: User, application_id: int, note: str = "", *, today: date | None = None) -> ClassApplication:
    """The enterprise approves an application (ENTERPRISE_REVIEW); the school then admits."""
    note = checks.reason(note, required=False)
    application, named_class, rights = _for_decision(hr, application_id, today or district_today())
    if not rights.review:
        raise NotPermitted(_l("Only the enterprise reviews applications before the school admits."))
    if not rights.may_review(application):
        raise ServiceError(_l("The enterprise has already approved this application."))
    transition(application, ApplicationStatus.ENTERPRISE_APPROVED.value)
    application.reviewed_by_id = hr.id
    application.reviewed_at = utcnow()
    if note:
        application.decision_reason = note
    db.session.flush()
    _record(hr, application, "review", ApplicationStatus.SUBMITTED.value, note)
    notifications.notify_organisation(
        named_class.school,
        "application_reviewed",
        _review_link(named_class.school, named_class),
        student=application.student.name,
        named_class=named_class.name,
        enterprise=named_class.enterprise.name,
    )
    return application


def admit(
    actor: User, application_id: int, reason: str = "", *, today: date | None = None
) -> ClassApplication:
    """Admit one application, taking one seat: never more admissions than seats, whoever admits at once."""
    reason = checks.reason(reason, required=False)
    application, named_class, rights = _for_decision(actor, application_id, today or district_today())
    if not rights.admit:
        raise NotPermitted(_l("Under this cooperation the enterprise reviews; the school admits."))
    if not rights.may_admit(application):
        raise ServiceError(_l("The enterprise must approve this application before the school admits."))
    won = db.session.execute(
        update(NamedClass)
        .where(NamedClass.id == named_class.id, NamedClass.taken < NamedClass.seats)
        .values(taken=NamedClass.taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if won != 1:
        raise Conflict(_l("This class is full: all %(n)d seats are taken.", n=named_class.seats))
    db.session.expire(named_class, ["taken", "updated_at"])
    from_state = application.status
    transition(application, ApplicationStatus.ADMITTED.value)
    application.decided_by_id = actor.id
    application.decided_at = utcnow()
    application.decision_reason = reason or application.decision_reason
    db.session.flush()
    _record(actor, application, "admit", from_state, reason)
    notifications.notify(
        application.student,
        "admission",
        notifications.link("student", "applications"),
        named_class=named_class.name,
        enterprise=named_class.enterprise.name,
    )
    return application


def reject(actor: User, application_id: int, reason: str, *, today: date | None = None) -> ClassApplication:
    reason = checks.reason(reason, required=True)
    application, named_class, rights = _for_decision(actor, application_id, today or district_today())
    if not rights.reject:
        raise NotPermitted(_l("Under this cooperation the school decides admissions alone."))
    from_state = application.status
    transition(application, ApplicationStatus.REJECTED.value)
    application.decided_by_id = actor.id
    application.decided_at = utcnow()
    application.decision_reason = reason
    db.session.flush()
    _record(actor, application, "reject", from_state, reason)
    notifications.notify(
        application.student,
        "rejection",
        notifications.link("student", "applications"),
        named_class=named_class.name,
        reason=reason,
    )
    return application


def admitted_count(class_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ClassApplication)
            .where(
                ClassApplication.named_class_id == class_id,
                ClassApplication.status == ApplicationStatus.ADMITTED.value,
            )
        )
        or 0
    )


# --- export -------------------------------------------------------------------------

APPLICANTS = spreadsheets.SheetSpec(
    name="applicants",
    title=_l("Applicants"),
    columns=(
        spreadsheets.Column("name", _l("Name")),
        spreadsheets.Column("email", _l("E-mail")),
        spreadsheets.Column("major", _l("Major")),
        spreadsheets.Column("statement", _l("Statement")),
        spreadsheets.Column("status", _l("Status"), spreadsheets.CHOICE, choices=ApplicationStatus.labels()),
        spreadsheets.Column("submitted_on", _l("Applied on"), spreadsheets.DATE),
        spreadsheets.Column("reason", _l("Reason")),
    ),
)


def export_applicants(user: User, class_id: int, fmt: str) -> tuple[NamedClass, bytes]:
    """The class's applicants as .xlsx or .csv, for the partners allowed to see them."""
    named_class, applications = applications_of_class(user, class_id)
    rows = [
        {
            "name": a.student.name,
            "email": a.student.email,
            "major": a.student.program.name if a.student.program else "",
            "statement": a.statement,
            "status": a.status,
            "submitted_on": a.submitted_at.astimezone(checks.DISTRICT_TZ).date(),
            "reason": a.decision_reason or "",
        }
        for a in applications
    ]
    if fmt == "xlsx":
        return named_class, spreadsheets.write_xlsx(APPLICANTS, rows)
    return named_class, spreadsheets.write_csv(APPLICANTS, rows)
