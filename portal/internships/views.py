"""岗位实习: one blueprint for the three partners, registered nested in the enterprise, school
and student areas (their role guards run first; URLs stay the area's), and the public list.

Which steps a user may take follows from their side of the placement and its state
(`services.internships`); the pages only offer what the service would accept.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from portal.confirm import needs_confirmation
from portal.forms import ActionForm
from portal.internships.forms import (
    ApplyForm,
    ApproveForm,
    ConsentForm,
    EntryForm,
    GradeForm,
    OfferForm,
    ProfileForm,
    StaffForm,
)
from portal.models import Role
from portal.models.internships import Destination, EntryKind, PlacementStatus
from portal.rules import internships as rules
from portal.services import internship_agreement, internships, postings, profiles
from portal.web import REFUSED, attempt, download, form_status

bp = Blueprint("internships", __name__, url_prefix="/internships")  # students, enterprises and schools
public_bp = Blueprint("internships", __name__, url_prefix="/internships")
student_bp = Blueprint("student_internships", __name__, url_prefix="/internships")  # students only
enterprise_bp = Blueprint("enterprise_internships", __name__, url_prefix="/internships")  # enterprises only


@public_bp.get("/")
def listing():
    query = internships.ListingQuery.from_args(request.args)
    return render_template(
        "internships/listing.html",
        query=query,
        results=internships.open_postings(query),
        options=internships.listing_options(),
    )


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
        only=PlacementStatus(status) if status else None,
        pipeline=pipeline,
        review=internships.to_review(current_user),
        staff_form=staff_form,
    )


@enterprise_bp.post("/staff")
def record_staff():
    """The enterprise's employees on the job, entered once and dated (the 10 % rule reads it)."""
    form = StaffForm()
    if form.validate_on_submit():
        if (
            attempt(lambda: internships.record_staff(current_user, form.staff_count.data), form)
            is not REFUSED
        ):
            flash(_("The number of employees is recorded."), "success")
            return redirect(url_for("enterprise.internships.index"))
    return index(form), 400


# --- the student's profile -----------------------------------------------------------------


@student_bp.route("/profile/", methods=["GET", "POST"])
def profile():
    existing = profiles.own(current_user)
    # The stored profile fills the form only when it is shown: a POST that leaves a field out must not
    # fall back to the stored value (certificates are stored as a list, the field holds text).
    form = ProfileForm(obj=existing if request.method == "GET" else None)
    if request.method == "GET" and existing is not None:
        form.certificates.data = "\n".join(
            f"{c['name']}, {c['level']}, {c['date']}" for c in existing.certificates
        )
        form.awards.data = "\n".join(f"{a['level']}, {a['event']}, {a['prize']}" for a in existing.awards)
        form.consent.data = True
    if form.validate_on_submit():
        upload = form.cv.data
        # The file name is never used: the bytes say whether it is a PDF. Without a new file
        # the stored CV stays as it is.
        cv = upload.read(profiles.CV_MAX_BYTES + 1) if isinstance(upload, FileStorage) else None
        if attempt(lambda: profiles.save(current_user, form.data_input(), cv), form) is not REFUSED:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for(".profile"))
    return render_template(
        "internships/profile_form.html", form=form, profile=existing, action_form=ActionForm()
    ), form_status()


@student_bp.post("/profile/delete")
@needs_confirmation("delete_profile")
def profile_delete():
    if attempt(lambda: profiles.delete(current_user)) is not REFUSED:
        flash(_("Your profile and CV are deleted."), "success")
    return redirect(url_for(".profile"))


@enterprise_bp.get("/students/")
def discoverable():
    return render_template(
        "internships/students.html",
        profiles=profiles.discoverable(current_user),
        verified=current_user.organisation is not None and current_user.organisation.is_verified,
    )


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


@student_bp.route("/apply/<int:posting_id>", methods=["GET", "POST"])
def apply(posting_id: int):
    posting = postings.get_public_posting(posting_id)
    form = ApplyForm()
    if request.method == "GET":
        form.birth_date.data = current_user.birth_date
        form.entry_year.data = current_user.entry_year or getattr(
            profiles.own(current_user), "entry_year", None
        )
        form.sex.data = current_user.sex or ""
    if form.validate_on_submit():
        placement = attempt(
            lambda: internships.apply(
                current_user,
                posting_id,
                form.statement.data,
                form.birth_date.data,
                entry_year=form.entry_year.data,
                sex=form.sex.data or None,
            ),
            form,
        )
        if placement is not REFUSED:
            flash(
                _("Your application has been sent to %(enterprise)s.", enterprise=posting.enterprise.name),
                "success",
            )
            return redirect(url_for("student.internships.placement", placement_id=placement.id))
    return render_template("internships/apply.html", form=form, posting=posting), form_status()


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
                "fee_charged": 0,
            }
        )
    return render_template(
        "internships/placement.html",
        placement=placement,
        party=party,
        steps=internships.next_steps(placement, party),
        offer_form=offer_form,
        entry_form=entry_form or EntryForm(),
        entry_kind=next(k for k in EntryKind if k.party == party),
        timeline=internships.timeline(placement),
        action_form=ActionForm(),
        destinations=Destination,
        approve_form=approve_form or ApproveForm(),
        consent_form=consent_form or ConsentForm(),
        grade_form=GradeForm(),
        grades=rules.GRADES,
        warnings=internships.warnings(placement) if party != "student" and placement.offered_at else [],
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
@needs_confirmation("approve_placement")
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

        def read(upload):
            return upload.read(internships.CONSENT_MAX_BYTES + 1) if isinstance(upload, FileStorage) else None

        own, guardian = read(form.student_consent.data), read(form.guardian_consent.data)
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
