"""What both partners of an apprenticeship programme do, written once: the list of their
programmes, a programme's page and adding a place. `partner_blueprint(side)` makes the
blueprint a partner's module nests in its area (so the area's role guard runs first and the
endpoints stay `school.apprenticeships.*` and `enterprise.apprenticeships.*`); each module then
adds the steps only its partner takes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.apprenticeships import services as apprenticeships
from portal.apprenticeships.forms import PlaceForm
from portal.apprenticeships.models import ApprenticeshipProgramme
from portal.platform.web import REFUSED, attempt
from portal.postings.models import TECH_TITLES


@dataclass(frozen=True)
class Side:
    area: str  # "school" or "enterprise": the area's blueprint and the templates' folder
    programmes: Callable[[object], list[ApprenticeshipProgramme]]  # the partner's programmes
    get: Callable[[object, int], ApprenticeshipProgramme]  # one of them, else 404
    # What the partner's list and programme pages show beside what both show.
    list_extra: Callable[[object], dict]
    detail_extra: Callable[[ApprenticeshipProgramme], dict]


def partner_blueprint(side: Side) -> Blueprint:
    bp = Blueprint("apprenticeships", __name__)  # nested in the partner's area

    def detail(programme: ApprenticeshipProgramme, place_form: PlaceForm, status: int = 200):
        return render_template(
            f"apprenticeships/{side.area}/detail.html",
            programme=programme,
            applicants=apprenticeships.applicants_by_place(programme),
            place_form=place_form,
            titles=TECH_TITLES,
            **side.detail_extra(programme),
        ), status

    @bp.get("/apprenticeships")
    def apprenticeship_list():
        return render_template(
            "apprenticeships/list.html",
            area=side.area,
            programmes=side.programmes(current_user),
            **side.list_extra(current_user),
        )

    @bp.get("/apprenticeships/<int:programme_id>")
    def apprenticeship_detail(programme_id: int):
        return detail(side.get(current_user, programme_id), PlaceForm(formdata=None))

    @bp.post("/apprenticeships/<int:programme_id>/places")
    def apprenticeship_place_add(programme_id: int):
        programme = side.get(current_user, programme_id)
        form = PlaceForm()
        if form.validate_on_submit():
            place = attempt(
                lambda: apprenticeships.add_place(current_user, programme_id, **form.values()), form
            )
            if place is not REFUSED:
                flash(_("The place has been added."), "success")
                return redirect(url_for(".apprenticeship_detail", programme_id=programme_id))
        return detail(programme, form, 400)

    return bp
