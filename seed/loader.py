"""Load the demo data in seed/data/demo.json through the services. Safe to run twice."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, select, update

from portal.extensions import db
from portal.models import MembershipStatus, Organisation, OrgStatus, Posting, Program, School, User
from portal.services import accounts, organisations, programs
from portal.services.accounts import NewAccount
from portal.services.organisations import NewEnterprise, NewSchool
from seed.postings import load_demo_postings

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.json"


def demo_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def _organisation(spec: dict, admin: User) -> tuple[Organisation, bool]:
    existing = db.session.scalar(select(Organisation).where(Organisation.name == spec["name"]))
    if existing is not None:
        return existing, False
    if spec["kind"] == "school":
        org = organisations.create_school(
            NewSchool(spec["name"], spec["school_kind"], spec["town"], spec["address"])
        )
    else:
        org = organisations.create_enterprise(
            NewEnterprise(
                spec["name"], spec["credit_code"], spec["industry"], spec["town"], spec["address"],
                spec["contact_person"], spec["phone"], spec["size"],
            )
        )
    org.is_demo = True
    if spec["status"] == OrgStatus.VERIFIED.value:
        organisations.verify(admin, org.id)
    return org, True


def load_demo() -> dict[str, int]:
    data = demo_data()
    password = data["password"]
    created = {"organisations": 0, "programs": 0, "users": 0}

    admin_spec = next(u for u in data["users"] if u["role"] == "admin")
    admin, new = accounts.create_admin(admin_spec["email"], admin_spec["name"], password)
    admin.is_demo = True
    created["users"] += new

    orgs: dict[str, Organisation] = {}
    for spec in data["organisations"]:
        orgs[spec["name"]], new = _organisation(spec, admin)
        created["organisations"] += new

    majors: dict[tuple[str, str], Program] = {}
    for spec in data["programs"]:
        school = orgs[spec["school"]]
        assert isinstance(school, School)
        program = db.session.scalar(
            select(Program).where(Program.school_id == school.id, Program.name == spec["name"])
        )
        if program is None:
            program = programs.create_program(
                school, name=spec["name"], code=spec.get("code"),
                intake_capacity=spec["intake_capacity"], description=spec["description"],
            )
            program.is_demo = True
            programs.publish_program(program)
            created["programs"] += 1
        majors[(spec["school"], spec["name"])] = program

    for spec in data["users"]:
        if spec["role"] == "admin" or accounts.find_user_by_email(spec["email"]):
            continue
        org = orgs[spec["organisation"]]
        program = majors[(spec["organisation"], spec["program"])] if "program" in spec else None
        pending = spec.get("membership_status") == MembershipStatus.PENDING.value
        user = accounts.add_member(
            NewAccount(spec["email"], spec["name"], password), org, program=program, pending=pending
        )
        user.is_demo = True
        created["users"] += 1
    db.session.flush()
    created["postings"] = load_demo_postings()
    return created


def remove_demo() -> dict[str, int]:
    """Delete demo records; organisations that real users joined are kept."""
    demo_org_ids = select(Organisation.id).where(Organisation.is_demo.is_(True))
    demo_user_ids = select(User.id).where(User.is_demo.is_(True))
    db.session.execute(
        update(Organisation)
        .where(Organisation.verified_by_id.in_(demo_user_ids))
        .values(verified_by_id=None)
    )
    users = db.session.execute(delete(User).where(User.is_demo.is_(True))).rowcount
    in_use = select(User.organisation_id).where(User.organisation_id.is_not(None))
    progs = db.session.execute(
        delete(Program).where(Program.school_id.in_(demo_org_ids), Program.school_id.not_in(in_use))
    ).rowcount
    posts = db.session.execute(
        delete(Posting).where(Posting.enterprise_id.in_(demo_org_ids), Posting.enterprise_id.not_in(in_use))
    ).rowcount
    orgs = db.session.execute(
        delete(Organisation).where(Organisation.is_demo.is_(True), Organisation.id.not_in(in_use))
    ).rowcount
    db.session.flush()
    return {"users": users, "programs": progs, "postings": posts, "organisations": orgs}
