"""The pilots' world: a school and an enterprise with an order-class cooperation, and the
administrator who decides."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from tests.conftest import Builders


def cooperation(
    school,
    hr,
    *,
    kind: str = "order_class",
    title: str = "山东重工智能制造冠名班",
    seats: int = 40,
    status: str = "active",
):
    return Builders.cooperation(
        school,
        hr,
        kind=kind,
        title=title,
        seats=seats,
        start_date=date(2026, 9, 1),
        status=status,
        with_program=False,
        school_provides="",
        enterprise_provides="",
    )


@pytest.fixture
def world(app, build):
    school, hr = build.school(name="莱芜职业中专"), build.enterprise(name="山东重工")
    admin = build.admin()
    db.session.commit()
    return school, hr, admin, cooperation(school, hr)
