"""Suggested changes to next year's intake plan, from the district's supply-and-demand figures.

Routes join the `school` blueprint (its role guard applies); a school sees only its own majors.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.organisations import services as organisations
from portal.planning import alignment
from portal.planning.forms import RecruitmentForm
from portal.platform.checks import district_today
from portal.platform.routing import Routes
from portal.platform.web import REFUSED, attempt, form_status

routes = Routes("school")


def _page(form: RecruitmentForm | None = None):
    figures = alignment.report()
    school = current_user.organisation
    form = form or RecruitmentForm(area="town" if school.recruits_district_wide is False else "district")
    return render_template(
        "planning/school/alignment.html",
        figures=figures,
        today=district_today(),
        suggestions=alignment.suggestions(current_user.organisation_id, figures),
        recruitment_form=form,
    ), form_status()


@routes.get("/alignment")
def alignment_suggestions():
    return _page()


@routes.post("/alignment/recruitment")
def alignment_recruitment():
    form = RecruitmentForm()
    if form.validate_on_submit():
        district_wide = form.area.data == "district"
        if (
            attempt(lambda: organisations.set_recruitment_area(current_user, district_wide), form)
            is not REFUSED
        ):
            flash(_("Saved: where your school recruits."), "success")
            return redirect(url_for("school.alignment_suggestions") + "#recruitment")
    return _page(form)
