"""Demo records of issue 29, fed through the services (safe to run twice): 莱芜职业中专's 3+2
pathways with their cohorts, a few skill-level certificates with sessions and results, and an
education group it leads. Every name the national lists might hold is marked （演示）: the
certificate catalogue's real entries are for administrators to copy from the assessment bodies'
published lists, never typed here from memory. The partner colleges are the demo ones the majors
already name. The college majors are 专科 majors of the 2021 catalogue, by code.

Hand counts the tests use (tests/pathways/test_demo_counts.py):
- 3+2: 2 colleges, 3 pairs; assessed cohorts 36/39 + 30/34 + 47/50 → 113 / 123 transferred.
- certificates: robot 1 of 2 (工业机器人技术应用), welding 2 of 3 (焊接技术应用) → 3 / 5 passed.
- education groups: 1, with 3 members.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from portal.accounts.models import User
from portal.certificates import services as certificates
from portal.certificates.models import ExamResult, ExamSession, ExamSite, SkillCertificate
from portal.education_groups import services as groups
from portal.education_groups.models import EducationGroup
from portal.extensions import db
from portal.organisations.models import Organisation
from portal.pathways import services as pathways
from portal.pathways.models import Pathway, PathwayCohort
from portal.programs.models import Program

SCHOOL_STAFF = "school@xiaoqi-demo.cn"
SCHOOL = "莱芜职业中专"
DEMO_ISSUER = "演示评价组织"

PATHWAYS = [  # (our major, college, college major code, quota, cohorts: year, enrolled, transferred, not)
    (
        "工业机器人技术应用",
        "莱芜职业技术学院（演示）",
        "460305",
        40,
        [(2023, 40, 36, 3), (2024, 38, None, None)],
    ),
    ("新能源汽车运用与维修", "莱芜职业技术学院（演示）", "500212", 35, [(2023, 35, 30, 4)]),
    ("护理", "山东医学高等专科学校（演示）", "520201", 50, [(2023, 50, 47, 3), (2025, 50, None, None)]),
]
ASSESSED_ON = date(2026, 6, 30)

CERTIFICATES = [  # (name, level, majors, our role)
    ("工业机器人操作与运维（演示）", "初级", "660303", "pilot"),
    ("特殊焊接技术（演示）", "初级", "660105", "exam_site"),
    ("老年照护（演示）", "初级", "720201、790302", None),
]
SESSIONS = [  # (certificate, held on, {student e-mail: passed})
    (
        "工业机器人操作与运维（演示）",
        date(2026, 6, 15),
        {"student@xiaoqi-demo.cn": True, "student.chen@xiaoqi-demo.cn": False},
    ),
    (
        "特殊焊接技术（演示）",
        date(2026, 5, 20),
        {
            "student.sun@xiaoqi-demo.cn": True,
            "student.zhou@xiaoqi-demo.cn": True,
            "student.wu@xiaoqi-demo.cn": False,
        },
    ),
]
GROUP = "莱芜区职业教育集团（演示）"
# A one-page PDF standing in for the charter (the real one is the group's to upload).
DEMO_CHARTER = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% demo charter of the demo group\ntrailer<<>>\n%%EOF\n"
)


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_demo_plan_records() -> dict[str, int]:
    staff = _user(SCHOOL_STAFF)
    created = {"pathways": 0, "skill_certificates": 0, "exam_results": 0, "education_groups": 0}
    if staff is None:
        return created
    majors = {
        p.name: p
        for p in db.session.scalars(select(Program).where(Program.school_id == staff.organisation_id))
    }
    for major, college, code, quota, cohorts in PATHWAYS:
        exists = db.session.scalar(
            select(Pathway.id).where(Pathway.program_id == majors[major].id, Pathway.college == college)
        )
        if exists is not None:
            continue
        pathway = pathways.create_pathway(
            staff, pathways.PathwayInput("3+2", majors[major].id, college, code, quota), is_demo=True
        )
        for year, enrolled, transferred, not_transferred in cohorts:
            pathways.record_cohort(
                staff,
                pathway.id,
                pathways.CohortInput(
                    year,
                    enrolled,
                    transferred,
                    not_transferred,
                    ASSESSED_ON if transferred is not None else None,
                ),
                is_demo=True,
            )
        created["pathways"] += 1
    by_name = {c.name: c for c in certificates.all_certificates()}
    for name, level, fits, role in CERTIFICATES:
        if name not in by_name:
            by_name[name] = certificates.create_certificate(
                None, name, level, DEMO_ISSUER, fits, is_demo=True
            )
            created["skill_certificates"] += 1
            if role is not None:
                certificates.declare_site(staff, by_name[name].id, role)
    for name, held_on, outcomes in SESSIONS:
        certificate = by_name[name]
        exists = db.session.scalar(
            select(ExamSession.id).where(
                ExamSession.school_id == staff.organisation_id,
                ExamSession.certificate_id == certificate.id,
                ExamSession.held_on == held_on,
            )
        )
        if exists is not None:
            continue
        session = certificates.create_session(staff, certificate.id, held_on, is_demo=True)
        results = [
            certificates.ResultInput(user.id, passed)
            for email, passed in outcomes.items()
            if (user := _user(email)) is not None
        ]
        created["exam_results"] += certificates.record_results(staff, session.id, results)
    if db.session.scalar(select(EducationGroup.id).where(EducationGroup.name == GROUP)) is None:
        group = groups.create_group(staff, GROUP, date(2025, 9, 1), DEMO_CHARTER, is_demo=True)
        groups.add_member(staff, group.id, "enterprise", "山东重工")
        groups.add_member(staff, group.id, "college", "莱芜职业技术学院（演示）")
        groups.add_share(
            staff, group.id, "base", "山东重工", "焊接机器人工作站，每周向成员学校开放两天（演示）"
        )
        groups.add_share(staff, group.id, "teachers", SCHOOL, "工业机器人专业教师到成员企业兼职授课（演示）")
        created["education_groups"] += 1
    db.session.flush()
    return created


def remove_demo_plan_records() -> None:
    """Before the demo majors, schools and users go: the records that refer to them."""
    demo_schools = select(Organisation.id).where(Organisation.is_demo.is_(True))
    demo_sessions = select(ExamSession.id).where(ExamSession.school_id.in_(demo_schools))
    db.session.execute(delete(ExamResult).where(ExamResult.session_id.in_(demo_sessions)))
    db.session.execute(delete(ExamSession).where(ExamSession.school_id.in_(demo_schools)))
    db.session.execute(delete(ExamSite).where(ExamSite.school_id.in_(demo_schools)))
    db.session.execute(delete(SkillCertificate).where(SkillCertificate.is_demo.is_(True)))
    demo_pathways = select(Pathway.id).where(Pathway.school_id.in_(demo_schools))
    db.session.execute(delete(PathwayCohort).where(PathwayCohort.pathway_id.in_(demo_pathways)))
    db.session.execute(delete(Pathway).where(Pathway.school_id.in_(demo_schools)))
    for group in db.session.scalars(
        select(EducationGroup).where(EducationGroup.lead_school_id.in_(demo_schools))
    ):
        db.session.delete(group)
    db.session.flush()
