"""The audit log: who changed what, when, from which state to which, and why.

Append-only in code: the ORM refuses to update or delete an entry, also through
bulk UPDATE/DELETE statements. Actor, subject and organisation ids are plain
integers, not foreign keys, so the history outlives deleted accounts and
organisations (e.g. `flask remove-demo`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.extensions import db
from portal.platform.model_base import UTCDateTime, utcnow


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or remove an audit record."""


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # NULL: the system (seed data, commands without a person behind them).
    actor_id: Mapped[int | None] = mapped_column(index=True)
    # Snapshot of the actor's e-mail: the entry stays readable after the account is gone.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(40), index=True)
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)

    organisation_links: Mapped[list[AuditEntryOrganisation]] = relationship(
        # passive_deletes="all": deleting an entry must reach before_delete, not blank out its links.
        back_populates="entry",
        cascade="save-update, merge",
        lazy="selectin",
        passive_deletes="all",
        order_by="AuditEntryOrganisation.organisation_id",
    )

    @property
    def organisation_ids(self) -> list[int]:
        return [link.organisation_id for link in self.organisation_links]

    def __repr__(self) -> str:
        return (
            f"<AuditEntry {self.id} {self.subject_type}:{self.subject_id} {self.action} "
            f"{self.from_state}->{self.to_state}>"
        )


class AuditEntryOrganisation(db.Model):
    """An organisation an audit entry concerns (a cooperation concerns two)."""

    __tablename__ = "audit_entry_organisation"

    entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entry.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(primary_key=True, index=True)

    entry: Mapped[AuditEntry] = relationship(back_populates="organisation_links")


def _refuse(mapper, connection, target) -> None:
    raise AppendOnlyError(f"{type(target).__name__} is append-only: it cannot be changed or deleted")


for _model in (AuditEntry, AuditEntryOrganisation):
    event.listen(_model, "before_update", _refuse)
    event.listen(_model, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes(state) -> None:
    # session.execute(update(AuditEntry)...) skips the mapper events above.
    if (state.is_update or state.is_delete) and any(
        m.class_ in (AuditEntry, AuditEntryOrganisation) for m in state.all_mappers
    ):
        raise AppendOnlyError("the audit log is append-only: bulk UPDATE/DELETE refused")
