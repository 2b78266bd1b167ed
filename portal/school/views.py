"""School staff area."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.forms import ActionForm
from portal.internships import bp as internships_bp
from portal.membership_views import add_member_routes
from portal.models import Role
from portal.school.forms import ProgramForm
from portal.security import guard_blueprint
from portal.services import catalogue, exchanges, inbox, organisations, programs
from portal.web import REFUSED, attempt, form_status

bp = Blueprint("school", __name__, url_prefix="/school")
guard_blueprint(bp, Role.SCHOOL_STAFF, open_endpoints=("school.home",))
bp.register_blueprint(internships_bp)
add_member_routes(bp)


@bp.get("/")
def home():
    active = current_user.is_member_active
    return render_template(
        "school/home.html", org=current_user.organisation, action_form=ActionForm(),
        pending=organisations.pending_members(current_user) if active else [],
        waiting=inbox.for_school(current_user) if active else [],
        per_major=inbox.proposals_per_major(current_user) if active else [],
        share=exchanges.part_time_share(current_user.organisation) if active else None,
    )


@bp.post("/resubmit")
def resubmit():
    if attempt(lambda: organisations.resubmit(current_user)) is REFUSED:
        return home(), 400
    flash(_("Your organisation has been submitted for verification again."), "success")
    return redirect(url_for("school.home"))


@bp.get("/programs")
def program_list():
    return render_template(
        "school/programs.html",
        programs=programs.programs_of_school(current_user.organisation_id),
        action_form=ActionForm(),
    )


@bp.route("/programs/new", methods=["GET", "POST"])
def program_new():
    form = ProgramForm()
    if form.validate_on_submit():
        program = attempt(lambda: programs.create_program(current_user.organisation, **form.values()), form)
        if program is not REFUSED:
            flash(_("The major has been saved as a draft."), "success")
            return redirect(url_for("school.program_list"))
    return render_template("school/program_form.html", form=form, catalogue=catalogue.entries()), form_status()


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
def program_edit(program_id: int):
    program = programs.get_own_program(current_user, program_id)
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        saved = attempt(lambda: programs.update_program(current_user, program_id, **form.values()), form)
        if saved is not REFUSED:
            flash(_("The major has been saved."), "success")
            return redirect(url_for("school.program_list"))
    return render_template(
        "school/program_form.html", form=form, program=program, catalogue=catalogue.entries()
    ), form_status()


@bp.post("/programs/<int:program_id>/publish")
def program_publish(program_id: int):
    published = attempt(lambda: programs.publish_program(programs.get_own_program(current_user, program_id),
                                                         actor=current_user))
    if published is REFUSED:
        return program_list(), 400
    flash(_("The major has been published."), "success")
    return redirect(url_for("school.program_list"))


@bp.post("/programs/<int:program_id>/close")
def program_close(program_id: int):
    closed = attempt(lambda: programs.close_program(programs.get_own_program(current_user, program_id),
                                                    actor=current_user))
    if closed is REFUSED:
        return program_list(), 400
    flash(_("The major has been closed; it no longer appears on the public pages."), "success")
    return redirect(url_for("school.program_list"))


# Teachers, teaching needs, training offers and spreadsheets live in their own modules.
from portal.school import alignment as _alignment  # noqa: E402,F401  (registers /school/alignment, intake suggestions)
from portal.school import apprenticeships as _apprenticeships  # noqa: E402,F401  (registers the apprenticeship routes)
from portal.school import cooperation as _cooperation  # noqa: E402,F401  (registers the proposal and cooperation routes)
from portal.school import exchanges as _exchanges  # noqa: E402,F401  (registers the teacher exchange routes)
from portal.school import named_classes as _named_classes  # noqa: E402,F401  (registers the named-class routes)
from portal.school import pilots as _pilots  # noqa: E402,F401  (registers the pilot partnership routes)
from portal.school import records, sheets  # noqa: E402,F401
