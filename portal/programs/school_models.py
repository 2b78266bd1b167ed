"""A school's people and offers: teachers, teaching needs, training offers."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import CheckConstraint, Date, ForeignKey, LargeBinary, String, Text
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, Timestamps, UTCDateTime, step_table, utcnow
from portal.programs.models import REPUBLISHABLE, PublicationStatus, Published

if TYPE_CHECKING:
    from portal.organisations.models import School


class Degree(str, enum.Enum):
    SECONDARY = "secondary"
    ASSOCIATE = "associate"  # 专科
    BACHELOR = "bachelor"
    MASTER = "master"
    DOCTORATE = "doctorate"


class Employment(str, enum.Enum):
    FULL_TIME = "full_time"  # 专任教师
    PART_TIME = "part_time"  # 兼职教师


class NeedStatus(State):
    OPEN = "open", _l("Open"), "good"
    FILLED = "filled", _l("Filled"), "neutral"
    CLOSED = "closed", _l("Closed"), "neutral"


class TargetGroup(State):
    """Who a run trains: the plan's item 12 word for word (its Chinese label is the plan's term).

    Item 12: "广泛开展企业职工技能培训，积极开展面向高校毕业生、退役军人、农民工、去产能分流职工、
    建档立卡贫困劳动力、残疾人等重点人群的就业创业培训，大力开展失业人员再就业培训". One person may
    be in several groups (stored comma-separated). The values of the first five are those training
    offers already stored, so existing offers keep their meaning. Training runs call it TraineeGroup.
    """

    ENTERPRISE_STAFF = "enterprise_staff", _l("Enterprise staff"), "info"  # 企业职工
    GRADUATES = "graduates", _l("College graduates"), "info"  # 高校毕业生
    VETERANS = "veterans", _l("Veterans"), "info"  # 退役军人
    MIGRANT_WORKERS = "migrant_workers", _l("Migrant workers"), "info"  # 农民工
    LAID_OFF = "laid_off", _l("Workers diverted by capacity reduction"), "info"  # 去产能分流职工
    # The plan (2020) says 建档立卡贫困劳动力; since the poverty campaign ended the term in use is
    # 脱贫人口 (中共中央 国务院《关于实现巩固拓展脱贫攻坚成果同乡村振兴有效衔接的意见》, December 2020,
    # which sets the five-year transition for 脱贫人口). The label keeps the plan's term and adds the
    # current one; the stored value names neither, so a later rename changes only the label.
    POVERTY_REGISTERED = (
        "poverty_registered",
        _l("Registered poor labourers (now: people lifted out of poverty)"),
        "info",
    )
    DISABLED = "disabled", _l("People with disabilities"), "info"  # 残疾人
    UNEMPLOYED = "unemployed", _l("Unemployed people"), "info"  # 失业人员（再就业培训）


class Teacher(Timestamps, db.Model):
    __tablename__ = "teacher"
    audit_subject: ClassVar[object] = _l("Teacher")
    # No CHECK on dq_level: adding one on SQLite recreates the table, and dropping `teacher` would
    # cascade to its practice periods and certificates. The service accepts only known levels.

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    subjects: Mapped[str] = mapped_column(String(200), default="")
    # 双师型 as certified under 教师厅〔2022〕2号 (portal.rules.double_qualified): the level (None: not
    # certified; "unknown": certified before levels were recorded), when and by whom. `double_qualified`
    # is kept by the service as "certified at any level", the flag every count reads.
    double_qualified: Mapped[bool] = mapped_column(default=False)
    dq_level: Mapped[str | None] = mapped_column(String(20))
    dq_certified_on: Mapped[date | None] = mapped_column(Date)
    dq_certified_by: Mapped[str | None] = mapped_column(String(20))
    dq_note: Mapped[str | None] = mapped_column(String(300))
    # 专业课 (and 实习指导) teacher, or 公共基础课: Art. 4 of 教师〔2016〕3号 and the national share count
    # subject teachers only.
    subject_teacher: Mapped[bool] = mapped_column(default=True, server_default=sa_true())
    degree: Mapped[str] = mapped_column(String(20), default=Degree.BACHELOR.value)
    employment: Mapped[str] = mapped_column(String(20), default=Employment.FULL_TIME.value)
    open_to_practice: Mapped[bool] = mapped_column(default=False)  # open to enterprise practice
    is_demo: Mapped[bool] = mapped_column(default=False)

    school: Mapped[School] = relationship()


class TeachingNeed(Stateful, Timestamps, db.Model):
    """A course that needs a part-time teacher from industry (企业兼职教师)."""

    __tablename__ = "teaching_need"
    states = NeedStatus
    # Steps are named by the state they lead to.
    steps = step_table(
        filled=(NeedStatus.OPEN,),
        closed=(NeedStatus.OPEN, NeedStatus.FILLED),
        open=(NeedStatus.FILLED, NeedStatus.CLOSED),
    )
    __table_args__ = (
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    course: Mapped[str] = mapped_column(String(100))
    skills: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[int] = mapped_column(default=0)
    term: Mapped[str] = mapped_column(String(40), default="")  # e.g. 2026年春季学期
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default=NeedStatus.OPEN.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    school: Mapped[School] = relationship()


class TrainingOffer(Published, Timestamps, db.Model):
    """Courses a school can run for enterprise staff and target groups (职工培训)."""

    __tablename__ = "training_offer"
    steps = REPUBLISHABLE
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("hours >= 0", name="hours_nonnegative"),
        CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[str] = mapped_column(Text, default="")
    target_groups: Mapped[str] = mapped_column(String(200), default="")  # comma-separated TargetGroup values
    capacity: Mapped[int] = mapped_column(default=0)  # trainees per run
    hours: Mapped[int] = mapped_column(default=0)
    schedule: Mapped[str] = mapped_column(String(200), default="")  # e.g. 每周六全天
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default=PublicationStatus.DRAFT.value, index=True)
    is_demo: Mapped[bool] = mapped_column(default=False)

    school: Mapped[School] = relationship()

    @property
    def target_group_list(self) -> list[str]:
        return [g for g in self.target_groups.split(",") if g]


class CertificateKind(State):
    """Certificates that show a teacher's industry side (the plan ties them to 双师型 training)."""

    VOCATIONAL_QUALIFICATION = "vocational_qualification", _l("Vocational qualification (职业资格)")
    SKILL_LEVEL = "skill_level", _l("Vocational skill level (职业技能等级)")
    ONE_PLUS_X = "one_plus_x", _l("1+X skill level certificate")
    TECHNICAL_TITLE = "technical_title", _l("Technical title (专业技术职务)")  # 工程师、技师等


class TeacherPractice(db.Model):
    """A period a teacher spent in enterprise practice (教师企业实践), entered by the school with
    its evidence. Completed teacher-to-enterprise exchanges count too, without an entry here."""

    __tablename__ = "teacher_practice"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="dates_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teacher.id", ondelete="CASCADE"), index=True)
    enterprise: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[bytes | None] = mapped_column(LargeBinary)  # a PDF or image, checked by content
    evidence_type: Mapped[str | None] = mapped_column(String(20))  # its MIME type, from the content
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    teacher: Mapped[Teacher] = relationship()


class TeacherCertificate(db.Model):
    __tablename__ = "teacher_certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teacher.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(30), default="")
    issued_on: Mapped[date] = mapped_column(Date)
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    teacher: Mapped[Teacher] = relationship()
