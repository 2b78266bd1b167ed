"""The same records broken down by school, industry and town (six grouped queries)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import func, literal, null, select, union_all

from portal.extensions import db
from portal.organisations.models import Organisation, OrgKind
from portal.partnerships.cooperation_models import Cooperation, CooperationKind, CooperationStatus
from portal.platform import vocab
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.search import Page
from portal.postings.models import Posting
from portal.programs.models import Program, PublicationStatus
from portal.programs.school_models import Employment, Teacher
from portal.statistics.scopes import POSTGRADUATE, SCOPE_SCHOOL_KINDS


@dataclass(frozen=True)
class Breakdown:
    """A table: column keys with labels, and rows of values keyed the same way."""

    columns: tuple[tuple[str, object], ...]
    rows: list[dict]
    numeric: tuple[str, ...] = ()
    totals: dict = field(default_factory=dict)

    def leading(self, key: str, count: int) -> Breakdown:
        """At most `count` rows, those with the most `key`; the totals stay those of every row."""
        return self if len(self.rows) <= count else replace(self, rows=leading(self.rows, key, count))

    def matching(self, query: str) -> Breakdown:
        """The rows whose first column contains `query`, with their own totals."""
        rows = matching(self.rows, self.columns[0][0], query)
        return replace(self, rows=rows, totals=_totals(rows, self.numeric))


@dataclass(frozen=True)
class Breakdowns:
    schools: Breakdown
    industries: Breakdown
    towns: Breakdown


def breakdowns() -> Breakdowns:
    """The three tables, from six grouped queries whatever the number of organisations."""
    schools, teachers, programs, school_coops = _school_records()
    # The enterprise side, by industry and town at once.
    enterprises, postings = _together(
        select(Organisation.industry, Organisation.town, func.count())
        .where(Organisation.kind == OrgKind.ENTERPRISE.value, Organisation.is_verified)
        .group_by(Organisation.industry, Organisation.town),
        select(Organisation.industry, Organisation.town, func.count(Posting.id))
        .join(Organisation, Organisation.id == Posting.enterprise_id)
        .where(Posting.status == PublicationStatus.PUBLISHED.value)
        .group_by(Organisation.industry, Organisation.town),
    )
    coops = enterprise_cooperations()
    return Breakdowns(
        schools=_by_school(schools, teachers, programs, school_coops),
        industries=by_industry(enterprises, coops, postings),
        towns=_by_town(schools, programs, enterprises, coops, postings),
    )


def school_breakdown() -> Breakdown:
    """The by-school table alone (the page of every school needs no enterprise side)."""
    return _by_school(*_school_records())


def _school_records() -> tuple[list, dict, dict, dict]:
    """The verified schools by name, and their teachers, majors and active cooperations by id."""
    schools = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.school_kind, Organisation.town)
        .where(Organisation.kind == OrgKind.SCHOOL.value, Organisation.is_verified)
        .order_by(Organisation.name)
    ).all()
    full = Teacher.employment == Employment.FULL_TIME.value
    teachers = _grouped(
        select(
            Teacher.school_id,
            func.count().filter(full),
            func.count().filter(full, Teacher.double_qualified.is_(True)),
            func.count().filter(full, Teacher.degree.in_(POSTGRADUATE)),
            func.count().filter(Teacher.employment == Employment.PART_TIME.value),
        ).group_by(Teacher.school_id)
    )
    published = Program.status == PublicationStatus.PUBLISHED.value
    active = Cooperation.status == CooperationStatus.ACTIVE.value
    programs, school_coops = _together(
        select(
            Program.school_id,
            func.sum(Program.enrolment).filter(Program.status != PublicationStatus.DRAFT.value),
            func.sum(Program.intake_capacity).filter(published),
            func.count().filter(published),
        ).group_by(Program.school_id),
        select(Cooperation.school_id, func.count(), null(), null())
        .where(active)
        .group_by(Cooperation.school_id),
    )
    programs = {key: tuple(int(v or 0) for v in values) for key, *values in programs}
    school_coops = {key: (int(count or 0),) for key, count, *_ in school_coops}
    return schools, teachers, programs, school_coops


def _together(*queries) -> list[list]:
    """The rows of several grouped queries with the same columns, from one round trip (UNION ALL,
    each row tagged with its query): the dashboard's figures in fewer queries (issue 31)."""
    tagged = [query.add_columns(literal(n).label("part")) for n, query in enumerate(queries)]
    parts: list[list] = [[] for _ in queries]
    for *row, part in db.session.execute(union_all(*tagged)).all():
        parts[part].append(tuple(row))
    return parts


def enterprise_cooperations() -> list:
    """(industry, town, kind, count, seats) of active cooperations, by their enterprise partner."""
    return db.session.execute(
        select(
            Organisation.industry,
            Organisation.town,
            Cooperation.kind,
            func.count(),
            func.coalesce(func.sum(Cooperation.seats), 0),
        )
        .join(Organisation, Organisation.id == Cooperation.enterprise_id)
        .where(Cooperation.status == CooperationStatus.ACTIVE.value)
        .group_by(Organisation.industry, Organisation.town, Cooperation.kind)
    ).all()


def _grouped(query) -> dict:
    """{first column: the other columns} of a grouped query."""
    return {key: tuple(int(v or 0) for v in values) for key, *values in db.session.execute(query).all()}


def _by_school(schools, teachers: dict, programs: dict, coops: dict) -> Breakdown:
    rows = []
    # Translated once, not once per school.
    kinds = {code: str(label) for code, label in vocab.SCHOOL_KINDS.items()}
    for school_id, name, kind, town in schools:
        full_time, double, post, part = teachers.get(school_id, (0, 0, 0, 0))
        enrolment, intake, majors = programs.get(school_id, (0, 0, 0))
        rows.append(
            {
                "name": name,
                "kind": kinds.get(kind, kind or ""),
                "town": vocab.town_name(town),
                "in_scope": kind in SCOPE_SCHOOL_KINDS,
                "full_time_teachers": full_time,
                "double_qualified": double,
                "postgraduate": post,
                "part_time_teachers": part,
                "majors": majors,
                "intake": intake,
                "enrolment": enrolment,
                "cooperations": coops.get(school_id, (0,))[0],
            }
        )
    numeric = (
        "full_time_teachers",
        "double_qualified",
        "postgraduate",
        "part_time_teachers",
        "majors",
        "intake",
        "enrolment",
        "cooperations",
    )
    return Breakdown(
        columns=(
            ("name", _l("School")),
            ("kind", _l("Kind")),
            ("town", _l("Town")),
            ("full_time_teachers", _l("Full-time teachers")),
            ("double_qualified", _l("Double-qualified")),
            ("postgraduate", _l("Postgraduate")),
            ("part_time_teachers", _l("Part-time teachers")),
            ("majors", _l("Published majors")),
            ("intake", _l("Annual intake")),
            ("enrolment", _l("Enrolment")),
            ("cooperations", _l("Active cooperations")),
        ),
        rows=rows,
        numeric=numeric,
        totals=_totals(rows, numeric),
    )


def by_industry(enterprises, coops, postings) -> Breakdown:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for industry, _town, count in enterprises:
        counts[industry]["enterprises"] += count
    for industry, _town, kind, count, seats in coops:
        counts[industry][f"kind_{kind}"] += count
        counts[industry]["cooperations"] += count
        counts[industry]["seats"] += int(seats)
    for industry, _town, count in postings:
        counts[industry]["postings"] += count
    rows = []
    for code, label in vocab.INDUSTRIES.items():
        row = {"industry": str(label)} | {
            key: counts[code][key]
            for key in (
                "enterprises",
                "cooperations",
                "seats",
                "postings",
                *(f"kind_{k}" for k in CooperationKind.labels()),
            )
        }
        if any(row[k] for k in ("enterprises", "cooperations", "postings")):
            rows.append(row)
    numeric = (
        "enterprises",
        "cooperations",
        *(f"kind_{k}" for k in CooperationKind.labels()),
        "seats",
        "postings",
    )
    columns = (
        ("industry", _l("Industry")),
        ("enterprises", _l("Verified enterprises")),
        ("cooperations", _l("Active cooperations")),
        *((f"kind_{k}", label) for k, label in CooperationKind.labels().items()),
        ("seats", _l("Seats and places")),
        ("postings", _l("Published postings")),
    )
    return Breakdown(columns=columns, rows=rows, numeric=numeric, totals=_totals(rows, numeric))


def _by_town(schools, programs: dict, enterprises, coops, postings) -> Breakdown:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for school_id, _name, _kind, town in schools:
        counts[town]["schools"] += 1
        counts[town]["enrolment"] += programs.get(school_id, (0,))[0]
    for _industry, town, count in enterprises:
        counts[town]["enterprises"] += count
    for _industry, town, _kind, count, _seats in coops:
        counts[town]["cooperations"] += count
    for _industry, town, count in postings:
        counts[town]["postings"] += count
    rows = []
    for code in vocab.TOWNS:
        row = {"town": vocab.town_name(code)} | {
            key: counts[code][key]
            for key in ("schools", "enterprises", "enrolment", "cooperations", "postings")
        }
        if any(row[k] for k in ("schools", "enterprises", "cooperations", "postings")):
            rows.append(row)
    numeric = ("schools", "enterprises", "enrolment", "cooperations", "postings")
    return Breakdown(
        columns=(
            ("town", _l("Town")),
            ("schools", _l("Verified schools")),
            ("enterprises", _l("Verified enterprises")),
            ("enrolment", _l("Enrolment")),
            ("cooperations", _l("Active cooperations with an enterprise here")),
            ("postings", _l("Published postings")),
        ),
        rows=rows,
        numeric=numeric,
        totals=_totals(rows, numeric),
    )


def leading(rows: list[dict], key: str, count: int) -> list[dict]:
    """The `count` rows with the most `key`, most first (ties keep their order: by name)."""
    return sorted(rows, key=lambda row: row[key] or 0, reverse=True)[:count]


def matching(rows: list[dict], key: str, query: str) -> list[dict]:
    """The rows whose `key` contains every word of `query`, ignoring case."""
    words = query.casefold().split()
    return [row for row in rows if all(word in str(row[key]).casefold() for word in words)]


def page_of(rows: list, page: int, per_page: int) -> Page:
    """One page of rows already in memory (a page past the end shows the last)."""
    pages = max(1, -(-len(rows) // per_page))
    page = min(max(page, 1), pages)
    return Page(rows[(page - 1) * per_page : page * per_page], len(rows), page, per_page)


def _totals(rows: list[dict], numeric: tuple[str, ...]) -> dict:
    return {key: sum(int(r.get(key) or 0) for r in rows) for key in numeric}
