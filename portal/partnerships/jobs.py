"""The proposals' recomputes as background jobs (registered with `portal.platform.jobs`)."""

from __future__ import annotations

from portal.extensions import db
from portal.partnerships import matching
from portal.platform.jobs import Progress
from portal.platform.models import Job


def rank_programs(job: Job, progress: Progress) -> dict:
    return matching.recompute_for_programs(job.args["program_ids"], progress=progress).as_dict()


def rank_school(job: Job, progress: Progress) -> dict:
    return matching.recompute_for_school(job.args["school_id"], progress=progress).as_dict()


def rank_all(job: Job, progress: Progress) -> dict:
    def step(done: int, total: int, _tally) -> None:
        db.session.commit()  # each chunk of postings is complete in itself
        progress(done, total)

    return matching.recompute_all(progress=step).as_dict()
