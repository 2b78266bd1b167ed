"""Students: rank the places of their school's apprenticeship programmes; see the published result.

Routes join the `student` blueprint, so its role guard applies to them all.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.apprenticeship_forms import ranks_from
from portal.services import apprenticeships
from portal.student.views import bp
from portal.web import REFUSED, attempt


@bp.get("/apprenticeships")
def apprenticeship_list():
    programmes = apprenticeships.programmes_for_student(current_user)
    return render_template(
        "student/apprenticeships/list.html",
        programmes=programmes,
        results={p.id: apprenticeships.student_result(current_user, p) for p in programmes},
        status_labels=apprenticeships.STATUS_LABELS,
    )


@bp.get("/apprenticeships/<int:programme_id>")
def apprenticeship_detail(programme_id: int):
    programme = apprenticeships.get_for_student(current_user, programme_id)
    choices = apprenticeships.choices_of(current_user, programme)
    return render_template(
        "student/apprenticeships/detail.html",
        programme=programme,
        my_ranks={c.place_id: c.rank for c in choices},
        choices=choices,
        result=apprenticeships.student_result(current_user, programme),
        accepts=apprenticeships.accepts_choices(programme),
        status_labels=apprenticeships.STATUS_LABELS,
    )


@bp.post("/apprenticeships/<int:programme_id>/choices")
def apprenticeship_choose(programme_id: int):
    saved = attempt(lambda: apprenticeships.set_choices(current_user, programme_id, ranks_from(request.form)))
    if saved is not REFUSED:
        flash(_("Your ranking has been saved.") if saved else _("Your application has been withdrawn."), "success")
    return redirect(url_for("student.apprenticeship_detail", programme_id=programme_id))
