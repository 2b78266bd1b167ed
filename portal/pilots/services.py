"""Pilot partnerships (校企一体化合作办学试点) and pilot enterprises (产教融合型试点企业).

Two explicit state machines (section 7 of the district's plan):

    pilot partnership:  draft → submitted → approved → (notice period) → final
                                          ↘ rejected
                                          ↘ returned → submitted (resubmitted)
                        approved —(objection during the notice period)→ withdrawn

    pilot enterprise:   submitted ─recommend→ recommended ─(notice over)─record decision→ confirmed → revoked
                                  ↘ rejected        ↘ withdrawn (during the notice)  ↘ not_confirmed

Only the cooperation's school drafts and submits a pilot; only administrators
decide. For enterprises the district does not decide: 《建设产教融合型企业实施办法
（试行）》(发改社会〔2019〕590号) Art. 4 has the provincial development-reform and education
departments confirm them. The district checks the measure's criteria from its records
(portal.rules.pilots, each with what is missing), recommends, holds a public notice whose
length is an administrator setting (no source fixes it), and records the province's decision
(document number and date) when it comes. A foreign id is NotFound; an illegal step raises ServiceError before
anything changes. Every change writes one audit entry and notifies the
organisation(s) concerned. Services flush, never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.audit import services as audit
from portal.exchanges.models import Exchange, ExchangeDirection, ExchangeStatus
from portal.extensions import db
from portal.named_classes.models import NamedClass
from portal.notifications import services as notifications
from portal.organisations.models import Organisation
from portal.partnerships.cooperation_models import Cooperation, CooperationStatus
from portal.pilots import evidence as records_evidence
from portal.pilots.models import (
    OPEN_APPLICATION_STATES,
    OPEN_PILOT_STATES,
    PilotEnterpriseApplication,
    PilotEnterpriseStatus,
    PilotObjection,
    PilotPartnership,
    PilotStatus,
)
from portal.platform import checks
from portal.platform.checks import district_today
from portal.platform.errors import Conflict, NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.model_base import utcnow
from portal.platform.queries import newest_first
from portal.rules import pilots as rule
from portal.rules import services as rule_settings
from portal.rules.settings import PILOT_ENTERPRISE_NOTICE_DAYS

# The notice period (公示期) of an approved pilot, in calendar days including the first.
NOTICE_PERIOD_DAYS = 7
PLAN_FIELD_MAX = 4000
STATEMENT_MAX = 4000


class NotAllowed(ServiceError):
    """The actor's role may not take this step at all (e.g. a school deciding its own pilot)."""

    status_code = 403


def _require_admin(actor: User) -> None:
    if not actor.is_admin:
        raise NotAllowed(_l("Only administrators decide on pilots."))


# --- pilot partnerships: the school's side ------------------------------------------


@dataclass(frozen=True)
class PilotPlan:
    """The plan a school submits with its cooperation (试点方案)."""

    goals: str = ""
    content: str = ""
    resources: str = ""
    timeline: str = ""


PLAN_LABELS: dict[str, Any] = {
    "goals": _l("Goals"),
    "content": _l("Content of the cooperation"),
    "resources": _l("Resources each partner commits"),
    "timeline": _l("Timeline"),
}


def _clean_plan(plan: PilotPlan, *, complete: bool) -> dict[str, str]:
    """Every field's problem at once, each beside its field."""
    problems = Problems()
    values = {}
    for key, label in PLAN_LABELS.items():
        text = (getattr(plan, key) or "").strip()
        if len(text) > PLAN_FIELD_MAX:
            problems.add(
                _l("%(field)s is too long (at most %(n)d characters).", field=label, n=PLAN_FIELD_MAX),
                field=key,
            )
        elif complete and not text:
            problems.add(_l("%(field)s is required.", field=label), field=key)
        values[key] = text
    problems.raise_if_any()
    return values


def _school_staff(actor: User) -> int:
    if actor.role != Role.SCHOOL_STAFF.value or actor.organisation_id is None:
        raise NotAllowed(_l("Only the cooperation's school can submit it as a pilot."))
    return actor.organisation_id


def cooperations_of_school(staff: User) -> list[Cooperation]:
    school_id = _school_staff(staff)
    return list(
        db.session.scalars(
            select(Cooperation)
            .options(joinedload(Cooperation.enterprise))
            .where(Cooperation.school_id == school_id)
            .order_by(Cooperation.agreed_at.desc(), Cooperation.id.desc())
        )
    )


def pilots_of_school(staff: User) -> list[PilotPartnership]:
    school_id = _school_staff(staff)
    return newest_first(PilotPartnership.updated_at, PilotPartnership.school_id == school_id)


def get_own_cooperation(staff: User, cooperation_id: int) -> Cooperation:
    school_id = _school_staff(staff)
    cooperation = db.session.get(Cooperation, cooperation_id)
    # The enterprise partner sees the cooperation but does not submit it: to it, too, the id is unknown here.
    if cooperation is None or cooperation.school_id != school_id:
        raise NotFound(_l("Cooperation not found."))
    return cooperation


def open_pilot_of(cooperation_id: int) -> PilotPartnership | None:
    return db.session.scalar(
        select(PilotPartnership).where(
            PilotPartnership.cooperation_id == cooperation_id, PilotPartnership.status.in_(OPEN_PILOT_STATES)
        )
    )


def get_own_pilot(staff: User, pilot_id: int) -> PilotPartnership:
    school_id = _school_staff(staff)
    pilot = db.session.get(PilotPartnership, pilot_id)
    if pilot is None or pilot.school_id != school_id:
        raise NotFound(_l("Pilot not found."))
    return pilot


def create_pilot(staff: User, cooperation_id: int, plan: PilotPlan) -> PilotPartnership:
    """A draft pilot application for one of the school's active cooperations."""
    cooperation = get_own_cooperation(staff, cooperation_id)
    if not staff.is_member_active or not (staff.organisation and staff.organisation.is_verified):
        raise ServiceError(_l("Only confirmed staff of a verified school can apply for pilot status."))
    if not cooperation.can("become_pilot"):
        raise ServiceError(_l("Only an active cooperation can become a pilot."))
    if open_pilot_of(cooperation.id) is not None:
        raise Conflict(_l("This cooperation already has a pilot application."))
    pilot = PilotPartnership(
        cooperation_id=cooperation.id,
        school_id=cooperation.school_id,
        enterprise_id=cooperation.enterprise_id,
        status=PilotStatus.DRAFT.value,
        created_by_id=staff.id,
        **_clean_plan(plan, complete=False),
    )
    return audit.created(staff, pilot, "create")


def update_plan(staff: User, pilot_id: int, plan: PilotPlan) -> PilotPartnership:
    pilot = get_own_pilot(staff, pilot_id)
    if not pilot.can("edit"):
        raise ServiceError(_l("Only a draft or a pilot returned for changes can be edited."))
    for key, value in _clean_plan(plan, complete=False).items():
        setattr(pilot, key, value)
    db.session.flush()
    return pilot


def submit_pilot(staff: User, pilot_id: int) -> PilotPartnership:
    """draft → submitted, or returned → submitted (a resubmission)."""
    pilot = get_own_pilot(staff, pilot_id)
    if not pilot.can("submit"):
        raise ServiceError(_l("Only a draft or a pilot returned for changes can be submitted."))
    if not pilot.cooperation.can("become_pilot"):
        raise ServiceError(_l("Only an active cooperation can become a pilot."))
    _clean_plan(PilotPlan(pilot.goals, pilot.content, pilot.resources, pilot.timeline), complete=True)
    action = "resubmit" if pilot.status == PilotStatus.RETURNED.value else "submit"
    audit.step(
        staff, pilot, PilotStatus.SUBMITTED.value, action, submitted_at=utcnow(), submitted_by_id=staff.id
    )
    return pilot


# --- pilot partnerships: the administrators' side -----------------------------------


def get_pilot(admin: User, pilot_id: int) -> PilotPartnership:
    _require_admin(admin)
    pilot = db.session.get(PilotPartnership, pilot_id)
    if pilot is None:
        raise NotFound(_l("Pilot not found."))
    return pilot


def pilots_for_review(admin: User, status: str = PilotStatus.SUBMITTED.value) -> list[PilotPartnership]:
    _require_admin(admin)
    query = select(PilotPartnership).options(
        joinedload(PilotPartnership.cooperation),
        joinedload(PilotPartnership.school),
        joinedload(PilotPartnership.enterprise),
    )
    if status in [s.value for s in PilotStatus]:
        query = query.where(PilotPartnership.status == status)
    else:  # every pilot an administrator has something to see in: drafts are the school's own business
        query = query.where(PilotPartnership.status != PilotStatus.DRAFT.value)
    return list(
        db.session.scalars(
            query.order_by(PilotPartnership.submitted_at.desc().nulls_last(), PilotPartnership.id.desc())
        ).unique()
    )


def _pilot_link(pilot: PilotPartnership) -> str:
    return notifications.link("school", "pilot", pilot.id)


def _decided(
    admin: User, pilot: PilotPartnership, to: PilotStatus, action: str, note: str | None, **more
) -> None:
    """The district's decision on a pilot: the step, stamped with who decided when and why."""
    stamps = {"decided_at": utcnow(), "decided_by_id": admin.id, "decision_note": note}
    audit.step(admin, pilot, to.value, action, note, **stamps, **more)


def _decide(admin: User, pilot_id: int) -> PilotPartnership:
    pilot = get_pilot(admin, pilot_id)
    if not pilot.can("decide"):
        raise ServiceError(
            _l("Only a submitted pilot can be decided; this one is not waiting for a decision.")
        )
    return pilot


def approve_pilot(admin: User, pilot_id: int, *, today: date | None = None) -> PilotPartnership:
    """submitted → approved; the notice period starts today (district calendar)."""
    pilot = _decide(admin, pilot_id)
    today = today or district_today()
    notice = {"notice_starts_on": today, "notice_ends_on": today + timedelta(days=NOTICE_PERIOD_DAYS - 1)}
    _decided(admin, pilot, PilotStatus.APPROVED, "approve", None, **notice)
    public_link = notifications.link("public", "pilot", pilot.id)
    for org, link in ((pilot.school, _pilot_link(pilot)), (pilot.enterprise, public_link)):
        notifications.notify_organisation(
            org,
            "pilot_approved",
            link,
            cooperation=pilot.cooperation.title,
            notice_ends_on=pilot.notice_ends_on.isoformat(),
        )
    return pilot


def reject_pilot(admin: User, pilot_id: int, reason: str) -> PilotPartnership:
    reason = checks.reason(reason)
    pilot = _decide(admin, pilot_id)
    _decided(admin, pilot, PilotStatus.REJECTED, "reject", reason)
    notifications.notify_organisation(
        pilot.school, "pilot_rejected", _pilot_link(pilot), cooperation=pilot.cooperation.title, reason=reason
    )
    return pilot


def return_pilot(admin: User, pilot_id: int, note: str) -> PilotPartnership:
    """submitted → returned: the school changes the plan and submits again."""
    note = checks.reason(note, missing=_l("Please say what should change."))
    pilot = _decide(admin, pilot_id)
    _decided(admin, pilot, PilotStatus.RETURNED, "return", note)
    notifications.notify_organisation(
        pilot.school, "pilot_returned", _pilot_link(pilot), cooperation=pilot.cooperation.title, reason=note
    )
    return pilot


def withdraw_approval(
    admin: User, pilot_id: int, reason: str, *, today: date | None = None
) -> PilotPartnership:
    """approved → withdrawn, only while the notice period runs (an objection arrived)."""
    reason = checks.reason(reason)
    pilot = get_pilot(admin, pilot_id)
    if pilot.public_state(today or district_today()) != "notice":
        raise ServiceError(_l("An approval can only be withdrawn during its notice period."))
    _decided(admin, pilot, PilotStatus.WITHDRAWN, "withdraw", reason)
    for org, link in (
        (pilot.school, _pilot_link(pilot)),
        (pilot.enterprise, notifications.link("enterprise", "home")),
    ):
        notifications.notify_organisation(
            org, "pilot_withdrawn", link, cooperation=pilot.cooperation.title, reason=reason
        )
    return pilot


def finalise_due(*, today: date | None = None) -> int:
    """Store `final` for every approved pilot whose notice period has ended (`flask finalise-pilots`).

    The public pages already compute this from the dates; storing it makes the
    audit log say when. Safe to run twice.
    """
    today = today or district_today()
    due = list(
        db.session.scalars(
            select(PilotPartnership)
            .where(
                PilotPartnership.status == PilotStatus.APPROVED.value,
                PilotPartnership.notice_ends_on < today,
                PilotPartnership.open_objections == 0,  # unanswered objections hold it in its notice period
            )
            .order_by(PilotPartnership.id)
        )
    )
    for pilot in due:
        transition(pilot, PilotStatus.FINAL.value)
        pilot.finalised_at = utcnow()
        db.session.flush()
        audit.record(None, pilot, "finalise", PilotStatus.APPROVED.value, pilot.status)
    return len(due)


# --- public --------------------------------------------------------------------------


def public_pilots() -> list[PilotPartnership]:
    """Approved pilots (in their notice period or final), newest approval first."""
    return list(
        db.session.scalars(
            select(PilotPartnership)
            .options(
                joinedload(PilotPartnership.cooperation),
                joinedload(PilotPartnership.school),
                joinedload(PilotPartnership.enterprise),
            )
            .where(PilotPartnership.status.in_((PilotStatus.APPROVED.value, PilotStatus.FINAL.value)))
            .order_by(PilotPartnership.notice_starts_on.desc(), PilotPartnership.id.desc())
        ).unique()
    )


def get_public_pilot(pilot_id: int) -> PilotPartnership:
    pilot = db.session.get(PilotPartnership, pilot_id)
    if pilot is None or pilot.status not in (PilotStatus.APPROVED.value, PilotStatus.FINAL.value):
        raise NotFound(_l("Pilot not found."))
    return pilot


def public_pilot_enterprises(today: date | None = None) -> list[PilotEnterpriseApplication]:
    """Enterprises the province confirmed, and those the district recommends while their public
    notice runs (the public page says which)."""
    today = today or district_today()
    rows = db.session.scalars(
        select(PilotEnterpriseApplication)
        .options(joinedload(PilotEnterpriseApplication.enterprise))
        .where(
            PilotEnterpriseApplication.status.in_(
                (PilotEnterpriseStatus.CONFIRMED.value, PilotEnterpriseStatus.RECOMMENDED.value)
            )
        )
        .order_by(
            PilotEnterpriseApplication.recommended_at.desc().nulls_last(),
            PilotEnterpriseApplication.id.desc(),
        )
    )
    return [a for a in rows if a.status == PilotEnterpriseStatus.CONFIRMED.value or a.in_notice(today)]


# --- pilot enterprises ------------------------------------------------------------------


def _hr(actor: User) -> Organisation:
    if actor.role != Role.ENTERPRISE_HR.value or actor.organisation is None:
        raise NotAllowed(_l("Only an enterprise can apply to become a pilot enterprise."))
    return actor.organisation


def applications_of_enterprise(hr: User) -> list[PilotEnterpriseApplication]:
    org = _hr(hr)
    return newest_first(
        PilotEnterpriseApplication.submitted_at, PilotEnterpriseApplication.enterprise_id == org.id
    )


def open_application_of(enterprise_id: int) -> PilotEnterpriseApplication | None:
    return db.session.scalar(
        select(PilotEnterpriseApplication).where(
            PilotEnterpriseApplication.enterprise_id == enterprise_id,
            PilotEnterpriseApplication.status.in_(OPEN_APPLICATION_STATES),
        )
    )


def apply_as_pilot_enterprise(hr: User, statement: str) -> PilotEnterpriseApplication:
    """A new application; the figures are computed from the records now and kept with it."""
    org = _hr(hr)
    if not hr.is_member_active or not org.is_verified:
        raise ServiceError(_l("Only confirmed staff of a verified enterprise can apply."))
    statement = (statement or "").strip()
    if not statement:
        raise ServiceError(_l("Please describe your cooperation with schools."), field="statement")
    if len(statement) > STATEMENT_MAX:
        raise ServiceError(
            _l("The statement is too long (at most %(n)d characters).", n=STATEMENT_MAX), field="statement"
        )
    existing = open_application_of(org.id)
    if existing is not None:
        raise Conflict(
            _l("Your enterprise is already confirmed as an industry–education integration enterprise.")
            if existing.status == PilotEnterpriseStatus.CONFIRMED.value
            else _l("Your enterprise is recommended; the province's decision is awaited.")
            if existing.status == PilotEnterpriseStatus.RECOMMENDED.value
            else _l("Your enterprise already has an application waiting for a decision.")
        )
    application = PilotEnterpriseApplication(
        enterprise_id=org.id,
        status=PilotEnterpriseStatus.SUBMITTED.value,
        statement=statement,
        figures=records_evidence.enterprise_evidence(org.id),
        submitted_by_id=hr.id,
        submitted_at=utcnow(),
    )
    return audit.created(hr, application, "submit")


def get_application(admin: User, application_id: int) -> PilotEnterpriseApplication:
    _require_admin(admin)
    application = db.session.get(PilotEnterpriseApplication, application_id)
    if application is None:
        raise NotFound(_l("Application not found."))
    return application


def applications_for_review(
    admin: User, status: str = PilotEnterpriseStatus.SUBMITTED.value
) -> list[PilotEnterpriseApplication]:
    _require_admin(admin)
    query = select(PilotEnterpriseApplication).options(joinedload(PilotEnterpriseApplication.enterprise))
    if status in [s.value for s in PilotEnterpriseStatus]:
        query = query.where(PilotEnterpriseApplication.status == status)
    return list(
        db.session.scalars(
            query.order_by(
                PilotEnterpriseApplication.submitted_at.desc(), PilotEnterpriseApplication.id.desc()
            )
        )
    )


def _enterprise_link() -> str:
    return notifications.link("enterprise", "pilot_enterprise")


DOCUMENT_MAX = 120
YEAR_DAYS = 365


def enterprise_criteria(enterprise_id: int, today: date | None = None) -> list[dict[str, Any]]:
    """What the platform's records show towards 发改社会〔2019〕590号 Art. 5 (portal.rules.pilots):
    each criterion met or not, with the evidence or what is missing. Never refuses anything."""
    today = today or district_today()
    org = db.session.get(Organisation, enterprise_id)
    evidence = records_evidence.enterprise_evidence(enterprise_id)
    first_agreed = db.session.scalar(
        select(func.min(Cooperation.agreed_at)).where(
            Cooperation.enterprise_id == enterprise_id, Cooperation.status == CooperationStatus.ACTIVE.value
        )
    )
    named_classes = (
        db.session.scalar(
            select(func.count())
            .select_from(NamedClass)
            .join(Cooperation, Cooperation.id == NamedClass.cooperation_id)
            .where(Cooperation.enterprise_id == enterprise_id)
        )
        or 0
    )
    exchanges_done = (
        db.session.scalar(
            select(func.count())
            .select_from(Exchange)
            .where(
                Exchange.enterprise_id == enterprise_id,
                Exchange.status.in_((ExchangeStatus.AGREED.value, ExchangeStatus.COMPLETED.value)),
                Exchange.direction.in_([d.value for d in ExchangeDirection]),
            )
        )
        or 0
    )
    since = first_agreed.date() if first_agreed is not None else None
    held_a_year = since is not None and (today - since).days >= YEAR_DAYS
    facts = {
        "registered": (
            bool(org is not None and org.is_verified and org.credit_code),
            _l("Verified, credit code %(code)s", code=org.credit_code if org else ""),
            _l("The enterprise is not verified on the platform."),
        ),
        "stable_cooperation": (
            held_a_year,
            _l(
                "Active cooperations: %(n)d; the first agreed on %(date)s",
                n=evidence["active_cooperations"],
                date=since.isoformat() if since else "—",
            ),
            _l("No active cooperation with a school agreed a year or more ago.")
            if since is None or not held_a_year
            else "",
        ),
        "order_classes": (
            evidence["order_classes"] > 0 or named_classes > 0,
            _l(
                "Order-class cooperations: %(n)d; named classes: %(c)d",
                n=evidence["order_classes"],
                c=named_classes,
            ),
            _l("No order or named class on record."),
        ),
        "apprenticeship": (
            evidence["apprenticeships"] > 0 or evidence["apprentice_places"] > 0,
            _l(
                "Apprenticeship cooperations: %(n)d; places: %(p)d",
                n=evidence["apprenticeships"],
                p=evidence["apprentice_places"],
            ),
            _l("No modern apprenticeship on record."),
        ),
        "teaching": (
            evidence["part_time_teachers"] > 0 or exchanges_done > 0,
            _l(
                "Experts offered: %(n)d; agreed or completed exchanges: %(e)d",
                n=evidence["part_time_teachers"],
                e=exchanges_done,
            ),
            _l("No expert teaching at a school and no teacher received for practice on record."),
        ),
        "internships": (
            evidence["internships"] > 0,
            _l("Internship cooperations: %(n)d", n=evidence["internships"]),
            _l("No internship cooperation on record."),
        ),
    }
    return [
        {
            "key": key,
            "met": met,
            "evidence": str(shown),
            "missing": "" if met else str(missing),
        }
        for key, _label in rule.CRITERIA
        for met, shown, missing in [facts[key]]
    ]


def _application_in(admin: User, application_id: int, step: str, message) -> PilotEnterpriseApplication:
    application = get_application(admin, application_id)
    if not application.can(step):
        raise ServiceError(message)
    return application


def recommend_enterprise(
    admin: User, application_id: int, recommendation: str, *, today: date | None = None
) -> PilotEnterpriseApplication:
    """submitted → recommended: the district's recommendation, with the 590 criteria as the records
    show them now (kept), and the public notice starting today for the days the setting says."""
    today = today or district_today()
    application = _application_in(
        admin,
        application_id,
        "recommend",
        _l("Only a submitted application can be recommended; this one is not waiting for the district."),
    )
    recommendation = checks.text(
        recommendation, field="recommendation", max_length=STATEMENT_MAX, required=True
    )
    setting = rule_settings.current(PILOT_ENTERPRISE_NOTICE_DAYS)
    transition(application, PilotEnterpriseStatus.RECOMMENDED.value)
    application.criteria = enterprise_criteria(application.enterprise_id, today)
    application.recommendation = recommendation
    application.recommended_at = application.decided_at = utcnow()
    application.decided_by_id = admin.id
    application.notice_days = setting.value
    application.notice_note = str(setting.note)
    application.notice_starts_on = today
    application.notice_ends_on = today + timedelta(days=setting.value - 1)
    db.session.flush()
    audit.record(admin, application, "recommend", PilotEnterpriseStatus.SUBMITTED.value, application.status)
    notifications.notify_organisation(
        application.enterprise,
        "pilot_enterprise_recommended",
        _enterprise_link(),
        organisation=application.enterprise.name,
        notice_ends_on=application.notice_ends_on.isoformat(),
    )
    return application


def _end_application(
    admin: User,
    application: PilotEnterpriseApplication,
    to: PilotEnterpriseStatus,
    action: str,
    reason: str,
    *,
    stamp: str = "decided_at",
) -> PilotEnterpriseApplication:
    """The district's step that ends an application with its reason (not recommended, withdrawn
    during the notice, revocation recorded): stamped, audited, and the enterprise is told why."""
    stamps = {stamp: utcnow(), "decided_by_id": admin.id, "decision_reason": reason}
    audit.step(admin, application, to.value, action, reason, **stamps)
    notifications.notify_organisation(
        application.enterprise,
        f"pilot_enterprise_{to.value}",
        _enterprise_link(),
        organisation=application.enterprise.name,
        reason=reason,
    )
    return application


def reject_enterprise(admin: User, application_id: int, reason: str) -> PilotEnterpriseApplication:
    """submitted → rejected: the district does not recommend the enterprise."""
    reason = checks.reason(reason)
    application = _application_in(
        admin,
        application_id,
        "decline",
        _l("Only a submitted application can be decided; this one is not waiting for a decision."),
    )
    return _end_application(admin, application, PilotEnterpriseStatus.REJECTED, "reject", reason)


def withdraw_recommendation(
    admin: User, application_id: int, reason: str, *, today: date | None = None
) -> PilotEnterpriseApplication:
    """recommended → withdrawn, only while the public notice runs (an objection was upheld)."""
    reason = checks.reason(reason)
    application = get_application(admin, application_id)
    if not application.in_notice(today or district_today()):
        raise ServiceError(_l("A recommendation can only be withdrawn during its public notice."))
    return _end_application(admin, application, PilotEnterpriseStatus.WITHDRAWN, "withdraw", reason)


@dataclass(frozen=True)
class ProvincialDecision:
    confirmed: bool | None  # None: not chosen
    document: str  # 文号, e.g. 鲁发改社会〔2026〕12号
    decided_on: date | None
    note: str = ""


def record_provincial_decision(
    admin: User, application_id: int, decision: ProvincialDecision, *, today: date | None = None
) -> PilotEnterpriseApplication:
    """recommended → confirmed | not_confirmed, once the public notice is over: the province's decision
    (发改社会〔2019〕590号 Art. 4) with its document number and date. Every problem at once."""
    today = today or district_today()
    application = get_application(admin, application_id)
    problems = Problems()
    if not application.can("record_decision"):
        problems.add(_l("Only a recommended enterprise awaits the province's decision."))
    elif not application.awaits_decision(today):
        problems.add(
            _l(
                "The public notice runs until %(date)s; the province's decision is recorded after it.",
                date=application.notice_ends_on.isoformat() if application.notice_ends_on else "—",
            )
        )
    if decision.confirmed is None:
        problems.add(_l("Say whether the province confirmed the enterprise."), field="confirmed")
    document = problems.check(
        checks.text, decision.document, field="document", max_length=DOCUMENT_MAX, required=True
    )
    if decision.decided_on is None:
        problems.add(_l("Enter the date of the province's decision."), field="decided_on")
    elif decision.decided_on > today:
        problems.add(_l("The date of the decision cannot be in the future."), field="decided_on")
    elif application.notice_starts_on and decision.decided_on < application.notice_starts_on:
        problems.add(
            _l("The decision cannot be dated before the district recommended the enterprise."),
            field="decided_on",
        )
    note = problems.check(checks.text, decision.note, field="note", max_length=STATEMENT_MAX)
    problems.raise_if_any()
    to = PilotEnterpriseStatus.CONFIRMED if decision.confirmed else PilotEnterpriseStatus.NOT_CONFIRMED
    transition(application, to.value)
    application.decision_document = document
    application.decision_date = decision.decided_on
    application.decision_note = note or None
    application.decision_recorded_at = utcnow()
    application.decided_by_id = admin.id
    db.session.flush()
    audit.record(
        admin,
        application,
        "record_decision",
        PilotEnterpriseStatus.RECOMMENDED.value,
        application.status,
        f"{document} {decision.decided_on.isoformat()}",
    )
    notifications.notify_organisation(
        application.enterprise,
        "pilot_enterprise_confirmed" if decision.confirmed else "pilot_enterprise_not_confirmed",
        _enterprise_link(),
        organisation=application.enterprise.name,
        document=document,
        date=decision.decided_on.isoformat(),
    )
    return application


def revoke_enterprise(admin: User, application_id: int, reason: str) -> PilotEnterpriseApplication:
    """confirmed → revoked: records that the province revoked the confirmation (say which document)."""
    reason = checks.reason(reason)
    application = _application_in(
        admin, application_id, "revoke", _l("Only a confirmed enterprise can be recorded as revoked.")
    )
    return _end_application(
        admin, application, PilotEnterpriseStatus.REVOKED, "revoke", reason, stamp="revoked_at"
    )


# --- counts for the administrators' home ------------------------------------------------


def waiting_counts() -> dict[str, int]:
    return {
        "pilots": db.session.scalar(
            select(func.count())
            .select_from(PilotPartnership)
            .where(PilotPartnership.status == PilotStatus.SUBMITTED.value)
        )
        or 0,
        "pilot_enterprises": db.session.scalar(
            select(func.count())
            .select_from(PilotEnterpriseApplication)
            .where(PilotEnterpriseApplication.status == PilotEnterpriseStatus.SUBMITTED.value)
        )
        or 0,
    }


# --- objections during the notice period (公示异议) -------------------------------------

OBJECTION_NAME_MAX = 60
OBJECTION_CONTACT_MAX = 120
OBJECTION_BODY_MAX = 2000
ANSWER_MAX = 2000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[\d\s\-()]{7,24}$")


@dataclass(frozen=True)
class NewObjection:
    name: str
    contact: str
    body: str


def _contact(value: str | None) -> str:
    contact = checks.text(value, field="contact", max_length=OBJECTION_CONTACT_MAX, required=True)
    digits = sum(ch.isdigit() for ch in contact)
    if _EMAIL.match(contact) or (_PHONE.match(contact) and 7 <= digits <= 15):
        return contact
    raise ServiceError(
        _l("Give a telephone number or an e-mail address, so that the administration can answer you."),
        field="contact",
    )


def object_to_pilot(pilot_id: int, objection: NewObjection, *, today: date | None = None) -> PilotObjection:
    """Anyone, logged in or not, objects to a pilot during its notice period.

    Every problem of the form is reported at once. The pilot then stays in its
    notice period until an administrator has answered (see `answer_objection`).
    """
    pilot = get_public_pilot(pilot_id)
    problems = Problems()
    if not pilot.accepts_objections(today or district_today()):
        problems.add(_l("The notice period of this pilot is over: objections are no longer accepted."))
    name = problems.check(checks.text, objection.name, field="name", max_length=OBJECTION_NAME_MAX)
    contact = problems.check(_contact, objection.contact)
    body = problems.check(
        checks.text, objection.body, field="body", max_length=OBJECTION_BODY_MAX, required=True
    )
    problems.raise_if_any()
    # A concurrent answer must not lose this increment: add in SQL, not in Python.
    db.session.execute(
        update(PilotPartnership)
        .where(PilotPartnership.id == pilot.id)
        .values(open_objections=PilotPartnership.open_objections + 1)
    )
    row = PilotObjection(pilot_id=pilot.id, name=name or "", contact=contact, body=body)
    db.session.add(row)
    db.session.flush()
    db.session.refresh(pilot)
    audit.record(None, pilot, "objection", pilot.status, pilot.status)
    return row


def objections_of(admin: User, pilot_id: int) -> list[PilotObjection]:
    pilot = get_pilot(admin, pilot_id)
    return list(
        db.session.scalars(
            select(PilotObjection).where(PilotObjection.pilot_id == pilot.id).order_by(PilotObjection.id)
        )
    )


def objection_counts(pilot: PilotPartnership) -> tuple[int, int]:
    """(received, answered) for the public page."""
    total = (
        db.session.scalar(
            select(func.count()).select_from(PilotObjection).where(PilotObjection.pilot_id == pilot.id)
        )
        or 0
    )
    return int(total), int(total) - pilot.open_objections


def answer_objection(admin: User, pilot_id: int, objection_id: int, answer: str) -> PilotObjection:
    """An administrator answers one objection (the answer is recorded; the objector is
    reached through the contact given). The last answer lets the pilot become final."""
    pilot = get_pilot(admin, pilot_id)
    row = db.session.get(PilotObjection, objection_id)
    if row is None or row.pilot_id != pilot.id:
        raise NotFound(_l("Objection not found."))
    if row.is_answered:
        raise ServiceError(_l("This objection has already been answered."))
    answer = checks.text(answer, field="answer", max_length=ANSWER_MAX, required=True)
    changed = db.session.execute(
        update(PilotObjection)
        .where(PilotObjection.id == row.id, PilotObjection.answered_at.is_(None))
        .values(answer=answer, answered_at=utcnow(), answered_by_id=admin.id)
    ).rowcount
    if not changed:  # answered by another administrator in the meantime
        raise ServiceError(_l("This objection has already been answered."))
    db.session.execute(
        update(PilotPartnership)
        .where(PilotPartnership.id == pilot.id)
        .values(open_objections=PilotPartnership.open_objections - 1)
    )
    db.session.flush()
    db.session.refresh(row)
    db.session.refresh(pilot)
    audit.record(admin, pilot, "answer_objection", pilot.status, pilot.status, answer)
    return row


def open_objection_count() -> int:
    return int(
        db.session.scalar(
            select(func.coalesce(func.sum(PilotPartnership.open_objections), 0)).where(
                PilotPartnership.status == PilotStatus.APPROVED.value
            )
        )
        or 0
    )
