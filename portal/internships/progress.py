"""What happens next in a placement and who acts: the line of a placement's 下一步 card, and the
student home's list of their own internships with what waits on them.

The state says whose turn it is (`services._STEPS`); within a state, what is still missing (the signed
consent, a party's confirmation of the agreement, a grade, this week's log) says who is awaited. The
reader's own step comes first: where several parties may act at once, each reads what is theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.internships.models import EntryKind, Placement, PlacementStatus, TimelineEntry
from portal.internships.services import period_of, placements_of
from portal.platform import checks
from portal.platform.i18n import lazy_gettext as _l
from portal.rules import internships as rules

PARTIES = ("school", "enterprise", "student")  # the agreement's order: 学校—企业—学生
ENDED = (PlacementStatus.DECLINED.value, PlacementStatus.REJECTED.value)


@dataclass(frozen=True)
class NextStep:
    """What happens next: the parties awaited (none: nobody's turn, only said) and what they do."""

    actors: tuple[str, ...]
    text: object

    def is_for(self, party: str | None) -> bool:
        return party in self.actors


def _name(placement: Placement, party: str) -> str:
    return {
        "student": placement.student.name,
        "enterprise": placement.enterprise.name,
        "school": placement.school.name,
    }[party]


def _consent_missing(placement: Placement) -> bool:
    """The signed consent the agreement and the start need (offers made before the consent rule need
    none, as `services.sign` and `services.start` judge them)."""
    if placement.rule_version is None:
        return False
    return any(
        rules.consent_problems(
            placement.student_consent_type is not None,
            placement.guardian_consent_type is not None,
            placement.student.birth_date,
            placement.starts_on,
        )
    )


def _approved(placement: Placement, party: str) -> NextStep:
    """Approved: the three parties confirm the agreement (the student after the consent), then either
    supervisor starts the internship."""
    unsigned = tuple(p for p in PARTIES if getattr(placement, f"{p}_signed_at") is None)
    if party in unsigned:
        if party == "student" and _consent_missing(placement):
            return NextStep(("student",), _l("Upload the signed consent, then confirm the agreement."))
        return NextStep((party,), _l("Confirm the three-party agreement."))
    if unsigned:
        names = "、".join(_name(placement, p) for p in unsigned)
        return NextStep(unsigned, _l("Waiting for %(parties)s to confirm the agreement.", parties=names))
    if party == "student":
        return NextStep(
            ("enterprise", "school"),
            _l("The agreement is signed: waiting for the enterprise or the school to start the internship."),
        )
    return NextStep(
        ("enterprise", "school"),
        _l("The agreement is signed: start the internship on its first day (the enterprise or the school)."),
    )


def _in_progress(placement: Placement, party: str, logged: bool) -> NextStep:
    """Running: the student logs every week; both supervisors grade, then either completes it."""
    if party == "student":
        if not logged:
            return NextStep(("student",), _l("Write this week's log in the timeline."))
        return NextStep(
            ("enterprise", "school"),
            _l(
                "This week's log is written. Your enterprise mentor and school supervisor grade the "
                "internship at its end."
            ),
        )
    own, other = party, "school" if party == "enterprise" else "enterprise"
    if getattr(placement, f"{own}_grade") is None:
        if own == "enterprise":
            text = _l("Evaluate the student every month, and grade the internship before it ends.")
        else:
            text = _l("Visit the student, and grade the internship before it ends.")
        return NextStep((own,), text)
    if getattr(placement, f"{other}_grade") is None:
        return NextStep(
            (other,), _l("Waiting for %(party)s to grade the internship.", party=_name(placement, other))
        )
    return NextStep(
        ("enterprise", "school"), _l("Both supervisors have graded: mark the internship completed.")
    )


def _completed(placement: Placement, party: str) -> NextStep | None:
    """Completed: the host enterprise may confirm a hire; the school records where the student went."""
    if party == "enterprise":
        return NextStep(("enterprise",), _l("If you hire the student, confirm the hire."))
    if placement.destination is not None:  # recorded: nothing more waits on the school or the student
        if party == "school":  # the form stays, to correct it: say so, as nobody's turn
            return NextStep((), _l("The destination is recorded; correct it below if it changes."))
        return None
    if party == "school":
        return NextStep(("school",), _l("Record where the student went after the internship."))
    return NextStep(
        ("school",), _l("Waiting for %(school)s to record where you go next.", school=placement.school.name)
    )


def step_of(placement: Placement, party: str | None, *, logged: bool = False) -> NextStep | None:
    """What happens next for `party` reading the placement; None when nothing more happens (ended,
    hired, or a completed internship whose destination the school recorded). `logged`: this week's
    log is written (only read while the internship runs)."""
    status, enterprise, school = placement.status, placement.enterprise.name, placement.school.name
    if party is None or status in ENDED or status == PlacementStatus.HIRED.value:
        return None
    if status == PlacementStatus.APPLIED.value:
        if party == "enterprise":
            return NextStep(
                ("enterprise",), _l("Shortlist the applicant, make an offer or turn the application down.")
            )
        return NextStep(
            ("enterprise",),
            _l("Waiting for %(enterprise)s to screen the application.", enterprise=enterprise),
        )
    if status == PlacementStatus.SHORTLISTED.value:
        if party == "enterprise":
            return NextStep(("enterprise",), _l("Make an offer or turn the application down."))
        return NextStep(
            ("enterprise",),
            _l("Waiting for %(enterprise)s to make an offer or say no.", enterprise=enterprise),
        )
    if status == PlacementStatus.OFFERED.value:
        if party == "student":
            return NextStep(("student",), _l("Answer the offer: read the terms, then accept or decline."))
        return NextStep(
            ("student",),
            _l("Waiting for %(student)s to accept or decline the offer.", student=placement.student.name),
        )
    if status == PlacementStatus.ACCEPTED.value:
        if party == "school":
            return NextStep(
                ("school",),
                _l("Approve the internship and name the school supervisor, or do not approve it."),
            )
        if party == "student" and _consent_missing(placement):
            return NextStep(
                ("student",),
                _l("Upload the signed consent while %(school)s decides on the internship.", school=school),
            )
        return NextStep(("school",), _l("Waiting for %(school)s to approve the internship.", school=school))
    if status == PlacementStatus.APPROVED.value:
        return _approved(placement, party)
    if status == PlacementStatus.IN_PROGRESS.value:
        return _in_progress(placement, party, logged)
    return _completed(placement, party)


def _logged_this_week(placement_ids: list[int], today: date | None = None) -> set[int]:
    """Of these placements, those whose log of the current week is written (one query)."""
    if not placement_ids:
        return set()
    monday = period_of(EntryKind.LOG, today or checks.district_today())
    return set(
        db.session.scalars(
            select(TimelineEntry.placement_id).where(
                TimelineEntry.placement_id.in_(placement_ids),
                TimelineEntry.kind == EntryKind.LOG.value,
                TimelineEntry.period == monday,
            )
        )
    )


def next_step(placement: Placement, party: str | None, *, today: date | None = None) -> NextStep | None:
    """The 下一步 line of a placement the caller loaded through `services.get_for`."""
    running = placement.status == PlacementStatus.IN_PROGRESS.value and party == "student"
    logged = running and placement.id in _logged_this_week([placement.id], today)
    return step_of(placement, party, logged=logged)


@dataclass(frozen=True)
class OwnPlacement:
    """One of the student's internships on their home, with what happens next."""

    placement: Placement
    step: NextStep | None

    @property
    def waits_on_student(self) -> bool:
        return self.step is not None and self.step.is_for("student")


def of_student(student: User, *, today: date | None = None) -> list[OwnPlacement]:
    """The student's internships, those waiting on the student first, then those under way, then
    those that ended; newest first within each (two queries, however many there are)."""
    if student.role != Role.STUDENT.value or not student.is_member_active:
        return []
    placements = placements_of(student)
    logged = _logged_this_week(
        [p.id for p in placements if p.status == PlacementStatus.IN_PROGRESS.value], today
    )
    rows = [OwnPlacement(p, step_of(p, "student", logged=p.id in logged)) for p in placements]
    # sorted() keeps the newest-first order of placements_of within each group.
    return sorted(rows, key=lambda r: (not r.waits_on_student, r.placement.status in ENDED))
