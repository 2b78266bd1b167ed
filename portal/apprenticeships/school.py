"""School staff: apprenticeship programmes, their places and applicants, allocation preview and publish.

Nested in the school area (`bp`), whose role guard applies to them all; the list, a programme's
page and adding a place are the partners' shared views (`portal.apprenticeships.partner_views`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.apprenticeships import agreements as apprentice_agreements
from portal.apprenticeships import services as apprenticeships
from portal.apprenticeships.forms import AgreementForm, ProgrammeForm
from portal.apprenticeships.models import UnplacedReason
from portal.apprenticeships.partner_views import Side, partner_blueprint
from portal.platform.checks import district_today
from portal.platform.confirm import needs_confirmation
from portal.platform.web import REFUSED, attempt, form_status
from portal.rules.apprenticeships import AGREEMENT_SOURCE


def _detail_extra(programme) -> dict:
    runs = apprenticeships.runs_of(programme)
    return {
        "applicant_count": apprenticeships.applicant_count(programme),
        "runs": runs,
        "published": next((r for r in runs if r.is_published), None),
    }


bp = partner_blueprint(
    Side(
        "school",
        programmes=apprenticeships.programmes_of_school,
        get=apprenticeships.get_for_school,
        list_extra=lambda actor: {"cooperations": apprenticeships.apprenticeship_cooperations(actor)},
        detail_extra=_detail_extra,
    )
)  # nested in the school area


@bp.route("/apprenticeships/new/<int:cooperation_id>", methods=["GET", "POST"])
def apprenticeship_new(cooperation_id: int):
    cooperation = next(
        (c for c in apprenticeships.apprenticeship_cooperations(current_user) if c.id == cooperation_id), None
    )
    if cooperation is None:  # another school's, another kind, or ended
        abort(404)
    form = ProgrammeForm()
    if not form.is_submitted():
        form.opens_on.data = district_today()
    if form.validate_on_submit():
        programme = attempt(
            lambda: apprenticeships.create_programme(current_user, cooperation_id, **form.values()), form
        )
        if programme is not REFUSED:
            flash(_("The programme has been created as a draft: add its places, then open it."), "success")
            return redirect(
                url_for("school.apprenticeships.apprenticeship_detail", programme_id=programme.id)
            )
    return render_template(
        "apprenticeships/school/new.html", form=form, cooperation=cooperation
    ), form_status()


@bp.post("/apprenticeships/<int:programme_id>/<any(open, close):step>")
def apprenticeship_step(programme_id: int, step: str):
    action = apprenticeships.open_programme if step == "open" else apprenticeships.close_programme
    if attempt(lambda: action(current_user, programme_id)) is not REFUSED:
        flash(
            _("The programme is open for applications.")
            if step == "open"
            else _("The programme is closed for applications."),
            "success",
        )
    return redirect(url_for("school.apprenticeships.apprenticeship_detail", programme_id=programme_id))


@bp.post("/apprenticeships/<int:programme_id>/preview")
def apprenticeship_preview(programme_id: int):
    run = attempt(lambda: apprenticeships.preview(current_user, programme_id))
    if run is REFUSED:
        return redirect(url_for("school.apprenticeships.apprenticeship_detail", programme_id=programme_id))
    flash(_("Preview ready. Students do not see it until you publish it."), "success")
    return redirect(url_for("school.apprenticeships.apprenticeship_run", run_id=run.id))


@bp.get("/apprenticeships/runs/<int:run_id>")
def apprenticeship_run(run_id: int):
    run = apprenticeships.get_run_for_school(current_user, run_id)
    return render_template(
        "apprenticeships/school/run.html",
        run=run,
        programme=run.programme,
        rows=apprenticeships.run_rows(run),
        agreements=apprentice_agreements.agreements_of(run.programme_id) if run.is_published else {},
        agreement_source=AGREEMENT_SOURCE,
        summary=apprenticeships.run_summary(run),
        reason_labels=UnplacedReason.labels(),
        accepting=apprenticeships.accepts_choices(run.programme),
    )


@bp.post("/apprenticeships/runs/<int:run_id>/publish")
@needs_confirmation("publish_allocation")
def apprenticeship_publish(run_id: int):
    close_early = request.form.get("close_early") == "1"
    if attempt(lambda: apprenticeships.publish(current_user, run_id, close_early=close_early)) is not REFUSED:
        flash(_("The allocation has been published: students and the enterprise have been told."), "success")
    return redirect(url_for("school.apprenticeships.apprenticeship_run", run_id=run_id))


@bp.route("/apprenticeships/runs/<int:run_id>/agreements/<int:student_id>", methods=["GET", "POST"])
def apprenticeship_agreement(run_id: int, student_id: int):
    """The training agreement of one pairing: recorded once, then shown (and printable)."""
    run, place, student = apprentice_agreements.pairing_for_school(current_user, run_id, student_id)
    agreement = apprentice_agreements.agreements_of(run.programme_id).get(student_id)
    form = AgreementForm()
    if agreement is None and form.validate_on_submit():
        saved = attempt(
            lambda: apprentice_agreements.record_agreement(current_user, run_id, student_id, form.values()),
            form,
        )
        if saved is not REFUSED:
            flash(
                _("The training agreement is recorded; the apprenticeship can start on its first day."),
                "success",
            )
            return redirect(url_for(".apprenticeship_agreement", run_id=run_id, student_id=student_id))
    return render_template(
        "apprenticeships/school/agreement.html",
        run=run,
        programme=run.programme,
        place=place,
        student=student,
        agreement=agreement,
        form=form,
        payers=apprentice_agreements.PAYERS,
        source=AGREEMENT_SOURCE,
    ), form_status()
