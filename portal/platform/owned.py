"""Loading a record the actor's school owns: another school's id is NotFound, exactly like a missing one."""

from __future__ import annotations

from typing import Any, TypeVar

from portal.extensions import db
from portal.platform.errors import NotFound

T = TypeVar("T")


def school_record(model: type[T], staff: Any, record_id: int, message: Any) -> T:
    """The `model` row `record_id` if its `school_id` is the staff member's school; else NotFound(message)."""
    record = db.session.get(model, record_id)
    if record is None or record.school_id != staff.organisation_id:
        raise NotFound(message)
    return record
