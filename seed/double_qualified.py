"""Demo enterprise practice and certificates of 莱芜职业中专's teachers, through the service.
Safe to run twice.

With the demo teachers the school stands at 76 of 110 full-time teachers double-qualified (69.1 %),
one short of the plan's 70 %: 王海燕 has a certificate and five months and one week of practice
at 山东重工 in the last five years, a few weeks short of six months; 李振东 has practice but no
certificate yet.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.extensions import db
from portal.models import Organisation, Teacher, TeacherCertificate, TeacherPractice, User
from portal.planning import double_qualified
from portal.platform.checks import district_today

SCHOOL = "莱芜职业中专"
SCHOOL_STAFF = "school@xiaoqi-demo.cn"
# (teacher, enterprise, days ago the period began, its length in days, what was done)
PRACTICE = [
    (
        "王海燕（演示）",
        "山东重工（演示）",
        900,
        92,
        "焊装车间工业机器人工作站运维与示教编程，车间主任签字证明。",
    ),
    (
        "王海燕（演示）",
        "山东重工（演示）",
        400,
        68,
        "总装线机器人调试，企业人力资源部出具实践证明（编号 SDZG-2025-117）。",
    ),
    (
        "李振东（演示）",
        "莱芜新能源汽车服务站（演示）",
        300,
        120,
        "新能源汽车高压系统检测与维修，站长签字证明。",
    ),
]
CERTIFICATES = [  # (teacher, kind, name, level, days ago issued)
    ("王海燕（演示）", "skill_level", "工业机器人系统运维员", "三级/高级工", 500),
]


def load_demo_double_qualified() -> dict[str, int]:
    created = {"practice_periods": 0, "teacher_certificates": 0}
    school = db.session.scalar(select(Organisation).where(Organisation.name == SCHOOL))
    staff = db.session.scalar(select(User).where(User.email == SCHOOL_STAFF))
    if school is None or staff is None:
        return created
    today = district_today()
    teachers = {t.name: t for t in db.session.scalars(select(Teacher).where(Teacher.school_id == school.id))}
    for name, enterprise, ago, days, description in PRACTICE:
        teacher = teachers.get(name)
        starts_on = today - timedelta(days=ago)
        if teacher is None or db.session.scalar(
            select(TeacherPractice.id).where(
                TeacherPractice.teacher_id == teacher.id, TeacherPractice.starts_on == starts_on
            )
        ):
            continue
        practice = double_qualified.record_practice(
            staff,
            teacher.id,
            enterprise=enterprise,
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=days - 1),
            description=description,
        )
        practice.is_demo = True
        created["practice_periods"] += 1
    for name, kind, certificate, level, ago in CERTIFICATES:
        teacher = teachers.get(name)
        if teacher is None or db.session.scalar(
            select(TeacherCertificate.id).where(
                TeacherCertificate.teacher_id == teacher.id, TeacherCertificate.name == certificate
            )
        ):
            continue
        double_qualified.add_certificate(
            staff, teacher.id, kind=kind, name=certificate, level=level, issued_on=today - timedelta(days=ago)
        ).is_demo = True
        created["teacher_certificates"] += 1
    return created
