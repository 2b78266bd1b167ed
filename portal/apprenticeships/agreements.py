"""Apprenticeship training agreements (学徒培养协议): 职业教育法 (2022) Art. 30, see
portal.rules.apprenticeships.

A pairing of a published allocation (student → place) starts only once the school records the
agreement of school, enterprise and apprentice — and, for an apprentice under 18 on the first day, the
guardian's consent — with the monthly stipend and the insurance (who pays: the enterprise or the school,
never the apprentice). Each agreement keeps the rules' version it was made under. Pairings published
before this rule, without an agreement, stay as they are and are listed as not started.

Plain arguments in, objects out; flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.apprenticeships.models import (
    AllocationRun,
    ApprenticeAgreement,
    ApprenticePlace,
    ApprenticeshipProgramme,
)
from portal.apprenticeships.services import get_for_partner, get_run_for_school, published_run
from portal.audit import services as audit
from portal.extensions import db
from portal.platform import checks
from portal.platform.errors import Conflict, NotFound, Problems
from portal.platform.i18n import lazy_gettext as _l
from portal.rules import apprenticeships as rule

TEXT_MAX = 120
MAX_STIPEND = 100_000  # yuan a month
PAYERS = {"enterprise": _l("The enterprise"), "school": _l("The school")}


@dataclass(frozen=True)
class AgreementInput:
    starts_on: date | None = None
    signed_on: date | None = None
    stipend_yuan: int | None = None
    insurer: str = ""
    insurance_policy: str = ""
    insurance_paid_by: str = ""
    insurance_from: date | None = None
    insurance_until: date | None = None
    guardian_name: str = ""
    guardian_relation: str = ""
    guardian_consent_on: date | None = None


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def pairing(run: AllocationRun, student_id: int) -> ApprenticePlace | None:
    """The place a published run gives the student, or None."""
    place_id = run.result["assignments"].get(str(student_id))
    return db.session.get(ApprenticePlace, int(place_id)) if place_id else None


def agreements_of(programme_id: int) -> dict[int, ApprenticeAgreement]:
    rows = db.session.scalars(
        select(ApprenticeAgreement).where(ApprenticeAgreement.programme_id == programme_id)
    )
    return {row.student_id: row for row in rows}


def _published_pairing(
    staff: User, run_id: int, student_id: int
) -> tuple[AllocationRun, ApprenticePlace, User]:
    run = get_run_for_school(staff, run_id)
    place = pairing(run, student_id) if run.is_published else None
    student = db.session.get(User, student_id)
    if place is None or student is None:
        raise NotFound(_l("Pairing not found."))
    return run, place, student


def pairing_for_school(
    staff: User, run_id: int, student_id: int
) -> tuple[AllocationRun, ApprenticePlace, User]:
    return _published_pairing(staff, run_id, student_id)


def record_agreement(staff: User, run_id: int, student_id: int, data: AgreementInput) -> ApprenticeAgreement:
    """The school records the signed agreement of one pairing. Every problem at once, beside its field,
    each with the article it applies; nothing is written if any."""
    run, place, student = _published_pairing(staff, run_id, student_id)
    programme = run.programme
    if student_id in agreements_of(programme.id):
        raise Conflict(_l("This pairing already has its training agreement."))
    problems = Problems()
    art30 = rule.AGREEMENT_SOURCE
    if data.starts_on is None:
        problems.add(_l("Enter the first day of the apprenticeship."), field="starts_on")
    if data.signed_on is None:
        problems.add(_l("Enter the day all parties signed."), field="signed_on")
    elif data.starts_on is not None and data.signed_on > data.starts_on:
        problems.add(
            _l("The agreement must be signed before the apprenticeship starts (%(source)s).", source=art30),
            field="signed_on",
        )
    if data.signed_on is not None and data.signed_on > checks.district_today():
        problems.add(_l("The day of signing cannot be in the future."), field="signed_on")
    if data.stipend_yuan is None or not 0 < data.stipend_yuan <= MAX_STIPEND:
        problems.add(
            _l("State the apprentice's monthly stipend in yuan, above 0 (%(source)s).", source=art30),
            field="stipend_yuan",
        )
    insurer = problems.check(checks.text, data.insurer, field="insurer", max_length=TEXT_MAX, required=True)
    policy = problems.check(
        checks.text, data.insurance_policy, field="insurance_policy", max_length=TEXT_MAX, required=True
    )
    if data.insurance_paid_by not in PAYERS:
        problems.add(
            _l(
                "Say who pays the insurance: the enterprise or the school, never the apprentice "
                "(%(source)s).",
                source=art30,
            ),
            field="insurance_paid_by",
        )
    if data.insurance_from is None or data.insurance_until is None:
        problems.add(
            _l("Enter the dates the insurance covers (%(source)s).", source=art30), field="insurance_until"
        )
    elif data.insurance_until < data.insurance_from:
        problems.add(_l("The insurance ends before it starts."), field="insurance_until")
    elif data.starts_on is not None and data.insurance_from > data.starts_on:
        problems.add(
            _l("The insurance must cover the apprenticeship from its first day (%(source)s).", source=art30),
            field="insurance_from",
        )
    day = data.starts_on or checks.district_today()
    minor = student.birth_date is None or age_on(student.birth_date, day) < rule.ADULT_AGE
    guardian = problems.check(checks.text, data.guardian_name, field="guardian_name", max_length=60) or ""
    relation = (
        problems.check(checks.text, data.guardian_relation, field="guardian_relation", max_length=30) or ""
    )
    if minor and (not guardian or data.guardian_consent_on is None):
        problems.add(
            _l(
                "The apprentice is under 18 on the first day (or the date of birth is not recorded): the "
                "guardian is a party to the agreement; enter their name and the day they consented "
                "(%(source)s; %(minor)s).",
                source=art30,
                minor=rule.MINOR_SOURCE,
            ),
            field="guardian_name",
        )
    if (
        data.guardian_consent_on is not None
        and data.starts_on is not None
        and data.guardian_consent_on > data.starts_on
    ):
        problems.add(
            _l("The guardian must consent before the apprenticeship starts."), field="guardian_consent_on"
        )
    problems.raise_if_any()
    agreement = ApprenticeAgreement(
        programme_id=programme.id,
        place_id=place.id,
        student_id=student.id,
        school_id=programme.school_id,
        enterprise_id=programme.enterprise_id,
        starts_on=data.starts_on,
        signed_on=data.signed_on,
        stipend_yuan=data.stipend_yuan,
        insurer=insurer,
        insurance_policy=policy,
        insurance_paid_by=data.insurance_paid_by,
        insurance_from=data.insurance_from,
        insurance_until=data.insurance_until,
        apprentice_minor=minor,
        guardian_name=guardian or None,
        guardian_relation=relation or None,
        guardian_consent_on=data.guardian_consent_on if guardian else None,
        terms_version=rule.AGREEMENT_VERSION,
        recorded_by_id=staff.id,
    )
    return audit.created(staff, agreement, "record_agreement", "signed", place.label)


def agreement_for_partner(actor: User, agreement_id: int) -> ApprenticeAgreement:
    agreement = db.session.get(ApprenticeAgreement, agreement_id)
    if agreement is None:
        raise NotFound(_l("Agreement not found."))
    get_for_partner(actor, agreement.programme_id)  # NotFound for anyone else
    return agreement


def missing_agreements(programme_id: int) -> int:
    """Pairings of the published run that have no agreement: they have not started."""
    from_run = published_run_of(programme_id)
    if from_run is None:
        return 0
    agreed = agreements_of(programme_id)
    return sum(1 for sid, place in from_run.result["assignments"].items() if place and int(sid) not in agreed)


def published_run_of(programme_id: int) -> AllocationRun | None:
    programme = db.session.get(ApprenticeshipProgramme, programme_id)
    return published_run(programme) if programme is not None else None
