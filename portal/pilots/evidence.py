"""What the records show about one enterprise's cooperation with schools: the evidence an
application to become a pilot enterprise (产教融合型试点企业) carries, frozen at submission."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from portal.extensions import db
from portal.partnerships.cooperation_models import Cooperation, CooperationKind, CooperationStatus
from portal.platform.i18n import lazy_gettext as _l
from portal.postings.models import Posting, PostingKind
from portal.programs.models import PublicationStatus

EVIDENCE_LABELS: dict[str, Any] = {
    "active_cooperations": _l("Active cooperations with schools"),
    "order_classes": _l("Order classes / named classes"),
    "order_class_seats": _l("Seats in order classes"),
    "apprenticeships": _l("Modern apprenticeship programmes"),
    "apprentice_places": _l("Apprentice places"),
    "internships": _l("Internship placements"),
    "part_time_teachers": _l("Part-time teachers offered to schools"),
    "staff_training": _l("Staff training cooperations"),
    "training_bases": _l("Shared training bases"),
    "schools": _l("Partner schools"),
}


def enterprise_evidence(enterprise_id: int) -> dict[str, int]:
    """What the records show about an enterprise's cooperation, right now.

    Cooperations count by kind (active ones); places and part-time teachers add
    the cooperations' seats and the headcounts of the enterprise's published or
    closed postings of that kind (drafts and taken-down postings do not count).
    """
    active = db.session.execute(
        select(Cooperation.kind, func.count(), func.coalesce(func.sum(Cooperation.seats), 0))
        .where(
            Cooperation.enterprise_id == enterprise_id,
            Cooperation.status == CooperationStatus.ACTIVE.value,
        )
        .group_by(Cooperation.kind)
    ).all()
    by_kind = {kind: count for kind, count, _seats in active}
    seats = {kind: total for kind, _count, total in active}
    offered = dict(
        db.session.execute(
            select(Posting.kind, func.coalesce(func.sum(Posting.headcount), 0))
            .where(
                Posting.enterprise_id == enterprise_id,
                Posting.status.in_((PublicationStatus.PUBLISHED.value, PublicationStatus.CLOSED.value)),
                Posting.taken_down_at.is_(None),
            )
            .group_by(Posting.kind)
        )
        .tuples()
        .all()
    )
    schools = (
        db.session.scalar(
            select(func.count(func.distinct(Cooperation.school_id))).where(
                Cooperation.enterprise_id == enterprise_id,
                Cooperation.status == CooperationStatus.ACTIVE.value,
            )
        )
        or 0
    )
    kind = CooperationKind
    return {
        "active_cooperations": int(sum(by_kind.values())),
        "order_classes": int(by_kind.get(kind.ORDER_CLASS.value, 0)),
        "order_class_seats": int(seats.get(kind.ORDER_CLASS.value, 0)),
        "apprenticeships": int(by_kind.get(kind.APPRENTICESHIP.value, 0)),
        "apprentice_places": int(seats.get(kind.APPRENTICESHIP.value, 0))
        + int(offered.get(PostingKind.APPRENTICESHIP.value, 0)),
        "internships": int(by_kind.get(kind.INTERNSHIP.value, 0)),
        "part_time_teachers": int(seats.get(kind.TEACHER_EXCHANGE.value, 0))
        + int(offered.get(PostingKind.PART_TIME_TEACHER.value, 0)),
        "staff_training": int(by_kind.get(kind.STAFF_TRAINING.value, 0)),
        "training_bases": int(by_kind.get(kind.TRAINING_BASE.value, 0)),
        "schools": int(schools),
    }
