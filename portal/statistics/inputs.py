"""The figures the records cannot know, entered by administrators with their year and source."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User
from portal.audit import services as audit
from portal.extensions import db
from portal.platform import checks
from portal.platform.checks import district_today
from portal.platform.errors import Problems, ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.statistics.models import DistrictInput
from portal.statistics.scopes import intake_total

SOURCE_MAX = 200  # district_input.source


@dataclass(frozen=True)
class InputSpec:
    label: object
    maximum: int
    help: object


INPUTS: dict[str, InputSpec] = {
    "upper_secondary_intake": InputSpec(
        _l("Total upper-secondary intake of the district"),
        100_000,
        _l(
            "Students admitted to all upper-secondary schools (general and vocational) in the district that "
            "year."
        ),
    ),
    "high_level_major_groups": InputSpec(
        _l("High-level major groups"),
        50,
        _l("Recognised high-level secondary vocational major groups (count)."),
    ),
    "provincial_brand_major_groups": InputSpec(
        _l("New provincial brand major groups"),
        50,
        _l("Provincial brand major groups newly recognised (count)."),
    ),
    # issue 29: education groups are counted from their records (portal/education_groups), and the
    # secondary vocational share reads the schools' actual admissions, entered per year.
    "secondary_vocational_admissions": InputSpec(
        _l("Students actually admitted by the secondary vocational schools"),
        100_000,
        _l(
            "Students the district's secondary vocational schools actually admitted that year (not their "
            "planned intake), from the admissions office's figures."
        ),
    ),
}


def inputs_for(year: int, entries: list[DistrictInput] | None = None) -> dict[str, DistrictInput]:
    """Per key, the latest entry for `year`, or else for the latest earlier year (the newest entry
    of a year wins). From `entries` when the caller has read them all already, else one query."""
    if entries is None:
        entries = db.session.scalars(select(DistrictInput).where(DistrictInput.year <= year))
    latest: dict[str, DistrictInput] = {}
    for entry in sorted(
        (e for e in entries if e.year <= year), key=lambda e: (e.year, e.entered_at, e.id), reverse=True
    ):
        latest.setdefault(entry.key, entry)
    return latest


def input_of_year(key: str, year: int, entries: list[DistrictInput] | None = None) -> DistrictInput | None:
    """The newest entry of `key` for exactly `year` (a share must not divide one year by another)."""
    if entries is None:
        entries = db.session.scalars(
            select(DistrictInput).where(DistrictInput.key == key, DistrictInput.year == year)
        )
    found = [e for e in entries if e.key == key and e.year == year]
    return max(found, key=lambda e: (e.entered_at, e.id), default=None)


HISTORY_LIMIT = 200


def input_history(limit: int = HISTORY_LIMIT) -> list[DistrictInput]:
    return list(
        db.session.scalars(
            select(DistrictInput)
            .order_by(DistrictInput.entered_at.desc(), DistrictInput.id.desc())
            .limit(limit)
        )
    )


def current_inputs(year: int | None = None) -> list[tuple[str, InputSpec, DistrictInput | None]]:
    latest = inputs_for(year or district_today().year)
    return [(key, spec, latest.get(key)) for key, spec in INPUTS.items()]


def enter_input(
    actor: User | None, key: str, year: int | None, value: int | None, source: str, *, is_demo: bool = False
) -> DistrictInput:
    """Record one yearly input with its source; earlier entries stay in the history. Flushes.
    Every problem of the entry at once, each with its field."""
    problems = Problems()
    spec = INPUTS.get(key)
    if spec is None:
        problems.add(_l("Choose which figure you are entering."), field="key")
    this_year = district_today().year
    if year is None:
        problems.add(_l("Enter the year the figure is for."), field="year")
    elif not 2000 <= year <= this_year + 1:
        problems.add(_l("Enter a year between 2000 and %(max)s.", max=this_year + 1), field="year")
    if value is None:
        problems.add(_l("Enter the figure as a whole number."), field="value")
    elif value < 0:
        problems.add(_l("The figure cannot be negative."), field="value")
    elif spec is not None and value > spec.maximum:
        problems.add(
            _l(
                "%(value)s is implausibly large for this figure (at most %(max)s). Check the number.",
                value=f"{value:,}",
                max=f"{spec.maximum:,}",
            ),
            field="value",
        )
    elif key == "upper_secondary_intake":
        own = db.session.scalar(intake_total()) or 0
        if value == 0 or value < own:
            problems.add(
                _l(
                    "The total upper-secondary intake cannot be smaller than the secondary vocational "
                    "schools' own "
                    "intake on record (%(own)s).",
                    own=f"{own:,}",
                ),
                field="value",
            )
    # issue 29: the schools' actual admissions can never exceed the district's total of the same year.
    pair = {"secondary_vocational_admissions": "upper_secondary_intake"}
    pair.update({v: k for k, v in pair.items()})
    other = input_of_year(pair[key], year) if key in pair else None
    if other is not None:
        admitted, total = (
            (value, other.value) if key == "secondary_vocational_admissions" else (other.value, value)
        )
        if admitted > total:
            raise ServiceError(
                _l(
                    "Students admitted by the secondary vocational schools (%(admitted)s) cannot exceed the "
                    "district's total upper-secondary intake (%(total)s) for %(year)s.",
                    admitted=f"{admitted:,}",
                    total=f"{total:,}",
                    year=year,
                ),
                field="value",
            )
    source = problems.check(checks.source, source, field="source", max_length=SOURCE_MAX)
    problems.raise_if_any()
    entry = DistrictInput(
        key=key,
        year=year,
        value=value,
        source=source,
        entered_by_id=actor.id if actor is not None else None,
        entered_by_email=actor.email if actor is not None else None,
        is_demo=is_demo,
    )
    return audit.created(
        actor,
        entry,
        "create",
        None,
        audit.coded("district_input", input=key, year=year, value=value, source=source),
    )
