"""Organisations: verification by administrators, membership approval by members."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, select

from portal.accounts.models import MembershipStatus, Role, User
from portal.audit import services as audit
from portal.extensions import db
from portal.notifications import services as notifications
from portal.organisations import credit_code
from portal.organisations.models import Enterprise, Organisation, OrgKind, OrgStatus, School
from portal.platform import checks, vocab
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import CHANGED_MEANWHILE, transition
from portal.platform.model_base import utcnow


@dataclass(frozen=True)
class NewEnterprise:
    name: str
    credit_code: str
    industry: str
    town: str
    address: str
    contact_person: str
    phone: str
    size: str


@dataclass(frozen=True)
class NewSchool:
    name: str
    school_kind: str
    town: str
    address: str
    # Most vocational schools of a district recruit across it; a school recruiting only in its town says so.
    recruits_district_wide: bool = True


def _ensure_name_free(name: str) -> None:
    if db.session.scalar(select(Organisation.id).where(Organisation.name == name)):
        raise Conflict(_l("An organisation with this name is already registered."), field="org_name")


def _check_choice(value: str | None, allowed: dict, field: str) -> None:
    # Forms offer only valid choices; this guards the services' other callers too.
    if value not in allowed:
        raise ServiceError(_l("Please choose a valid value."), field=field)


def _valid_code(raw: str | None) -> str:
    code = credit_code.normalise(raw or "")
    if not credit_code.is_valid(code):
        raise ServiceError(
            _l("The unified social credit code is not valid (check the 18 characters)."),
            field="credit_code",
        )
    if db.session.scalar(select(Organisation.id).where(Organisation.credit_code == code)):
        raise Conflict(_l("This credit code is already registered."), field="credit_code")
    return code


def _free_name(raw: str | None, problems: Problems) -> str:
    """The organisation's name, trimmed; a problem when another organisation has it."""
    name = (raw or "").strip()
    problems.check(_ensure_name_free, name)
    return name


def create_enterprise(org: NewEnterprise) -> Enterprise:
    """A new enterprise, pending until an administrator verifies it. Every problem at once."""
    problems = Problems()
    code = problems.check(_valid_code, org.credit_code)
    problems.check(_check_choice, org.industry, vocab.INDUSTRIES, "industry")
    problems.check(_check_choice, org.town, vocab.TOWNS, "town")
    problems.check(_check_choice, org.size, vocab.ENTERPRISE_SIZES, "size")
    name = _free_name(org.name, problems)
    problems.raise_if_any()
    enterprise = Enterprise(
        name=name,
        credit_code=code,
        industry=org.industry,
        town=org.town,
        address=org.address.strip(),
        contact_person=org.contact_person.strip(),
        phone=org.phone.strip(),
        size=org.size,
    )
    db.session.add(enterprise)
    db.session.flush()
    return enterprise


def create_school(org: NewSchool) -> School:
    problems = Problems()
    problems.check(_check_choice, org.school_kind, vocab.SCHOOL_KINDS, "school_kind")
    problems.check(_check_choice, org.town, vocab.TOWNS, "town")
    name = _free_name(org.name, problems)
    problems.raise_if_any()
    school = School(
        name=name,
        school_kind=org.school_kind,
        town=org.town,
        address=org.address.strip(),
        recruits_district_wide=org.recruits_district_wide,
    )
    db.session.add(school)
    db.session.flush()
    return school


def set_recruitment_area(staff: User, district_wide: bool) -> School:
    """A school's staff say whether it recruits across the whole district or from its own town only:
    the by-town alignment counts its intake in the district pool or in its town. Audited."""
    school = staff.organisation
    if staff.role != Role.SCHOOL_STAFF.value or not isinstance(school, School):
        raise NotFound(_l("School not found."))
    if school.recruits_district_wide is district_wide:
        raise ServiceError(_l("Nothing to change."), field="area")
    before = school.recruits_district_wide
    school.recruits_district_wide = district_wide
    db.session.flush()
    audit.record(staff, school, "set_recruitment_area", _area(before), _area(district_wide))
    return school


def _area(district_wide: bool | None) -> str:
    return "district" if district_wide is not False else "town"


def get_organisation(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise NotFound(_l("Organisation not found."))
    return org


def list_organisations(status: str | None = None, kind: str | None = None) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.created_at.desc(), Organisation.id.desc())
    if status:
        query = query.where(Organisation.status == status)
    if kind:
        query = query.where(Organisation.kind == kind)
    return list(db.session.scalars(query))


# The plan's scope (莱芜政发〔2020〕5号): the district's figures count its secondary vocational schools.
SCOPE_SCHOOL_KINDS = ("secondary_vocational",)


def in_plan_scope() -> ColumnElement[bool]:
    """The WHERE of an organisation the plan's figures count: a verified school of the scope's kinds."""
    return and_(
        Organisation.kind == OrgKind.SCHOOL.value,
        Organisation.status == OrgStatus.VERIFIED.value,
        Organisation.school_kind.in_(SCOPE_SCHOOL_KINDS),
    )


def verified_schools(kinds: tuple[str, ...] | None = None) -> Select[tuple[School]]:
    """The verified schools, by name; of `kinds` (`School.school_kind`) when given. A statement, so
    the sign-up form lists it and the plan's figures count within it (`.with_only_columns(School.id)`)."""
    query = select(School).where(School.is_verified).order_by(School.name)
    if kinds:
        query = query.where(School.school_kind.in_(kinds))
    return query


def joinable_organisations() -> list[Organisation]:
    """Organisations a new staff member may ask to join (not rejected ones)."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.status != OrgStatus.REJECTED.value)
            .order_by(Organisation.kind, Organisation.name)
        )
    )


def _as_seen(org: Organisation, seen: str | None) -> None:
    """A decision is made on what the page showed: if the record moved since (another administrator
    rejected what this page still shows as pending), the decision is refused, never recorded over it."""
    if seen is not None and seen != org.status:
        raise Conflict(CHANGED_MEANWHILE)


def verify(admin: User, org_id: int, *, seen: str | None = None) -> Organisation:
    org = get_organisation(org_id)
    _as_seen(org, seen)
    if not org.can("verify"):
        raise ServiceError(_l("This organisation is already verified."))
    from_state = org.status
    transition(org, OrgStatus.VERIFIED.value)
    org.rejection_reason = None
    org.verified_at = utcnow()
    org.verified_by_id = admin.id
    db.session.flush()
    audit.record(admin, org, "verify", from_state, org.status)
    notifications.notify_organisation(
        org, "organisation_verified", notifications.link(org.kind, "home"), organisation=org.name
    )
    return org


def reject(admin: User, org_id: int, reason: str, *, seen: str | None = None) -> Organisation:
    reason = checks.reason(reason)
    org = get_organisation(org_id)
    _as_seen(org, seen)
    if not org.can("reject"):
        raise ServiceError(_l("Only pending organisations can be rejected."))
    transition(org, OrgStatus.REJECTED.value)
    org.rejection_reason = reason
    db.session.flush()
    audit.record(admin, org, "reject", OrgStatus.PENDING.value, org.status, reason)
    notifications.notify_organisation(
        org,
        "organisation_rejected",
        notifications.link(org.kind, "home"),
        organisation=org.name,
        reason=reason,
    )
    return org


def resubmit(member: User) -> Organisation:
    """A rejected organisation's member corrects the record and asks again."""
    org = member.organisation
    if org is None or not org.can("resubmit"):
        raise ServiceError(_l("Only a rejected organisation can be submitted again."))
    transition(org, OrgStatus.PENDING.value)
    db.session.flush()
    audit.record(member, org, "resubmit", OrgStatus.REJECTED.value, org.status)
    return org


def ensure_can_publish(org: Organisation | None) -> None:
    """Pending or rejected organisations may keep drafts but publish nothing."""
    if org is None or not org.is_verified:
        raise ServiceError(
            _l("Your organisation has not been verified yet; you can save drafts but not publish.")
        )


# --- membership -----------------------------------------------------------------


def pending_members(actor: User) -> list[User]:
    """Staff join requests and unconfirmed students of the actor's organisation."""
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.organisation_id == actor.organisation_id,
                User.membership_status == MembershipStatus.PENDING.value,
            )
            .order_by(User.created_at)
        )
    )


def _pending_member(actor: User, member_id: int) -> User:
    """A pending member of the actor's organisation that the actor may decide on.

    Students are decided by school staff only; to anyone else they do not exist.
    """
    if not actor.is_member_active:
        raise ServiceError(_l("Only confirmed members can approve others."))
    member = db.session.get(User, member_id)
    if member is None or member.organisation_id != actor.organisation_id or member.id == actor.id:
        raise NotFound(_l("Person not found."))
    if member.role == Role.STUDENT.value and actor.role != Role.SCHOOL_STAFF.value:
        raise NotFound(_l("Person not found."))
    if member.membership_status != MembershipStatus.PENDING.value:
        raise ServiceError(_l("This request has already been decided."))
    return member


def approve_member(actor: User, member_id: int) -> User:
    """Approve a staff join request, or confirm a student (school staff only)."""
    member = _pending_member(actor, member_id)
    transition(member, MembershipStatus.ACTIVE.value, "membership_status")
    member.membership_note = None
    db.session.flush()
    audit.record(actor, member, "approve", MembershipStatus.PENDING.value, member.membership_status)
    org_name = member.organisation.name if member.organisation else ""
    if member.role == Role.STUDENT.value:
        notifications.notify(
            member,
            "student_confirmed",
            notifications.home_link(member),
            organisation=org_name,
            program=member.program.name if member.program else "",
        )
    else:
        notifications.notify(
            member, "member_approved", notifications.home_link(member), organisation=org_name
        )
    return member


def reject_member(actor: User, member_id: int, reason: str) -> User:
    reason = checks.reason(reason)
    member = _pending_member(actor, member_id)
    transition(member, MembershipStatus.REJECTED.value, "membership_status")
    member.membership_note = reason
    db.session.flush()
    audit.record(actor, member, "reject", MembershipStatus.PENDING.value, member.membership_status, reason)
    notifications.notify(
        member,
        "member_rejected",
        notifications.home_link(member),
        organisation=member.organisation.name if member.organisation else "",
        reason=reason,
    )
    return member


def ensure_may_import(org: Organisation) -> None:
    """Spreadsheet imports are the costliest request a user can send: only members of
    verified organisations may send them, not any self-registered account."""
    if not org.is_verified:
        raise ServiceError(
            _l("Spreadsheet imports open once your organisation has been verified."), field="file"
        )
