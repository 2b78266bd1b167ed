"""Shared by the exchange modules: limits, the school term, which side a user is on."""

from __future__ import annotations

from datetime import date

from portal.accounts.models import Role, User
from portal.exchanges.models import ExchangeDirection, ExchangeStatus
from portal.platform import checks
from portal.platform.errors import NotFound
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.services import normalise_list

TITLE_MAX = 100
TEXT_MAX = 4000
SKILLS_MAX = 1000
MAX_HOURS = 2000
MAX_PLACES = 100
MAX_QUOTA = 100_000
PART_TIME_LIMIT_PERCENT = 20  # 企业兼职教师: at most 20% of the staffing quota

EXPERT = ExchangeDirection.EXPERT_TO_SCHOOL.value
TEACHER = ExchangeDirection.TEACHER_TO_ENTERPRISE.value
# An exchange holds the expert's hours, the need's hours and the post's place once one side has
# accepted it (a pair merely proposed holds nothing); hours stay used when it is completed.
PLACE_STATUSES = (
    ExchangeStatus.ACCEPTED_BY_SCHOOL.value,
    ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value,
    ExchangeStatus.AGREED.value,
)
HOLDING_STATUSES = (*PLACE_STATUSES, ExchangeStatus.COMPLETED.value)
COUNTED_STATUSES = (ExchangeStatus.AGREED.value, ExchangeStatus.COMPLETED.value)  # in the 20% share


def current_term(today: date | None = None) -> str:
    """The school term a day falls in: spring is February–July, autumn August–January."""
    today = today or checks.district_today()
    if 2 <= today.month <= 7:
        return f"{today.year}年春季学期"
    return f"{today.year if today.month >= 8 else today.year - 1}年秋季学期"


def side_of(user: User) -> str:
    """ "school" or "enterprise": which partner the user acts for."""
    if user.role == Role.SCHOOL_STAFF.value:
        return "school"
    if user.role == Role.ENTERPRISE_HR.value:
        return "enterprise"
    raise NotFound(_l("Exchange not found."))


def listed_items(raw: str | None) -> tuple[str, ...]:
    return tuple(item for item in normalise_list(raw).split("、") if item)
