"""Students: rank the places of their school's apprenticeship programmes; see the published result.

Nested in the student area (`bp`), whose role guard applies to them all.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.apprenticeships import agreements as apprentice_agreements
from portal.apprenticeships import services as apprenticeships
from portal.apprenticeships.forms import ranks_from
from portal.platform import checks
from portal.platform.web import REFUSED, attempt

bp = Blueprint("apprenticeships", __name__)  # nested in the student area


@bp.get("/apprenticeships")
def apprenticeship_list():
    programmes = apprenticeships.programmes_for_student(current_user)
    return render_template(
        "apprenticeships/student/list.html",
        programmes=programmes,
        results={p.id: apprenticeships.student_result(current_user, p) for p in programmes},
    )


@bp.get("/apprenticeships/<int:programme_id>")
def apprenticeship_detail(programme_id: int, typed_ranks: dict[int, int] | None = None):
    programme = apprenticeships.get_for_student(current_user, programme_id)
    choices = apprenticeships.choices_of(current_user, programme)
    return render_template(
        "apprenticeships/student/detail.html",
        programme=programme,
        my_ranks=typed_ranks if typed_ranks is not None else {c.place_id: c.rank for c in choices},
        choices=choices,
        result=apprenticeships.student_result(current_user, programme),
        accepts=apprenticeships.accepts_choices(programme),
        # The apprentice is a party to the training agreement: they read what was signed.
        agreement=apprentice_agreements.agreements_of(programme.id).get(current_user.id),
        payers=apprentice_agreements.PAYERS,
    )


@bp.post("/apprenticeships/<int:programme_id>/choices")
def apprenticeship_choose(programme_id: int):
    saved = attempt(lambda: apprenticeships.set_choices(current_user, programme_id, ranks_from(request.form)))
    if saved is REFUSED:
        # The ranking stays as the student typed it, beside the message, to correct and resend.
        return apprenticeship_detail(programme_id, typed_ranks=_typed_ranks()), 400
    flash(
        _("Your ranking has been saved.") if saved else _("Your application has been withdrawn."), "success"
    )
    return redirect(url_for("student.apprenticeships.apprenticeship_detail", programme_id=programme_id))


def _typed_ranks() -> dict[int, int]:
    typed = {}
    for key, value in request.form.items():
        place, rank = checks.whole_number(key.removeprefix("rank-")), checks.whole_number(value, maximum=9999)
        if key.startswith("rank-") and place and rank:
            typed[place] = rank
    return typed
