"""The pilots' world: a school and an enterprise with an order-class cooperation, and the
administrator who decides."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest

from portal.extensions import db
from tests.conftest import Builders

# An agreed order-class cooperation of `school` and `hr` (Builders.cooperation; its keywords change it).
cooperation = partial(
    Builders.cooperation,
    title="山东重工智能制造冠名班",
    seats=40,
    start_date=date(2026, 9, 1),
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
