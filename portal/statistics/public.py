"""What the district publishes on /stats: aggregates, never a person."""

from __future__ import annotations

from datetime import date

from portal.extensions import db
from portal.named_classes.models import NamedClass
from portal.partnerships.cooperation_models import CooperationKind
from portal.pilots import services as pilots
from portal.platform.checks import district_today
from portal.statistics.breakdowns import by_industry, enterprise_cooperations
from portal.statistics.scopes import NC_ENTERPRISE, NC_SCHOOL, published_named_classes


def cooperations_by_industry() -> list[dict]:
    """Active cooperations per industry of the enterprise partner, and their seats."""
    table = by_industry((), enterprise_cooperations(), ())
    keep = ("industry", "cooperations", *(f"kind_{k}" for k in CooperationKind.labels()), "seats")
    return [{k: row[k] for k in keep} for row in table.rows if row["cooperations"]]


def public_named_classes() -> list[dict]:
    """Published named classes: name, partners and seats (organisations only, no student); read
    as plain rows, not as classes with their cooperations and partners (issue 31: /stats)."""
    rows = db.session.execute(
        published_named_classes()
        .with_only_columns(
            NamedClass.name, NC_SCHOOL.c.name, NC_ENTERPRISE.c.name, NamedClass.seats, NamedClass.opens_on
        )
        .order_by(NamedClass.opens_on.desc(), NamedClass.name)
    )
    return [
        {"name": name, "school": school, "enterprise": enterprise, "seats": seats, "since": since}
        for name, school, enterprise, seats, since in rows
    ]


def public_pilot_partnerships(today: date | None = None) -> list[dict]:
    """Approved pilot partnerships, as the public pilot pages show them."""
    today = today or district_today()
    rows = []
    for pilot in pilots.public_pilots():
        if pilot.public_state(today) is None:
            continue
        rows.append(
            {
                "name": pilot.cooperation.title,
                "school": pilot.school.name,
                "enterprise": pilot.enterprise.name,
                "state": str(pilot.state_on(today).label),  # as the pilot's own page says it
                "approved_on": pilot.notice_starts_on,
            }
        )
    return rows


PUBLIC_TABLES = ("industries", "named_classes", "pilots")


def public_tables() -> dict[str, list[dict]]:
    return {
        "industries": cooperations_by_industry(),
        "named_classes": public_named_classes(),
        "pilots": public_pilot_partnerships(),
    }
