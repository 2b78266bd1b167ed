"""The 20% rule: schools may fill at most 20% of their staffing quota (编制员额) with part-time
teachers; the people of a term as the rule and the district's figures count them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Employment,
    Exchange,
    Organisation,
    Role,
    Teacher,
    User,
)
from portal.services import audit, checks
from portal.services.errors import NotFound, ServiceError
from portal.services.exchanges.common import (
    COUNTED_STATUSES,
    EXPERT,
    MAX_QUOTA,
    PART_TIME_LIMIT_PERCENT,
    TEACHER,
    current_term,
)


@dataclass(frozen=True)
class PartTimeShare:
    term: str
    quota: int | None
    part_time_teachers: int  # Teacher rows with employment part_time
    experts: int  # distinct experts in agreed or completed exchanges of the term
    limit_percent: int = PART_TIME_LIMIT_PERCENT

    @property
    def count(self) -> int:
        return self.part_time_teachers + self.experts

    @property
    def percent(self) -> float | None:
        return None if not self.quota else round(100 * self.count / self.quota, 1)

    @property
    def allowed(self) -> int | None:
        """How many part-time teachers the quota allows (20%, rounded down)."""
        return None if not self.quota else self.quota * self.limit_percent // 100

    @property
    def at_or_above_limit(self) -> bool:
        return bool(self.quota) and self.count * 100 >= self.quota * self.limit_percent


def people_of_term(term: str, school_ids) -> tuple[set[tuple], set[tuple]]:
    """(experts, teachers) in the agreed or completed exchanges of `term` at `school_ids`, as the
    20% rule and the district's figures count them: an expert is (school, posting, name), a
    teacher (school, teacher id — or the name, if the record was removed since)."""
    rows = db.session.execute(
        select(
            Exchange.direction,
            Exchange.school_id,
            Exchange.posting_id,
            Exchange.expert_name,
            Exchange.teacher_id,
            Exchange.teacher_name,
        )
        .distinct()
        .where(
            Exchange.school_id.in_(school_ids),
            Exchange.term == term,
            Exchange.status.in_(COUNTED_STATUSES),
        )
    ).all()
    experts = {
        (school, posting, name) for direction, school, posting, name, _t, _n in rows if direction == EXPERT
    }
    teachers = {
        (school, teacher_id if teacher_id is not None else teacher_name)
        for direction, school, _p, _e, teacher_id, teacher_name in rows
        if direction == TEACHER
    }
    return experts, teachers


def part_time_share(school: Organisation, *, term: str | None = None) -> PartTimeShare:
    """The school's part-time teachers against its staffing quota (编制员额), for one term.

    Part-time teachers = the school's Teacher records with employment "part_time" (兼职教师 it
    employs directly) + the distinct enterprise experts (posting, name) in expert-to-school
    exchanges of the term that are agreed or completed. The share is that number divided by
    `staffing_quota`; the rule allows at most 20%. Without a quota there is no share.
    """
    term = term or current_term()
    part_time = (
        db.session.scalar(
            select(func.count())
            .select_from(Teacher)
            .where(Teacher.school_id == school.id, Teacher.employment == Employment.PART_TIME.value)
        )
        or 0
    )
    return PartTimeShare(
        term=term,
        quota=school.staffing_quota,
        part_time_teachers=int(part_time),
        experts=len(people_of_term(term, [school.id])[0]),
    )


def ensure_within_part_time_limit(exchange: Exchange) -> None:
    """Refuse an expert exchange whose agreement would take the school above 20% of its quota."""
    school = exchange.school
    if not school.staffing_quota:
        raise ServiceError(
            _l(
                "%(school)s has not entered its staffing quota (编制员额) yet, so the 20%% limit on "
                "part-time teachers cannot be checked. The school can enter it on its exchange page.",
                school=school.name,
            )
        )
    share = part_time_share(school, term=exchange.term)
    experts, _teachers = people_of_term(exchange.term, [school.id])
    already = (school.id, exchange.posting_id, exchange.expert_name) in experts
    after = share.count + (0 if already else 1)
    if after * 100 > school.staffing_quota * PART_TIME_LIMIT_PERCENT:
        raise ServiceError(
            _l(
                "This would give %(school)s %(count)d part-time teachers in %(term)s, more than 20%% of its "
                "staffing quota of %(quota)d (at most %(allowed)d).",
                school=school.name,
                count=after,
                term=exchange.term,
                quota=school.staffing_quota,
                allowed=school.staffing_quota * PART_TIME_LIMIT_PERCENT // 100,
            )
        )


def set_staffing_quota(staff: User, quota: int) -> Organisation:
    """The school's staff enter its staffing quota (编制员额)."""
    if staff.role != Role.SCHOOL_STAFF.value or staff.organisation is None:
        raise NotFound(_l("School not found."))
    school = staff.organisation
    quota = checks.integer(quota, field="staffing_quota", minimum=1, maximum=MAX_QUOTA)
    if school.staffing_quota == quota:
        raise ServiceError(_l("Nothing to change."), field="staffing_quota")
    before = school.staffing_quota
    school.staffing_quota = quota
    db.session.flush()
    audit.record(staff, school, "set_staffing_quota", str(before) if before else None, str(quota))
    return school
