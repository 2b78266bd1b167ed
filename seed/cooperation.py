"""Demo proposals and cooperations, made through the services as the demo users would.

Safe to run twice: proposals are recomputed (declined ones stay declined), and
a cooperation that already exists, or a proposal already agreed or declined, is
left alone. Dates are relative to the day of loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts import services as accounts
from portal.extensions import db
from portal.models import (
    AdmissionsMode,
    Cooperation,
    CooperationKind,
    Organisation,
    Posting,
    Program,
    Proposal,
    ProposalStatus,
)
from portal.partnerships import cooperations, matching
from portal.partnerships import services as proposals
from portal.partnerships.services import Terms
from portal.platform.checks import district_today

SCHOOL = "莱芜职业中专"
SCHOOL_STAFF = "school@xiaoqi-demo.cn"


def agreed_cooperation(
    school: Organisation,
    enterprise: Organisation,
    terms: Terms,
    *,
    program: str | None = None,
    same_title: bool = False,
) -> Cooperation:
    """The partners' active cooperation of this kind (of this title, with `same_title`), else one on
    `terms`, as an agreement made before the platform: the demo's partnerships that other demo
    records (named classes, apprenticeships, pilots) build on."""
    found = cooperations.active_between(
        school.id, enterprise.id, terms.kind, title=terms.title if same_title else None
    )
    if found is not None:
        return found
    program_id = (
        db.session.scalar(select(Program.id).where(Program.school_id == school.id, Program.name == program))
        if program
        else None
    )
    return cooperations.create(school.id, enterprise.id, terms, program_id=program_id, is_demo=True)


@dataclass(frozen=True)
class DemoAgreement:
    enterprise: str
    hr_email: str
    posting: str
    program: str
    first: str  # which side proposes the terms: "school" or "enterprise"; the other accepts
    kind: str
    title: str
    seats: int
    start_in_days: int
    duration_months: int
    school_provides: str
    enterprise_provides: str
    admissions_mode: str


AGREEMENTS = (
    DemoAgreement(
        "山东重工",
        "hr@xiaoqi-demo.cn",
        "山东重工智能制造冠名班（焊接与装配方向）",
        "焊接技术应用",
        "enterprise",
        CooperationKind.ORDER_CLASS.value,
        "山东重工智能制造冠名班（2026级）",
        40,
        120,
        36,
        "焊接与装配专业课程、实训中心、班主任和专业教师",
        "奖学金、实训设备、企业师傅授课、毕业后录用",
        AdmissionsMode.ENTERPRISE_REVIEW.value,
    ),
    DemoAgreement(
        "山东汇金股份有限公司",
        "hr.huijin@xiaoqi-demo.cn",
        "数控加工现代学徒制试点（汇金精密制造）",
        "数控技术应用",
        "school",
        CooperationKind.APPRENTICESHIP.value,
        "汇金精密制造现代学徒制班",
        20,
        60,
        24,
        "理论课程、学徒管理、学校导师",
        "岗位、带徒师傅、学徒津贴",
        AdmissionsMode.SHARED.value,
    ),
    DemoAgreement(
        "山东重工",
        "hr@xiaoqi-demo.cn",
        "焊接高级技师到校兼职授课",
        "焊接技术应用",
        "enterprise",
        CooperationKind.TEACHER_EXCHANGE.value,
        "山东重工焊接技师兼职授课与教师企业实践",
        2,
        30,
        12,
        "兼职教师聘任、课时安排；派两名专业教师到企业实践",
        "两名焊接高级技师每学期授课，接收教师实践",
        AdmissionsMode.SCHOOL.value,
    ),
)

# A proposal the school declined, so the declined state has an example.
DECLINED = (
    "山东坤诺基药业有限公司",
    "药物制剂车间岗位实习",
    "焊接技术应用",
    "专业不对口：本专业不培养药物制剂岗位。",
)


def _posting(enterprise: str, title: str) -> Posting | None:
    return db.session.scalar(
        select(Posting)
        .join(Organisation, Posting.enterprise_id == Organisation.id)
        .where(Organisation.name == enterprise, Posting.title == title)
    )


def _program(name: str) -> Program | None:
    return db.session.scalar(
        select(Program)
        .join(Organisation, Program.school_id == Organisation.id)
        .where(Organisation.name == SCHOOL, Program.name == name)
    )


def _proposal(posting: Posting, program: Program) -> Proposal | None:
    return db.session.scalar(
        select(Proposal).where(Proposal.posting_id == posting.id, Proposal.program_id == program.id)
    )


def load_demo_cooperation(today: date | None = None) -> dict[str, int]:
    today = today or district_today()
    created = {"proposals_scored": matching.recompute_all().scored, "cooperations": 0}
    staff = accounts.find_user_by_email(SCHOOL_STAFF)
    for spec in AGREEMENTS:
        hr = accounts.find_user_by_email(spec.hr_email)
        posting, program = _posting(spec.enterprise, spec.posting), _program(spec.program)
        if staff is None or hr is None or posting is None or program is None:
            continue  # part of the demo data was removed
        proposal = _proposal(posting, program)
        if proposal is None:
            proposal = proposals.ask_directly(staff, posting.id, program.id)
        if not proposal.is_open:
            continue
        first, second = (hr, staff) if spec.first == "enterprise" else (staff, hr)
        terms = Terms(
            kind=spec.kind,
            title=spec.title,
            seats=spec.seats,
            start_date=today + timedelta(days=spec.start_in_days),
            duration_months=spec.duration_months,
            school_provides=spec.school_provides,
            enterprise_provides=spec.enterprise_provides,
            admissions_mode=spec.admissions_mode,
        )
        if not (proposal.status == ProposalStatus.NEGOTIATING.value and proposal.terms_by == spec.first):
            proposals.propose_terms(first, proposal.id, terms, today=today)
        cooperation = proposals.accept_terms(second, proposal.id)
        cooperation.is_demo = True
        created["cooperations"] += 1

    enterprise, title, program_name, reason = DECLINED
    posting, program = _posting(enterprise, title), _program(program_name)
    if staff is not None and posting is not None and program is not None:
        proposal = _proposal(posting, program)
        if proposal is not None and proposal.is_open:
            proposals.decline(staff, proposal.id, reason)
    db.session.flush()
    return created
