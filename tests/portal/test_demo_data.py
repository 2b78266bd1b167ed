"""Demo data a district would recognise (issue 13, item 11)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.models import Organisation, Role, User
from portal.organisations.credit_code import build, is_valid, organisation_check, organisation_code_is_valid
from seed.students import STUDENTS

DEMO = json.loads((Path(__file__).resolve().parents[2] / "seed/data/demo.json").read_text(encoding="utf-8"))


def test_gb_11714_check_character():
    # Worked examples of the organisation code check (GB 11714-1997): weights 3 7 9 10 5 8 4 2.
    assert organisation_check("D2143569") == "X"
    assert organisation_check("12345678") == "8"
    code = build("91370116", "MA3C8XKP")
    assert is_valid(code) and organisation_code_is_valid(code)
    assert not organisation_code_is_valid(code[:16] + ("0" if code[16] != "0" else "1") + code[17])


def test_every_demo_credit_code_passes_both_checks_and_phones_have_eight_digits():
    enterprises = [o for o in DEMO["organisations"] if o["kind"] == "enterprise"]
    assert enterprises
    for org in enterprises:
        assert is_valid(org["credit_code"]) and organisation_code_is_valid(org["credit_code"]), org["name"]
        assert re.fullmatch(r"0531-\d{8}", org["phone"]), org["phone"]


def test_one_identity_per_demo_student(app, demo):
    students = db.session.scalars(
        select(User).where(User.role == Role.STUDENT.value, User.is_demo.is_(True))
    ).all()
    assert len(students) == len(STUDENTS)
    for student in students:
        name, major = STUDENTS[student.email]
        assert (student.name, student.program.name) == (name, major), student.email
    for spec in DEMO["users"]:
        if spec["role"] == "student":
            assert (spec["name"], spec["program"]) == STUDENTS[spec["email"]]


def test_the_technical_school_is_typed_as_such_and_demo_is_said_once(app, demo, client):
    school = db.session.scalar(select(Organisation).where(Organisation.name == "莱芜区技工学校（演示）"))
    assert school.school_kind == "technical_school"
    html = client.get(f"/schools/{school.id}").get_data(as_text=True)
    assert "技工学校" in html
    html = client.get("/enterprises").get_data(as_text=True)
    row = html[html.index("莱芜颐康养老服务中心（演示）") :][:200]
    assert "badge-demo" not in row
