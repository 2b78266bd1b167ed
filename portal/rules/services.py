"""The rule values administrators keep (portal.rules.settings): read the latest, record a new one.

A value is a new `RuleSetting` row (the latest of a key wins), with a note saying why, audited.
Records made under a rule copy the value they were made under, so a change never rewrites them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.platform import cache, checks
from portal.platform.errors import NotFound, Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.rules.models import RuleSetting
from portal.rules.settings import ALL, BY_KEY, SettingSpec

NOTE_MAX = 2000


@dataclass(frozen=True)
class CurrentSetting:
    spec: SettingSpec
    value: int
    note: object  # the stored note, or the default's
    set_by: str | None = None
    set_at: datetime | None = None

    @property
    def is_default(self) -> bool:
        return self.set_at is None


def _latest() -> dict[str, RuleSetting]:
    newest = (
        select(RuleSetting.key, func.max(RuleSetting.id).label("id")).group_by(RuleSetting.key).subquery()
    )
    rows = db.session.scalars(select(RuleSetting).join(newest, RuleSetting.id == newest.c.id))
    return {row.key: row for row in rows}


def current(spec: SettingSpec) -> CurrentSetting:
    row = db.session.scalars(
        select(RuleSetting).where(RuleSetting.key == spec.key).order_by(RuleSetting.id.desc()).limit(1)
    ).first()
    return _current(spec, row)


def _current(spec: SettingSpec, row: RuleSetting | None) -> CurrentSetting:
    if row is None:
        return CurrentSetting(spec, spec.default, spec.note)
    return CurrentSetting(spec, int(row.value), row.note, row.set_by_email, row.set_at)


def value(spec: SettingSpec) -> int:
    """The value in force: kept in this process (plain numbers, never ORM rows) until a setting is
    written (portal/cache.py), so a check or a page costs no query for it."""
    db.session.flush()  # a setting this transaction wrote counts
    values = cache.memoised(
        "rule_settings",
        "values",
        lambda: {key: int(row.value) for key, row in _latest().items()},
        db.session.connection(),
    )
    return values.get(spec.key, spec.default)


def all_settings() -> list[CurrentSetting]:
    rows = _latest()
    return [_current(spec, rows.get(spec.key)) for spec in ALL]


def set_value(admin: User, key: str, raw_value: object, note: str | None) -> RuleSetting:
    """A new value with its reason. Every problem at once, beside its field; bad input changes nothing."""
    if not admin.is_admin:
        raise NotFound(_l("Setting not found."))
    spec = BY_KEY.get(key)
    if spec is None:
        raise NotFound(_l("Setting not found."))
    problems = Problems()
    new = problems.check(checks.integer, raw_value, field="value", minimum=spec.minimum, maximum=spec.maximum)
    note = problems.check(checks.text, note, field="note", max_length=NOTE_MAX, required=True)
    problems.raise_if_any()
    before = current(spec)
    if new == before.value and note == str(before.note):
        raise ServiceError(_l("Nothing to change."), field="value")
    row = RuleSetting(key=key, value=str(new), note=note, set_by_id=admin.id, set_by_email=admin.email)
    db.session.add(row)
    db.session.flush()
    audit.record(admin, row, "set_rule", str(before.value), str(new), note)
    return row
