"""Public reads (no token): what the public pages show, as JSON.

Bad filter values are a 422 here (a program should learn of its typo), where the pages ignore them.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date, datetime
from typing import Any

from flask import request

from portal.api import render, schemas
from portal.api.blueprints import bp, query_args
from portal.api.inputs import require_valid
from portal.api.problems import ApiProblem
from portal.internships import services as internships
from portal.named_classes import services as named_classes
from portal.planning import alignment
from portal.platform import checks
from portal.platform.i18n import lazy_gettext as _l
from portal.postings import enterprises
from portal.postings import services as postings
from portal.programs import catalogue, directory
from portal.statistics import services as statistics_service

BAD_CURSOR = _l("The cursor is not one this API gave; start again without it.")


def _query(schema_class) -> dict[str, Any]:
    return require_valid(schema_class(), request.args)


# --- postings -----------------------------------------------------------------------------------


def _encode_cursor(sort: str, key: tuple[Any, int]) -> str:
    value, last_id = key
    raw = json.dumps([sort, value.isoformat() if isinstance(value, date | datetime) else value, last_id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    bad = ApiProblem(422, BAD_CURSOR, errors=[{"field": "cursor", "message": BAD_CURSOR}])
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, value, last_id = json.loads(raw)
        if made_for != sort or isinstance(last_id, bool) or not isinstance(last_id, int):
            raise bad
        if not 0 < last_id < 2**31:
            raise bad
        if sort == "newest":
            value = datetime.fromisoformat(value)
            if value.tzinfo is None:
                raise bad
        elif sort == "deadline":
            value = date.fromisoformat(value)
        elif isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**31:
            raise bad
        return value, last_id
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise bad from None


@bp.get("/postings")
@query_args(schemas.PostingQuery)
@bp.output(schemas.PostingList)
@bp.doc(
    summary="Published postings",
    description="Published, still open postings of verified enterprises, filtered as on /postings, "
    "a page at a time: follow `next_cursor`.",
)
def postings_list(query):
    args = _query(schemas.PostingQuery)
    search = postings.PostingQuery(
        q=checks.search_text(args.get("q")),
        kind=args.get("kind") or "",
        industry=args.get("industry") or "",
        town=args.get("town") or "",
        certificate=checks.search_text(args.get("cert")),
        enterprise_id=args.get("enterprise"),
        sort=args["sort"],
    )
    after = _decode_cursor(args["cursor"], search.sort) if args.get("cursor") else None
    major = None
    if args.get("major"):
        wanted = args["major"].strip()
        entry = catalogue.entry_for_code(wanted) or catalogue.entry_for_name(wanted)
        major = entry.name if entry is not None else ""  # not in the catalogue: nothing prepares for it
    items, last = postings.search_postings_after(search, after=after, limit=args["limit"], major=major)
    return {
        "items": [render.posting(p) for p in items],
        "next_cursor": _encode_cursor(search.sort, last) if last else None,
    }


@bp.get("/postings/<int:posting_id>")
@bp.output(schemas.Posting)
@bp.doc(summary="A published posting")
def posting_detail(posting_id: int):
    return render.posting(postings.get_public_posting(posting_id))


# --- enterprises, schools, majors ---------------------------------------------------------------


def _enterprise(pair) -> dict[str, Any]:
    org, open_count = pair
    return {
        "id": org.id,
        "name": org.name,
        "industry": org.industry,
        "town": org.town,
        "address": org.address,
        "size": org.size,
        "open_postings": open_count,
    }


@bp.get("/enterprises")
@query_args(schemas.EnterpriseQuery)
@bp.output(schemas.EnterpriseList)
@bp.doc(summary="Verified enterprises")
def enterprise_list(query):
    args = _query(schemas.EnterpriseQuery)
    result = enterprises.search_enterprises(
        enterprises.EnterpriseQuery(
            q=checks.search_text(args.get("q")),
            industry=args.get("industry") or "",
            town=args.get("town") or "",
            page=args["page"],
        )
    )
    return render.paged(result, _enterprise)


@bp.get("/enterprises/<int:enterprise_id>")
@bp.output(schemas.Enterprise)
@bp.doc(summary="A verified enterprise")
def enterprise_detail(enterprise_id: int):
    org = enterprises.get_public_enterprise(enterprise_id)
    return _enterprise((org, len(postings.open_postings_of(org.id))))


def _school(school, majors: int) -> dict[str, Any]:
    return {
        "id": school.id,
        "name": school.name,
        "town": school.town,
        "address": school.address,
        "school_kind": school.school_kind,
        "majors": majors,
    }


@bp.get("/schools")
@query_args(schemas.SchoolQuery)
@bp.output(schemas.SchoolList)
@bp.doc(summary="Verified schools")
def school_list(query):
    args = _query(schemas.SchoolQuery)
    result = directory.search_schools(
        directory.SchoolQuery(
            q=args.get("q") or "", kind=args.get("kind") or "", town=args.get("town") or "", page=args["page"]
        )
    )
    counts = directory.major_counts([s.id for s in result.items])
    return render.paged(result, lambda s: _school(s, counts.get(s.id, 0)))


@bp.get("/schools/<int:school_id>")
@bp.output(schemas.School)
@bp.doc(summary="A verified school")
def school_detail(school_id: int):
    profile = directory.school_profile(school_id)
    return _school(profile.school, len(profile.programs))


@bp.get("/majors")
@query_args(schemas.MajorQuery)
@bp.output(schemas.MajorList)
@bp.doc(summary="Majors offered", description="Published majors of verified schools.")
def major_list(query):
    args = _query(schemas.MajorQuery)
    result = directory.search_majors(
        directory.MajorQuery(
            q=args.get("q") or "",
            school_id=args.get("school"),
            town=args.get("town") or "",
            certificate=args.get("certificate") or "",
            page=args["page"],
        )
    )
    return render.paged(result, render.major)


@bp.get("/majors/<int:major_id>")
@bp.output(schemas.Major)
@bp.doc(summary="A published major")
def major_detail(major_id: int):
    return render.major(directory.get_public_major(major_id))


# --- named classes, internships -----------------------------------------------------------------


def _named_class(c) -> dict[str, Any]:
    program = c.cooperation.program
    return {
        "id": c.id,
        "name": c.name,
        "seats": c.seats,
        "opens_on": c.opens_on,
        "closes_on": c.closes_on,
        "school": render.org_ref(c.cooperation.school),
        "enterprise": render.org_ref(c.cooperation.enterprise),
        "major": program.name if program is not None else None,
    }


@bp.get("/named-classes")
@query_args(schemas.NamedClassQuery)
@bp.output(schemas.NamedClassList)
@bp.doc(summary="Named classes open for applications")
def named_class_list(query):
    args = _query(schemas.NamedClassQuery)
    result = named_classes.search_named_classes(
        named_classes.NamedClassQuery(
            q=checks.search_text(args.get("q")),
            industry=args.get("industry") or "",
            school_id=args.get("school"),
            major=checks.search_text(args.get("major")),
            page=args["page"],
        )
    )
    return render.paged(result, _named_class)


@bp.get("/internships")
@query_args(schemas.InternshipQuery)
@bp.output(schemas.InternshipList)
@bp.doc(summary="Internships open", description="Published internship postings still taking applications.")
def internship_list(query):
    args = _query(schemas.InternshipQuery)
    result = internships.open_postings(
        internships.ListingQuery(
            major=checks.search_text(args.get("major")),
            industry=args.get("industry") or "",
            town=args.get("town") or "",
            page=args["page"],
        )
    )
    return render.paged(result, render.posting)


# --- figures and the catalogue ------------------------------------------------------------------


@bp.get("/statistics")
@bp.output(schemas.Statistics)
@bp.doc(summary="Public statistics", description="The tables of /stats: organisations and counts only.")
def statistics():
    tables = statistics_service.public_tables()
    return render.plain(
        {
            "cooperations_by_industry": tables["industries"],
            "named_classes": tables["named_classes"],
            "pilot_partnerships": tables["pilots"],
        }
    )


@bp.get("/statistics/alignment")
@bp.output(schemas.Alignment)
@bp.doc(summary="Majors against industry demand", description="The figures of /stats/alignment.")
def statistics_alignment():
    return render.alignment(alignment.report())


@bp.get("/catalogue")
@query_args(schemas.CatalogueQuery)
@bp.output(schemas.Catalogue)
@bp.doc(summary="The national major catalogue", description="The majors a school may offer (2021 catalogue).")
def catalogue_list(query):
    args = _query(schemas.CatalogueQuery)
    q = (args.get("q") or "").strip()
    items = [
        {"code": e.code, "name": e.name, "category_code": e.category_code, "category": e.category}
        for e in catalogue.entries()
        if not q or q in e.name or q in e.code
    ]
    return {"items": items}
