"""Demo 育训 records (issue 28), made through the training services. Safe to run twice.

The 15 towns' community education centres (names "<town>社区教育中心"; addresses and contacts
演示), runs of 莱芜职业中专's published training offers — one at 凤城街道's centre under way and
open for sign-up, one for 山东重工's staff with attendance and completions —, and 山东重工's shared
training base with a confirmed booking by 莱芜职业中专.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import Organisation, TrainingOffer, User
from portal.platform import vocab
from portal.platform.checks import district_today
from portal.training import bases, services
from portal.training.models import (
    BaseBooking,
    CommunityCentre,
    Trainee,
    TrainingBase,
    TrainingBaseAccess,
    TrainingRun,
)

SCHOOL_STAFF = "school@xiaoqi-demo.cn"
ENTERPRISE_HR = "hr@xiaoqi-demo.cn"
ADMIN = "admin@xiaoqi-demo.cn"
# The district's 15 towns and streets (vocab.TOWNS before the zones outside it).
DISTRICT_TOWNS = list(vocab.TOWNS)[:15]
RESIDENTS = [
    ("王丽（演示）", "13800000101", "fengcheng", ["unemployed"]),
    ("李强（演示）", "13800000102", "fengcheng", ["veterans"]),
    ("赵敏（演示）", "13800000103", "zhangjiawa", ["migrant_workers", "poverty_registered"]),
    ("孙杰（演示）", "13800000104", "fengcheng", ["disabled"]),
]
STAFF = [
    (f"重工职工{i}（演示）", f"1380000020{i}", "zhangjiawa" if i % 2 else "gaozhuang") for i in range(1, 7)
]


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_demo_training() -> dict[str, int]:
    admin, staff, hr = _user(ADMIN), _user(SCHOOL_STAFF), _user(ENTERPRISE_HR)
    if admin is None or staff is None or hr is None:
        return {}
    if db.session.scalar(select(TrainingRun.id).where(TrainingRun.is_demo.is_(True)).limit(1)):
        return {}
    for code in DISTRICT_TOWNS:
        name = f"{vocab.TOWNS[code]}社区教育中心"
        if not db.session.scalar(select(CommunityCentre.id).where(CommunityCentre.name == name)):
            centre = services.save_centre(
                admin, None, name, code, f"{vocab.TOWNS[code]}（演示地址）", "联系人（演示）"
            )
            centre.is_demo = True
    offers = {
        o.title: o
        for o in db.session.scalars(
            select(TrainingOffer).where(
                TrainingOffer.school_id == staff.organisation_id, TrainingOffer.status == "published"
            )
        )
    }
    if len(offers) < 2:
        return {}
    today = district_today()
    fengcheng = db.session.scalar(select(CommunityCentre).where(CommunityCentre.town == "fengcheng"))
    care, robots = (next((o for t, o in offers.items() if word in t), None) for word in ("护理", "机器人"))
    care = care or next(iter(offers.values()))
    robots = robots or list(offers.values())[1]
    centre_run = services.create_run(
        staff,
        services.RunInput(
            care.id,
            today - timedelta(2),
            today + timedelta(44),
            40,
            20,
            "centre",
            fengcheng.id,
            None,
            "二楼教室",
        ),
    )
    staff_run = services.create_run(
        staff,
        services.RunInput(
            robots.id,
            today - timedelta(20),
            today + timedelta(10),
            40,
            10,
            "enterprise",
            None,
            hr.organisation_id,
            "总装车间培训室",
        ),
    )
    for run in (centre_run, staff_run):
        run.is_demo = True
    people = 0
    for name, phone, town, groups in RESIDENTS:
        services.sign_up(centre_run.id, services.SignUp(name, phone, town, groups, None, True)).is_demo = True
        people += 1
    enrolled = []
    for name, phone, town in STAFF:
        trainee = services.enrol_staff(hr, staff_run.id, {"name": name, "phone": phone, "town": town})
        trainee.is_demo = True
        enrolled.append(trainee)
        people += 1
    for trainee in enrolled[:5]:
        services.confirm(staff, staff_run.id, trainee.id)
    for days_ago in (20, 13, 6):
        services.record_attendance(
            staff, staff_run.id, today - timedelta(days_ago), 8, [t.id for t in enrolled[:5]]
        )
    services.complete(staff, staff_run.id, enrolled[0].id, "skill_level", "工业机器人系统操作员 四级（演示）")
    services.complete(staff, staff_run.id, enrolled[1].id, "school", "莱芜职业中专培训结业证书（演示）")
    services.confirm(
        staff,
        centre_run.id,
        db.session.scalar(select(Trainee.id).where(Trainee.run_id == centre_run.id).limit(1)),
    )

    school_org = db.session.get(Organisation, staff.organisation_id)
    base = bases.create_base(
        hr,
        bases.BaseInput(
            name="山东重工焊接与装配实训基地（演示）",
            rooms="焊接工位 12 个；装配工位 6 个",
            equipment="焊接机器人工作站 2 套、弧焊电源 12 台（演示）",
            capacity=18,
            opening_hours="周一至周五 8:00–17:30",
            rules="进入车间须穿戴劳保用品，由企业安全员带领（演示）",
            allowed_ids=[school_org.id],
        ),
    )
    base.is_demo = True
    booking = bases.book(
        staff, base.id, today + timedelta(days=7 - today.weekday() + 1), "morning", "焊接实训课（演示）"
    )
    booking.is_demo = True
    bases.decide(hr, booking.id, "confirmed")
    db.session.flush()
    return {
        "community_centres": len(DISTRICT_TOWNS),
        "training_runs": 2,
        "trainees": people,
        "training_bases": 1,
    }


def remove_demo_training() -> None:
    """Demo training records go before the demo organisations and offers they refer to."""
    demo_bases = select(TrainingBase.id).where(TrainingBase.is_demo.is_(True))
    db.session.execute(delete(BaseBooking).where(BaseBooking.base_id.in_(demo_bases)))
    db.session.execute(delete(TrainingBaseAccess).where(TrainingBaseAccess.base_id.in_(demo_bases)))
    db.session.execute(delete(TrainingBase).where(TrainingBase.is_demo.is_(True)))
    demo_runs = select(TrainingRun.id).where(TrainingRun.is_demo.is_(True))
    db.session.execute(delete(Trainee).where(Trainee.run_id.in_(demo_runs)))
    db.session.execute(delete(TrainingRun).where(TrainingRun.is_demo.is_(True)))
    db.session.execute(delete(CommunityCentre).where(CommunityCentre.is_demo.is_(True)))
