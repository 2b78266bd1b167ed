"""Load the demo data in seed/data/demo.json through the services. Safe to run twice."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import delete, or_, select, update

from portal.accounts import services as accounts
from portal.accounts.services import NewAccount
from portal.extensions import db
from portal.models import (
    Cooperation,
    MembershipStatus,
    Organisation,
    OrgStatus,
    Posting,
    Program,
    Proposal,
    School,
    Teacher,
    TeachingNeed,
    TrainingOffer,
    User,
)
from portal.organisations import services as organisations
from portal.organisations.services import NewEnterprise, NewSchool
from portal.programs import records as school_records
from portal.programs import services as programs
from seed.apprenticeships import load_demo_apprenticeships, remove_demo_apprenticeships
from seed.cooperation import load_demo_cooperation
from seed.double_qualified import load_demo_double_qualified
from seed.exchanges import load_demo_exchanges
from seed.internships import load_demo_internships, remove_demo_internships
from seed.named_classes import load_demo_named_classes, remove_demo_named_classes
from seed.pilots import load_demo_pilots, remove_demo_pilots
from seed.plan_records import load_demo_plan_records, remove_demo_plan_records
from seed.postings import load_demo_postings
from seed.statistics import load_demo_statistics, remove_demo_statistics
from seed.training import load_demo_training, remove_demo_training

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo.json"


def demo_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


def _organisation(spec: dict, admin: User) -> tuple[Organisation, bool]:
    existing = db.session.scalar(select(Organisation).where(Organisation.name == spec["name"]))
    if existing is not None:
        return existing, False
    if spec["kind"] == "school":
        org = organisations.create_school(
            NewSchool(
                spec["name"],
                spec["school_kind"],
                spec["town"],
                spec["address"],
                recruits_district_wide=spec.get("recruits_district_wide", True),
            )
        )
    else:
        org = organisations.create_enterprise(
            NewEnterprise(
                spec["name"],
                spec["credit_code"],
                spec["industry"],
                spec["town"],
                spec["address"],
                spec["contact_person"],
                spec["phone"],
                spec["size"],
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
                school,
                name=spec["name"],
                code=spec.get("code"),
                intake_capacity=spec["intake_capacity"],
                description=spec["description"],
                **{key: spec[key] for key in PROGRAM_EXTRAS if key in spec},
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
    created.update(_load_school_records(data, orgs))
    created.update(load_demo_cooperation())  # proposals and agreed cooperations of 莱芜职业中专
    created.update(load_demo_named_classes(password))  # a published named class with applications
    created.update(
        load_demo_apprenticeships(password)
    )  # apprenticeship programmes and a published allocation
    created.update(load_demo_internships(password))  # internships in every state, with outcomes
    created.update(load_demo_exchanges())  # practice posts and teacher exchanges of 莱芜职业中专 and 山东重工
    created.update(
        load_demo_double_qualified()
    )  # practice and certificates: a school one teacher short of 70 %
    created.update(load_demo_pilots())  # a pilot partnership in its notice period and a pilot enterprise
    created.update(load_demo_training())  # issue 28: centres, training runs with trainees, a shared base
    created.update(load_demo_plan_records())  # issue 29: pathways, certificates, an education group
    created.update(load_demo_statistics())  # last: the total intake input and this month's snapshot
    return created


PROGRAM_EXTRAS = ("skills", "certificates", "enrolment", "facilities", "partner_college")


def _load_school_records(data: dict, orgs: dict[str, Organisation]) -> dict[str, int]:
    """Teachers, teaching needs and training offers, each recognised by its school and name."""
    created = {"teachers": 0, "teaching_needs": 0, "training_offers": 0}
    for spec in data.get("teachers", []):
        school = orgs[spec["school"]]
        if db.session.scalar(
            select(Teacher.id).where(Teacher.school_id == school.id, Teacher.name == spec["name"])
        ):
            continue
        fields = {k: v for k, v in spec.items() if k != "school" and not k.startswith("dq_")}
        if spec.get("dq_level"):
            certified_on = spec.get("dq_certified_on")
            fields["certification"] = school_records.Certification(
                spec["dq_level"],
                date.fromisoformat(certified_on) if certified_on else None,
                spec.get("dq_certified_by", ""),
                spec.get("dq_note", ""),
            )
        school_records.create_teacher(school, **fields).is_demo = True
        created["teachers"] += 1
    for spec in data.get("teaching_needs", []):
        school = orgs[spec["school"]]
        if db.session.scalar(
            select(TeachingNeed.id).where(
                TeachingNeed.school_id == school.id, TeachingNeed.course == spec["course"]
            )
        ):
            continue
        fields = {k: v for k, v in spec.items() if k != "school"}
        school_records.create_need(school, **fields).is_demo = True
        created["teaching_needs"] += 1
    for spec in data.get("training_offers", []):
        school = orgs[spec["school"]]
        if db.session.scalar(
            select(TrainingOffer.id).where(
                TrainingOffer.school_id == school.id, TrainingOffer.title == spec["title"]
            )
        ):
            continue
        fields = {k: v for k, v in spec.items() if k not in ("school", "publish")}
        offer = school_records.create_offer(school, **fields)
        offer.is_demo = True
        if spec.get("publish"):
            school_records.publish_training_offer(offer)
        created["training_offers"] += 1
    db.session.flush()
    return created


def remove_demo() -> dict[str, int]:
    """Delete demo records; organisations that real users joined are kept."""
    demo_org_ids = select(Organisation.id).where(Organisation.is_demo.is_(True))
    demo_user_ids = select(User.id).where(User.is_demo.is_(True))
    db.session.execute(
        update(Organisation).where(Organisation.verified_by_id.in_(demo_user_ids)).values(verified_by_id=None)
    )
    remove_demo_plan_records()  # issue 29: pathways, results and groups refer to demo majors and users
    remove_demo_apprenticeships()  # its choices and runs refer to demo users and cooperations
    remove_demo_internships()  # placements refer to demo users, postings and organisations
    remove_demo_named_classes()  # classes and applications refer to demo users and cooperations
    remove_demo_statistics()
    remove_demo_training()  # issue 28: runs refer to demo offers and organisations
    remove_demo_pilots()  # pilots refer to demo cooperations and organisations
    users = db.session.execute(delete(User).where(User.is_demo.is_(True))).rowcount
    in_use = select(User.organisation_id).where(User.organisation_id.is_not(None))
    # Cooperations (and the proposals that led to them) refer to the postings and majors deleted below.
    gone = Organisation.id.in_(demo_org_ids) & Organisation.id.not_in(in_use)
    db.session.execute(
        delete(Proposal).where(
            or_(
                Proposal.school_id.in_(select(Organisation.id).where(gone)),
                Proposal.enterprise_id.in_(select(Organisation.id).where(gone)),
            )
        )
    )
    db.session.execute(
        delete(Cooperation).where(
            or_(
                Cooperation.school_id.in_(select(Organisation.id).where(gone)),
                Cooperation.enterprise_id.in_(select(Organisation.id).where(gone)),
            )
        )
    )
    progs = db.session.execute(
        delete(Program).where(Program.school_id.in_(demo_org_ids), Program.school_id.not_in(in_use))
    ).rowcount
    posts = db.session.execute(
        delete(Posting).where(Posting.enterprise_id.in_(demo_org_ids), Posting.enterprise_id.not_in(in_use))
    ).rowcount
    for model in (Teacher, TeachingNeed, TrainingOffer):
        db.session.execute(
            delete(model).where(model.school_id.in_(demo_org_ids), model.school_id.not_in(in_use))
        )
    orgs = db.session.execute(
        delete(Organisation).where(Organisation.is_demo.is_(True), Organisation.id.not_in(in_use))
    ).rowcount
    db.session.flush()
    return {"users": users, "programs": progs, "postings": posts, "organisations": orgs}
