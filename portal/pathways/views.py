"""贯通培养 pathways: `school_bp` (a school keeps its pathways and cohorts) and `admin_bp` (the
records behind the dashboard's pathway figures). Each checks its role once, before every request."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.models import Role
from portal.pathways import services
from portal.pathways.forms import CohortForm, PathwayForm
from portal.platform.errors import NotFound
from portal.platform.security import guard_blueprint
from portal.platform.web import REFUSED, attempt, form_status

school_bp = Blueprint("school_pathways", __name__, url_prefix="/school/pathways")
guard_blueprint(school_bp, Role.SCHOOL_STAFF)
admin_bp = Blueprint("admin_pathways", __name__, url_prefix="/admin/pathways")
guard_blueprint(admin_bp, Role.ADMIN)


@school_bp.route("/", methods=["GET", "POST"])
def pathway_list():
    form = PathwayForm()
    form.set_programs(services.program_choices(current_user))
    if form.validate_on_submit():
        created = attempt(lambda: services.create_pathway(current_user, form.data_input()), form)
        if created is not REFUSED:
            flash(_("The pathway is recorded."), "success")
            return redirect(url_for(".pathway_detail", pathway_id=created.id))
    return render_template(
        "pathways/school_list.html", pathways=services.pathways_of(current_user), form=form
    ), form_status()


@school_bp.route("/<int:pathway_id>", methods=["GET", "POST"])
def pathway_detail(pathway_id: int):
    try:
        pathway = services.get_pathway(current_user, pathway_id)
    except NotFound:
        abort(404)
    form = CohortForm()
    if form.validate_on_submit():
        if (
            attempt(lambda: services.record_cohort(current_user, pathway_id, form.data_input()), form)
            is not REFUSED
        ):
            flash(_("The cohort is recorded."), "success")
            return redirect(url_for(".pathway_detail", pathway_id=pathway_id))
    return render_template("pathways/school_detail.html", pathway=pathway, form=form), form_status()


@admin_bp.get("/")
def district_list():
    return render_template(
        "pathways/admin_list.html",
        pathways=services.district_pathway_list(),
        totals=services.district_pathways(),
    )
