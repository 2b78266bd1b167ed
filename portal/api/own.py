"""Operations with a token: an organisation's own records, as its members keep them on the site.

The token's member is the actor of every service call, so the services' ownership checks decide
what a token reaches: another organisation's id is a 404, exactly like a missing one.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import request

from portal.accounts.models import Role
from portal.api import render, schemas
from portal.api.blueprints import bp, json_body, query_args
from portal.api.inputs import load, require_valid
from portal.api.web import actor, current_token, requires, write
from portal.internships import services as internships
from portal.named_classes import services as named_classes
from portal.partnerships import services as proposals
from portal.planning import alignment
from portal.platform.errors import ServiceError
from portal.platform.i18n import lazy_gettext as _l
from portal.postings import services as postings
from portal.postings.models import DETAIL_FIELDS
from portal.postings.services import PostingInput
from portal.programs import records as school_records
from portal.programs import services as programs
from portal.statistics import services as statistics

ENTERPRISE = Role.ENTERPRISE_HR
SCHOOL = Role.SCHOOL_STAFF
ADMIN = Role.ADMIN
SECURED = {"security": "bearer"}
IDEMPOTENT = (
    "Send an `Idempotency-Key` header (1 to 200 visible ASCII characters, no spaces): a repeat with the "
    "same key returns the first answer and changes nothing."
)


def _links(param: str, **operations: str) -> dict[str, dict]:
    """OpenAPI links from a created record to what can be done with it next (stateful tests follow them)."""
    return {
        name: {"operationId": operation_id, "parameters": {param: "$response.body#/id"}}
        for name, operation_id in operations.items()
    }


POSTING_LINKS = _links(
    "posting_id",
    GetPosting="get_api_own_posting",
    UpdatePosting="put_api_update_posting",
    PublishPosting="post_api_publish_posting",
    ClosePosting="post_api_close_posting",
    PostingProposals="get_api_posting_proposals",
)
MAJOR_LINKS = _links(
    "major_id",
    GetMajor="get_api_own_major",
    UpdateMajor="put_api_update_major",
    PublishMajor="post_api_publish_major",
    CloseMajor="post_api_close_major",
    MajorProposals="get_api_major_proposals",
)
TEACHER_LINKS = _links(
    "teacher_id", UpdateTeacher="put_api_update_teacher", RemoveTeacher="delete_api_remove_teacher"
)
NEED_LINKS = _links("need_id", UpdateNeed="put_api_update_need", SetNeedStatus="post_api_set_need_status")


def _body() -> Any:
    return request.get_json(silent=True) if request.data else {}


def _record_write(schema, fields, call, shown, *, status: int = 200):
    """A school record written from the body: `fields` turns what parsed into the service's arguments."""
    values, problems = load(schema(), _body())
    return write(lambda: call(**fields(values)), shown, problems=problems, status=status)


@bp.get("/me")
@requires(ENTERPRISE, SCHOOL, ADMIN)
@bp.output(schemas.Token)
@bp.doc(summary="The token in use", tags=["Token"], **SECURED)
def me():
    token = current_token()
    assert token is not None
    org = token.user.organisation
    return {
        "id": token.id,
        "name": token.name,
        "scope": token.scope,
        "role": token.user.role,
        "organisation": render.org_ref(org) if org is not None else None,
        "expires_at": token.expires_at,
    }


# --- enterprise: postings and their proposals ---------------------------------------------------


def _detail_problems(kind: str | None, details: Any) -> list[dict[str, Any]]:
    """Type problems of `details` (the service judges the values, with the form's messages)."""
    if kind not in DETAIL_FIELDS or not isinstance(details, dict):
        return []
    found = []

    def wrong(spec, value) -> bool:
        if value is None:
            return False
        if spec.type == "int":
            return isinstance(value, bool) or not isinstance(value, int)
        if spec.type in ("text", "longtext", "choice"):
            return not isinstance(value, str)
        if spec.type == "bool":
            return not isinstance(value, bool)
        if spec.type == "choices":
            return not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        if spec.type == "people":
            return not isinstance(value, list) or any(
                not isinstance(row, dict) or any(wrong(sub, row.get(sub.key)) for sub in spec.person)
                for row in value
            )
        return False

    for spec in DETAIL_FIELDS[kind]:
        if wrong(spec, details.get(spec.key)):
            message = {
                "int": _l("%(field)s must be a whole number.", field=spec.label),
                "bool": _l("%(field)s: true or false.", field=spec.label),
                "choices": _l("%(field)s: a list.", field=spec.label),
                "people": _l("%(field)s: a list.", field=spec.label),
            }.get(spec.type, _l("%(field)s: please enter text.", field=spec.label))
            found.append({"field": f"details.{spec.key}", "message": message})
    return found


def _posting_input(values: dict[str, Any], bad: set[str]) -> PostingInput:
    details = values.get("details") or {}
    # A detail of the wrong type is left out: its type problem is reported instead.
    return PostingInput.parsed(values, {k: v for k, v in details.items() if f"details.{k}" not in bad})


def _details_named(call):
    """The service names a detail by its key; the API by `details.<key>`."""

    def run():
        try:
            return call()
        except ServiceError as exc:
            keys = {spec.key for specs in DETAIL_FIELDS.values() for spec in specs}
            for problem in getattr(exc, "problems", None) or [exc]:
                if problem.field in keys:
                    problem.field = f"details.{problem.field}"
            raise

    return run


def _posting_write(schema, call, *, kind: str | None, status: int = 200):
    values, problems = load(schema, _body())
    kind = values.get("kind", kind)
    problems += _detail_problems(kind, values.get("details"))
    data = _posting_input(values, {p["field"] for p in problems})
    return write(
        _details_named(lambda: call(kind, data)),
        lambda p: render.posting(p, own=True),
        problems=problems,
        status=status,
    )


@bp.get("/enterprise/postings")
@requires(ENTERPRISE)
@query_args(schemas.PageQuery)
@bp.output(schemas.OwnPostingList)
@bp.doc(
    summary="Our postings",
    description="Every posting of the token's enterprise, newest change first.",
    tags=["Enterprise"],
    **SECURED,
)
def own_postings(query):
    args = require_valid(schemas.PageQuery(), request.args)
    page = postings.own_postings_page(actor(), args["page"])
    return render.paged(page, lambda p: render.posting(p, own=True))


@bp.post("/enterprise/postings")
@requires(ENTERPRISE, write=True)
@json_body(schemas.NewPostingIn)
@bp.output(schemas.OwnPosting, status_code=201, links=POSTING_LINKS)
@bp.doc(summary="Post a demand (as a draft)", description=IDEMPOTENT, tags=["Enterprise"], **SECURED)
def create_posting(body):
    user = actor()
    return _posting_write(
        schemas.NewPostingIn(),
        lambda kind, data: postings.create_posting(user.organisation, kind or "", data),
        kind=None,
        status=201,
    )


@bp.get("/enterprise/postings/<int:posting_id>")
@requires(ENTERPRISE)
@bp.output(schemas.OwnPosting)
@bp.doc(summary="One of our postings", tags=["Enterprise"], **SECURED)
def own_posting(posting_id: int):
    return render.posting(postings.get_own_posting(actor(), posting_id), own=True)


@bp.put("/enterprise/postings/<int:posting_id>")
@requires(ENTERPRISE, write=True)
@json_body(schemas.PostingIn)
@bp.output(schemas.OwnPosting)
@bp.doc(
    summary="Change one of our postings",
    description="Every field, as the edit form sends them (a draft or a published posting). " + IDEMPOTENT,
    tags=["Enterprise"],
    **SECURED,
)
def update_posting(posting_id: int, body):
    user = actor()
    kind = postings.get_own_posting(user, posting_id).kind
    return _posting_write(
        schemas.PostingIn(), lambda _kind, data: postings.update_posting(user, posting_id, data), kind=kind
    )


@bp.post("/enterprise/postings/<int:posting_id>/publish")
@requires(ENTERPRISE, write=True)
@bp.output(schemas.OwnPosting)
@bp.doc(
    summary="Publish a draft",
    description="Only a verified enterprise publishes. " + IDEMPOTENT,
    tags=["Enterprise"],
    **SECURED,
)
def publish_posting(posting_id: int):
    user = actor()
    return write(lambda: postings.publish_posting(user, posting_id), lambda p: render.posting(p, own=True))


@bp.post("/enterprise/postings/<int:posting_id>/close")
@requires(ENTERPRISE, write=True)
@bp.output(schemas.OwnPosting)
@bp.doc(summary="Close a posting (for good)", description=IDEMPOTENT, tags=["Enterprise"], **SECURED)
def close_posting(posting_id: int):
    user = actor()
    return write(lambda: postings.close_posting(user, posting_id), lambda p: render.posting(p, own=True))


@bp.get("/enterprise/postings/<int:posting_id>/proposals")
@requires(ENTERPRISE)
@query_args(schemas.PageQuery)
@bp.output(schemas.ProposalList)
@bp.doc(summary="The majors proposed for one of our postings", tags=["Enterprise"], **SECURED)
def posting_proposals(posting_id: int, query):
    args = require_valid(schemas.PageQuery(), request.args)
    _owner, page = proposals.proposals_of(actor(), posting_id, args["page"])
    return render.paged(page, render.proposal)


# --- school: majors, teachers, teaching needs, proposals, applicants, placements ----------------


def _major_write(call, *, status: int = 200):
    values, problems = load(schemas.MajorIn(), _body())
    fields = {k: values.get(k, schemas.MajorIn().fields[k].load_default) for k in schemas.MajorIn().fields}
    fields["name"] = values.get("name") or ""
    return write(lambda: call(fields), lambda m: render.major(m, own=True), problems=problems, status=status)


@bp.get("/school/majors")
@requires(SCHOOL)
@bp.output(schemas.OwnMajorList)
@bp.doc(summary="Our majors", tags=["School"], **SECURED)
def own_majors():
    return {
        "items": [render.major(m, own=True) for m in programs.programs_of_school(actor().organisation_id)]
    }


@bp.post("/school/majors")
@requires(SCHOOL, write=True)
@json_body(schemas.MajorIn)
@bp.output(schemas.OwnMajor, status_code=201, links=MAJOR_LINKS)
@bp.doc(
    summary="Add a major (as a draft)",
    description="Its name from the national catalogue. " + IDEMPOTENT,
    tags=["School"],
    **SECURED,
)
def create_major(body):
    user = actor()
    return _major_write(lambda f: programs.create_program(user.organisation, **f), status=201)


@bp.get("/school/majors/<int:major_id>")
@requires(SCHOOL)
@bp.output(schemas.OwnMajor)
@bp.doc(summary="One of our majors", tags=["School"], **SECURED)
def own_major(major_id: int):
    return render.major(programs.get_own_program(actor(), major_id), own=True)


@bp.put("/school/majors/<int:major_id>")
@requires(SCHOOL, write=True)
@json_body(schemas.MajorIn)
@bp.output(schemas.OwnMajor)
@bp.doc(summary="Change one of our majors", description=IDEMPOTENT, tags=["School"], **SECURED)
def update_major(major_id: int, body):
    user = actor()
    programs.get_own_program(user, major_id)
    return _major_write(lambda f: programs.update_program(user, major_id, **f))


@bp.post("/school/majors/<int:major_id>/publish")
@requires(SCHOOL, write=True)
@bp.output(schemas.OwnMajor)
@bp.doc(
    summary="Publish a major",
    description="Only a verified school publishes. " + IDEMPOTENT,
    tags=["School"],
    **SECURED,
)
def publish_major(major_id: int):
    user = actor()
    return write(
        lambda: programs.publish_program(programs.get_own_program(user, major_id), user),
        lambda m: render.major(m, own=True),
    )


@bp.post("/school/majors/<int:major_id>/close")
@requires(SCHOOL, write=True)
@bp.output(schemas.OwnMajor)
@bp.doc(summary="Close a major", description=IDEMPOTENT, tags=["School"], **SECURED)
def close_major(major_id: int):
    user = actor()
    return write(
        lambda: programs.close_program(programs.get_own_program(user, major_id), user),
        lambda m: render.major(m, own=True),
    )


@bp.get("/school/majors/<int:major_id>/proposals")
@requires(SCHOOL)
@query_args(schemas.PageQuery)
@bp.output(schemas.ProposalList)
@bp.doc(summary="The demand proposed for one of our majors", tags=["School"], **SECURED)
def major_proposals(major_id: int, query):
    args = require_valid(schemas.PageQuery(), request.args)
    _owner, page = proposals.proposals_of(actor(), major_id, args["page"])
    return render.paged(page, render.proposal)


def _teacher_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The service's arguments: a dq_level given makes the 2022 certification (the service checks it
    as the form's); without one, the yes/no double_qualified of earlier clients still works."""
    defaults = {k: f.load_default for k, f in schemas.TeacherIn().fields.items()}
    fields_ = {**defaults, **values, "name": values.get("name") or ""}
    level = fields_.pop("dq_level")
    certification = school_records.Certification(
        level=level or "",
        certified_on=fields_.pop("dq_certified_on"),
        certified_by=fields_.pop("dq_certified_by") or "",
        note=fields_.pop("dq_note") or "",
    )
    if level is not None:
        fields_["certification"] = certification
    return fields_


@bp.get("/school/teachers")
@requires(SCHOOL)
@bp.output(schemas.TeacherList)
@bp.doc(summary="Our teachers", tags=["School"], **SECURED)
def own_teachers():
    return {"items": [render.teacher(t) for t in school_records.teachers_of_school(actor().organisation_id)]}


@bp.post("/school/teachers")
@requires(SCHOOL, write=True)
@json_body(schemas.TeacherIn)
@bp.output(schemas.Teacher, status_code=201, links=TEACHER_LINKS)
@bp.doc(summary="Add a teacher", description=IDEMPOTENT, tags=["School"], **SECURED)
def create_teacher(body):
    create = functools.partial(school_records.create_teacher, actor().organisation)
    return _record_write(schemas.TeacherIn, _teacher_fields, create, render.teacher, status=201)


@bp.put("/school/teachers/<int:teacher_id>")
@requires(SCHOOL, write=True)
@json_body(schemas.TeacherIn)
@bp.output(schemas.Teacher)
@bp.doc(summary="Change a teacher", description=IDEMPOTENT, tags=["School"], **SECURED)
def update_teacher(teacher_id: int, body):
    user = actor()
    school_records.get_own_teacher(user, teacher_id)
    update = functools.partial(school_records.update_teacher, user, teacher_id)
    return _record_write(schemas.TeacherIn, _teacher_fields, update, render.teacher)


@bp.delete("/school/teachers/<int:teacher_id>")
@requires(SCHOOL, write=True)
@bp.output(schemas.Teacher)
@bp.doc(summary="Remove a teacher who left", description=IDEMPOTENT, tags=["School"], **SECURED)
def remove_teacher(teacher_id: int):
    user = actor()
    shown = render.teacher(school_records.get_own_teacher(user, teacher_id))
    return write(lambda: school_records.remove_teacher(user, teacher_id), lambda _none: shown)


def _need_fields(values: dict[str, Any]) -> dict[str, Any]:
    defaults = {k: f.load_default for k, f in schemas.TeachingNeedIn().fields.items()}
    return {**defaults, **values, "course": values.get("course") or "", "hours": values.get("hours")}


@bp.get("/school/teaching-needs")
@requires(SCHOOL)
@bp.output(schemas.TeachingNeedList)
@bp.doc(summary="Our teaching needs", tags=["School"], **SECURED)
def own_needs():
    return {"items": [render.need(n) for n in school_records.needs_of_school(actor().organisation_id)]}


@bp.post("/school/teaching-needs")
@requires(SCHOOL, write=True)
@json_body(schemas.TeachingNeedIn)
@bp.output(schemas.TeachingNeed, status_code=201, links=NEED_LINKS)
@bp.doc(summary="Add a teaching need", description=IDEMPOTENT, tags=["School"], **SECURED)
def create_need(body):
    create = functools.partial(school_records.create_need, actor().organisation)
    return _record_write(schemas.TeachingNeedIn, _need_fields, create, render.need, status=201)


@bp.put("/school/teaching-needs/<int:need_id>")
@requires(SCHOOL, write=True)
@json_body(schemas.TeachingNeedIn)
@bp.output(schemas.TeachingNeed)
@bp.doc(summary="Change a teaching need", description=IDEMPOTENT, tags=["School"], **SECURED)
def update_need(need_id: int, body):
    user = actor()
    school_records.get_own_need(user, need_id)
    update = functools.partial(school_records.update_need, user, need_id)
    return _record_write(schemas.TeachingNeedIn, _need_fields, update, render.need)


@bp.post("/school/teaching-needs/<int:need_id>/status")
@requires(SCHOOL, write=True)
@json_body(schemas.NeedStatusIn)
@bp.output(schemas.TeachingNeed)
@bp.doc(
    summary="Mark a teaching need filled, closed or open again",
    description="As the site's buttons do (filled or closed from open, open again from either). "
    + IDEMPOTENT,
    tags=["School"],
    **SECURED,
)
def set_need_status(need_id: int, body):
    user = actor()
    school_records.get_own_need(user, need_id)
    values, problems = load(schemas.NeedStatusIn(), _body())
    return write(
        lambda: school_records.set_need_status(user, need_id, values.get("status") or ""),
        render.need,
        problems=problems,
    )


@bp.get("/school/named-classes/<int:class_id>/applicants")
@requires(SCHOOL)
@bp.output(schemas.ApplicantList)
@bp.doc(summary="Applicants to one of our named classes", tags=["School"], **SECURED)
def class_applicants(class_id: int):
    named_class, applications = named_classes.applications_of_class(actor(), class_id)
    return {
        "named_class": render.org_ref(named_class),
        "items": [
            {
                "application_id": a.id,
                "status": a.status,
                "student_name": a.student.name,
                "major": a.student.program.name if a.student.program is not None else None,
                "submitted_at": a.submitted_at,
            }
            for a in applications
        ],
    }


@bp.get("/school/placements")
@requires(SCHOOL)
@bp.output(schemas.PlacementList)
@bp.doc(summary="Our students' internship placements", tags=["School"], **SECURED)
def school_placements():
    return {
        "items": [
            {
                "id": p.id,
                "status": p.status,
                "student_name": p.student.name,
                "posting": {"id": p.posting.id, "name": p.posting.title},
                "enterprise": render.org_ref(p.enterprise),
                "applied_at": p.applied_at,
            }
            for p in internships.placements_of(actor())
        ]
    }


# --- district: the dashboard and the yearly report ----------------------------------------------


def _dashboard(figures) -> dict[str, Any]:
    tables = statistics.breakdowns()
    return {
        "figures": [render.figure(f) for f in figures],
        "by_school": render.plain(tables.schools.rows),
        "by_industry": render.plain(tables.industries.rows),
        "by_town": render.plain(tables.towns.rows),
    }


@bp.get("/district/dashboard")
@requires(ADMIN)
@bp.output(schemas.Dashboard)
@bp.doc(
    summary="The plan's targets and their breakdowns",
    description="What /admin/dashboard shows.",
    tags=["District"],
    **SECURED,
)
def district_dashboard():
    return _dashboard(statistics.district_figures())


@bp.get("/district/yearly-report")
@requires(ADMIN)
@bp.output(schemas.YearlyReport)
@bp.doc(
    summary="The yearly report's figures",
    description="What /admin/dashboard/report shows.",
    tags=["District"],
    **SECURED,
)
def district_yearly_report():
    figures = statistics.district_figures()
    periods, _rows = statistics.trend(figures)
    return {
        **_dashboard(figures),
        "alignment": render.alignment(alignment.report()),
        "trend_periods": [str(p) for p in periods],
    }
