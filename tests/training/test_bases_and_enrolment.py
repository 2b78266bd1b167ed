"""Shared training bases (one live booking per slot, the owner confirms, cancelling frees the
slot, only allowed organisations book) and enterprise enrolment from a spreadsheet (every problem
of every row at once, nothing written)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.platform.checks import district_today
from portal.training import bases
from portal.training.models import BaseBooking, Trainee
from tests.conftest import client_for
from tests.training import helpers


def _base(owner, *, allowed=(), open_to_all=False):
    base = bases.create_base(
        owner,
        bases.BaseInput(
            name="焊接实训基地",
            rooms="工位 12 个",
            capacity=12,
            open_to_all=open_to_all,
            allowed_ids=[u.organisation_id for u in allowed],
        ),
    )
    db.session.commit()
    return base


def test_a_slot_is_booked_once_confirmed_by_the_owner_and_freed_by_cancelling(app, build):
    owner, school, other = build.enterprise(), build.school(), build.school()
    base = _base(owner, allowed=[school, other])
    day = district_today() + timedelta(days=3)
    client = client_for(app, school)
    client.set_cookie("lang", "en")
    response = client.post(f"/school/bases/{base.id}", data={"day": day.isoformat(), "period": "morning"})
    assert response.status_code == 302
    second = client_for(app, other)
    second.set_cookie("lang", "en")
    refused = second.post(f"/school/bases/{base.id}", data={"day": day.isoformat(), "period": "morning"})
    assert refused.status_code == 400 and "already booked" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BaseBooking.id))) == 1
    booking = db.session.scalar(select(BaseBooking))
    # Only the owner confirms.
    assert client.post(f"/school/bases/bookings/{booking.id}/confirmed").status_code == 404
    assert (
        client_for(app, owner).post(f"/enterprise/bases/bookings/{booking.id}/confirmed").status_code == 302
    )
    db.session.expire_all()
    assert db.session.get(BaseBooking, booking.id).status == "confirmed"
    # The week's calendar shows the slot taken.
    calendar = client.get(f"/school/bases/{base.id}?week={day.isoformat()}").get_data(as_text=True)
    assert f'data-testid="slot-{day.isoformat()}-morning"' in calendar
    # Cancelling frees the slot for the other school.
    client.post(f"/school/bases/bookings/{booking.id}/cancelled")
    again = second.post(f"/school/bases/{base.id}", data={"day": day.isoformat(), "period": "morning"})
    assert again.status_code == 302


def test_the_unique_index_itself_refuses_a_second_live_booking(app, build):
    owner, school = build.enterprise(), build.school()
    base = _base(owner, open_to_all=True)
    day = district_today() + timedelta(days=2)
    for _ in range(2):
        db.session.add(
            BaseBooking(base_id=base.id, day=day, period="evening", booker_id=school.organisation_id)
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # A cancelled booking does not hold the slot.
    db.session.add(
        BaseBooking(
            base_id=base.id, day=day, period="evening", booker_id=school.organisation_id, status="cancelled"
        )
    )
    db.session.add(BaseBooking(base_id=base.id, day=day, period="evening", booker_id=school.organisation_id))
    db.session.commit()


def test_only_allowed_organisations_see_and_book_a_base(app, build):
    owner, allowed, stranger = build.enterprise(), build.school(), build.school()
    base = _base(owner, allowed=[allowed])
    assert client_for(app, allowed).get(f"/school/bases/{base.id}").status_code == 200
    stranger_client = client_for(app, stranger)
    assert stranger_client.get(f"/school/bases/{base.id}").status_code == 404
    day = district_today() + timedelta(days=3)
    posted = stranger_client.post(
        f"/school/bases/{base.id}", data={"day": day.isoformat(), "period": "morning"}
    )
    assert posted.status_code == 404
    assert db.session.scalar(select(func.count(BaseBooking.id))) == 0


def _sheet(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "电话", "镇（街道）", "人员类别"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def staff_rows(n: int = 30, bad: bool = True):
    rows = [[f"职工{i}", f"1380000{i:04d}", "凤城街道", ""] for i in range(n)]
    if bad:
        rows[3][1] = "12345"  # not a phone number
        rows[9][2] = "火星镇"  # no such town
        rows[17][0] = ""  # no name
        rows[25][3] = "宇航员"  # no such group
    return rows


def test_an_enterprise_enrols_its_staff_and_sees_every_bad_row_at_once(app, build):
    staff, hr = build.school(), build.enterprise()
    run = helpers.run(staff, places=40)
    client = client_for(app, hr)
    client.set_cookie("lang", "en")
    url = f"/enterprise/training/runs/{run.id}/enrol"
    response = client.post(url, data={"file": (io.BytesIO(_sheet(staff_rows())), "staff.csv")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.count('data-testid="import-error"') == 4
    for line in (5, 11, 19, 27):  # the header is line 1
        assert f"Line {line}," in html
    assert db.session.scalar(select(func.count(Trainee.id))) == 0

    done = client.post(url, data={"file": (io.BytesIO(_sheet(staff_rows(bad=False))), "staff.csv")})
    assert done.status_code == 302
    enrolled = list(db.session.scalars(select(Trainee)))
    assert len(enrolled) == 30
    assert all(t.employer_id == hr.organisation_id and "enterprise_staff" in t.groups for t in enrolled)
