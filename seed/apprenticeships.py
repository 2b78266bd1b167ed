"""Demo modern apprenticeship programmes of 莱芜职业中专 with 山东汇金股份有限公司, through the services.

One programme has a published allocation (students see their results), one is open for
applications with a few choices made, so the school can preview and publish it. Safe to
run twice: a programme is recognised by its cooperation and name and then left alone.
Dates are relative to the day of loading.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from portal.accounts import services as accounts
from portal.accounts.services import NewAccount
from portal.apprenticeships import agreements as apprentice_agreements
from portal.apprenticeships import services as apprenticeships
from portal.extensions import db
from portal.models import (
    AllocationRun,
    ApprenticeAgreement,
    ApprenticeChoice,
    ApprenticePlace,
    ApprenticeshipProgramme,
    Cooperation,
    CooperationKind,
    EnterpriseRanking,
    Organisation,
    Program,
    User,
)
from portal.partnerships.services import Terms
from portal.platform.checks import district_today
from seed.cooperation import agreed_cooperation
from seed.students import student

SCHOOL = "莱芜职业中专"
ENTERPRISE = "山东汇金股份有限公司"
SCHOOL_STAFF = "school@xiaoqi-demo.cn"
ENTERPRISE_HR = "hr.huijin@xiaoqi-demo.cn"
COOPERATION_TITLE = "汇金精密制造现代学徒制班"
SEED = 2026  # the published demo run's lottery seed

# Extra demo students (e-mail, name, major); the password is the demo password.
STUDENTS = tuple(
    student(email)
    for email in (
        "student.zhang@xiaoqi-demo.cn",
        "student.li@xiaoqi-demo.cn",
        "student.chen@xiaoqi-demo.cn",
        "student.liu@xiaoqi-demo.cn",
    )
)

PUBLISHED = {
    "name": "汇金数控加工现代学徒制 2026 级（演示）",
    "description": (
        "学生具有学生和学徒双重身份：第一学年在校学习，第二、三学年校内与企业交替，"
        "每名学徒配备一名企业师傅。（演示数据）"
    ),
    "window": (-14, 0),
    "places": [
        dict(
            site="精密加工车间",
            mentor_name="李师傅（演示）",
            mentor_title="technician",
            mentor_skills="数控车床操作与编程",
            capacity=2,
            description="数控车削、铣削加工，零件编程与精度控制。",
        ),
        dict(
            site="质量检测中心",
            mentor_name="赵师傅（演示）",
            mentor_title="senior_worker",
            mentor_skills="三坐标测量与质量控制",
            capacity=1,
            description="精密测量、三坐标检测与质量控制。",
        ),
        dict(
            site="自动化产线",
            mentor_name="孙工（演示）",
            mentor_title="engineer",
            mentor_skills="工业机器人自动化产线调试",
            capacity=1,
            description="工业机器人上下料、自动化产线调试与维护。",
        ),
    ],
    # student e-mail → ranked place numbers (0-based, best first)
    "choices": {
        "student@xiaoqi-demo.cn": (2, 0),
        "student.zhang@xiaoqi-demo.cn": (0, 1),
        "student.li@xiaoqi-demo.cn": (0, 1),
        "student.chen@xiaoqi-demo.cn": (2, 0),
        "student.liu@xiaoqi-demo.cn": (1,),
    },
    # the enterprise ranks the applicants of the first place itself; the matcher ranks the others
    "enterprise_ranking": {
        0: (
            "student.li@xiaoqi-demo.cn",
            "student@xiaoqi-demo.cn",
            "student.zhang@xiaoqi-demo.cn",
            "student.chen@xiaoqi-demo.cn",
        )
    },
    "publish": True,
}

OPEN = {
    "name": "汇金工业机器人现代学徒制 2026 秋季（演示）",
    "description": "机器人焊接与智能装配方向，学徒津贴每月 1500 元。（演示数据）",
    "window": (-3, 30),
    "places": [
        dict(
            site="机器人焊接工作站",
            mentor_name="孙工（演示）",
            mentor_title="engineer",
            mentor_skills="机器人焊接编程、工作站维护",
            capacity=2,
            description="焊接机器人示教编程、焊接工作站运维。",
        ),
        dict(
            site="智能装配线",
            mentor_name="周师傅（演示）",
            mentor_title="technician",
            mentor_skills="智能产线装配与调试",
            capacity=1,
            description="智能装配线安装调试、设备点检与维修。",
        ),
    ],
    "choices": {
        "student@xiaoqi-demo.cn": (0, 1),
        "student.chen@xiaoqi-demo.cn": (0,),
        "student.liu@xiaoqi-demo.cn": (1, 0),
    },
    "enterprise_ranking": {},
    "publish": False,
}


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _cooperation(school: Organisation, enterprise: Organisation, today: date) -> Cooperation:
    """The agreed apprenticeship cooperation (the proposals demo agrees one; else it is made here)."""
    return agreed_cooperation(
        school,
        enterprise,
        Terms(
            kind=CooperationKind.APPRENTICESHIP.value,
            title=COOPERATION_TITLE,
            seats=20,
            start_date=today + timedelta(days=60),
            duration_months=24,
            school_provides="理论课程、学徒管理、学校导师",
            enterprise_provides="岗位、带徒师傅、学徒津贴",
        ),
        program="数控技术应用",
    )


def _students(school: Organisation, password: str) -> int:
    created = 0
    for email, name, major in STUDENTS:
        if accounts.find_user_by_email(email):
            continue
        program = db.session.scalar(
            select(Program).where(Program.school_id == school.id, Program.name == major)
        )
        if program is None:
            continue
        accounts.add_member(NewAccount(email, name, password), school, program=program).is_demo = True
        created += 1
    db.session.flush()
    return created


def _programme(spec: dict, cooperation: Cooperation, staff: User, hr: User, today: date) -> bool:
    exists = db.session.scalar(
        select(ApprenticeshipProgramme.id).where(
            ApprenticeshipProgramme.cooperation_id == cooperation.id,
            ApprenticeshipProgramme.name == spec["name"],
        )
    )
    if exists:
        return False
    start, end = spec["window"]
    programme = apprenticeships.create_programme(
        staff,
        cooperation.id,
        name=spec["name"],
        description=spec["description"],
        opens_on=today + timedelta(days=start),
        closes_on=today + timedelta(days=end),
    )
    programme.is_demo = True
    places = []
    for i, fields in enumerate(spec["places"]):
        # The school adds the first place, the enterprise its mentors' places.
        places.append(apprenticeships.add_place(staff if i == 0 else hr, programme.id, **fields))
    apprenticeships.open_programme(staff, programme.id)
    for email, ranked in spec["choices"].items():
        student = accounts.find_user_by_email(email)
        if student is None or not student.is_member_active:
            continue
        apprenticeships.set_choices(
            student, programme.id, {places[i].id: rank for rank, i in enumerate(ranked, start=1)}
        )
    for i, emails in spec["enterprise_ranking"].items():
        applied = {s.student.id for s in apprenticeships.applicants_by_place(programme)[places[i].id]}
        ids = [u.id for u in map(accounts.find_user_by_email, emails) if u is not None and u.id in applied]
        if ids:
            apprenticeships.set_enterprise_ranking(hr, places[i].id, {sid: r for r, sid in enumerate(ids, 1)})
    if spec["publish"]:
        apprenticeships.close_programme(staff, programme.id)
        run = apprenticeships.preview(staff, programme.id, seed=SEED)
        apprenticeships.publish(staff, run.id)
        _first_agreement(staff, run, today)
    return True


def _first_agreement(staff: User, run, today: date) -> None:
    """The training agreement of the first pairing (职业教育法 Art. 30), with the guardian's consent (the
    demo students' dates of birth are not recorded, so they count as minors); the other pairings show
    as not started until theirs is recorded."""
    placed = sorted(int(sid) for sid, place in run.result["assignments"].items() if place)
    if not placed:
        return
    start = today + timedelta(days=60)
    agreement = apprentice_agreements.record_agreement(
        staff,
        run.id,
        placed[0],
        apprentice_agreements.AgreementInput(
            starts_on=start,
            signed_on=today,
            stipend_yuan=1800,
            insurer="中国人寿财产保险莱芜支公司（演示）",
            insurance_policy="学徒意外伤害及责任险 LW-2026-0018（演示）",
            insurance_paid_by="enterprise",
            insurance_from=start,
            insurance_until=start + timedelta(days=730),
            guardian_name="监护人（演示）",
            guardian_relation="父亲",
            guardian_consent_on=today,
        ),
    )
    agreement.is_demo = True


def load_demo_apprenticeships(password: str, today: date | None = None) -> dict[str, int]:
    today = today or district_today()
    created = {"apprenticeship_programmes": 0, "apprenticeship_students": 0}
    school, enterprise = _org(SCHOOL), _org(ENTERPRISE)
    staff, hr = accounts.find_user_by_email(SCHOOL_STAFF), accounts.find_user_by_email(ENTERPRISE_HR)
    if school is None or enterprise is None or staff is None or hr is None:
        return created  # part of the demo data was removed
    created["apprenticeship_students"] = _students(school, password)
    cooperation = _cooperation(school, enterprise, today)
    for spec in (PUBLISHED, OPEN):
        created["apprenticeship_programmes"] += _programme(spec, cooperation, staff, hr, today)
    db.session.flush()
    return created


def remove_demo_apprenticeships() -> int:
    """Delete demo programmes with everything that hangs on them (before their users and cooperations)."""
    ids = select(ApprenticeshipProgramme.id).where(ApprenticeshipProgramme.is_demo.is_(True))
    place_ids = select(ApprenticePlace.id).where(ApprenticePlace.programme_id.in_(ids))
    demo_users = select(User.id).where(User.is_demo.is_(True))
    db.session.execute(
        delete(EnterpriseRanking).where(
            EnterpriseRanking.place_id.in_(place_ids) | EnterpriseRanking.student_id.in_(demo_users)
        )
    )
    db.session.execute(
        delete(ApprenticeChoice).where(
            ApprenticeChoice.programme_id.in_(ids) | ApprenticeChoice.student_id.in_(demo_users)
        )
    )
    db.session.execute(
        delete(ApprenticeAgreement).where(
            ApprenticeAgreement.programme_id.in_(ids) | ApprenticeAgreement.student_id.in_(demo_users)
        )
    )
    db.session.execute(delete(AllocationRun).where(AllocationRun.programme_id.in_(ids)))
    db.session.execute(delete(ApprenticePlace).where(ApprenticePlace.programme_id.in_(ids)))
    removed = db.session.execute(
        delete(ApprenticeshipProgramme).where(ApprenticeshipProgramme.is_demo.is_(True))
    )
    db.session.flush()
    return removed.rowcount or 0
