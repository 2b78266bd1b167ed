"""Enterprise HR: places and mentors of their apprenticeship programmes; ranking applicants.

For each place the enterprise either ranks the applicants itself or lets the matcher
rank them by the similarity of the student's major to the place. Nested in the enterprise
area (`bp`), whose role guard applies to them all; the list, a programme's page and adding a
place are the partners' shared views (`portal.apprenticeships.partner_views`).
"""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.apprenticeships import agreements as apprentice_agreements
from portal.apprenticeships import services as apprenticeships
from portal.apprenticeships.forms import ranks_from
from portal.apprenticeships.models import UnplacedReason
from portal.apprenticeships.partner_views import Side, partner_blueprint
from portal.platform.web import REFUSED, attempt


def _detail_extra(programme) -> dict:
    run = apprenticeships.published_run(programme)
    return {
        "run": run,
        "rows": apprenticeships.run_rows(run) if run else [],
        "reason_labels": UnplacedReason.labels(),
        # The enterprise is a party to each pairing's training agreement.
        "agreements": apprentice_agreements.agreements_of(programme.id) if run else {},
        "payers": apprentice_agreements.PAYERS,
    }


bp = partner_blueprint(
    Side(
        "enterprise",
        programmes=apprenticeships.programmes_of_enterprise,
        get=apprenticeships.get_for_enterprise,
        list_extra=lambda actor: {},
        detail_extra=_detail_extra,
    )
)  # nested in the enterprise area


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
