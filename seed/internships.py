"""Demo 岗位实习 placements on 山东重工's assembly-line internship, in every state, through the services,
with weekly logs, an evaluation and a visit on those that have started.

王小明 (the demo student) holds an offer to answer; others are applied, shortlisted, accepted,
declined, not taken, approved (agreement half confirmed), in progress, completed (went on to another
Laiwu enterprise, and one outside Laiwu) and hired, so each role sees the loop and the dashboard's
留莱率 has figures on first start. Safe to run twice: a student's existing placement is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, or_, select

from portal.accounts import services as accounts
from portal.accounts.services import NewAccount
from portal.extensions import db
from portal.internships import services as internships
from portal.internships.services import OfferTerms
from portal.models import Organisation, Placement, Posting, Program, TimelineEntry, User
from portal.platform import checks
from seed.students import student as demo_student

SCHOOL = "莱芜职业中专"
POSTING = "重卡总装线岗位实习（焊接、装配、涂装）"
STAFF = "school@xiaoqi-demo.cn"
HR = "hr@xiaoqi-demo.cn"

# A small PDF standing for a signed consent (知情同意书) in the demo.
DEMO_CONSENT = b"%PDF-1.4\n% demo consent\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# (e-mail, where the placement ends up, destination after a completed internship)
INTERNS = (
    ("student@xiaoqi-demo.cn", "offered", None),
    ("student.sun@xiaoqi-demo.cn", "hired", None),
    ("student.zhou@xiaoqi-demo.cn", "in_progress", None),
    ("student.wu@xiaoqi-demo.cn", "applied", None),
    ("student.zheng@xiaoqi-demo.cn", "completed", "laiwu"),
    ("student.feng@xiaoqi-demo.cn", "completed", "outside"),
    ("student.he@xiaoqi-demo.cn", "shortlisted", None),
    ("student.xu@xiaoqi-demo.cn", "approved", None),
    ("student.chen@xiaoqi-demo.cn", "accepted", None),
    ("student.li@xiaoqi-demo.cn", "declined", None),
    ("student.liu@xiaoqi-demo.cn", "rejected", None),
)
AFTER = ("offered", "accepted", "approved", "in_progress", "completed", "hired")


def _terms(today: date, end: str) -> OfferTerms:
    starts = today + timedelta(days={"completed": -200, "hired": -200, "in_progress": -30}.get(end, 20))
    return OfferTerms(
        starts_on=starts,
        ends_on=starts + timedelta(days=180),
        daily_hours=8,
        shift_pattern="白班 8:00–17:00，周一至周五，周末与法定节假日休息",
        night_shifts=False,
        overtime=False,
        holiday_work=False,
        pay_monthly=3200,
        post_wage=3800,
        insurance_policy="学生实习责任保险（演示）保单号 3701162026000815",
        fee_charged=0,
        mentor_name="高建国（演示）",
        weekly_hours=40,
        rest_days=2,
        insurance_payer="school",
        insurer="中国人民财产保险股份有限公司莱芜支公司（演示）",
        cover_starts_on=starts,
        cover_ends_on=starts + timedelta(days=180),
        lodging_terms="企业提供四人间宿舍和工作日午餐，不收费。",
        leave_terms="病假、事假向企业导师和学校指导教师同时请假，学校知情。",
        accident_terms="发生事故立即送医并通知学校和家长；保险赔付以外的合理费用由企业先行承担，再依法依责分担。",
        assessment_terms="企业导师与学校指导教师共同考核：过程（日志、月度评价）占六成，结果占四成。",
    )


def _student(email: str, school: Organisation, password: str) -> User:
    found = accounts.find_user_by_email(email)
    if found is not None:
        return found
    _, name, major = demo_student(email)
    program = db.session.scalar(select(Program).where(Program.school_id == school.id, Program.name == major))
    user = accounts.add_member(NewAccount(email, name, password), school, program=program)
    user.is_demo = True
    return user


def _timeline(placement: Placement, student: User, hr: User, staff: User, today: date) -> None:
    """A few weeks of logs, a monthly evaluation and a visit, dated inside the internship."""
    first = max(placement.starts_on, today - timedelta(days=28))
    for week in range(3):
        day = first + timedelta(days=7 * week)
        if day <= today:
            entry = internships.add_entry(
                student,
                placement.id,
                "log",
                day,
                f"第{week + 1}周：跟随师傅练习底盘焊接，学习安全操作规程。",
                today=today,
            )
            entry.is_demo = True
    for author, kind, text, score in (
        (hr, "evaluation", "出勤良好，焊缝质量稳步提高。", 4),
        (staff, "visit", "到总装车间巡查：劳动防护到位，住宿安全。", None),
    ):
        entry = internships.add_entry(author, placement.id, kind, first, text, score, today=today)
        entry.is_demo = True


def load_demo_internships(password: str, today: date | None = None) -> dict[str, int]:
    today = today or checks.district_today()
    school = db.session.scalar(select(Organisation).where(Organisation.name == SCHOOL))
    posting = db.session.scalar(select(Posting).where(Posting.title == POSTING))
    staff, hr = accounts.find_user_by_email(STAFF), accounts.find_user_by_email(HR)
    if not (school and posting and staff and hr and posting.is_published):
        return {"internships": 0}
    if hr.organisation.staff_count is None:
        internships.record_staff(hr, 3000, today=today)
    created = 0
    for n, (email, end, destination) in enumerate(INTERNS):
        student = _student(email, school, password)
        if not student.is_member_active or db.session.scalar(
            select(Placement.id).where(Placement.posting_id == posting.id, Placement.student_id == student.id)
        ):
            continue
        birth = student.birth_date or date(today.year - 18, 3 + n % 9, 1 + n)
        placement = internships.apply(
            student,
            posting.id,
            "希望在总装线学习焊接与装配，毕业后留在莱芜工作。",
            birth,
            entry_year=student.entry_year or today.year - 2,
            sex=student.sex or ("f" if n % 2 else "m"),
            today=today,
        )
        placement.is_demo = True
        created += 1
        if end == "shortlisted":
            internships.shortlist(hr, placement.id)
        if end == "rejected":
            internships.reject(hr, placement.id, "本期岗位已满，欢迎关注下一期。")
        if end in AFTER or end == "declined":
            internships.offer(hr, placement.id, _terms(today, end))
        if end == "declined":
            internships.answer(student, placement.id, accept=False, reason="已选择离家更近的实习单位。")
        if end in AFTER[1:]:
            internships.answer(student, placement.id, accept=True)
        if end in AFTER[1:]:
            internships.upload_consent(student, placement.id, own=DEMO_CONSENT, guardian=DEMO_CONSENT)
        if end in AFTER[2:]:
            internships.approve(staff, placement.id, "李老师（演示）")
            internships.sign(staff, placement.id)
            internships.sign(hr, placement.id)
        if end in AFTER[3:]:
            internships.sign(student, placement.id)
            internships.start(hr, placement.id)
            _timeline(placement, student, hr, staff, today)
        if end in AFTER[4:]:
            internships.grade(hr, placement.id, "good")
            internships.grade(staff, placement.id, "excellent" if end == "hired" else "good")
            internships.complete(hr, placement.id)
        if destination:
            internships.record_destination(staff, placement.id, destination)
        if end == "hired":
            internships.hire(hr, placement.id)
    db.session.flush()
    return {"internships": created}


def remove_demo_internships() -> None:
    """Before demo users and organisations go: their placements."""
    demo_users = select(User.id).where(User.is_demo.is_(True))
    demo_orgs = select(Organisation.id).where(Organisation.is_demo.is_(True))
    placements = select(Placement.id).where(
        or_(
            Placement.is_demo.is_(True),
            Placement.student_id.in_(demo_users),
            Placement.enterprise_id.in_(demo_orgs),
            Placement.school_id.in_(demo_orgs),
        )
    )
    db.session.execute(delete(TimelineEntry).where(TimelineEntry.placement_id.in_(placements)))
    db.session.execute(
        delete(Placement).where(
            or_(
                Placement.is_demo.is_(True),
                Placement.student_id.in_(demo_users),
                Placement.enterprise_id.in_(demo_orgs),
                Placement.school_id.in_(demo_orgs),
            )
        )
    )
