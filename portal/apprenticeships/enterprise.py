"""Enterprise HR: places and mentors of their apprenticeship programmes; ranking applicants.

For each place the enterprise either ranks the applicants itself or lets the matcher
rank them by the similarity of the student's major to the place. Nested in the enterprise
area (`bp`), whose role guard applies to them all.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.apprenticeships import agreements as apprentice_agreements
from portal.apprenticeships import services as apprenticeships
from portal.apprenticeships.forms import PlaceForm, ranks_from
from portal.platform.web import REFUSED, attempt
from portal.postings.models import TECH_TITLES

bp = Blueprint("apprenticeships", __name__)  # nested in the enterprise area


@bp.get("/apprenticeships")
def apprenticeship_list():
    return render_template(
        "apprenticeships/enterprise/list.html",
        programmes=apprenticeships.programmes_of_enterprise(current_user),
    )


def _detail(programme, place_form: PlaceForm, status: int = 200):
    run = apprenticeships.published_run(programme)
    return render_template(
        "apprenticeships/enterprise/detail.html",
        programme=programme,
        applicants=apprenticeships.applicants_by_place(programme),
        place_form=place_form,
        titles=TECH_TITLES,
        run=run,
        rows=apprenticeships.run_rows(run) if run else [],
        reason_labels=apprenticeships.REASON_LABELS,
        # The enterprise is a party to each pairing's training agreement.
        agreements=apprentice_agreements.agreements_of(programme.id) if run else {},
        payers=apprentice_agreements.PAYERS,
    ), status


@bp.get("/apprenticeships/<int:programme_id>")
def apprenticeship_detail(programme_id: int):
    return _detail(apprenticeships.get_for_enterprise(current_user, programme_id), PlaceForm(formdata=None))


@bp.post("/apprenticeships/<int:programme_id>/places")
def apprenticeship_place_add(programme_id: int):
    programme = apprenticeships.get_for_enterprise(current_user, programme_id)
    form = PlaceForm()
    if form.validate_on_submit():
        place = attempt(lambda: apprenticeships.add_place(current_user, programme_id, **form.values()), form)
        if place is not REFUSED:
            flash(_("The place has been added."), "success")
            return redirect(
                url_for("enterprise.apprenticeships.apprenticeship_detail", programme_id=programme_id)
            )
    return _detail(programme, form, 400)


@bp.post("/apprenticeships/places/<int:place_id>/ranking")
def apprenticeship_rank(place_id: int):
    programme_id = apprenticeships.get_place_for_enterprise(current_user, place_id).programme_id
    ranks = request.form
    if (
        attempt(lambda: apprenticeships.set_enterprise_ranking(current_user, place_id, ranks_from(ranks)))
        is not REFUSED
    ):
        flash(_("Your ranking of the applicants has been saved."), "success")
    return redirect(url_for("enterprise.apprenticeships.apprenticeship_detail", programme_id=programme_id))


@bp.post("/apprenticeships/places/<int:place_id>/matcher")
def apprenticeship_use_matcher(place_id: int):
    programme_id = apprenticeships.get_place_for_enterprise(current_user, place_id).programme_id
    if attempt(lambda: apprenticeships.use_matcher(current_user, place_id)) is not REFUSED:
        flash(_("The matcher will rank the applicants of this place."), "success")
    return redirect(url_for("enterprise.apprenticeships.apprenticeship_detail", programme_id=programme_id))
