"""The audit log: one entry per state change, written in the change's own transaction.

Only `record` writes (`step` moves a record, then calls it); everything else reads. Entries
are never changed or deleted (the model refuses it). Workflows call `record` right after they
change a state, so a refused transition (which raises before) writes nothing.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit.models import AuditEntry, AuditEntryOrganisation
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.locking import transition
from portal.platform.search import MAX_PAGE, contains

PER_PAGE = 50
T = TypeVar("T")

# Labels for the administrators' view; a code without a label is shown as it is. Each model the
# log records names itself (`audit_subject`), labels the steps of its own beyond these shared verbs
# (`audit_actions`) and says which States read what an entry records beside its `states`
# (`audit_states`): the page reads them from the model registry (`subject_labels`), so no domain
# writes into the audit's tables.
ACTION_LABELS: dict[str, Any] = {
    "verify": _l("Verify"),
    "reject": _l("Reject"),
    "resubmit": _l("Submit again"),
    "approve": _l("Approve"),
    "disable": _l("Disable"),
    "enable": _l("Enable"),
    "publish": _l("Publish"),
    "take_down": _l("Take down"),
    "create": _l("Create"),
    "submit": _l("Submit"),
    "return": _l("Return for changes"),
    "withdraw": _l("Withdraw"),
    "finalise": _l("Finalise"),
    "revoke": _l("Revoke"),
    "propose": _l("Propose"),
    "accept": _l("Accept"),
    "complete": _l("Complete"),
    "cancel": _l("Cancel"),
    "record_double_qualified": _l("Record double-qualified"),
    "certify_double_qualified": _l("Double-qualified certification changed"),
    "record_practice": _l("Record enterprise practice"),
    "remove_practice": _l("Remove enterprise practice"),
    "add_certificate": _l("Add a certificate"),
    "remove_certificate": _l("Remove a certificate"),
    "set_staffing_quota": _l("Set staffing quota"),
    "set_recruitment_area": _l("Set where the school recruits"),
    "open": _l("Open"),
    "close": _l("Close"),
    "preview": _l("Preview"),
    "apply": _l("Apply"),
    "rank_applicants": _l("Rank applicants"),
    "interest": _l("Express interest"),
    "decline": _l("Decline"),
    "propose_terms": _l("Propose terms"),
    "counter_terms": _l("Counter-propose terms"),
    "agree": _l("Agree"),
    "ask": _l("Ask directly"),
    "reopen": _l("Reopen"),
    "admit": _l("Admit"),
    "review": _l("Review"),
    "objection": _l("Objection received"),
    "answer_objection": _l("Answer an objection"),
    "shortlist": _l("Shortlist"),
    "offer": _l("Offer"),
    "start": _l("Start"),
    "hire": _l("Hire"),
    "record_destination": _l("Record the destination"),
    "sign": _l("Confirm the agreement"),
    "view_profile": _l("View the profile"),
    "view_cv": _l("Download the CV"),
    "update": _l("Update"),
    "delete": _l("Delete"),
    "grade": _l("Grade the internship"),
    "recommend": _l("Recommend to the province"),
    "record_agreement": _l("Record the training agreement"),
    "record_decision": _l("Record the province's decision"),
    "record_staff": _l("Record the number of employees"),
    "set_rule": _l("Change a rule setting"),
    "set_thresholds": _l("Set the warning thresholds"),
    "upload_consent": _l("Upload a signed consent"),
}
# Labels of the states recorded for subjects whose model declares no State (a teacher's
# certification, a rule's setting); a model's own States (`states`, `audit_states`) are read
# first: one label per state, everywhere (`state_label`).
STATE_LABELS: dict[str, Any] = {
    "pending": _l("Pending"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
    "active": _l("Active"),
    "disabled": _l("Disabled"),
    "enabled": _l("Enabled"),
    "draft": _l("Draft"),
    "published": _l("Published"),
    "closed": _l("Closed"),
    "taken_down": _l("Taken down"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned for changes"),
    "approved": _l("Approved"),
    "final": _l("Confirmed"),
    "withdrawn": _l("Withdrawn"),
    "revoked": _l("Revoked"),
    "proposed": _l("Proposed"),
    "accepted_by_school": _l("Accepted by the school"),
    "accepted_by_enterprise": _l("Accepted by the enterprise"),
    "agreed": _l("Agreed"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "double_qualified": _l("Double-qualified"),
    "not_double_qualified": _l("Not double-qualified"),
    "open": _l("Open"),
    "preview": _l("Preview"),
    "interested": _l("Interest expressed"),
    "negotiating": _l("Terms proposed"),
    "declined": _l("Declined"),
    "enterprise_approved": _l("Approved by the enterprise"),
    "admitted": _l("Admitted"),
    "applied": _l("Applied"),
    "shortlisted": _l("Shortlisted"),
    "offered": _l("Offered"),
    "accepted": _l("Offer accepted"),
    "in_progress": _l("In progress"),
    "hired": _l("Hired"),
    "recommended": _l("Recommended to the province"),
    "confirmed": _l("Confirmed by the province"),
    "not_confirmed": _l("Not confirmed by the province"),
    "student": _l("The student's consent"),
    "guardian": _l("The guardian's consent"),
    "excellent": _l("Excellent"),
    "good": _l("Good"),
    "pass": _l("Pass"),
    "fail": _l("Fail"),
    "signed": _l("Signed by all three parties"),
}


# Reasons the system writes itself are stored as a code with parameters, not as English
# text, and read in the reader's language (reasons people type are kept as typed).
CODED = "code:"
SYSTEM_REASONS: dict[str, Any] = {
    "allocation_published": _l("The allocation was published, which closes the programme."),
    "district_input": _l("%(input)s for %(year)s set to %(value)s (source: %(source)s)"),
    "snapshot": _l("Figures of %(period)s stored"),
    "inputs_changed": _l("Proposed again: the posting or the major changed since it was declined"),
}


def coded(code: str, **params: Any) -> str:
    """A system reason for `record`, e.g. coded("allocation_published")."""
    return CODED + json.dumps({"code": code, **params}, ensure_ascii=False, sort_keys=True)


# How a coded reason's parameter reads, registered by the domain that names it (the statistics'
# inputs: `portal.register_hooks`); an unknown value stays as it is.
_PARAM_LABELS: dict[str, Callable[[Any], str]] = {}


def label_param(name: str, label: Callable[[Any], str]) -> None:
    _PARAM_LABELS[name] = label


def reason_text(reason: str | None) -> str:
    """The reason as the reader should see it, in their language."""
    if not reason or not reason.startswith(CODED):
        return reason or ""
    try:
        params = json.loads(reason[len(CODED) :])
        template = SYSTEM_REASONS[params.pop("code")]
    except (ValueError, KeyError):
        return reason
    for name, label in _PARAM_LABELS.items():
        if name in params:
            params[name] = label(params[name])
    if isinstance(params.get("value"), int):
        params["value"] = f"{params['value']:,}"
    return str(template) % params


def state_label(subject_type: str, value: str | None) -> object:
    """A recorded state as people read it: the label of the subject's State when its model has one
    (a pilot "approved" reads "In notice period", as on the pilot's own page), else STATE_LABELS."""
    if not value:
        return "—"
    for states in _states_of(subject_type):
        try:
            return states(value).label
        except ValueError:
            pass
    return STATE_LABELS.get(value, value)


def _audited() -> list[type]:
    """The models that name themselves to the log, each once (subclasses of a table share its name)."""
    return [mapper.class_ for mapper in db.Model.registry.mappers if "audit_subject" in vars(mapper.class_)]


@functools.cache
def _states_of(subject_type: str) -> tuple[Any, ...]:
    for mapper in db.Model.registry.mappers:
        model = mapper.class_
        if getattr(model, "__tablename__", None) == subject_type:
            own = getattr(model, "states", None)
            return (*((own,) if own is not None else ()), *getattr(model, "audit_states", ()))
    return ()


@functools.cache
def subject_labels() -> dict[str, Any]:
    """{subject type: label} of every model the log records."""
    return {model.__tablename__: model.audit_subject for model in _audited()}


@functools.cache
def action_labels() -> dict[str, Any]:
    """{action: label}: the shared verbs, then the steps each model labels for itself."""
    own = {code: label for model in _audited() for code, label in getattr(model, "audit_actions", {}).items()}
    return {**ACTION_LABELS, **{code: label for code, label in own.items() if code not in ACTION_LABELS}}


def subject_key(subject: Any) -> tuple[str, int]:
    """("organisation", 12) for a model instance (its table name) or an explicit pair."""
    if isinstance(subject, tuple):
        kind, ident = subject
        return str(kind), int(ident)
    return type(subject).__tablename__, int(subject.id)


def _organisations_of(subject: Any) -> set[int]:
    """The organisations a subject belongs to: itself, or its owner columns."""
    if isinstance(subject, Organisation):
        return {subject.id}
    found = set()
    for column in ("organisation_id", "school_id", "enterprise_id"):
        value = getattr(subject, column, None)
        if isinstance(value, int):
            found.add(value)
    return found


STATE_MAX = AuditEntry.__table__.c.to_state.type.length


def _fit(value: str | None) -> str | None:
    """Some entries record a value, not a state, in the state columns (a certificate's name, dates):
    a long one is cut to the column, marked with "…", rather than refusing the change it records."""
    if value is None or len(value) <= STATE_MAX:
        return value
    return value[: STATE_MAX - 1] + "…"


def record(
    actor: User | None,
    subject: Any,
    action: str,
    from_state: str | None,
    to_state: str | None,
    reason: str | None = None,
    *,
    organisations: Iterable[int] = (),
) -> AuditEntry:
    """Append one entry; `actor=None` means the system. Flushes, never commits.

    The organisations concerned are the subject's own plus `organisations`
    (e.g. both partners of a cooperation).
    """
    subject_type, subject_id = subject_key(subject)
    org_ids = _organisations_of(subject) if not isinstance(subject, tuple) else set()
    org_ids.update(int(i) for i in organisations)
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        actor_email=actor.email if actor is not None else None,
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        from_state=_fit(from_state),
        to_state=_fit(to_state),
        reason=reason or None,
        organisation_links=[AuditEntryOrganisation(organisation_id=i) for i in sorted(org_ids)],
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def created(
    actor: User | None,
    subject: T,
    action: str,
    to_state: str | None = None,
    reason: str | None = None,
    *,
    organisations: Iterable[int] = (),
) -> T:
    """A new record: `subject` is added and flushed (so it has its id and its columns' defaults),
    and its creation recorded from no state to `to_state`: by default the status it was created in
    (read after the flush, which applies a status column's default), none for a record without one.
    Returns `subject`."""
    db.session.add(subject)
    db.session.flush()
    if to_state is None:
        to_state = getattr(subject, "status", None)
    record(actor, subject, action, None, to_state, reason, organisations=organisations)
    return subject


def step(
    actor: User | None, subject: Any, to: str, action: str, reason: str | None = None, **changes: Any
) -> AuditEntry:
    """A workflow's step: `subject` moves to the state `to` (one conditional UPDATE, see
    `portal.platform.locking.transition`), takes `changes` with it, and the step is recorded
    from the state it was read in."""
    from_state = subject.status
    transition(subject, to)
    for name, value in changes.items():
        setattr(subject, name, value)
    db.session.flush()
    return record(actor, subject, action, from_state, subject.status, reason)


def search(
    *,
    subject_type: str | None = None,
    subject_id: int | None = None,
    actor: str | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    organisation_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
):
    """Entries matching every given filter, newest first, one page (Flask-SQLAlchemy Pagination).

    `actor` matches part of the actor's e-mail; "system" matches entries without
    an actor. `since` is inclusive and `until` exclusive (timezone-aware).
    """
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if subject_type:
        query = query.where(AuditEntry.subject_type == subject_type)
    if subject_id is not None:
        query = query.where(AuditEntry.subject_id == subject_id)
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if actor:
        actor = actor.strip().lower()
        if actor.lower() in ("system", "系统"):  # what the filter's placeholder offers, in either language
            query = query.where(AuditEntry.actor_id.is_(None))
        elif actor:
            query = query.where(AuditEntry.actor_email.ilike(contains(actor), escape="\\"))
    if action:
        query = query.where(AuditEntry.action == action)
    if organisation_id is not None:
        query = query.where(
            AuditEntry.id.in_(
                select(AuditEntryOrganisation.entry_id).where(
                    AuditEntryOrganisation.organisation_id == organisation_id
                )
            )
        )
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    page = min(max(int(page), 1), MAX_PAGE)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def history(subject: Any) -> list[AuditEntry]:
    """Every entry about one subject, oldest first."""
    subject_type, subject_id = subject_key(subject)
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
            .order_by(AuditEntry.created_at, AuditEntry.id)
        )
    )
