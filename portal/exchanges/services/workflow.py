"""The exchange state machine (see the package's docstring): accept, complete, cancel, and the
steps a page may offer; accepting or declining a suggested pair starts it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.exchanges.models import ACTIVE_STATUSES, Exchange, ExchangeStatus
from portal.exchanges.services.common import EXPERT, TEACHER, side_of
from portal.exchanges.services.part_time import part_time_warning
from portal.exchanges.services.suggestions import (
    ExpertOffer,
    exchange_from,
    existing_pairs,
    experts_of,
    find_suggestion,
    hours_held_by_experts,
    need_hours_held,
    open_practice_places,
    places_taken,
    scored,
    teachers_in_practice,
)
from portal.extensions import db
from portal.notifications import services as notifications
from portal.organisations.models import Organisation
from portal.partnerships.cooperation_models import Cooperation, CooperationKind, CooperationStatus
from portal.platform import checks
from portal.platform.errors import NotFound, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.model_base import utcnow
from portal.platform.queries import newest_first
from portal.programs.models import PublicationStatus
from portal.programs.school_models import NeedStatus, Teacher


def exchanges_of(user: User) -> list[Exchange]:
    column = Exchange.school_id if side_of(user) == "school" else Exchange.enterprise_id
    return newest_first(Exchange.updated_at, column == user.organisation_id)


def get_own_exchange(user: User, exchange_id: int) -> Exchange:
    """The exchange if the user's organisation is one of its two partners; otherwise NotFound."""
    exchange = db.session.get(Exchange, exchange_id)
    if exchange is None:
        raise NotFound(_l("Exchange not found."))
    side = side_of(user)
    owner = exchange.school_id if side == "school" else exchange.enterprise_id
    if owner != user.organisation_id:
        raise NotFound(_l("Exchange not found."))
    return exchange


def _other(exchange: Exchange, side: str) -> Organisation:
    return exchange.enterprise if side == "school" else exchange.school


def _link(side: str) -> str:
    return notifications.link(side, "exchanges")


def _current_expert(exchange: Exchange) -> ExpertOffer | None:
    """The expert as the posting lists them now (hours may have changed), if still offered."""
    posting = exchange.posting
    if posting is None or posting.status != PublicationStatus.PUBLISHED.value:
        return None
    held = hours_held_by_experts([posting.id])
    return next((e for e in experts_of(posting, held) if e.name == exchange.expert_name), None)


def _check_capacity(exchange: Exchange) -> None:
    """Refuse when the expert's hours, the need's hours or the post's places would be exceeded."""
    if exchange.is_expert_to_school:
        expert = _current_expert(exchange)
        if expert is None:
            raise ServiceError(_l("The enterprise no longer offers this expert."))
        held = hours_held_by_experts([exchange.posting_id], besides=exchange.id).get(
            (exchange.posting_id, exchange.expert_name), 0
        )
        if held + exchange.hours > expert.hours:
            raise ServiceError(
                _l(
                    "This would exceed the hours %(name)s can teach (%(hours)d hours).",
                    name=expert.name,
                    hours=expert.hours,
                )
            )
        need = exchange.need
        if need is None or need.status != NeedStatus.OPEN.value:
            raise ServiceError(_l("The teaching need is no longer open."))
        if need_hours_held([need.id], besides=exchange.id).get(need.id, 0) + exchange.hours > need.hours:
            raise ServiceError(_l("The teaching need's hours are already covered."))
    else:
        post = exchange.practice_post
        if post is None or not post.is_open:
            raise ServiceError(_l("The practice post is no longer open."))
        if places_taken([post.id], besides=exchange.id).get(post.id, 0) + 1 > post.places:
            raise ServiceError(_l("The practice post has no place left."))
        if exchange.teacher is None:
            raise ServiceError(_l("The teacher is no longer on the school's staff."))


def steps(exchange: Exchange, side: str) -> frozenset[str]:
    """What `side` may do with `exchange` now. The pages offer exactly these; the steps below
    refuse the rest with their reasons (a test holds the two together)."""
    status, allowed = exchange.status, set()
    waiting = (
        ExchangeStatus.PROPOSED.value,
        ExchangeStatus.ACCEPTED_BY_SCHOOL.value,
        ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value,
    )
    if status in waiting and status != f"accepted_by_{side}":
        allowed.add("accept")
    if status == ExchangeStatus.AGREED.value:
        allowed.add("complete")
    if status in ACTIVE_STATUSES:
        allowed.add("cancel")
    if (
        side == "school"
        and status == ExchangeStatus.COMPLETED.value
        and not exchange.is_expert_to_school
        and exchange.teacher is not None
        and not exchange.teacher.double_qualified
    ):
        allowed.add("record_double_qualified")
    return frozenset(allowed)


def accept(user: User, exchange_id: int) -> Exchange:
    """The user's side accepts; when the other side has already accepted, the exchange is agreed."""
    exchange = get_own_exchange(user, exchange_id)
    side = side_of(user)
    mine = f"accepted_by_{side}"
    theirs = (
        ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value
        if side == "school"
        else ExchangeStatus.ACCEPTED_BY_SCHOOL.value
    )
    if exchange.status == mine:
        raise ServiceError(_l("You have already accepted this exchange; the other side has not yet."))
    if exchange.status not in (ExchangeStatus.PROPOSED.value, theirs):
        raise ServiceError(
            _l(
                "This exchange can no longer be accepted (it is %(status)s).",
                status=ExchangeStatus(exchange.status).label,
            )
        )
    _check_capacity(exchange)
    agreeing = exchange.status == theirs
    from_state, now = exchange.status, utcnow()
    if side == "school":
        exchange.school_accepted_at = now
    else:
        exchange.enterprise_accepted_at = now
    if agreeing:
        transition(exchange, ExchangeStatus.AGREED.value)
        exchange.agreed_at = now
        exchange.cooperation_id = _teacher_exchange_cooperation(exchange)
    else:
        transition(exchange, mine)
    db.session.flush()
    audit.record(user, exchange, "accept", from_state, exchange.status)
    # The 20% rule limits the school's own part-time posts, never an expert's exchange: a warning only.
    exchange.warnings = tuple(
        filter(None, [part_time_warning(exchange) if exchange.is_expert_to_school else None])
    )
    params = {
        "person": exchange.person,
        "placement": exchange.placement,
        "term": exchange.term,
        "hours": exchange.hours,
    }
    if agreeing:
        for org, org_side in ((exchange.school, "school"), (exchange.enterprise, "enterprise")):
            notifications.notify_organisation(org, "exchange_agreed", _link(org_side), **params)
    else:
        other_side = "enterprise" if side == "school" else "school"
        notifications.notify_organisation(
            _other(exchange, side),
            "exchange_proposed",
            _link(other_side),
            organisation=user.organisation.name,
            **params,
        )
    return exchange


def _teacher_exchange_cooperation(exchange: Exchange) -> int | None:
    """The partners' active teacher-exchange cooperation, if they have one, for the record."""
    return db.session.scalar(
        select(Cooperation.id)
        .where(
            Cooperation.school_id == exchange.school_id,
            Cooperation.enterprise_id == exchange.enterprise_id,
            Cooperation.kind == CooperationKind.TEACHER_EXCHANGE.value,
            Cooperation.status == CooperationStatus.ACTIVE.value,
        )
        .order_by(Cooperation.agreed_at.desc())
        .limit(1)
    )


def complete(user: User, exchange_id: int) -> Exchange:
    """Either partner records that an agreed exchange took place."""
    exchange = get_own_exchange(user, exchange_id)
    if exchange.status == ExchangeStatus.COMPLETED.value:
        raise ServiceError(_l("This exchange has already been completed."))
    if exchange.status != ExchangeStatus.AGREED.value:
        raise ServiceError(_l("Only an agreed exchange can be completed; both sides must accept it first."))
    transition(exchange, ExchangeStatus.COMPLETED.value)
    exchange.completed_at = utcnow()
    db.session.flush()
    audit.record(user, exchange, "complete", ExchangeStatus.AGREED.value, ExchangeStatus.COMPLETED.value)
    return exchange


def cancel(user: User, exchange_id: int, reason: str) -> Exchange:
    """Either partner cancels an exchange that is not completed, with a reason the other side sees."""
    exchange = get_own_exchange(user, exchange_id)
    reason = checks.reason(reason)
    if exchange.status not in ACTIVE_STATUSES:
        raise ServiceError(
            _l(
                "This exchange can no longer be cancelled (it is %(status)s).",
                status=ExchangeStatus(exchange.status).label,
            )
        )
    side = side_of(user)
    from_state = exchange.status
    transition(exchange, ExchangeStatus.CANCELLED.value)
    exchange.cancelled_at = utcnow()
    exchange.cancelled_by = side
    exchange.cancel_reason = reason
    db.session.flush()
    audit.record(user, exchange, "cancel", from_state, ExchangeStatus.CANCELLED.value, reason)
    if from_state != ExchangeStatus.PROPOSED.value:  # a declined suggestion concerned nobody else yet
        other_side = "enterprise" if side == "school" else "school"
        notifications.notify_organisation(
            _other(exchange, side),
            "exchange_cancelled",
            _link(other_side),
            organisation=user.organisation.name,
            person=exchange.person,
            placement=exchange.placement,
            reason=reason,
        )
    return exchange


def record_double_qualified(user: User, exchange_id: int) -> Teacher:
    """After a teacher completes enterprise practice, the school records them as double-qualified (双师型).

    Practice alone certifies no level (教师厅〔2022〕2号 certifies through a provincial or school
    procedure): the record is level "unknown", with a note asking for the level, date and body."""
    exchange = get_own_exchange(user, exchange_id)
    if side_of(user) != "school":
        raise ServiceError(_l("Only the teacher's school can record double-qualified status."))
    if exchange.is_expert_to_school:
        raise ServiceError(
            _l("Double-qualified status is recorded for the school's own teachers after enterprise practice.")
        )
    if exchange.status != ExchangeStatus.COMPLETED.value:
        raise ServiceError(_l("The enterprise practice must be completed first."))
    teacher = exchange.teacher
    if teacher is None:
        raise ServiceError(_l("The teacher is no longer on the school's staff."))
    if teacher.double_qualified:
        raise ServiceError(
            _l("%(name)s is already recorded as a double-qualified teacher.", name=teacher.name)
        )
    teacher.double_qualified = True
    teacher.dq_level = "unknown"
    teacher.dq_note = (
        f"企业实践后记录（{exchange.enterprise.name}，{exchange.term}）；请补录认定级别、日期和认定机构。"
    )
    exchange.double_qualified_recorded_at = utcnow()
    db.session.flush()
    audit.record(
        user,
        teacher,
        "record_double_qualified",
        "not_double_qualified",
        "double_qualified",
        f"{exchange.placement} ({exchange.enterprise.name}, {exchange.term})",
        organisations=[exchange.enterprise_id],
    )
    return teacher


def accept_suggestion(user: User, direction: str, posting_id: int, expert: int, target_id: int) -> Exchange:
    """Accept a suggested pair for the user's side: the exchange is created and accepted at once."""
    suggestion = find_suggestion(user, direction, posting_id, expert, target_id)
    return accept(user, exchange_from(suggestion).id)


def ask_for_practice(staff: User, teacher: Teacher, post_id: int) -> Exchange:
    """The school asks a practice post's place for `teacher` (its own: the caller loaded it through
    the school's records), whoever the matcher would have suggested: a teacher weeks short of the six
    months may need the one place the matcher gave another. Accepted by the school at once; the
    enterprise accepts or refuses it as any exchange (the places are counted again then)."""
    if teacher.id in teachers_in_practice():
        raise ServiceError(
            _l("%(name)s already has an exchange under way; finish or cancel it first.", name=teacher.name),
            field="post_id",
        )
    post = next((post for post, _free in open_practice_places() if post.id == post_id), None)
    if post is None:
        raise ServiceError(_l("This practice post is no longer open or has no free place."), field="post_id")
    if (teacher.id, post.id) in existing_pairs(TEACHER):
        raise ServiceError(_l("This teacher and this post have been paired before."), field="post_id")
    return accept(staff, exchange_from(scored(TEACHER, teacher, post)).id)


def decline_suggestion(
    user: User, direction: str, posting_id: int, expert: int, target_id: int, reason: str
) -> Exchange:
    """Decline a suggested pair: it is recorded as cancelled with the reason, and not suggested again."""
    reason = checks.reason(reason)
    suggestion = find_suggestion(user, direction, posting_id, expert, target_id)
    return cancel(user, exchange_from(suggestion).id, reason)


@dataclass(frozen=True)
class TeachingService:
    """What an enterprise expert taught at schools as a part-time teacher (企业兼职教师), for the
    certificate the plan asks schools to give (experts' employers use it in appraisal)."""

    expert: str
    title: str | None
    enterprise: Organisation
    exchanges: list[Exchange]  # completed, oldest first

    @property
    def hours(self) -> int:
        return sum(e.hours for e in self.exchanges)

    @property
    def terms(self) -> list[str]:
        return sorted({e.term for e in self.exchanges})


def teaching_service(user: User, exchange_id: int) -> TeachingService:
    """The completed teaching of the expert of `exchange_id`: at every school for the expert's
    enterprise, at the reader's own school for a school."""
    exchange = get_own_exchange(user, exchange_id)
    if not exchange.is_expert_to_school or exchange.status != ExchangeStatus.COMPLETED.value:
        raise NotFound(_l("A certificate of teaching service is issued for completed teaching by an expert."))
    query = select(Exchange).where(
        Exchange.direction == EXPERT,
        Exchange.status == ExchangeStatus.COMPLETED.value,
        Exchange.posting_id == exchange.posting_id,
        Exchange.expert_name == exchange.expert_name,
    )
    if side_of(user) == "school":
        query = query.where(Exchange.school_id == user.organisation_id)
    done = list(db.session.scalars(query.order_by(Exchange.completed_at, Exchange.id)))
    return TeachingService(exchange.expert_name or "", exchange.expert_title, exchange.enterprise, done)
