"""Public: approved pilot partnerships with their notice period (公示), and the pilot enterprises."""
from __future__ import annotations

from flask import render_template

from portal.public.views import bp
from portal.services import pilots
from portal.services.postings import district_today


@bp.get("/pilots")
def pilots_list():
    return render_template(
        "public/pilots.html",
        pilots=pilots.public_pilots(),
        enterprises=pilots.public_pilot_enterprises(),
        today=district_today(),
        notice_days=pilots.NOTICE_PERIOD_DAYS,
    )


@bp.get("/pilots/<int:pilot_id>")
def pilot_detail(pilot_id: int):
    return render_template(
        "public/pilot.html",
        pilot=pilots.get_public_pilot(pilot_id),
        plan_labels=pilots.PLAN_LABELS,
        today=district_today(),
    )
