"""Demo pilots (section 7 of the district's plan), made through the services.

- The 山东重工 named class of 莱芜职业中专 as a pilot partnership in its notice
  period (submitted by the school's demo staff, approved by the demo administrator).
- 山东汇金股份有限公司 as an approved pilot enterprise, as the plan intends.

Safe to run twice: a cooperation that already has a pilot, or an enterprise with
an open application, is left alone. The cooperation comes from seed.cooperation;
if it is missing (that part of the demo was not loaded) it is created here.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, or_, select

from portal.accounts import services as accounts
from portal.extensions import db
from portal.models import (
    AdmissionsMode,
    Cooperation,
    CooperationKind,
    Organisation,
    PilotEnterpriseApplication,
    PilotPartnership,
)
from portal.partnerships.services import Terms
from portal.pilots import services as pilots
from portal.pilots.services import PilotPlan
from portal.platform.checks import district_today
from portal.rules import services as rule_settings
from portal.rules.settings import PILOT_ENTERPRISE_NOTICE_DAYS
from seed.cooperation import agreed_cooperation

SCHOOL = "莱芜职业中专"
ENTERPRISE = "山东重工"
COOPERATION_TITLE = "山东重工智能制造冠名班（2026级）"
SCHOOL_STAFF = "school@xiaoqi-demo.cn"
ADMIN = "admin@xiaoqi-demo.cn"
PILOT_ENTERPRISE = "山东汇金股份有限公司"
PILOT_ENTERPRISE_HR = "hr.huijin@xiaoqi-demo.cn"

PLAN = PilotPlan(
    goals=(
        "三年内建成高端装备制造（焊接与装配）校企一体化办学样板：订单班40人全部取得焊工1+X中级证书，"
        "毕业生在山东重工就业率不低于90%，共同开发3门课程。"
    ),
    content=(
        "共建“山东重工智能制造冠名班”；企业技师进校授课，学生分阶段到总装线岗位实习；"
        "专业教师每年到企业实践不少于一个月；按企业岗位标准共同制定人才培养方案和考核标准。"
    ),
    resources=(
        "学校：焊接实训中心、专业教师8名、班主任。企业：焊接机器人2台及耗材、企业师傅4名、"
        "每年奖学金10万元、实习岗位40个。"
    ),
    timeline=(
        "第一学期：首届冠名班开班；第一学年末：课程与实训标准定稿；第五学期起：岗位实习；"
        "第三学年末：首届毕业生就业，总结评估。"
    ),
)

STATEMENT = (
    "汇金与莱芜职业中专共建数控加工现代学徒制班，企业师傅带徒，提供学徒岗位和津贴；"
    "每年接收教师企业实践，选派技术人员到校兼职授课，共建精密制造实训基地。"
)
RECOMMENDATION = (
    "山东汇金与莱芜职业中专共建数控加工现代学徒制班、接收教师企业实践，合作稳定；区教体局推荐（演示）。"
)


def _org(name: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.name == name))


def _cooperation(today: date) -> Cooperation | None:
    school, enterprise = _org(SCHOOL), _org(ENTERPRISE)
    if school is None or enterprise is None:
        return None
    return agreed_cooperation(
        school,
        enterprise,
        Terms(
            kind=CooperationKind.ORDER_CLASS.value,
            title=COOPERATION_TITLE,
            seats=40,
            start_date=today + timedelta(days=120),
            duration_months=36,
            school_provides="焊接与装配专业课程、实训中心、班主任和专业教师",
            enterprise_provides="奖学金、实训设备、企业师傅授课、毕业后录用",
            admissions_mode=AdmissionsMode.ENTERPRISE_REVIEW.value,
        ),
        same_title=True,
    )


def load_demo_pilots(today: date | None = None) -> dict[str, int]:
    today = today or district_today()
    created = {"pilot_partnerships": 0, "pilot_enterprises": 0}
    admin = accounts.find_user_by_email(ADMIN)
    staff = accounts.find_user_by_email(SCHOOL_STAFF)
    cooperation = _cooperation(today)
    if admin and staff and cooperation and pilots.open_pilot_of(cooperation.id) is None:
        pilot = pilots.create_pilot(staff, cooperation.id, PLAN)
        pilot.is_demo = True
        pilots.submit_pilot(staff, pilot.id)
        pilots.approve_pilot(admin, pilot.id, today=today)
        created["pilot_partnerships"] += 1
    hr = accounts.find_user_by_email(PILOT_ENTERPRISE_HR)
    if admin and hr and hr.organisation and pilots.open_application_of(hr.organisation_id) is None:
        application = pilots.apply_as_pilot_enterprise(hr, STATEMENT)
        application.is_demo = True
        # Recommended with its public notice over: the province's decision is awaited (none is invented).
        started = today - timedelta(days=rule_settings.value(PILOT_ENTERPRISE_NOTICE_DAYS) + 3)
        pilots.recommend_enterprise(admin, application.id, RECOMMENDATION, today=started)
        created["pilot_enterprises"] += 1
    db.session.flush()
    return created


def remove_demo_pilots() -> None:
    """Before the demo organisations and cooperations go: every pilot record that refers to them."""
    demo_orgs = select(Organisation.id).where(Organisation.is_demo.is_(True))
    db.session.execute(
        delete(PilotPartnership).where(
            or_(
                PilotPartnership.is_demo.is_(True),
                PilotPartnership.school_id.in_(demo_orgs),
                PilotPartnership.enterprise_id.in_(demo_orgs),
            )
        )
    )
    db.session.execute(
        delete(PilotEnterpriseApplication).where(
            or_(
                PilotEnterpriseApplication.is_demo.is_(True),
                PilotEnterpriseApplication.enterprise_id.in_(demo_orgs),
            )
        )
    )
    db.session.flush()
