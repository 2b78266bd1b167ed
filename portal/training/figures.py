"""育训 figures: counts only, never a person. Each figure names the records it counts (`SOURCES`).

A trainee is *started* in the year their run starts once the school confirmed their place
(confirmed or completed), and *completed* in the year they completed. A trainee in several
groups counts once in each group's line (the group lines do not add up to the total).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.organisations.models import Organisation
from portal.platform import checks, vocab
from portal.platform.i18n import lazy_gettext as _l
from portal.training.models import (
    SLOT_HOURS,
    Attendance,
    BaseBooking,
    BookingStatus,
    CertificateKind,
    Trainee,
    TraineeGroup,
    TraineeStatus,
    TrainingRun,
    groups_of,
)

STARTED = (TraineeStatus.CONFIRMED.value, TraineeStatus.COMPLETED.value)

SOURCES = {
    "trainees": _l(
        "Trainees of the schools' training runs (学员) whose place was confirmed, by the year their run "
        "starts; completed: by the year the school recorded completion."
    ),
    "hours": _l("Attendance the schools recorded per session (hours per trainee)."),
    "certificates": _l("Certificates the schools recorded when a trainee completed."),
    "bases": _l("Confirmed bookings of shared training bases; used: those whose day has passed."),
}


@dataclass
class Line:
    key: str
    label: object
    started: int = 0
    completed: int = 0
    hours: int = 0


@dataclass
class TrainingFigures:
    year: int | None
    years: list[int]
    started: int = 0
    completed: int = 0
    hours: int = 0
    certificates: dict = field(default_factory=dict)  # kind → count
    by_year: list[Line] = field(default_factory=list)
    groups: list[Line] = field(default_factory=list)
    towns: list[Line] = field(default_factory=list)
    schools: list[Line] = field(default_factory=list)
    enterprises: list[Line] = field(default_factory=list)
    bases: list[dict] = field(default_factory=list)  # booker → booked hours, used hours
    sources: dict = field(default_factory=lambda: SOURCES)


# Made once: aliasing Organisation (many columns, subclasses) anew on each call cost more than the
# query (issue 31; with the kept catalogue, /stats fell from 59 to 46 M instructions, callgrind).
_SCHOOL, _EMPLOYER = aliased(Organisation), aliased(Organisation)


def figures(year: int | None = None) -> TrainingFigures:
    today = checks.district_today()
    # Two queries whatever the number of trainees (the dashboard's query count is bounded): the
    # trainees counted by what the figures tell apart (their run's start and school, their status,
    # completion, certificate, groups, town and employer), with their hours; then the bookings.
    # Counted in the database, not read one trainee at a time (issue 31: the public /stats).
    hours = (
        select(Attendance.trainee_id, func.sum(Attendance.hours).label("hours"))
        .group_by(Attendance.trainee_id)
        .subquery()
    )
    school, employer = _SCHOOL, _EMPLOYER
    keys = (
        TrainingRun.starts_on,
        TrainingRun.school_id,
        school.name,
        Trainee.status,
        Trainee.completed_on,
        Trainee.certificate_kind,
        Trainee.groups,
        Trainee.town,
        Trainee.employer_id,
        employer.name,
    )
    rows = db.session.execute(
        select(*keys, func.count(), func.coalesce(func.sum(hours.c.hours), 0))
        .join(TrainingRun, TrainingRun.id == Trainee.run_id)
        .join(school, school.id == TrainingRun.school_id)
        .outerjoin(employer, employer.id == Trainee.employer_id)
        .outerjoin(hours, hours.c.trainee_id == Trainee.id)
        .where(Trainee.status.in_(STARTED))
        .group_by(*keys)
    ).all()
    years = sorted({row.starts_on.year for row in rows} | {today.year}, reverse=True)
    result = TrainingFigures(year=year, years=years)
    lines: dict[str, dict[str, Line]] = defaultdict(dict)

    def add(kind: str, key: str, label, started: int, completed: int, hours: int) -> None:
        line = lines[kind].setdefault(key, Line(key, label))
        line.started += started
        line.completed += completed
        line.hours += hours

    certificates: Counter = Counter()
    for (
        starts_on,
        school_id,
        school_name,
        status,
        completed_on,
        certificate_kind,
        groups,
        town,
        employer_id,
        employer_name,
        trainees,
        trainee_hours,
    ) in rows:
        completed = status == TraineeStatus.COMPLETED.value
        # Per year, over every year: started in the run's year, completed in the completion's.
        add("years", str(starts_on.year), str(starts_on.year), trainees, 0, trainee_hours)
        if completed and completed_on:
            add("years", str(completed_on.year), str(completed_on.year), 0, trainees, 0)
        started = year is None or starts_on.year == year
        done = completed and (year is None or (completed_on and completed_on.year == year))
        if not started and not done:
            continue
        hours_now = trainee_hours if started else 0
        started_now, done_now = trainees * started, trainees * bool(done)
        result.started += started_now
        result.completed += done_now
        result.hours += hours_now
        if done and certificate_kind and certificate_kind != CertificateKind.NONE.value:
            certificates[certificate_kind] += trainees
        for group in groups_of(groups):
            add("groups", group.value, group.label, started_now, done_now, hours_now)
        add("towns", town, vocab.town_name(town), started_now, done_now, hours_now)
        add("schools", str(school_id), school_name, started_now, done_now, hours_now)
        if employer_id:
            add("enterprises", str(employer_id), employer_name or "", started_now, done_now, hours_now)
    result.certificates = {
        kind.value: (kind.label, certificates[kind.value])
        for kind in CertificateKind
        if kind != CertificateKind.NONE
    }
    result.by_year = sorted(lines["years"].values(), key=lambda ln: ln.key, reverse=True)
    result.groups = [lines["groups"].get(g.value) or Line(g.value, g.label) for g in TraineeGroup]
    result.towns = [lines["towns"][code] for code in vocab.TOWNS if code in lines["towns"]]
    result.schools = sorted(lines["schools"].values(), key=lambda ln: (-ln.started, str(ln.label)))
    result.enterprises = sorted(lines["enterprises"].values(), key=lambda ln: (-ln.started, str(ln.label)))

    booked: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, period, booker in db.session.execute(
        select(BaseBooking.day, BaseBooking.period, Organisation.name)
        .join(Organisation, Organisation.id == BaseBooking.booker_id)
        .where(BaseBooking.status == BookingStatus.CONFIRMED.value)
    ):
        if year is not None and day.year != year:
            continue
        booked[booker][0] += SLOT_HOURS[period]
        if day < today:
            booked[booker][1] += SLOT_HOURS[period]
    result.bases = sorted(
        ({"name": name, "booked": b, "used": u} for name, (b, u) in booked.items()),
        key=lambda r: (-r["booked"], r["name"]),
    )
    return result


def report_table(year: int) -> tuple[str, list[str], list[list]]:
    """The year's 育训 figures as one sheet of the yearly report: (title, header, rows), each
    line naming its source records in the last column."""
    tf = figures(year)
    header = [_("Group"), _("Name"), _("Started"), _("Completed"), _("Hours"), _("Source")]
    source = str(SOURCES["trainees"])
    rows: list[list] = [[_("District"), str(year), tf.started, tf.completed, tf.hours, source]]
    for kind, lines in (
        (_("By group"), tf.groups),
        (_("By town"), tf.towns),
        (_("By school"), tf.schools),
        (_("By enterprise (its staff)"), tf.enterprises),
    ):
        rows += [[kind, str(ln.label), ln.started, ln.completed, ln.hours, source] for ln in lines]
    rows += [
        [_("Certificates earned"), str(label), n, "", "", str(SOURCES["certificates"])]
        for label, n in tf.certificates.values()
    ]
    base_hours = _("Training base hours, by who booked")
    rows += [[base_hours, r["name"], r["booked"], r["used"], "", str(SOURCES["bases"])] for r in tf.bases]
    return _("Training (育训并举)"), header, rows
