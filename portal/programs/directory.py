"""Public directory of majors and schools: search, filters, sorting, pages.

Only published majors of verified schools, and verified schools, are ever
returned. Search is a substring match (LIKE), which is what Chinese needs:
"焊接" finds "焊接技术应用" without word segmentation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from portal.accounts.models import User
from portal.extensions import db
from portal.organisations.models import Organisation, School
from portal.platform import vocab
from portal.platform.checks import QUERY_MAX
from portal.platform.errors import NotFound
from portal.platform.i18n import lazy_gettext as _l
from portal.platform.search import Page
from portal.platform.search import contains as like
from portal.programs import catalogue
from portal.programs import records as school_records
from portal.programs.models import Program, PublicationStatus
from portal.programs.school_models import Teacher, TrainingOffer

PER_PAGE = 20
MAJOR_SORTS = ("relevance", "name", "newest", "intake")
SCHOOL_SORTS = ("name", "newest")


def terms(q: str) -> list[str]:
    return [t for t in (q or "")[:QUERY_MAX].split() if t][:5]


@dataclass(frozen=True)
class MajorQuery:
    q: str = ""
    school_id: int | None = None
    town: str = ""
    certificate: str = ""
    sort: str = "relevance"
    page: int = 1

    def args(self, **changes) -> dict:
        """Query-string arguments of this search (for page links), without empty ones."""
        values = {
            "q": self.q,
            "school": self.school_id,
            "town": self.town,
            "certificate": self.certificate,
            "sort": self.sort if self.sort != "relevance" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def _published_majors() -> Select:
    return (
        select(Program)
        .join(School, Program.school_id == School.id)
        .where(Program.status == PublicationStatus.PUBLISHED.value, School.is_verified)
    )


def search_majors(query: MajorQuery):
    stmt = _published_majors()
    for term in terms(query.q):
        pattern = like(term)
        # A code or an old name (现代农艺技术) also finds the 2021 major it stands for.
        found = catalogue.resolve(term).entry
        also = (
            (Program.code == found.code, Program.name.ilike(like(found.name), escape="\\")) if found else ()
        )
        stmt = stmt.where(
            or_(
                *also,
                Program.name.ilike(pattern, escape="\\"),
                Program.description.ilike(pattern, escape="\\"),
                Program.skills.ilike(pattern, escape="\\"),
                Program.certificates.ilike(pattern, escape="\\"),
                School.name.ilike(pattern, escape="\\"),
            )
        )
    if query.school_id:
        stmt = stmt.where(Program.school_id == query.school_id)
    if query.town in vocab.TOWNS:
        stmt = stmt.where(School.town == query.town)
    if query.certificate.strip():
        stmt = stmt.where(
            Program.certificates.ilike(like(query.certificate.strip()[:QUERY_MAX]), escape="\\")
        )
    if query.sort == "newest":
        stmt = stmt.order_by(Program.created_at.desc(), Program.id.desc())
    elif query.sort == "intake":
        stmt = stmt.order_by(Program.intake_capacity.desc(), Program.id)
    elif query.sort == "relevance" and terms(query.q):
        # Majors whose name holds the first term come first.
        first = like(terms(query.q)[0])
        stmt = stmt.order_by(Program.name.ilike(first, escape="\\").desc(), Program.name, Program.id)
    else:
        stmt = stmt.order_by(Program.name, School.name, Program.id)
    return db.paginate(stmt, page=max(1, query.page), per_page=PER_PAGE, error_out=False)


# Whether the matcher's knowledge base has a line for a major (name, code): partnerships, the
# domain above programs that talks to the matcher, registers it (portal.register_hooks).
_matcher_knows: dict[str, Callable[[str, str], bool]] = {}


def register_matcher_knowledge(knows: Callable[[str, str], bool]) -> None:
    _matcher_knows["knows"] = knows


def matcher_knows(program: Program) -> bool:
    """Without a line the matcher reads the major's name and the school's own texts only."""
    return _matcher_knows["knows"](program.name, program.code or "")


def get_public_major(program_id: int) -> Program:
    program = db.session.scalar(_published_majors().where(Program.id == program_id))
    if program is None:
        raise NotFound(_l("Major not found."))
    return program


def public_schools(limit: int = 500) -> list[School]:
    """For the school filter of the majors page."""
    return list(
        db.session.scalars(select(School).where(School.is_verified).order_by(School.name).limit(limit))
    )


@dataclass(frozen=True)
class SchoolQuery:
    q: str = ""
    kind: str = ""
    town: str = ""
    sort: str = "name"
    page: int = 1

    def args(self, **changes) -> dict:
        values = {
            "q": self.q,
            "kind": self.kind,
            "town": self.town,
            "sort": self.sort if self.sort != "name" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def search_schools(query: SchoolQuery):
    stmt = select(School).where(School.is_verified)
    for term in terms(query.q):
        pattern = like(term)
        has_major = (
            select(Program.id)
            .where(
                Program.school_id == School.id,
                Program.status == PublicationStatus.PUBLISHED.value,
                Program.name.ilike(pattern, escape="\\"),
            )
            .exists()
        )
        stmt = stmt.where(
            or_(
                School.name.ilike(pattern, escape="\\"), School.address.ilike(pattern, escape="\\"), has_major
            )
        )
    if query.kind in vocab.SCHOOL_KINDS:
        stmt = stmt.where(School.school_kind == query.kind)
    if query.town in vocab.TOWNS:
        stmt = stmt.where(School.town == query.town)
    if query.sort == "newest":
        stmt = stmt.order_by(School.verified_at.desc(), School.id.desc())
    else:
        stmt = stmt.order_by(School.name, School.id)
    return db.paginate(stmt, page=max(1, query.page), per_page=PER_PAGE, error_out=False)


def major_counts(school_ids: list[int]) -> dict[int, int]:
    if not school_ids:
        return {}
    rows = db.session.execute(
        select(Program.school_id, func.count())
        .where(Program.school_id.in_(school_ids), Program.status == PublicationStatus.PUBLISHED.value)
        .group_by(Program.school_id)
    )
    return {school_id: count for school_id, count in rows}


@dataclass(frozen=True)
class SchoolProfile:
    school: School
    programs: list[Program]
    teachers: int
    double_qualified: int
    offers: list[TrainingOffer]


def school_profile(school_id: int) -> SchoolProfile:
    school = db.session.get(School, school_id)
    if school is None or not school.is_verified:
        raise NotFound(_l("School not found."))
    double = (
        db.session.scalar(
            select(func.count())
            .select_from(Teacher)
            .where(Teacher.school_id == school.id, Teacher.double_qualified.is_(True))
        )
        or 0
    )
    programs = list(
        db.session.scalars(
            select(Program)
            .where(Program.school_id == school.id, Program.status == PublicationStatus.PUBLISHED.value)
            .order_by(Program.name)
        )
    )
    return SchoolProfile(
        school=school,
        programs=programs,
        teachers=school_records.count_teachers(school.id),
        double_qualified=double,
        offers=school_records.offers_of_school(school.id, published_only=True),
    )


def home_figures() -> dict[str, int]:
    """What the home page counts: verified enterprises and schools, published majors (one query)."""
    verified = Organisation.is_verified
    counts = {
        "enterprises": select(func.count())
        .select_from(Organisation)
        .where(verified, Organisation.kind == "enterprise"),
        "schools": select(func.count())
        .select_from(Organisation)
        .where(verified, Organisation.kind == "school"),
        "programs": select(func.count())
        .select_from(Program)
        .where(Program.status == PublicationStatus.PUBLISHED.value),
    }
    row = db.session.execute(select(*(q.scalar_subquery().label(k) for k, q in counts.items()))).one()
    return dict(row._mapping)


def demo_loaded() -> bool:
    """Whether demo accounts exist (the home page then shows their password)."""
    return db.session.scalar(select(User.id).where(User.is_demo.is_(True)).limit(1)) is not None


# --- the national catalogue (/catalogue) ------------------------------------------------------

CATALOGUE_PER_PAGE = 50


@dataclass(frozen=True)
class CatalogueQuery:
    q: str = ""
    level: str = ""
    category: str = ""
    class_name: str = ""
    page: int = 1

    def args(self, **changes) -> dict:
        values = {
            "q": self.q,
            "level": self.level,
            "category": self.category,
            "class": self.class_name,
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def catalogue_query(q: str, level: str, category: str, class_name: str, page: int) -> CatalogueQuery:
    """The filters as given, an unknown level, 大类 or 类 dropped (a filter that cannot match)."""
    cat = catalogue.catalogue()
    category = category if category in cat.classes else ""
    known_classes = cat.classes.get(category) or {c for group in cat.classes.values() for c in group}
    return CatalogueQuery(
        q=q,
        level=level if level in catalogue.LEVELS else "",
        category=category,
        class_name=class_name if class_name in known_classes else "",
        page=page,
    )


def search_catalogue(query: CatalogueQuery, *, per_page: int = CATALOGUE_PER_PAGE) -> Page:
    found = catalogue.search(query.q, level=query.level, category=query.category, class_name=query.class_name)
    page = max(1, min(query.page, max(1, -(-len(found) // per_page))))
    start = (page - 1) * per_page
    return Page(items=found[start : start + per_page], total=len(found), page=page, per_page=per_page)
