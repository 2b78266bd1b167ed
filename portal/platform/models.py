"""Background jobs: long work (re-ranking proposals, imports) runs outside web requests.

A `Job` row is what pages poll: who asked, what, how far it is, and how it ended. The work
itself runs in an RQ worker (with Redis) or a thread of the web process (without), see
`portal.platform.jobs`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.model_base import State, Stateful, UTCDateTime, utcnow

if TYPE_CHECKING:
    from portal.accounts.models import User


class JobStatus(State):
    QUEUED = "queued", _l("Queued"), "info"
    RUNNING = "running", _l("Running"), "info"
    DONE = "done", _l("Done"), "good"
    FAILED = "failed", _l("Failed"), "bad"


class Job(Stateful, db.Model):
    __tablename__ = "job"
    states = JobStatus

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    # An uploaded file the job reads (an import); dropped once the job has ended.
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value, index=True)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # By name, so the platform imports no domain (the job's asker, whose language an import reports in).
    created_by: Mapped[User | None] = relationship("User")
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Indexed: the fair order reads the jobs that ended in the last minutes (services/jobs.py).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Written with each step: a running job whose heartbeat stopped lost its worker.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def has_ended(self) -> bool:
        return self.status in (JobStatus.DONE.value, JobStatus.FAILED.value)
