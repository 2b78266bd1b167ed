"""Supply and demand's background work (registered with `portal.platform.jobs`)."""

from __future__ import annotations

from portal.extensions import db
from portal.planning import alignment
from portal.platform.jobs import Progress
from portal.platform.models import Job


def classify_all(job: Job, progress: Progress) -> dict:
    """Every posting's catalogue majors again, e.g. after the knowledge base learnt new titles."""

    def step(done: int, total: int) -> None:
        db.session.commit()  # each chunk of postings is complete in itself
        progress(done, total)

    return {"classified": alignment.classify_all(progress=step)}
