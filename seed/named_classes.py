"""Demo named classes with applications, made through the services as the demo users would.

Runs after the demo cooperations exist. The named class comes from the demo
order-class cooperation of 莱芜职业中专 and 山东重工; if none is there (e.g. an
older demo set), one is created here. Three more demo students of 莱芜职业中专
apply along with 王小明, so the review pages show every state: submitted,
approved by the enterprise, admitted and not admitted. Safe to run twice: an
existing class is left alone. Dates are relative to the day of loading.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, or_, select, update

from portal.accounts import services as accounts
from portal.accounts.services import NewAccount
from portal.extensions import db
from portal.models import (
    AdmissionsMode,
    ClassApplication,
    Cooperation,
    CooperationKind,
    NamedClass,
    Organisation,
    Program,
    User,
)
from portal.named_classes import services as named_classes
from portal.named_classes.services import NamedClassInput
from portal.partnerships.services import Terms
from portal.platform import checks
from seed.cooperation import agreed_cooperation
from seed.students import student as demo_student

SCHOOL = "莱芜职业中专"
ENTERPRISE = "山东重工"
PROGRAM = "焊接技术应用"
CLASS_NAME = "山东重工智能制造冠名班"
STAFF = "school@xiaoqi-demo.cn"
HR = "hr@xiaoqi-demo.cn"
STUDENT = "student@xiaoqi-demo.cn"

# (e-mail, statement, what happens: submitted / reviewed / admitted / rejected with reason);
# names and majors come from seed/students.py.
APPLICANTS = (
    (
        STUDENT,
        "我对工业机器人焊接很感兴趣，已考取工业机器人操作与运维（初级）证书，希望毕业后到山东重工工作。",
        "submitted",
        "",
    ),
    ("student.sun@xiaoqi-demo.cn", "焊接实训成绩全班第一，参加过区职业技能大赛焊接项目。", "admitted", ""),
    ("student.zhou@xiaoqi-demo.cn", "喜欢动手，愿意到企业跟岗学习装配与焊接。", "reviewed", ""),
    (
        "student.wu@xiaoqi-demo.cn",
        "想学习智能制造，了解焊接机器人。",
        "rejected",
        "本期名额优先录取焊接技术应用专业二年级学生，欢迎明年再申请。",
    ),
)


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _user(email: str) -> User | None:
    return accounts.find_user_by_email(email)


def _cooperation(school: Organisation, enterprise: Organisation, today: date) -> Cooperation:
    return agreed_cooperation(
        school,
        enterprise,
        Terms(
            kind=CooperationKind.ORDER_CLASS.value,
            title="山东重工智能制造订单班（演示）",
            seats=40,
            start_date=today + timedelta(days=120),
            duration_months=36,
            school_provides="焊接与装配专业课程、实训中心、班主任",
            enterprise_provides="奖学金、实训设备、企业师傅、毕业后录用",
            admissions_mode=AdmissionsMode.ENTERPRISE_REVIEW.value,
        ),
        program=PROGRAM,
    )


def load_demo_named_classes(password: str, today: date | None = None) -> dict[str, int]:
    today = today or checks.district_today()
    school, enterprise = _org(SCHOOL), _org(ENTERPRISE)
    staff, hr = _user(STAFF), _user(HR)
    if not (school and enterprise and staff and hr):
        return {"named_classes": 0, "class_applications": 0}
    cooperation = _cooperation(school, enterprise, today)
    if db.session.scalar(
        select(NamedClass.id).where(
            NamedClass.cooperation_id == cooperation.id, NamedClass.name == CLASS_NAME
        )
    ):
        return {"named_classes": 0, "class_applications": 0}
    named_class = named_classes.create_named_class(
        staff,
        cooperation.id,
        NamedClassInput(
            name=CLASS_NAME,
            seats=min(30, cooperation.seats),
            opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=30),
            decide_by=today + timedelta(days=60),
            scholarship=True,
            guaranteed_job=True,
            equipment=True,
            mentors=True,
            benefits_detail=(
                "每生每年奖学金 2000 元；企业捐赠焊接机器人工作站；高级技师任企业师傅；考核合格毕业即录用。"
            ),
            criteria="莱芜职业中专在校生，焊接技术应用或工业机器人技术应用专业优先；身体健康，专业课成绩良好；经企业面试。",
        ),
        publish=True,
        today=today,
    )
    named_class.is_demo = True
    created = 0
    for email, statement, outcome, reason in APPLICANTS:
        student = _user(email)
        if student is None:
            _, name, major = demo_student(email)
            program = db.session.scalar(
                select(Program).where(Program.school_id == school.id, Program.name == major)
            )
            student = accounts.add_member(NewAccount(email, name, password), school, program=program)
            student.is_demo = True
        if not student.is_member_active:
            continue
        application = named_classes.apply(student, named_class.id, statement, today=today)
        application.is_demo = True
        created += 1
        mode = cooperation.admissions_mode
        if outcome in ("reviewed", "admitted") and mode == AdmissionsMode.ENTERPRISE_REVIEW.value:
            named_classes.review(hr, application.id, "企业面试通过", today=today)
        if outcome == "admitted":
            named_classes.admit(staff, application.id, "综合成绩优秀", today=today)
        elif outcome == "rejected":
            named_classes.reject(staff, application.id, reason, today=today)
    db.session.flush()
    return {"named_classes": 1, "class_applications": created}


def remove_demo_named_classes() -> None:
    """Before demo users, cooperations and organisations go: their classes and applications."""
    demo_users = select(User.id).where(User.is_demo.is_(True))
    demo_orgs = select(Organisation.id).where(Organisation.is_demo.is_(True))
    classes = (
        select(NamedClass.id)
        .join(Cooperation, NamedClass.cooperation_id == Cooperation.id)
        .where(
            or_(
                NamedClass.is_demo.is_(True),
                Cooperation.is_demo.is_(True),
                Cooperation.school_id.in_(demo_orgs),
                Cooperation.enterprise_id.in_(demo_orgs),
            )
        )
    )
    class_ids = list(db.session.scalars(classes))
    db.session.execute(
        delete(ClassApplication).where(
            or_(ClassApplication.student_id.in_(demo_users), ClassApplication.named_class_id.in_(class_ids))
        )
    )
    for column in (ClassApplication.decided_by_id, ClassApplication.reviewed_by_id):
        db.session.execute(update(ClassApplication).where(column.in_(demo_users)).values({column: None}))
    if class_ids:
        db.session.execute(delete(NamedClass).where(NamedClass.id.in_(class_ids)))
    db.session.flush()
