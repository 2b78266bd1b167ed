"""Use cases of 职业教育集团: a school records the groups it leads (name, founding date, charter),
their members and what they share; the district counts the groups (the plan's item 16: 1–2
regional groups led by 莱芜职业中专) from these records.

Plain arguments in, objects out; writes only flush. Only the lead school edits a group; another
school's id is a 404.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.education_groups.models import EducationGroup, GroupMember, GroupShare, MemberKind, ShareKind
from portal.extensions import db
from portal.organisations import services as organisations
from portal.organisations.models import Organisation, OrgKind, OrgStatus
from portal.platform import checks, uploads
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l

NAME_MAX = 120
DESCRIPTION_MAX = 200
CHARTER_MAX_BYTES = 5 * 1024 * 1024


def groups_led_by(actor: User) -> list[EducationGroup]:
    return list(
        db.session.scalars(
            select(EducationGroup)
            .where(EducationGroup.lead_school_id == actor.organisation_id)
            .order_by(EducationGroup.id)
        )
    )


def get_own(actor: User, group_id: int) -> EducationGroup:
    group = db.session.get(EducationGroup, group_id)
    if group is None or group.lead_school_id != actor.organisation_id:
        raise NotFound(_l("Education group not found."))
    return group


def _charter_type(data: bytes | None) -> str:
    if not data:
        raise ServiceError(_l("Attach the group's charter (章程) as PDF, PNG or JPEG."), field="charter")
    return uploads.document_type(
        data,
        field="charter",
        max_bytes=CHARTER_MAX_BYTES,
        too_large=_l("The charter file is larger than 5 MB."),
        wrong_type=_l("The charter must be a PDF, PNG or JPEG file."),
    )


def create_group(
    actor: User, name: str | None, founded_on: date | None, charter: bytes | None, *, is_demo: bool = False
) -> EducationGroup:
    problems = Problems()
    name = problems.check(checks.text, name, field="name", max_length=NAME_MAX, required=True)
    if founded_on is None:
        problems.add(_l("Enter the date the group was founded."), field="founded_on")
    elif founded_on > checks.district_today():
        problems.add(_l("The founding date cannot be in the future."), field="founded_on")
    mime = problems.check(_charter_type, charter)
    problems.raise_if_any()
    if db.session.scalar(select(EducationGroup.id).where(EducationGroup.name == name)) is not None:
        raise ServiceError(_l("A group of this name is already recorded."), field="name")
    group = EducationGroup(
        name=name,
        lead_school_id=actor.organisation_id,
        founded_on=founded_on,
        charter=charter,
        charter_type=mime,
        is_demo=is_demo,
    )
    db.session.add(group)
    db.session.flush()
    group.members.append(
        GroupMember(
            kind=MemberKind.SCHOOL.value, organisation_id=actor.organisation_id, name=actor.organisation.name
        )
    )
    db.session.flush()
    audit.record(actor, group, "create", None, None, name, organisations=(actor.organisation_id,))
    return group


def add_member(actor: User, group_id: int, kind: str | None, name: str | None) -> GroupMember:
    """A member by name; a verified organisation of the platform with that exact name is linked."""
    group = get_own(actor, group_id)
    problems = Problems()
    problems.check(checks.choice, kind, MemberKind, field="kind")
    name = problems.check(checks.text, name, field="name", max_length=NAME_MAX, required=True)
    problems.raise_if_any()
    if any(m.name == name for m in group.members):
        raise ServiceError(_l("Already a member."), field="name")
    org_kind = {
        MemberKind.SCHOOL.value: OrgKind.SCHOOL.value,
        MemberKind.ENTERPRISE.value: OrgKind.ENTERPRISE.value,
    }
    org_id = None
    if kind in org_kind:
        org_id = db.session.scalar(
            select(Organisation.id).where(
                Organisation.name == name,
                Organisation.kind == org_kind[kind],
                Organisation.status == OrgStatus.VERIFIED.value,
            )
        )
    member = GroupMember(kind=kind, name=name, organisation_id=org_id)
    group.members.append(member)
    db.session.flush()
    audit.record(actor, group, "member", None, kind, name, organisations=(group.lead_school_id,))
    return member


def add_share(
    actor: User, group_id: int, kind: str | None, offered_by: str | None, description: str | None
) -> GroupShare:
    group = get_own(actor, group_id)
    problems = Problems()
    problems.check(checks.choice, kind, ShareKind, field="kind")
    if offered_by not in {m.name for m in group.members}:
        problems.add(_l("Choose the member who offers it."), field="offered_by")
    description = problems.check(
        checks.text, description, field="description", max_length=DESCRIPTION_MAX, required=True
    )
    problems.raise_if_any()
    share = GroupShare(kind=kind, offered_by=offered_by, description=description)
    group.shares.append(share)
    db.session.flush()
    audit.record(actor, group, "share", None, kind, description, organisations=(group.lead_school_id,))
    return share


# --- the district ------------------------------------------------------------------------------


def _counted():
    return (
        select(EducationGroup)
        .join(Organisation, Organisation.id == EducationGroup.lead_school_id)
        .where(organisations.in_plan_scope())
    )


def district_groups() -> list[EducationGroup]:
    """Groups led by verified secondary vocational schools, each recorded with its charter."""
    return list(db.session.scalars(_counted().order_by(EducationGroup.founded_on, EducationGroup.id)))


def district_totals() -> dict[str, object]:
    """Groups and their members, as scalar SELECTs the dashboard reads with its others at once."""
    counted = _counted().subquery()
    return {
        "education_groups": select(func.count(counted.c.id)),
        "education_group_members": select(func.count(GroupMember.id)).where(
            GroupMember.group_id.in_(select(counted.c.id))
        ),
    }


def charter_of(group_id: int, actor: User | None = None, *, admin: bool = False) -> EducationGroup:
    group = db.session.get(EducationGroup, group_id)
    if group is None or (not admin and (actor is None or group.lead_school_id != actor.organisation_id)):
        raise NotFound(_l("Education group not found."))
    return group
