"""Builders for the training tests: through the services, as the site does."""

from __future__ import annotations

from datetime import timedelta

from portal.extensions import db
from portal.platform.checks import district_today
from portal.programs import records as school_records
from portal.training import services
from portal.training.models import CommunityCentre


def offer(staff, title: str = "焊工技能培训", groups=("enterprise_staff", "veterans", "unemployed")):
    made = school_records.create_offer(
        staff.organisation, title=title, target_groups=list(groups), capacity=30, hours=40, skills="焊接"
    )
    school_records.publish_training_offer(made)
    db.session.commit()
    return made


def centre(admin, town: str = "fengcheng") -> CommunityCentre:
    made = services.save_centre(admin, None, f"测试{town}社区教育中心", town, "地址", "联系人 0634-1234567")
    db.session.commit()
    return made


def run(
    staff, *, places: int = 10, venue: str = "school", centre_id=None, enterprise_id=None, title=None, **kw
):
    today = district_today()
    made_offer = offer(staff, title or f"培训{places}")
    made = services.create_run(
        staff,
        services.RunInput(
            made_offer.id,
            kw.get("starts_on", today - timedelta(days=5)),
            kw.get("ends_on", today + timedelta(days=25)),
            40,
            places,
            venue,
            centre_id,
            enterprise_id,
            "",
        ),
    )
    db.session.commit()
    return made


def resident(run_id: int, n: int, *, town: str = "fengcheng", groups=("unemployed",), employer_id=None):
    made = services.sign_up(
        run_id,
        services.SignUp(f"学员{n}", f"139{n:08d}", town, list(groups), employer_id=employer_id, consent=True),
    )
    db.session.commit()
    return made
