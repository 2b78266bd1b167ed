"""Suggested pairs, computed by the matcher on demand and never stored: experts ↔ teaching needs,
teachers open to practice ↔ practice posts; and pairs proposed by hand (demo data, tests)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.audit import services as audit
from portal.exchanges.models import (
    ACTIVE_STATUSES,
    Exchange,
    ExchangeStatus,
    PracticePost,
    PracticePostStatus,
)
from portal.exchanges.services.common import (
    EXPERT,
    HOLDING_STATUSES,
    PLACE_STATUSES,
    TEACHER,
    current_term,
    listed_items,
    side_of,
)
from portal.extensions import db
from portal.organisations.models import Organisation, School
from portal.partnerships import matching as matcher
from portal.platform.errors import NotFound, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import Posting, PostingKind
from portal.programs.models import PublicationStatus
from portal.programs.school_models import NeedStatus, Teacher, TeachingNeed


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


def hours_held_by_experts(
    posting_ids: Iterable[int], *, besides: int | None = None
) -> dict[tuple[int, str], int]:
    ids = list(posting_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Exchange.posting_id, Exchange.expert_name, func.sum(Exchange.hours))
        .where(
            Exchange.posting_id.in_(ids), Exchange.status.in_(HOLDING_STATUSES), Exchange.id != (besides or 0)
        )
        .group_by(Exchange.posting_id, Exchange.expert_name)
    )
    return {(posting_id, name): int(total or 0) for posting_id, name, total in rows}


def experts_of(posting: Posting, held: dict[tuple[int, str], int]) -> list[ExpertOffer]:
    found = []
    for index, row in enumerate((posting.details or {}).get("experts") or []):
        if not isinstance(row, dict) or not row.get("name"):
            continue
        hours = int(row.get("hours") or 0)
        found.append(
            ExpertOffer(
                posting=posting,
                index=index,
                name=str(row["name"]),
                title=str(row.get("title") or ""),
                expertise=str(row.get("expertise") or ""),
                hours=hours,
                hours_left=max(0, hours - held.get((posting.id, str(row["name"])), 0)),
            )
        )
    return found


def offered_experts() -> list[ExpertOffer]:
    """Experts of published part-time-teacher postings of verified enterprises.

    An expert's hours are what the posting offers for its period; every exchange not cancelled
    (also a completed one) holds its hours, so an expert fills as many needs as those allow.
    """
    postings = list(
        db.session.scalars(
            select(Posting)
            .options(joinedload(Posting.enterprise))
            .join(Organisation, Posting.enterprise_id == Organisation.id)
            .where(
                Posting.kind == PostingKind.PART_TIME_TEACHER.value,
                Posting.status == PublicationStatus.PUBLISHED.value,
                Organisation.is_verified,
            )
            .order_by(Posting.id)
        ).unique()
    )
    held = hours_held_by_experts(p.id for p in postings)
    return [expert for posting in postings for expert in experts_of(posting, held)]


def need_hours_held(need_ids: Iterable[int], *, besides: int | None = None) -> dict[int, int]:
    ids = list(need_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Exchange.need_id, func.sum(Exchange.hours))
        .where(
            Exchange.need_id.in_(ids), Exchange.status.in_(HOLDING_STATUSES), Exchange.id != (besides or 0)
        )
        .group_by(Exchange.need_id)
    )
    return {need_id: int(total or 0) for need_id, total in rows}


def _open_needs() -> list[TeachingNeed]:
    return list(
        db.session.scalars(
            select(TeachingNeed)
            .options(joinedload(TeachingNeed.school))
            .join(School, TeachingNeed.school_id == School.id)
            .where(TeachingNeed.status == NeedStatus.OPEN.value, School.is_verified)
            .order_by(TeachingNeed.id)
        ).unique()
    )


def teachers_in_practice() -> set[int]:
    return set(
        db.session.scalars(
            select(Exchange.teacher_id).where(
                Exchange.direction == TEACHER,
                Exchange.status.in_(ACTIVE_STATUSES),
                Exchange.teacher_id.is_not(None),
            )
        )
    )


def _teachers_open_to_practice() -> list[Teacher]:
    busy = teachers_in_practice()
    teachers = db.session.scalars(
        select(Teacher)
        .options(joinedload(Teacher.school))
        .join(School, Teacher.school_id == School.id)
        .where(Teacher.open_to_practice.is_(True), School.is_verified)
        .order_by(Teacher.id)
    ).unique()
    return [t for t in teachers if t.id not in busy]


def places_taken(post_ids: Iterable[int], *, besides: int | None = None) -> dict[int, int]:
    ids = list(post_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Exchange.practice_post_id, func.count())
        .where(
            Exchange.practice_post_id.in_(ids),
            Exchange.status.in_(PLACE_STATUSES),
            Exchange.id != (besides or 0),
        )
        .group_by(Exchange.practice_post_id)
    )
    return {post_id: int(n) for post_id, n in rows}


def _open_posts() -> list[PracticePost]:
    return list(
        db.session.scalars(
            select(PracticePost)
            .options(joinedload(PracticePost.enterprise))
            .join(Organisation, PracticePost.enterprise_id == Organisation.id)
            .where(
                PracticePost.status == PracticePostStatus.OPEN.value,
                Organisation.is_verified,
            )
            .order_by(PracticePost.id)
        ).unique()
    )


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
            return {
                "posting_id": self.offer.posting.id,
                "expert": self.offer.index,
                "target_id": self.target.id,
            }
        return {"posting_id": 0, "expert": self.offer.id, "target_id": self.target.id}


def existing_pairs(direction: str) -> set[tuple]:
    if direction == EXPERT:
        return set(
            db.session.execute(
                select(Exchange.posting_id, Exchange.expert_name, Exchange.need_id).where(
                    Exchange.direction == EXPERT
                )
            ).tuples()
        )
    return set(
        db.session.execute(
            select(Exchange.teacher_id, Exchange.practice_post_id).where(Exchange.direction == TEACHER)
        ).tuples()
    )


def expert_suggestions() -> list[Suggestion]:
    experts = {e.key: e for e in offered_experts() if e.hours_left > 0}
    needs = _open_needs()
    held = need_hours_held(n.id for n in needs)
    needs_by_key = {f"n{n.id}": n for n in needs if n.hours - held.get(n.id, 0) > 0}
    offers = [
        matcher.ExchangeSide(
            key,
            "\n".join([e.expertise, e.posting.title, e.posting.description]),
            (*listed_items(e.expertise), *listed_items(e.posting.skills)),
            e.hours_left,
        )
        for key, e in experts.items()
    ]
    wanted = [
        matcher.ExchangeSide(
            key, "\n".join([n.course, n.description]), listed_items(n.skills), n.hours - held.get(n.id, 0)
        )
        for key, n in needs_by_key.items()
    ]
    existing = existing_pairs(EXPERT)
    found = []
    for pair in matcher.exchange_suggestions(offers, wanted):
        expert, need = experts[pair.offer_key], needs_by_key[pair.need_key]
        if (expert.posting.id, expert.name, need.id) in existing:
            continue
        found.append(Suggestion(EXPERT, expert, need, pair.score, pair.hours, pair.reasons))
    return found


# Which teachers open to practice need it first (planning's ledgers: not yet double-qualified, or short
# of the six months of 教师〔2016〕3号 Art. 4); registered by planning, which exchanges never imports.
_PRACTICE_FIRST: list[Callable[[list[Teacher]], set[int]]] = []


def register_practice_first(first: Callable[[list[Teacher]], set[int]]) -> None:
    _PRACTICE_FIRST[:] = [first]


def practice_suggestions() -> list[Suggestion]:
    """Teachers open to practice ↔ free places of open practice posts. The places go first to the
    teachers who need practice (`register_practice_first`), then to the others: otherwise a place
    went to whoever's subjects read closest, often a teacher already certified and past the six
    months, while a teacher weeks short of them was told that no post fits."""
    teachers = _teachers_open_to_practice()
    places = open_practice_places()
    posts, free = [post for post, _n in places], {post.id: n for post, n in places}
    first = _PRACTICE_FIRST[0](teachers) if _PRACTICE_FIRST and teachers else set()
    existing = existing_pairs(TEACHER)
    found: list[Suggestion] = []
    for group in ([t for t in teachers if t.id in first], [t for t in teachers if t.id not in first]):
        found += _practice_round(group, posts, free, existing)
    return found


def _practice_round(
    teachers: list[Teacher], posts: list[PracticePost], free: dict[int, int], existing: set
) -> list[Suggestion]:
    """One assignment of `teachers` to the posts' `free` places (which it uses up)."""
    by_key = {f"t{t.id}": t for t in teachers}
    posts_by_key = {f"p{p.id}": p for p in posts if free[p.id] > 0}
    if not by_key or not posts_by_key:
        return []
    # One slot per teacher and per free place: the post's hours are the exchange's hours.
    offers = [matcher.ExchangeSide(key, t.subjects, listed_items(t.subjects), 1) for key, t in by_key.items()]
    wanted = [
        matcher.ExchangeSide(key, "\n".join([p.title, p.description]), listed_items(p.skills), free[p.id])
        for key, p in posts_by_key.items()
    ]
    found = []
    for pair in matcher.exchange_suggestions(offers, wanted):
        teacher, post = by_key[pair.offer_key], posts_by_key[pair.need_key]
        if (teacher.id, post.id) in existing:
            continue
        free[post.id] -= 1
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


def find_suggestion(user: User, direction: str, posting_id: int, expert: int, target_id: int) -> Suggestion:
    side = side_of(user)
    if direction == EXPERT:
        candidates = expert_suggestions()
        match = [
            s
            for s in candidates
            if s.offer.posting.id == posting_id and s.offer.index == expert and s.target.id == target_id
        ]
    elif direction == TEACHER:
        candidates = practice_suggestions()
        match = [s for s in candidates if s.offer.id == expert and s.target.id == target_id]
    else:
        match = []
    match = [s for s in match if (s.school if side == "school" else s.enterprise).id == user.organisation_id]
    if not match:
        raise ServiceError(_l("This suggestion is no longer available; the list has been refreshed."))
    return match[0]


def exchange_from(suggestion: Suggestion) -> Exchange:
    common = {
        "school_id": suggestion.school.id,
        "enterprise_id": suggestion.enterprise.id,
        "hours": suggestion.hours,
        "score": suggestion.score,
        "reasons": suggestion.reasons,
        "status": ExchangeStatus.PROPOSED.value,
    }
    if suggestion.direction == EXPERT:
        offer, need = suggestion.offer, suggestion.target
        exchange = Exchange(
            direction=EXPERT,
            posting_id=offer.posting.id,
            expert_name=offer.name,
            expert_title=offer.title or None,
            need_id=need.id,
            term=need.term or current_term(),
            **common,
        )
    else:
        teacher, post = suggestion.offer, suggestion.target
        exchange = Exchange(
            direction=TEACHER,
            teacher_id=teacher.id,
            teacher_name=teacher.name,
            practice_post_id=post.id,
            term=current_term(),
            **common,
        )
    return audit.created(None, exchange, "propose", ExchangeStatus.PROPOSED.value)


def scored(direction: str, offer: Any, target: Any) -> Suggestion:
    """The matcher's score for one pair, even under its threshold (a pair chosen by hand)."""
    if direction == EXPERT:
        side = matcher.ExchangeSide(
            "o",
            "\n".join([offer.expertise, offer.posting.title, offer.posting.description]),
            (*listed_items(offer.expertise), *listed_items(offer.posting.skills)),
            1,
        )
        want = matcher.ExchangeSide(
            "n", "\n".join([target.course, target.description]), listed_items(target.skills), 1
        )
        hours = min(offer.hours_left, target.hours - need_hours_held([target.id]).get(target.id, 0))
    else:
        side = matcher.ExchangeSide("o", offer.subjects, listed_items(offer.subjects), 1)
        want = matcher.ExchangeSide(
            "n", "\n".join([target.title, target.description]), listed_items(target.skills), 1
        )
        hours = target.hours_per_term
    found = matcher.exchange_suggestions([side], [want], threshold=0.0)
    score, reasons = (found[0].score, found[0].reasons) if found else (0.0, [])
    if hours <= 0:
        raise ServiceError(_l("No hours are left for this pair."))
    return Suggestion(direction, offer, target, score, hours, reasons)


def open_practice_places() -> list[tuple[PracticePost, int]]:
    """The open practice posts with a free place, and how many: what a school may ask for itself."""
    posts = _open_posts()
    taken = places_taken(p.id for p in posts)
    return [(p, p.places - taken.get(p.id, 0)) for p in posts if p.places - taken.get(p.id, 0) > 0]


def propose_expert(posting_id: int, expert_index: int, need_id: int) -> Exchange:
    """An exchange between one expert of a posting and one teaching need, proposed by hand (demo data,
    tests)."""
    posting = db.session.get(Posting, posting_id)
    need = db.session.get(TeachingNeed, need_id)
    if posting is None or need is None:
        raise NotFound(_l("Exchange not found."))
    expert = next(
        (e for e in experts_of(posting, hours_held_by_experts([posting.id])) if e.index == expert_index), None
    )
    if expert is None:
        raise NotFound(_l("The enterprise no longer offers this expert."))
    return exchange_from(scored(EXPERT, expert, need))


def propose_practice(teacher_id: int, post_id: int) -> Exchange:
    """An exchange between one teacher and one practice post, proposed by hand (demo data, tests)."""
    teacher = db.session.get(Teacher, teacher_id)
    post = db.session.get(PracticePost, post_id)
    if teacher is None or post is None:
        raise NotFound(_l("Exchange not found."))
    return exchange_from(scored(TEACHER, teacher, post))
