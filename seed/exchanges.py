"""Demo two-way exchanges (双向交流), created through the exchange service. Safe to run twice.

山东重工 offers two practice posts for teachers; 莱芜职业中专 enters its staffing quota.
Then, in both directions: an expert of 山东重工's part-time-teacher posting agreed for a
teaching need, a teacher agreed for welding-robot practice, and a teacher whose new-energy
practice is completed and who is now recorded as double-qualified (双师型).
"""

from __future__ import annotations

from sqlalchemy import select

from portal.exchanges import services as exchanges
from portal.extensions import db
from portal.models import Exchange, Organisation, Posting, PracticePost, Teacher, TeachingNeed, User

SCHOOL = "莱芜职业中专"
ENTERPRISE = "山东重工"
SCHOOL_STAFF = "school@xiaoqi-demo.cn"
ENTERPRISE_HR = "hr@xiaoqi-demo.cn"
STAFFING_QUOTA = 120
# The yearly funding of the part-time posts within the 20% and what is spent of it (yuan, 演示).
PART_TIME_FUNDING, PART_TIME_SPENDING = 480_000, 96_000
POSTS = [
    {
        "title": "焊接机器人工作站调试实践（演示）",
        "description": "在焊接车间参与焊接机器人工作站的示教编程、调试与焊接工艺优化，由高级技师带教。",
        "skills": "焊接机器人、焊接工艺、工业机器人编程、PLC",
        "hours_per_term": 60,
        "places": 2,
    },
    {
        "title": "新能源重卡电池与电控装调实践（演示）",
        "description": "在新能源重卡总装线参与动力电池包装配、高压系统检测与电控调试。",
        "skills": "新能源汽车、动力电池、电控系统、高压安全",
        "hours_per_term": 80,
        "places": 1,
    },
]
EXPERT_POSTING = "焊接高级技师到校兼职授课"
EXPERT_NAME = "刘工（演示）"
NEED_COURSE = "焊接机器人离线编程"
PRACTICE = [  # (teacher, post title, completed and double-qualified)
    ("刘建华（演示）", POSTS[0]["title"], False),
    ("郑国庆（演示）", POSTS[1]["title"], True),
]


def _named(model, column, value, **where):
    query = select(model).where(column == value)
    for key, wanted in where.items():
        query = query.where(getattr(model, key) == wanted)
    return db.session.scalar(query)


def _agree(exchange: Exchange, staff: User, hr: User) -> None:
    exchanges.accept(staff, exchange.id)
    exchanges.accept(hr, exchange.id)
    exchange.is_demo = True


def load_demo_exchanges() -> dict[str, int]:
    created = {"practice_posts": 0, "exchanges": 0}
    school = _named(Organisation, Organisation.name, SCHOOL)
    enterprise = _named(Organisation, Organisation.name, ENTERPRISE)
    staff = _named(User, User.email, SCHOOL_STAFF)
    hr = _named(User, User.email, ENTERPRISE_HR)
    if None in (school, enterprise, staff, hr):
        return created  # the demo organisations were removed or renamed: nothing to attach to
    if not school.staffing_quota:
        exchanges.set_staffing_quota(staff, STAFFING_QUOTA, PART_TIME_FUNDING, PART_TIME_SPENDING)
    posts = {}
    for spec in POSTS:
        post = _named(PracticePost, PracticePost.title, spec["title"], enterprise_id=enterprise.id)
        if post is None:
            post = exchanges.create_post(enterprise, **spec)
            post.is_demo = True
            created["practice_posts"] += 1
        posts[spec["title"]] = post

    posting = _named(Posting, Posting.title, EXPERT_POSTING, enterprise_id=enterprise.id)
    need = _named(TeachingNeed, TeachingNeed.course, NEED_COURSE, school_id=school.id)
    if posting is not None and need is not None and posting.is_published:
        index = next(
            (i for i, row in enumerate(posting.details.get("experts", [])) if row.get("name") == EXPERT_NAME),
            None,
        )
        exists = db.session.scalar(
            select(Exchange.id).where(
                Exchange.posting_id == posting.id,
                Exchange.expert_name == EXPERT_NAME,
                Exchange.need_id == need.id,
            )
        )
        if index is not None and not exists:
            _agree(exchanges.propose_expert(posting.id, index, need.id), staff, hr)
            created["exchanges"] += 1

    for teacher_name, post_title, completed in PRACTICE:
        teacher = _named(Teacher, Teacher.name, teacher_name, school_id=school.id)
        post = posts[post_title]
        if teacher is None or db.session.scalar(
            select(Exchange.id).where(Exchange.teacher_id == teacher.id, Exchange.practice_post_id == post.id)
        ):
            continue
        exchange = exchanges.propose_practice(teacher.id, post.id)
        _agree(exchange, staff, hr)
        if completed:
            exchanges.complete(hr, exchange.id)
            if not teacher.double_qualified:
                exchanges.record_double_qualified(staff, exchange.id)
        created["exchanges"] += 1
    db.session.flush()
    return created
