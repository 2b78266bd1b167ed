"""An enterprise's staff-training request (职工培训 posting) meets the schools' training offers.

The matcher scores each published offer against the request through `services.matching`
(`exchange_suggestions`: the description's text similarity and the skills covered, each a
structured reason); this module adds the place (the offer's school in the request's town) and
the groups both name. Accepting a proposal creates a run of that offer for the enterprise's staff,
at its site, with the request's headcount as places; the school then confirms the enrolled staff.
Read-only until accepted, and small (one request against the offers): computed in the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.organisations.models import Organisation, OrgStatus
from portal.partnerships import matching
from portal.platform import checks
from portal.platform.errors import NotFound, Problems
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import Posting, PostingKind
from portal.postings.services import get_own_posting
from portal.programs.models import PublicationStatus
from portal.programs.school_models import TrainingOffer
from portal.training.models import RunStatus, TrainingRun, VenueKind

PLACE_BONUS = 0.1  # the offer's school is in the request's town
GROUP_BONUS = 0.05  # both name the same group
RUN_DAYS = 30  # a run made from a proposal lasts this long unless the school changes it
# The posting's "our employees" is the offers' "enterprise staff".
POSTING_GROUPS = {"employees": "enterprise_staff"}


@dataclass
class OfferProposal:
    offer: TrainingOffer
    score: float
    reasons: list[dict] = field(default_factory=list)
    same_town: bool = False
    groups: list[str] = field(default_factory=list)


def _items(raw: str) -> tuple[str, ...]:
    return tuple(
        part.strip() for part in raw.replace("，", ",").replace("、", ",").split(",") if part.strip()
    )


def training_request(hr: User, posting_id: int) -> Posting:
    posting = get_own_posting(hr, posting_id)
    if posting.kind != PostingKind.STAFF_TRAINING.value:
        raise NotFound(_l("Staff-training request not found."))
    return posting


def staff_training_requests(hr: User) -> list[Posting]:
    return list(
        db.session.scalars(
            select(Posting)
            .where(
                Posting.enterprise_id == hr.organisation_id, Posting.kind == PostingKind.STAFF_TRAINING.value
            )
            .order_by(Posting.id.desc())
        )
    )


def proposals_for(hr: User, posting_id: int, *, limit: int = 10) -> list[OfferProposal]:
    posting = training_request(hr, posting_id)
    offers = list(
        db.session.scalars(
            select(TrainingOffer)
            .join(Organisation, Organisation.id == TrainingOffer.school_id)
            .where(
                TrainingOffer.status == PublicationStatus.PUBLISHED.value,
                Organisation.status == OrgStatus.VERIFIED.value,
            )
        )
    )
    if not offers:
        return []
    details = posting.details or {}
    wanted_groups = {POSTING_GROUPS.get(g, g) for g in details.get("target_groups") or []}
    need_text = " ".join(filter(None, [posting.title, posting.description, str(details.get("courses", ""))]))
    sides = [
        matching.ExchangeSide(
            key=str(o.id),
            description=" ".join(filter(None, [o.title, o.description, o.skills])),
            skills=_items(o.skills),
            hours=max(1, o.hours),
        )
        for o in offers
    ]
    total = sum(s.hours for s in sides)
    need = matching.ExchangeSide(
        key="request", description=need_text, skills=_items(posting.skills), hours=total
    )
    by_id = {str(o.id): o for o in offers}
    found = []
    for suggestion in matching.exchange_suggestions(sides, [need]):
        offer = by_id[suggestion.offer_key]
        same_town = bool(posting.town) and offer.school.town == posting.town
        groups = sorted(wanted_groups & set(offer.target_group_list))
        score = suggestion.score + (PLACE_BONUS if same_town else 0) + (GROUP_BONUS if groups else 0)
        found.append(OfferProposal(offer, min(1.0, score), suggestion.reasons, same_town, groups))
    found.sort(key=lambda p: (-p.score, p.offer.id))
    return found[:limit]


def accept(hr: User, posting_id: int, offer_id: int, starts_on: date | None) -> TrainingRun:
    """A run of the proposed offer for this enterprise's staff, at its site."""
    posting = training_request(hr, posting_id)
    proposal = next((p for p in proposals_for(hr, posting_id, limit=1000) if p.offer.id == offer_id), None)
    if proposal is None:
        raise NotFound(_l("This offer is not proposed for this request."))
    problems = Problems()
    if starts_on is None:
        problems.add(_l("This field is required."), field="starts_on")
    elif starts_on < checks.district_today():
        problems.add(_l("This day has passed."), field="starts_on")
    problems.raise_if_any()
    offer = proposal.offer
    run = TrainingRun(
        offer_id=offer.id,
        school_id=offer.school_id,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=RUN_DAYS),
        hours=offer.hours,
        places=max(1, min(posting.headcount or offer.capacity or 1, 1000)),
        venue_kind=VenueKind.ENTERPRISE.value,
        enterprise_id=hr.organisation_id,
        posting_id=posting.id,
        status=RunStatus.OPEN.value,
    )
    return audit.created(hr, run, "training_run.create", organisations=[offer.school_id, hr.organisation_id])
