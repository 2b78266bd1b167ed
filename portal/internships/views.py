"""岗位实习: `bp`, the placement pages of the three partners, registered nested in the enterprise,
school and student areas (their role guards run first; URLs stay the area's). Each role's own pages
are in `public_views`, `student_views` and `enterprise_views`, one blueprint a module.

Which steps a user may take follows from their side of the placement and its state
(`services.internships`); the pages only offer what the service would accept.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.internships import agreement as internship_agreement
from portal.internships import profiles, progress
from portal.internships import services as internships
from portal.internships.forms import (
    ApproveForm,
    ConsentForm,
    EntryForm,
    GradeForm,
    OfferForm,
    StaffForm,
)
from portal.internships.models import Destination, EntryKind, PlacementStatus
from portal.platform import uploads
from portal.platform.confirm import needs_confirmation
from portal.platform.forms import ActionForm
from portal.platform.web import REFUSED, attempt, download
from portal.programs import records as school_records
from portal.rules import internships as rules

bp = Blueprint("internships", __name__, url_prefix="/internships")  # students, enterprises and schools


@bp.get("/")
def index(staff_form: StaffForm | None = None):
    is_enterprise = current_user.role == Role.ENTERPRISE_HR.value
    pipeline = internships.pipeline_counts(current_user) if is_enterprise else None
    if is_enterprise and staff_form is None:
        staff_form = StaffForm(staff_count=current_user.organisation.staff_count)
    # ?status= narrows the list to one step (a home's to-do links here); anything else shows all.
    status = request.args.get("status", "")
    placements = internships.placements_of(current_user)
    if status in {s.value for s in PlacementStatus}:
        placements = [p for p in placements if p.status == status]
    else:
        status = ""
    return render_template(
        "internships/index.html",
        placements=placements,
        side=current_user.role,
        only=PlacementStatus(status) if status else None,
        pipeline=pipeline,
        review=internships.to_review(current_user),
        staff_form=staff_form,
    )


# --- the student's profile -----------------------------------------------------------------


@bp.get("/students/<int:student_id>")
def student_profile(student_id: int):
    # Through `attempt`: an enterprise's view is logged and committed.
    seen = attempt(lambda: profiles.view(current_user, student_id, what="view_profile"))
    if seen is REFUSED:
        abort(404)
    student, found = seen
    return render_template("internships/student_profile.html", student=student, profile=found)


@bp.get("/students/<int:student_id>/cv.pdf")
def student_cv(student_id: int):
    seen = attempt(lambda: profiles.view(current_user, student_id, what="view_cv"))
    if seen is REFUSED:  # the day's CV limit: back to the profile, where the message is shown
        return redirect(url_for(".student_profile", student_id=student_id))
    student, found = seen
    if found is None or not found.cv:
        abort(404)
    return download(found.cv, f"cv-{student.id}.pdf")


def _page(
    placement_id: int,
    offer_form: OfferForm | None = None,
    entry_form: EntryForm | None = None,
    approve_form: ApproveForm | None = None,
    consent_form: ConsentForm | None = None,
):
    placement = internships.get_for(current_user, placement_id)
    party = internships.party_of(current_user, placement)
    if offer_form is None and placement.offered_at:
        offer_form = OfferForm(obj=placement)
    elif offer_form is None:
        # A new offer starts from what the posting already says: its dates (the insurance cover
        # too) and its monthly pay; HR changes what differs.
        posting = placement.posting
        offer_form = OfferForm(
            data={
                "starts_on": posting.start_date,
                "ends_on": posting.end_date,
                "cover_starts_on": posting.start_date,
                "cover_ends_on": posting.end_date,
                "pay_monthly": (posting.details or {}).get("pay"),
                "post_wage": (posting.details or {}).get("post_wage"),
                "fee_charged": 0,
            }
        )
    if not placement.offered_at:
        # The counts the shares are judged on, from the enterprise's and the posting's records.
        offer_form.staff_count.data = placement.enterprise.staff_count
        offer_form.post_staff_count.data = (placement.posting.details or {}).get("post_staff_count")
    return render_template(
        "internships/placement.html",
        placement=placement,
        party=party,
        steps=internships.next_steps(placement, party),
        next_step=progress.next_step(placement, party),
        # The student's own facts are theirs already; the other parties judge the applicant on them.
        applicant=internships.applicant(placement) if party != "student" else None,
        offer_form=offer_form,
        entry_form=entry_form or EntryForm(),
        entry_kind=next(k for k in EntryKind if k.party == party),
        timeline=internships.timeline(placement),
        action_form=ActionForm(),
        destinations=Destination,
        approve_form=approve_form or ApproveForm(),
        # The school names its supervisor: its teachers are offered as the name is typed.
        supervisors=[t.name for t in school_records.teachers_of_school(placement.school_id)]
        if party == "school" and placement.status == PlacementStatus.ACCEPTED.value
        else [],
        consent_form=consent_form or ConsentForm(),
        grade_form=GradeForm(),
        grades=rules.GRADES,
        warnings=internships.warnings(placement) if party != "student" and placement.offered_at else [],
        # Before answering an offer, the student sees what else holds their time, as the school will.
        commitments=internships.other_commitments(placement)
        if party == "student" and placement.status == PlacementStatus.OFFERED.value
        else [],
        needs_guardian=rules.needs_guardian(placement.student.birth_date, placement.starts_on),
        # A student who never wrote a profile has none to open (the link answered 404).
        has_profile=party == "school" or profiles.own(placement.student) is not None,
        ended=placement.status in (PlacementStatus.DECLINED.value, PlacementStatus.REJECTED.value),
    )


@bp.get("/<int:placement_id>")
def placement(placement_id: int):
    return _page(placement_id)


@bp.post("/<int:placement_id>/offer")
def offer(placement_id: int):
    form = OfferForm()
    if form.validate_on_submit():
        done = attempt(lambda: internships.offer(current_user, placement_id, form.terms()), form)
        if done is not REFUSED:
            flash(_("The offer has been sent to the student."), "success")
            return redirect(url_for(".placement", placement_id=placement_id))
    return _page(placement_id, form), 400


@bp.post("/<int:placement_id>/entries/<any(log, evaluation, visit):kind>")
def add_entry(placement_id: int, kind: str):
    form = EntryForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: internships.add_entry(
                current_user, placement_id, kind, form.day.data, form.text.data, form.score.data
            ),
            form,
        )
        if done is not REFUSED:
            flash(_("Added to the timeline."), "success")
            return redirect(url_for(".placement", placement_id=placement_id))
    return _page(placement_id, entry_form=form), 400


def _step(placement_id: int, action, message: str):
    if ActionForm().validate_on_submit():
        if attempt(action) is not REFUSED:
            flash(message, "success")
    return redirect(url_for(".placement", placement_id=placement_id))


@bp.post("/<int:placement_id>/shortlist")
def shortlist(placement_id: int):
    return _step(placement_id, lambda: internships.shortlist(current_user, placement_id), _("Shortlisted."))


@bp.post("/<int:placement_id>/reject")
@needs_confirmation("reject_placement")
def reject(placement_id: int):
    reason = request.form.get("reason", "")
    return _step(
        placement_id,
        lambda: internships.reject(current_user, placement_id, reason),
        _("The student has been told, with your reason."),
    )


@bp.post("/<int:placement_id>/accept")
@needs_confirmation("accept_offer")
def accept(placement_id: int):
    return _step(
        placement_id,
        lambda: internships.answer(current_user, placement_id, accept=True),
        _("You have accepted the offer; your school decides next."),
    )


@bp.post("/<int:placement_id>/decline")
def decline(placement_id: int):
    reason = request.form.get("reason", "")
    return _step(
        placement_id,
        lambda: internships.answer(current_user, placement_id, accept=False, reason=reason),
        _("You have declined the offer."),
    )


@bp.post("/<int:placement_id>/approve")
@needs_confirmation(
    "approve_placement", complete=lambda: bool(request.form.get("school_supervisor", "").strip())
)
def approve(placement_id: int):
    form = ApproveForm()
    if form.validate_on_submit():
        done = attempt(
            lambda: internships.approve(current_user, placement_id, form.school_supervisor.data or ""), form
        )
        if done is not REFUSED:
            flash(_("The internship is approved."), "success")
            return redirect(url_for(".placement", placement_id=placement_id))
    return _page(placement_id, approve_form=form), 400


@bp.post("/<int:placement_id>/consent")
def consent(placement_id: int):
    """The student's and the guardian's signed consent, checked by content (never by name)."""
    form = ConsentForm()
    if form.validate_on_submit():
        own = uploads.read(form.student_consent.data, internships.CONSENT_MAX_BYTES)
        guardian = uploads.read(form.guardian_consent.data, internships.CONSENT_MAX_BYTES)
        done = attempt(
            lambda: internships.upload_consent(current_user, placement_id, own=own, guardian=guardian), form
        )
        if done is not REFUSED:
            flash(_("The consent is uploaded."), "success")
            return redirect(url_for(".placement", placement_id=placement_id))
    return _page(placement_id, consent_form=form), 400


@bp.get("/<int:placement_id>/consent/<any(student, guardian):whose>")
def consent_file(placement_id: int, whose: str):
    data, mime = internships.consent_file(current_user, placement_id, whose)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[mime]
    return download(data, f"consent-{whose}-{placement_id}.{extension}")


@bp.post("/<int:placement_id>/grade")
def grade(placement_id: int):
    chosen = request.form.get("grade", "")
    return _step(
        placement_id,
        lambda: internships.grade(current_user, placement_id, chosen),
        _("The grade is recorded."),
    )


@bp.get("/<int:placement_id>/agreement")
def agreement(placement_id: int):
    placement = internships.get_for(current_user, placement_id)
    if placement.offered_at is None:
        abort(404)
    return render_template(
        "internships/agreement.html",
        placement=placement,
        party=internships.party_of(current_user, placement),
        facts=internship_agreement.facts(placement),
        signatures=internship_agreement.signatures(placement),
        clauses=internships.clauses_for(placement),
        title=internship_agreement.TITLE,
        regulation=internship_agreement.REGULATION,
    )


@bp.get("/<int:placement_id>/agreement.docx")
def agreement_docx(placement_id: int):
    placement = internships.get_for(current_user, placement_id)
    if placement.offered_at is None:
        abort(404)
    return download(internship_agreement.docx(placement), f"internship-agreement-{placement.id}.docx")


@bp.post("/<int:placement_id>/sign")
@needs_confirmation("sign_agreement")
def sign(placement_id: int):
    return _step(
        placement_id,
        lambda: internships.sign(current_user, placement_id),
        _("You have confirmed the agreement."),
    )


@bp.post("/<int:placement_id>/start")
def start(placement_id: int):
    return _step(
        placement_id, lambda: internships.start(current_user, placement_id), _("The internship has started.")
    )


@bp.post("/<int:placement_id>/complete")
def complete(placement_id: int):
    return _step(
        placement_id,
        lambda: internships.complete(current_user, placement_id),
        _("The internship is completed."),
    )


@bp.post("/<int:placement_id>/destination")
def destination(placement_id: int):
    chosen = request.form.get("destination", "")
    return _step(
        placement_id,
        lambda: internships.record_destination(current_user, placement_id, chosen),
        _("The destination is recorded."),
    )


@bp.post("/<int:placement_id>/hire")
@needs_confirmation("hire")
def hire(placement_id: int):
    return _step(
        placement_id, lambda: internships.hire(current_user, placement_id), _("The hire is recorded.")
    )
