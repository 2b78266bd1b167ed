"""Suggested changes to next year's intake plan, from the district's supply-and-demand figures.

Routes join the `school` blueprint (its role guard applies); a school sees only its own majors.
"""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal.planning import alignment
from portal.platform.checks import district_today
from portal.platform.routing import Routes

routes = Routes("school")


@routes.get("/alignment")
def alignment_suggestions():
    figures = alignment.report()
    return render_template(
        "planning/school/alignment.html",
        figures=figures,
        today=district_today(),
        suggestions=alignment.suggestions(current_user.organisation_id, figures),
    )
