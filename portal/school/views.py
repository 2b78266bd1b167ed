"""School staff area."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import inbox
from portal.accounts.models import Role
from portal.api.site import bp as api_access_bp
from portal.apprenticeships import school as apprenticeships_school
from portal.exchanges import services as exchanges
from portal.exchanges import views as exchanges_feature
from portal.internships.views import bp as internships_bp
from portal.named_classes import views as named_classes
from portal.organisations import views as membership
from portal.partnerships import views as partnerships
from portal.planning import double_qualified
from portal.platform import jobs
from portal.platform.forms import ActionForm
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt, form_status, one_pass
from portal.programs import catalogue
from portal.programs import services as programs
from portal.programs.forms import ProgramForm
from portal.rules.part_time import SOURCE as PART_TIME_SOURCE

bp = Blueprint("school", __name__, url_prefix="/school")
guard_blueprint(bp, Role.SCHOOL_STAFF, open_endpoints=("school.home",))
for feature in (
    internships_bp,
    membership.bp,
    apprenticeships_school.bp,
    partnerships.bp,
    named_classes.bp,
    exchanges_feature.bp,
    api_access_bp,
):
    bp.register_blueprint(feature)


@bp.get("/")
def home():
    active = current_user.is_member_active
    return membership.area_home(
        "school/home.html",
        inbox.for_school,
        per_major=inbox.proposals_per_major(current_user) if active else [],
        share=exchanges.part_time_share(current_user.organisation) if active else None,
        double_qualified=double_qualified.standing(current_user.organisation) if active else None,
        dq_target=double_qualified.TARGET_PERCENT,
        rule_source=PART_TIME_SOURCE,
    )


@bp.post("/resubmit")
def resubmit():
    return membership.resubmitted(home)


@bp.get("/majors")
def major_list():
    return render_template(
        "programs/school/majors.html",
        programs=programs.programs_of_school(current_user.organisation_id),
        action_form=ActionForm(),
    )


@bp.route("/majors/new", methods=["GET", "POST"])
def major_new():
    form = ProgramForm()
    program = one_pass(form, lambda: programs.create_program(current_user.organisation, **form.values()))
    if program is not REFUSED:
        flash(_("The major has been saved as a draft."), "success")
        return redirect(url_for("school.major_list"))
    return render_template("programs/school/major_form.html", form=form, **_picker()), form_status()


def _picker() -> dict:
    """The catalogue a school picks from: its level's majors (both for a school of either level),
    grouped by 大类 and 类, and the old names that lead to them."""
    level = catalogue.level_for_school_kind(current_user.organisation.school_kind)
    return {"groups": catalogue.grouped(level), "aliases": catalogue.aliases().values()}


@bp.route("/majors/<int:program_id>/edit", methods=["GET", "POST"])
def major_edit(program_id: int):
    program = programs.get_own_program(current_user, program_id)
    form = ProgramForm(obj=program)
    saved = one_pass(form, lambda: programs.update_program(current_user, program_id, **form.values()))
    if saved is not REFUSED:
        flash(_("The major has been saved."), "success")
        return redirect(url_for("school.major_list"))
    return render_template(
        "programs/school/major_form.html", form=form, program=program, **_picker()
    ), form_status()


@bp.post("/majors/<int:program_id>/publish")
def major_publish(program_id: int):
    published = attempt(
        lambda: programs.publish_program(
            programs.get_own_program(current_user, program_id), actor=current_user
        )
    )
    if published is REFUSED:
        return major_list(), 400
    flash(_("The major has been published."), "success")
    return redirect(url_for("school.major_list"))


@bp.post("/majors/<int:program_id>/close")
def major_close(program_id: int):
    closed = attempt(
        lambda: programs.close_program(programs.get_own_program(current_user, program_id), actor=current_user)
    )
    if closed is REFUSED:
        return major_list(), 400
    flash(_("The major has been closed; it no longer appears on the public pages."), "success")
    return redirect(url_for("school.major_list"))


@bp.post("/proposals/recompute")
def proposal_recompute():
    if ActionForm().validate_on_submit():
        job = attempt(
            lambda: jobs.submit(
                "rank_school", user=current_user, args={"school_id": current_user.organisation_id}
            )
        )
        if job is not REFUSED:
            return redirect(url_for("auth.job_detail", job_id=job.id))
    return redirect(url_for("school.partnerships.proposal_list"))


# The staff pages of majors were /school/programs until they took the name the rest of the site
# uses (/majors); old links and bookmarks still arrive (308 keeps the method and the form).
bp.add_url_rule("/programs", "programs_moved", redirect_to="/school/majors", methods=["GET", "POST"])
bp.add_url_rule(
    "/programs/<path:rest>", "programs_moved", redirect_to="/school/majors/<rest>", methods=["GET", "POST"]
)
