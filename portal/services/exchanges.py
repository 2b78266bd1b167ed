"""Two-way exchange (双向交流): part-time teachers from industry and teacher enterprise practice.

Suggestions
    Computed on demand by the matcher (`portal.services.matching.exchange_suggestions`), never
    stored, so a page that shows them changes nothing. Two runs, one per direction:
    experts of published part-time-teacher postings (their hours left) ↔ open teaching needs
    (their hours not yet covered); teachers open to practice and not already in one ↔ open
    practice posts (their places left, one place per teacher). A pair that already has an
    exchange (in any status, also cancelled) is not suggested again. Everyone sees the same
    suggestions; each organisation sees the ones it is part of.

Workflow (one state machine for both directions)
    proposed ──accept by school──▶ accepted_by_school ──accept by enterprise──▶ agreed ──▶ completed
             ──accept by enterprise──▶ accepted_by_enterprise ──accept by school──▶ agreed
    any state before completed ──cancel (with reason)──▶ cancelled
    Accepting a suggestion creates the exchange (proposed) and accepts it for the accepting side
    in the same unit of work. Every refused step raises `ServiceError` before changing anything.

The 20% rule (see `part_time_share`): schools may fill at most 20% of their staffing quota
(编制员额) with part-time teachers; an expert exchange that would go beyond is refused.

Plain arguments in; flush, never commit. Another organisation's exchange or post is `NotFound`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Cooperation,
    CooperationKind,
    CooperationStatus,
    Employment,
    Exchange,
    ExchangeDirection,
    ExchangeStatus,
    NeedStatus,
    Organisation,
    OrgStatus,
    Posting,
    PostingKind,
    PracticePost,
    PracticePostStatus,
    PublicationStatus,
    Role,
    School,
    Teacher,
    TeachingNeed,
    User,
)
from portal.models.base import utcnow
from portal.models.exchanges import ACTIVE_STATUSES
from portal.services import audit, checks, notifications
from portal.services import matching as matcher
from portal.services.errors import NotFound, ServiceError
from portal.services.locking import transition
from portal.services.postings import normalise_list

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
PLACE_STATUSES = (ExchangeStatus.ACCEPTED_BY_SCHOOL.value, ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value,
                  ExchangeStatus.AGREED.value)
HOLDING_STATUSES = (*PLACE_STATUSES, ExchangeStatus.COMPLETED.value)
COUNTED_STATUSES = (ExchangeStatus.AGREED.value, ExchangeStatus.COMPLETED.value)  # in the 20% share


def current_term(today: date | None = None) -> str:
    """The school term a day falls in: spring is February–July, autumn August–January."""
    today = today or checks.district_today()
    if 2 <= today.month <= 7:
        return f"{today.year}年春季学期"
    return f"{today.year if today.month >= 8 else today.year - 1}年秋季学期"


def side_of(user: User) -> str:
    """"school" or "enterprise": which partner the user acts for."""
    if user.role == Role.SCHOOL_STAFF.value:
        return "school"
    if user.role == Role.ENTERPRISE_HR.value:
        return "enterprise"
    raise NotFound(_l("Exchange not found."))


def _items(raw: str | None) -> tuple[str, ...]:
    return tuple(item for item in normalise_list(raw).split("、") if item)


# --- practice posts (enterprise) -------------------------------------------------------

def posts_of_enterprise(enterprise_id: int) -> list[PracticePost]:
    return list(db.session.scalars(
        select(PracticePost).where(PracticePost.enterprise_id == enterprise_id)
        .order_by(PracticePost.created_at.desc(), PracticePost.id.desc())
    ))


def get_own_post(hr: User, post_id: int) -> PracticePost:
    post = db.session.get(PracticePost, post_id)
    if post is None or hr.role != Role.ENTERPRISE_HR.value or post.enterprise_id != hr.organisation_id:
        raise NotFound(_l("Practice post not found."))
    return post


def _post_values(*, title: str, description: str, skills: str, hours_per_term: int, places: int) -> dict:
    return {
        "title": checks.text(title, field="title", max_length=TITLE_MAX, required=True),
        "description": checks.text(description, field="description", max_length=TEXT_MAX),
        "skills": normalise_list(checks.text(skills, field="skills", max_length=SKILLS_MAX)),
        "hours_per_term": checks.integer(hours_per_term, field="hours_per_term", minimum=1, maximum=MAX_HOURS),
        "places": checks.integer(places, field="places", minimum=1, maximum=MAX_PLACES),
    }


def create_post(enterprise: Organisation, *, title: str, hours_per_term: int, places: int = 1,
                description: str = "", skills: str = "") -> PracticePost:
    post = PracticePost(
        enterprise_id=enterprise.id,
        **_post_values(title=title, description=description, skills=skills, hours_per_term=hours_per_term,
                       places=places),
    )
    db.session.add(post)
    db.session.flush()
    return post


def update_post(hr: User, post_id: int, *, title: str, hours_per_term: int, places: int = 1,
                description: str = "", skills: str = "") -> PracticePost:
    post = get_own_post(hr, post_id)
    values = _post_values(title=title, description=description, skills=skills, hours_per_term=hours_per_term,
                          places=places)
    for key, value in values.items():
        setattr(post, key, value)
    db.session.flush()
    return post


def set_post_status(hr: User, post_id: int, status: str) -> PracticePost:
    """Open or close a post; exchanges already made on it go on."""
    post = get_own_post(hr, post_id)
    status = checks.choice(status, PracticePostStatus, field="status")
    if post.status == status:
        raise ServiceError(_l("Nothing to change."))
    transition(post, status)
    db.session.flush()
    return post


# --- who takes part ----------------------------------------------------------------------

@dataclass(frozen=True)
class ExpertOffer:
    """One expert row of a published part-time-teacher posting, and the hours not yet promised."""

    posting: Posting
    index: int
    name: str
    title: str
    expertise: str
    hours: int
    hours_left: int

    @property
    def key(self) -> str:
        return f"e{self.posting.id}:{self.index}"


def _hours_held_by_experts(posting_ids: Iterable[int], *, besides: int | None = None) -> dict[tuple[int, str], int]:
    ids = list(posting_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Exchange.posting_id, Exchange.expert_name, func.sum(Exchange.hours))
        .where(Exchange.posting_id.in_(ids), Exchange.status.in_(HOLDING_STATUSES), Exchange.id != (besides or 0))
        .group_by(Exchange.posting_id, Exchange.expert_name)
    )
    return {(posting_id, name): int(total or 0) for posting_id, name, total in rows}


def _experts_of(posting: Posting, held: dict[tuple[int, str], int]) -> list[ExpertOffer]:
    found = []
    for index, row in enumerate((posting.details or {}).get("experts") or []):
        if not isinstance(row, dict) or not row.get("name"):
            continue
        hours = int(row.get("hours") or 0)
        found.append(ExpertOffer(
            posting=posting, index=index, name=str(row["name"]), title=str(row.get("title") or ""),
            expertise=str(row.get("expertise") or ""), hours=hours,
            hours_left=max(0, hours - held.get((posting.id, str(row["name"])), 0)),
        ))
    return found


def offered_experts() -> list[ExpertOffer]:
    """Experts of published part-time-teacher postings of verified enterprises.

    An expert's hours are what the posting offers for its period; every exchange not cancelled
    (also a completed one) holds its hours, so an expert fills as many needs as those allow.
    """
    postings = list(db.session.scalars(
        select(Posting).options(joinedload(Posting.enterprise))
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(Posting.kind == PostingKind.PART_TIME_TEACHER.value,
               Posting.status == PublicationStatus.PUBLISHED.value,
               Organisation.status == OrgStatus.VERIFIED.value)
        .order_by(Posting.id)
    ).unique())
    held = _hours_held_by_experts(p.id for p in postings)
    return [expert for posting in postings for expert in _experts_of(posting, held)]


def _need_hours_held(need_ids: Iterable[int], *, besides: int | None = None) -> dict[int, int]:
    ids = list(need_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Exchange.need_id, func.sum(Exchange.hours))
        .where(Exchange.need_id.in_(ids), Exchange.status.in_(HOLDING_STATUSES), Exchange.id != (besides or 0))
        .group_by(Exchange.need_id)
    )
    return {need_id: int(total or 0) for need_id, total in rows}


def _open_needs() -> list[TeachingNeed]:
    return list(db.session.scalars(
        select(TeachingNeed).options(joinedload(TeachingNeed.school))
        .join(School, TeachingNeed.school_id == School.id)
        .where(TeachingNeed.status == NeedStatus.OPEN.value, School.status == OrgStatus.VERIFIED.value)
        .order_by(TeachingNeed.id)
    ).unique())


def _teachers_in_practice() -> set[int]:
    return set(db.session.scalars(
        select(Exchange.teacher_id).where(
            Exchange.direction == TEACHER, Exchange.status.in_(ACTIVE_STATUSES), Exchange.teacher_id.is_not(None)
        )
    ))


def _teachers_open_to_practice() -> list[Teacher]:
    busy = _teachers_in_practice()
    teachers = db.session.scalars(
        select(Teacher).options(joinedload(Teacher.school))
        .join(School, Teacher.school_id == School.id)
        .where(Teacher.open_to_practice.is_(True), School.status == OrgStatus.VERIFIED.value)
        .order_by(Teacher.id)
    ).unique()
    return [t for t in teachers if t.id not in busy]


def _places_taken(post_ids: Iterable[int], *, besides: int | None = None) -> dict[int, int]:
    ids = list(post_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Exchange.practice_post_id, func.count())
        .where(Exchange.practice_post_id.in_(ids), Exchange.status.in_(PLACE_STATUSES), Exchange.id != (besides or 0))
        .group_by(Exchange.practice_post_id)
    )
    return {post_id: int(n) for post_id, n in rows}


def _open_posts() -> list[PracticePost]:
    return list(db.session.scalars(
        select(PracticePost).options(joinedload(PracticePost.enterprise))
        .join(Organisation, PracticePost.enterprise_id == Organisation.id)
        .where(PracticePost.status == PracticePostStatus.OPEN.value, Organisation.status == OrgStatus.VERIFIED.value)
        .order_by(PracticePost.id)
    ).unique())


# --- suggestions ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    """A pair the matcher proposes; `offer` is an ExpertOffer or a Teacher, `target` a need or a post."""

    direction: str
    offer: Any
    target: Any
    score: float
    hours: int
    reasons: list[dict]

    @property
    def school(self) -> Organisation:
        return self.target.school if self.direction == EXPERT else self.offer.school

    @property
    def enterprise(self) -> Organisation:
        return self.offer.posting.enterprise if self.direction == EXPERT else self.target.enterprise

    @property
    def score_percent(self) -> int:
        return round(self.score * 100)

    @property
    def person(self) -> str:
        return self.offer.name

    @property
    def placement(self) -> str:
        return self.target.course if self.direction == EXPERT else self.target.title

    def form_values(self) -> dict[str, int]:
        """What the accept/decline buttons post back (the pair is looked up again, never trusted)."""
        if self.direction == EXPERT:
            return {"posting_id": self.offer.posting.id, "expert": self.offer.index, "target_id": self.target.id}
        return {"posting_id": 0, "expert": self.offer.id, "target_id": self.target.id}


def _existing_pairs(direction: str) -> set[tuple]:
    if direction == EXPERT:
        return set(db.session.execute(
            select(Exchange.posting_id, Exchange.expert_name, Exchange.need_id).where(Exchange.direction == EXPERT)
        ).tuples())
    return set(db.session.execute(
        select(Exchange.teacher_id, Exchange.practice_post_id).where(Exchange.direction == TEACHER)
    ).tuples())


def expert_suggestions() -> list[Suggestion]:
    experts = {e.key: e for e in offered_experts() if e.hours_left > 0}
    needs = _open_needs()
    held = _need_hours_held(n.id for n in needs)
    needs_by_key = {f"n{n.id}": n for n in needs if n.hours - held.get(n.id, 0) > 0}
    offers = [matcher.ExchangeSide(key, "\n".join([e.expertise, e.posting.title, e.posting.description]),
                                   (*_items(e.expertise), *_items(e.posting.skills)), e.hours_left)
              for key, e in experts.items()]
    wanted = [matcher.ExchangeSide(key, "\n".join([n.course, n.description]), _items(n.skills),
                                   n.hours - held.get(n.id, 0))
              for key, n in needs_by_key.items()]
    existing = _existing_pairs(EXPERT)
    found = []
    for pair in matcher.exchange_suggestions(offers, wanted):
        expert, need = experts[pair.offer_key], needs_by_key[pair.need_key]
        if (expert.posting.id, expert.name, need.id) in existing:
            continue
        found.append(Suggestion(EXPERT, expert, need, pair.score, pair.hours, pair.reasons))
    return found


def practice_suggestions() -> list[Suggestion]:
    teachers = {f"t{t.id}": t for t in _teachers_open_to_practice()}
    posts = _open_posts()
    taken = _places_taken(p.id for p in posts)
    posts_by_key = {f"p{p.id}": p for p in posts if p.places - taken.get(p.id, 0) > 0}
    # One slot per teacher and per free place: the post's hours are the exchange's hours.
    offers = [matcher.ExchangeSide(key, t.subjects, _items(t.subjects), 1) for key, t in teachers.items()]
    wanted = [matcher.ExchangeSide(key, "\n".join([p.title, p.description]), _items(p.skills),
                                   p.places - taken.get(p.id, 0))
              for key, p in posts_by_key.items()]
    existing = _existing_pairs(TEACHER)
    found = []
    for pair in matcher.exchange_suggestions(offers, wanted):
        teacher, post = teachers[pair.offer_key], posts_by_key[pair.need_key]
        if (teacher.id, post.id) in existing:
            continue
        found.append(Suggestion(TEACHER, teacher, post, pair.score, post.hours_per_term, pair.reasons))
    return found


def suggestions_for(user: User) -> dict[str, list[Suggestion]]:
    """The suggestions the user's organisation is part of, by direction."""
    side = side_of(user)
    org_id = user.organisation_id
    return {
        direction: [s for s in compute() if (s.school if side == "school" else s.enterprise).id == org_id]
        for direction, compute in ((EXPERT, expert_suggestions), (TEACHER, practice_suggestions))
    }


def _find_suggestion(user: User, direction: str, posting_id: int, expert: int, target_id: int) -> Suggestion:
    side = side_of(user)
    if direction == EXPERT:
        candidates = expert_suggestions()
        match = [s for s in candidates
                 if s.offer.posting.id == posting_id and s.offer.index == expert and s.target.id == target_id]
    elif direction == TEACHER:
        candidates = practice_suggestions()
        match = [s for s in candidates if s.offer.id == expert and s.target.id == target_id]
    else:
        match = []
    match = [s for s in match if (s.school if side == "school" else s.enterprise).id == user.organisation_id]
    if not match:
        raise ServiceError(_l("This suggestion is no longer available; the list has been refreshed."))
    return match[0]


def _exchange_from(suggestion: Suggestion) -> Exchange:
    common = {
        "school_id": suggestion.school.id, "enterprise_id": suggestion.enterprise.id,
        "hours": suggestion.hours, "score": suggestion.score, "reasons": suggestion.reasons,
        "status": ExchangeStatus.PROPOSED.value,
    }
    if suggestion.direction == EXPERT:
        offer, need = suggestion.offer, suggestion.target
        exchange = Exchange(
            direction=EXPERT, posting_id=offer.posting.id, expert_name=offer.name, expert_title=offer.title or None,
            need_id=need.id, term=need.term or current_term(), **common,
        )
    else:
        teacher, post = suggestion.offer, suggestion.target
        exchange = Exchange(
            direction=TEACHER, teacher_id=teacher.id, teacher_name=teacher.name, practice_post_id=post.id,
            term=current_term(), **common,
        )
    db.session.add(exchange)
    db.session.flush()
    audit.record(None, exchange, "propose", None, ExchangeStatus.PROPOSED.value)
    return exchange


def _scored(direction: str, offer: Any, target: Any) -> Suggestion:
    """The matcher's score for one pair, even under its threshold (a pair chosen by hand)."""
    if direction == EXPERT:
        side = matcher.ExchangeSide("o", "\n".join([offer.expertise, offer.posting.title, offer.posting.description]),
                                    (*_items(offer.expertise), *_items(offer.posting.skills)), 1)
        want = matcher.ExchangeSide("n", "\n".join([target.course, target.description]), _items(target.skills), 1)
        hours = min(offer.hours_left, target.hours - _need_hours_held([target.id]).get(target.id, 0))
    else:
        side = matcher.ExchangeSide("o", offer.subjects, _items(offer.subjects), 1)
        want = matcher.ExchangeSide("n", "\n".join([target.title, target.description]), _items(target.skills), 1)
        hours = target.hours_per_term
    found = matcher.exchange_suggestions([side], [want], threshold=0.0)
    score, reasons = (found[0].score, found[0].reasons) if found else (0.0, [])
    if hours <= 0:
        raise ServiceError(_l("No hours are left for this pair."))
    return Suggestion(direction, offer, target, score, hours, reasons)


def propose_expert(posting_id: int, expert_index: int, need_id: int) -> Exchange:
    """An exchange between one expert of a posting and one teaching need, proposed by hand (demo data, tests)."""
    posting = db.session.get(Posting, posting_id)
    need = db.session.get(TeachingNeed, need_id)
    if posting is None or need is None:
        raise NotFound(_l("Exchange not found."))
    expert = next((e for e in _experts_of(posting, _hours_held_by_experts([posting.id])) if e.index == expert_index),
                  None)
    if expert is None:
        raise NotFound(_l("The enterprise no longer offers this expert."))
    return _exchange_from(_scored(EXPERT, expert, need))


def propose_practice(teacher_id: int, post_id: int) -> Exchange:
    """An exchange between one teacher and one practice post, proposed by hand (demo data, tests)."""
    teacher = db.session.get(Teacher, teacher_id)
    post = db.session.get(PracticePost, post_id)
    if teacher is None or post is None:
        raise NotFound(_l("Exchange not found."))
    return _exchange_from(_scored(TEACHER, teacher, post))


def accept_suggestion(user: User, direction: str, posting_id: int, expert: int, target_id: int) -> Exchange:
    """Accept a suggested pair for the user's side: the exchange is created and accepted at once."""
    suggestion = _find_suggestion(user, direction, posting_id, expert, target_id)
    return accept(user, _exchange_from(suggestion).id)


def decline_suggestion(user: User, direction: str, posting_id: int, expert: int, target_id: int,
                       reason: str) -> Exchange:
    """Decline a suggested pair: it is recorded as cancelled with the reason, and not suggested again."""
    reason = checks.reason(reason)
    suggestion = _find_suggestion(user, direction, posting_id, expert, target_id)
    return cancel(user, _exchange_from(suggestion).id, reason)


# --- the workflow ----------------------------------------------------------------------------

def exchanges_of(user: User) -> list[Exchange]:
    column = Exchange.school_id if side_of(user) == "school" else Exchange.enterprise_id
    return list(db.session.scalars(
        select(Exchange).where(column == user.organisation_id)
        .order_by(Exchange.updated_at.desc(), Exchange.id.desc())
    ))


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
    held = _hours_held_by_experts([posting.id])
    return next((e for e in _experts_of(posting, held) if e.name == exchange.expert_name), None)


def _check_capacity(exchange: Exchange) -> None:
    """Refuse when the expert's hours, the need's hours or the post's places would be exceeded."""
    if exchange.is_expert_to_school:
        expert = _current_expert(exchange)
        if expert is None:
            raise ServiceError(_l("The enterprise no longer offers this expert."))
        held = _hours_held_by_experts([exchange.posting_id], besides=exchange.id).get(
            (exchange.posting_id, exchange.expert_name), 0)
        if held + exchange.hours > expert.hours:
            raise ServiceError(_l(
                "This would exceed the hours %(name)s can teach (%(hours)d hours).",
                name=expert.name, hours=expert.hours,
            ))
        need = exchange.need
        if need is None or need.status != NeedStatus.OPEN.value:
            raise ServiceError(_l("The teaching need is no longer open."))
        if _need_hours_held([need.id], besides=exchange.id).get(need.id, 0) + exchange.hours > need.hours:
            raise ServiceError(_l("The teaching need's hours are already covered."))
    else:
        post = exchange.practice_post
        if post is None or not post.is_open:
            raise ServiceError(_l("The practice post is no longer open."))
        if _places_taken([post.id], besides=exchange.id).get(post.id, 0) + 1 > post.places:
            raise ServiceError(_l("The practice post has no place left."))
        if exchange.teacher is None:
            raise ServiceError(_l("The teacher is no longer on the school's staff."))


def steps(exchange: Exchange, side: str) -> frozenset[str]:
    """What `side` may do with `exchange` now. The pages offer exactly these; the steps below
    refuse the rest with their reasons (a test holds the two together)."""
    status, allowed = exchange.status, set()
    waiting = (ExchangeStatus.PROPOSED.value, ExchangeStatus.ACCEPTED_BY_SCHOOL.value,
               ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value)
    if status in waiting and status != f"accepted_by_{side}":
        allowed.add("accept")
    if status == ExchangeStatus.AGREED.value:
        allowed.add("complete")
    if status in ACTIVE_STATUSES:
        allowed.add("cancel")
    if (side == "school" and status == ExchangeStatus.COMPLETED.value and not exchange.is_expert_to_school
            and exchange.teacher is not None and not exchange.teacher.double_qualified):
        allowed.add("record_double_qualified")
    return frozenset(allowed)


def accept(user: User, exchange_id: int) -> Exchange:
    """The user's side accepts; when the other side has already accepted, the exchange is agreed."""
    exchange = get_own_exchange(user, exchange_id)
    side = side_of(user)
    mine = f"accepted_by_{side}"
    theirs = ExchangeStatus.ACCEPTED_BY_ENTERPRISE.value if side == "school" else ExchangeStatus.ACCEPTED_BY_SCHOOL.value
    if exchange.status == mine:
        raise ServiceError(_l("You have already accepted this exchange; the other side has not yet."))
    if exchange.status not in (ExchangeStatus.PROPOSED.value, theirs):
        raise ServiceError(_l("This exchange can no longer be accepted (it is %(status)s).",
                              status=ExchangeStatus(exchange.status).label))
    _check_capacity(exchange)
    agreeing = exchange.status == theirs
    if exchange.is_expert_to_school and (side == "school" or agreeing):
        ensure_within_part_time_limit(exchange)
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
    params = {"person": exchange.person, "placement": exchange.placement, "term": exchange.term,
              "hours": exchange.hours}
    if agreeing:
        for org, org_side in ((exchange.school, "school"), (exchange.enterprise, "enterprise")):
            notifications.notify_organisation(org, "exchange_agreed", _link(org_side), **params)
    else:
        other_side = "enterprise" if side == "school" else "school"
        notifications.notify_organisation(
            _other(exchange, side), "exchange_proposed", _link(other_side),
            organisation=user.organisation.name, **params,
        )
    return exchange


def _teacher_exchange_cooperation(exchange: Exchange) -> int | None:
    """The partners' active teacher-exchange cooperation, if they have one, for the record."""
    return db.session.scalar(
        select(Cooperation.id).where(
            Cooperation.school_id == exchange.school_id, Cooperation.enterprise_id == exchange.enterprise_id,
            Cooperation.kind == CooperationKind.TEACHER_EXCHANGE.value,
            Cooperation.status == CooperationStatus.ACTIVE.value,
        ).order_by(Cooperation.agreed_at.desc()).limit(1)
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
        raise ServiceError(_l("This exchange can no longer be cancelled (it is %(status)s).",
                              status=ExchangeStatus(exchange.status).label))
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
            _other(exchange, side), "exchange_cancelled", _link(other_side),
            organisation=user.organisation.name, person=exchange.person, placement=exchange.placement,
            reason=reason,
        )
    return exchange


def record_double_qualified(user: User, exchange_id: int) -> Teacher:
    """After a teacher completes enterprise practice, the school records them as double-qualified (双师型)."""
    exchange = get_own_exchange(user, exchange_id)
    if side_of(user) != "school":
        raise ServiceError(_l("Only the teacher's school can record double-qualified status."))
    if exchange.is_expert_to_school:
        raise ServiceError(_l("Double-qualified status is recorded for the school's own teachers after "
                              "enterprise practice."))
    if exchange.status != ExchangeStatus.COMPLETED.value:
        raise ServiceError(_l("The enterprise practice must be completed first."))
    teacher = exchange.teacher
    if teacher is None:
        raise ServiceError(_l("The teacher is no longer on the school's staff."))
    if teacher.double_qualified:
        raise ServiceError(_l("%(name)s is already recorded as a double-qualified teacher.", name=teacher.name))
    teacher.double_qualified = True
    exchange.double_qualified_recorded_at = utcnow()
    db.session.flush()
    audit.record(
        user, teacher, "record_double_qualified", "not_double_qualified", "double_qualified",
        f"{exchange.placement} ({exchange.enterprise.name}, {exchange.term})",
        organisations=[exchange.enterprise_id],
    )
    return teacher


# --- the 20% rule ----------------------------------------------------------------------------

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
        select(Exchange.direction, Exchange.school_id, Exchange.posting_id, Exchange.expert_name,
               Exchange.teacher_id, Exchange.teacher_name).distinct().where(
            Exchange.school_id.in_(school_ids), Exchange.term == term, Exchange.status.in_(COUNTED_STATUSES),
        )
    ).all()
    experts = {(school, posting, name) for direction, school, posting, name, _t, _n in rows if direction == EXPERT}
    teachers = {(school, teacher_id if teacher_id is not None else teacher_name)
                for direction, school, _p, _e, teacher_id, teacher_name in rows if direction == TEACHER}
    return experts, teachers


def part_time_share(school: Organisation, *, term: str | None = None) -> PartTimeShare:
    """The school's part-time teachers against its staffing quota (编制员额), for one term.

    Part-time teachers = the school's Teacher records with employment "part_time" (兼职教师 it
    employs directly) + the distinct enterprise experts (posting, name) in expert-to-school
    exchanges of the term that are agreed or completed. The share is that number divided by
    `staffing_quota`; the rule allows at most 20%. Without a quota there is no share.
    """
    term = term or current_term()
    part_time = db.session.scalar(
        select(func.count()).select_from(Teacher).where(
            Teacher.school_id == school.id, Teacher.employment == Employment.PART_TIME.value
        )
    ) or 0
    return PartTimeShare(term=term, quota=school.staffing_quota, part_time_teachers=int(part_time),
                         experts=len(people_of_term(term, [school.id])[0]))


def ensure_within_part_time_limit(exchange: Exchange) -> None:
    """Refuse an expert exchange whose agreement would take the school above 20% of its quota."""
    school = exchange.school
    if not school.staffing_quota:
        raise ServiceError(_l(
            "%(school)s has not entered its staffing quota (编制员额) yet, so the 20%% limit on "
            "part-time teachers cannot be checked. The school can enter it on its exchange page.",
            school=school.name,
        ))
    share = part_time_share(school, term=exchange.term)
    experts, _teachers = people_of_term(exchange.term, [school.id])
    already = (school.id, exchange.posting_id, exchange.expert_name) in experts
    after = share.count + (0 if already else 1)
    if after * 100 > school.staffing_quota * PART_TIME_LIMIT_PERCENT:
        raise ServiceError(_l(
            "This would give %(school)s %(count)d part-time teachers in %(term)s, more than 20%% of its "
            "staffing quota of %(quota)d (at most %(allowed)d).",
            school=school.name, count=after, term=exchange.term, quota=school.staffing_quota,
            allowed=school.staffing_quota * PART_TIME_LIMIT_PERCENT // 100,
        ))


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
