"""Accounts: registration, authentication, password change, sessions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, undefer_group

from portal.accounts import passwords
from portal.accounts.models import MembershipStatus, Role, User
from portal.extensions import db
from portal.organisations import services as organisations
from portal.organisations.models import Organisation, OrgStatus, School
from portal.organisations.services import NewEnterprise, NewSchool
from portal.platform import checks
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import utcnow

if TYPE_CHECKING:
    from portal.programs.models import Program


@dataclass(frozen=True)
class NewAccount:
    email: str
    name: str
    password: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _email_free(email: str) -> None:
    if find_user_by_email(email) is not None:
        raise Conflict(_l("An account with this e-mail already exists."), field="email")


def _check_account(account: NewAccount, problems: Problems) -> None:
    problems.check(_email_free, account.email or "")
    problems.check(passwords.check_policy, account.password or "")


def _new_user(account: NewAccount, role: Role, **fields) -> User:
    email = normalise_email(account.email)
    _email_free(email)
    passwords.check_policy(account.password)
    user = User(
        email=email,
        name=account.name.strip(),
        password_hash=passwords.hash_password(account.password),
        role=role.value,
        **fields,
    )
    db.session.add(user)
    return user


def register_enterprise(account: NewAccount, org: NewEnterprise) -> User:
    """HR registers together with a new enterprise, which waits for verification."""
    return _register_with(account, organisations.create_enterprise, org)


def register_school(account: NewAccount, org: NewSchool) -> User:
    return _register_with(account, organisations.create_school, org)


def _register_with(account: NewAccount, create: Callable[[Any], Organisation], org) -> User:
    # The account's problems and the organisation's (the credit code too) in one answer.
    problems = Problems()
    _check_account(account, problems)
    created = problems.check(create, org)
    problems.raise_if_any()
    return add_member(account, created)


def register_member(account: NewAccount, organisation_id: int) -> User:
    """Staff joining an organisation that already exists: pending until a member approves."""
    org = db.session.get(Organisation, organisation_id)
    if org is None or org.status == OrgStatus.REJECTED.value:
        raise NotFound(_l("Organisation not found."), field="organisation")
    return add_member(account, org, pending=True)


# A student registers into one of a school's majors. Programs, a domain above accounts, registers
# which majors a registering student may pick and which one of a school an id names
# (portal.register_hooks), so imports go one way.
_majors: dict[str, Callable] = {}


def register_majors(
    choices: Callable[[], list[Program]], of_school: Callable[[int, int], Program | None]
) -> None:
    _majors.update(choices=choices, of_school=of_school)


def student_choices() -> tuple[list[School], list[Program]]:
    """The schools and majors a registering student may pick: those of verified schools."""
    return list(db.session.scalars(organisations.verified_schools())), _majors["choices"]()


def register_student(account: NewAccount, school_id: int, program_id: int) -> User:
    """Students register under a school and one of its majors; the school confirms them."""
    school = db.session.get(School, school_id)
    if school is None or not school.is_verified:
        raise ServiceError(_l("Choose a verified school."), field="school")
    program = _majors["of_school"](school.id, program_id)
    if program is None:
        raise ServiceError(_l("The major you chose is not offered by this school."), field="program")
    return add_member(account, school, program=program, pending=True)


def add_member(
    account: NewAccount, org: Organisation, *, program: Program | None = None, pending: bool = False
) -> User:
    """A staff member (or, with a program, a student) of `org`."""
    if program is not None:
        role = Role.STUDENT
    else:
        role = Role.ENTERPRISE_HR if org.is_enterprise else Role.SCHOOL_STAFF
    status = MembershipStatus.PENDING if pending else MembershipStatus.ACTIVE
    user = _new_user(account, role, organisation=org, program=program, membership_status=status.value)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        passwords.burn_verification_time(password)
        return None
    ok, new_hash = passwords.verify_password(user.password_hash, password)
    if not ok or user.disabled:
        return None
    if new_hash:
        user.password_hash = new_hash
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    ok, _ = passwords.verify_password(user.password_hash, current)
    if not ok:
        raise ServiceError(_l("Your current password is not correct."), field="current_password")
    passwords.check_policy(new)
    user.password_hash = passwords.hash_password(new)
    # Other sessions of this user end; the caller logs the current one in again.
    user.rotate_session_token()
    db.session.flush()


def end_sessions(user: User) -> None:
    user.rotate_session_token()
    db.session.flush()


def set_disabled(user: User, disabled: bool) -> None:
    user.disabled = disabled
    if disabled:
        user.rotate_session_token()
    db.session.flush()


@cache
def _session_user():
    # With its organisation and what other domains read on every page (the "session" group:
    # the unread notifications): one query instead of three. Built once: every logged-in request
    # asks it (portal/inbox.py says why).
    return (
        select(User)
        .options(joinedload(User.organisation), undefer_group("session"))
        .where(User.id == bindparam("id"))
    )


def load_session_user(session_id: str) -> User | None:
    """Flask-Login's loader: '<id>:<token>'; a stale token or a disabled user is anonymous."""
    user_id, _, token = session_id.partition(":")
    ident = checks.whole_number(user_id)
    if not ident or not token:
        return None
    user = db.session.scalars(_session_user(), {"id": ident}).first()
    if user is None or user.disabled or user.session_token != token:
        return None
    return user


def create_admin(email: str, name: str, password: str) -> tuple[User, bool]:
    """Create an administrator; safe to run twice (returns the existing one, created=False)."""
    existing = find_user_by_email(email)
    if existing is not None:
        if existing.role != Role.ADMIN.value:
            raise Conflict(_l("An account with this e-mail already exists."), field="email")
        return existing, False
    user = _new_user(NewAccount(email, name, password), Role.ADMIN)
    db.session.flush()
    return user, True


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()
