"""Which records the figures count: the plan's scope (secondary vocational schools) and its totals."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.named_classes.models import NamedClass, NamedClassStatus
from portal.organisations import services as organisations
from portal.organisations.models import Organisation, OrgStatus, School
from portal.organisations.services import SCOPE_SCHOOL_KINDS
from portal.partnerships.cooperation_models import Cooperation
from portal.programs.models import Program, PublicationStatus
from portal.programs.school_models import Degree, Employment, Teacher

POSTGRADUATE = (Degree.MASTER.value, Degree.DOCTORATE.value)


def scope_school_ids():
    """The ids of the verified schools the plan counts (a subquery)."""
    return organisations.verified_schools(SCOPE_SCHOOL_KINDS).with_only_columns(School.id).order_by(None)


def full_time_teacher_count():
    return select(func.count(Teacher.id)).where(
        Teacher.school_id.in_(scope_school_ids()), Teacher.employment == Employment.FULL_TIME.value
    )


def enrolment_total():
    return select(func.coalesce(func.sum(Program.enrolment), 0)).where(
        Program.school_id.in_(scope_school_ids()), Program.status != PublicationStatus.DRAFT.value
    )


def intake_total():
    """Annual intake of the published majors of verified secondary vocational schools."""
    return select(func.coalesce(func.sum(Program.intake_capacity), 0)).where(
        Program.school_id.in_(scope_school_ids()), Program.status == PublicationStatus.PUBLISHED.value
    )


# The partners of a published named class, made once (aliasing anew on each call cost more than
# the query, issue 31).
NC_SCHOOL = Organisation.__table__.alias("nc_school")
NC_ENTERPRISE = Organisation.__table__.alias("nc_enterprise")


def published_named_classes():
    """Open or closed (not draft) named classes of verified partners, as the public pages show them
    (their partners joined as NC_SCHOOL and NC_ENTERPRISE)."""
    school, enterprise = NC_SCHOOL, NC_ENTERPRISE
    return (
        select(NamedClass)
        .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
        .join(school, school.c.id == Cooperation.school_id)
        .join(enterprise, enterprise.c.id == Cooperation.enterprise_id)
        .where(
            NamedClass.status != NamedClassStatus.DRAFT.value,
            school.c.status == OrgStatus.VERIFIED.value,
            enterprise.c.status == OrgStatus.VERIFIED.value,
        )
    )
