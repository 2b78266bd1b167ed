"""Reading lists of rows the way most pages show them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from portal.extensions import db


def newest_first(when: Any, *criteria: Any) -> list[Any]:
    """The rows of `when`'s model that meet every criterion, latest `when` first. The id breaks
    ties (rows written in one request share a timestamp), so a list keeps one order on every load."""
    model = when.class_
    return list(db.session.scalars(select(model).where(*criteria).order_by(when.desc(), model.id.desc())))
