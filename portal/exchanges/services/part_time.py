"""The 20% rule as the plan writes it (莱芜政发〔2020〕5号 item 5, see portal.rules.part_time): a school
may use up to 20% of its staffing quota (编制员额) to hire part-time teachers, with the funding of those
posts. This module reports the school's use of that quota (posts and funding) and warns near or over
the limit; it never refuses an enterprise expert's exchange (item 8 asks for more of them).

Posts used are the school's own part-time teachers (Teacher rows employed part-time). Enterprise experts
teaching through agreed exchanges are shown beside them, for the term, but are not hired against the
quota unless the school records them as its part-time teachers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.accounts.models import Role, User
from portal.audit import services as audit
from portal.exchanges.models import Exchange
from portal.exchanges.services.common import (
    COUNTED_STATUSES,
    EXPERT,
    MAX_QUOTA,
    PART_TIME_LIMIT_PERCENT,
    TEACHER,
    current_term,
)
from portal.extensions import db
from portal.organisations.models import Organisation, OrgKind
from portal.platform import checks
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.programs.school_models import Employment, Teacher
from portal.rules import part_time as rule
from portal.rules import services as rule_settings
from portal.rules.settings import PART_TIME_NEAR_PERCENT

MAX_FUNDING = 1_000_000_000  # yuan a year


@dataclass(frozen=True)
class PartTimeShare:
    """A school's use of the 20% of its staffing quota that may go to part-time teachers."""

    term: str
    quota: int | None
    part_time_teachers: int  # posts used: Teacher rows employed part-time
    experts: int  # distinct experts in agreed or completed exchanges of the term (not posts)
    funding: int | None = None  # yuan a year for the part-time posts, as the school entered it
    spending: int | None = None  # yuan spent of it this year
    near_percent: int = PART_TIME_NEAR_PERCENT.default
    limit_percent: int = PART_TIME_LIMIT_PERCENT

    @property
    def count(self) -> int:
        """Posts used."""
        return self.part_time_teachers

    @property
    def allowed(self) -> int | None:
        """Posts the quota allows part-time teachers (20%, rounded down)."""
        return None if not self.quota else self.quota * self.limit_percent // 100

    @property
    def percent(self) -> float | None:
        """Part-time posts used as a share of the staffing quota (the limit is 20)."""
        return None if not self.quota else round(100 * self.count / self.quota, 1)

    @property
    def funding_percent(self) -> float | None:
        if not self.funding or self.spending is None:
            return None
        return round(100 * self.spending / self.funding, 1)

    @property
    def level(self) -> str:
        """'unknown' (no quota entered), 'over', 'near' or 'within'."""
        if not self.quota:
            return "unknown"
        allowed = self.allowed or 0
        over_funding = self.funding is not None and self.spending is not None and self.spending > self.funding
        if self.count > allowed or over_funding:
            return "over"
        near_posts = self.count * 100 >= allowed * self.near_percent
        near_funding = (self.funding_percent or 0) >= self.near_percent
        return "near" if near_posts or near_funding else "within"

    @property
    def at_or_above_limit(self) -> bool:
        return self.level in ("near", "over")

    def warning(self, school_name: str):
        """The warning to show, or None: never a refusal."""
        if self.level == "over":
            return _l(
                "%(school)s uses %(count)d part-time posts of the %(allowed)d its staffing quota of "
                "%(quota)d allows (%(source)s), or has spent more than the funding of those posts. "
                "The exchange goes ahead: enterprise experts teaching through exchanges are not hired "
                "against the quota; the school should review its own part-time hiring.",
                school=school_name,
                count=self.count,
                allowed=self.allowed or 0,
                quota=self.quota or 0,
                source=rule.SOURCE,
            )
        if self.level == "near":
            return _l(
                "%(school)s is near the limit of part-time posts: %(count)d used of the %(allowed)d its "
                "staffing quota allows (%(source)s).",
                school=school_name,
                count=self.count,
                allowed=self.allowed or 0,
                source=rule.SOURCE,
            )
        return None


def people_of_term(term: str, school_ids) -> tuple[set[tuple], set[tuple]]:
    """(experts, teachers) in the agreed or completed exchanges of `term` at `school_ids`, as the
    district's figures count them: an expert is (school, posting, name), a teacher (school, teacher
    id — or the name, if the record was removed since)."""
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
    """The school's use of its part-time quota: posts used (its part-time teachers) against 20% of the
    staffing quota, the funding it entered and what it spent; the term's experts beside them."""
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
        funding=school.part_time_funding,
        spending=school.part_time_spending,
        near_percent=rule_settings.value(PART_TIME_NEAR_PERCENT),
    )


def part_time_warning(exchange: Exchange):
    """The warning an expert exchange at this school carries, or None. Never refuses."""
    share = part_time_share(exchange.school, term=exchange.term)
    return share.warning(exchange.school.name)


def district_quota_rows() -> list[dict]:
    """Every verified school's use of its part-time quota, for the administrators' dashboard: one
    query (each school with the count of its part-time teachers) and the warning setting."""
    part_time = (
        select(func.count(Teacher.id))
        .where(Teacher.school_id == Organisation.id, Teacher.employment == Employment.PART_TIME.value)
        .correlate(Organisation)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Organisation, part_time)
        .where(Organisation.kind == OrgKind.SCHOOL.value, Organisation.is_verified)
        .order_by(Organisation.name, Organisation.id)
    ).all()
    near = rule_settings.value(PART_TIME_NEAR_PERCENT)
    term = current_term()
    return [
        {
            "school": school.name,
            "share": PartTimeShare(
                term=term,
                quota=school.staffing_quota,
                part_time_teachers=int(count or 0),
                experts=0,
                funding=school.part_time_funding,
                spending=school.part_time_spending,
                near_percent=near,
            ),
        }
        for school, count in rows
    ]


def set_staffing_quota(
    staff: User, quota: int, funding: int | None = None, spending: int | None = None
) -> Organisation:
    """The school's staff enter its staffing quota (编制员额) and, if they know them, the yearly funding
    of its part-time posts and what it spent of it."""
    if staff.role != Role.SCHOOL_STAFF.value or staff.organisation is None:
        raise NotFound(_l("School not found."))
    school = staff.organisation
    problems = Problems()
    quota = problems.check(checks.integer, quota, field="staffing_quota", minimum=1, maximum=MAX_QUOTA)
    if funding is not None:
        funding = problems.check(
            checks.integer, funding, field="part_time_funding", minimum=0, maximum=MAX_FUNDING
        )
    if spending is not None:
        spending = problems.check(
            checks.integer, spending, field="part_time_spending", minimum=0, maximum=MAX_FUNDING
        )
    problems.raise_if_any()
    before = (school.staffing_quota, school.part_time_funding, school.part_time_spending)
    after = (quota, funding, spending)
    if before == after:
        raise ServiceError(_l("Nothing to change."), field="staffing_quota")
    school.staffing_quota, school.part_time_funding, school.part_time_spending = after
    db.session.flush()
    audit.record(
        staff,
        school,
        "set_staffing_quota",
        "/".join("" if v is None else str(v) for v in before),
        "/".join("" if v is None else str(v) for v in after),
    )
    return school
