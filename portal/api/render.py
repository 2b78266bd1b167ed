"""Records as the API shows them (plain dicts that the output schemas document)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from portal.partnerships.models import Proposal
from portal.postings.models import Posting
from portal.programs.models import Program


def plain(value: Any) -> Any:
    """Dates as ISO 8601 and lazy labels as text, all the way down."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def paged(result, item: Callable[[Any], Any]) -> dict[str, Any]:
    """A page of a search (`items`, `page`, `pages`, `total`), each item rendered by `item`."""
    return {
        "items": [item(x) for x in result.items],
        "page": result.page,
        "pages": max(1, result.pages),
        "total": result.total,
    }


def attributes(record, *names: str) -> dict[str, Any]:
    """{name: record.name} for the named attributes, as they are."""
    return {name: getattr(record, name) for name in names}


def org_ref(org) -> dict[str, Any]:
    return {"id": org.id, "name": org.name}


def posting(p: Posting, *, own: bool = False) -> dict[str, Any]:
    out = {
        "id": p.id,
        "kind": p.kind,
        "status": p.status,
        "title": p.title,
        "description": p.description,
        "skills": p.skill_list,
        "certificates": p.certificate_list,
        "headcount": p.headcount,
        "town": p.town,
        "start_date": p.start_date,
        "end_date": p.end_date,
        "deadline": p.deadline,
        "details": plain(p.details or {}),
        "enterprise": {
            "id": p.enterprise.id,
            "name": p.enterprise.name,
            "industry": p.enterprise.industry,
            "town": p.enterprise.town,
        },
        "published_at": p.published_at,
    }
    if own:
        out.update(attributes(p, "created_at", "updated_at", "closed_at", "takedown_reason"))
    return out


def major(m: Program, *, own: bool = False) -> dict[str, Any]:
    out = {
        **attributes(m, "id", "name", "code"),
        "school": org_ref(m.school),
        **attributes(
            m,
            *("intake_capacity", "enrolment", "description"),
            *("skills", "certificates", "facilities", "partner_college"),
        ),
    }
    if own:
        out["status"] = m.status
    return out


def proposal(p: Proposal) -> dict[str, Any]:
    return {
        "id": p.id,
        "status": p.status,
        "score": p.score,
        "origin": p.origin,
        "posting": {"id": p.posting.id, "name": p.posting.title},
        "major": {"id": p.program.id, "name": p.program.name},
        "school": org_ref(p.school),
        "enterprise": org_ref(p.enterprise),
        "cooperation_id": p.cooperation_id,
        "updated_at": p.updated_at,
    }


def teacher(t) -> dict[str, Any]:
    return attributes(
        t,
        *("id", "name", "subjects", "double_qualified", "subject_teacher"),
        *("dq_level", "dq_certified_on", "dq_certified_by", "degree", "employment", "open_to_practice"),
    )


def need(n) -> dict[str, Any]:
    return attributes(
        n, "id", "course", "skills", "hours", "term", "starts_on", "ends_on", "description", "status"
    )


def line(x) -> dict[str, Any]:
    return {
        "key": x.key,
        "label": str(x.label),
        "group": x.group,
        "school_level": x.school_level,  # a group, town or industry line's level (中职, 专科); "" on majors
        "town": x.town,  # a town line's town; "" on the others
        "district_wide": x.district_wide,  # the district pool's line (schools recruiting district-wide)
        "left_to_pool": x.left_to_pool,  # a town line: demand its own schools cannot take
        "pool_share": x.pool_share,  # a town line: its part of the pool's demand (0–1)
        "demand": x.demand,
        "postings": x.postings,
        "by_kind": dict(x.by_kind),
        "intake": x.intake,
        "enrolment": x.enrolment,
        "programs": x.programs,
        "gap": x.gap,
        "ratio": x.ratio,
        "level": getattr(x.level, "value", None) if x.level is not None else None,
    }


def alignment(a) -> dict[str, Any]:
    return {
        "year": a.year,
        "years": list(a.years),
        "shortage_above": a.thresholds.shortage_above,
        "surplus_below": a.thresholds.surplus_below,
        "groups": [line(x) for x in a.groups],
        "majors": [line(x) for x in a.majors],
        "district_pool": [line(x) for x in a.pools],
        "towns": [line(x) for x in a.towns],
        "industries": [line(x) for x in a.industries],
        "targets": [line(x) for x in a.targets],
    }


def figure(f) -> dict[str, Any]:
    return {
        "key": f.key,
        "label": str(f.label),
        **attributes(f, "value", "target", "unit", "detail", "from_input"),
    }
