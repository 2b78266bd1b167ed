"""What the API answers and accepts, as marshmallow schemas: the OpenAPI 3.1 spec is made from them.

Output schemas name every field a response carries (nullable ones say so); inputs use the strict
fields of `portal.api.inputs`, with the limits the services enforce, so the spec tells a client
what is well formed before it asks.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from portal.api import inputs
from portal.models.api import TokenScope
from portal.platform import vocab
from portal.platform.i18n import lazy_gettext as _l
from portal.postings import services as posting_rules
from portal.postings.models import PostingKind
from portal.programs import records as record_rules
from portal.programs import services as program_rules
from portal.programs.school_models import Degree, Employment, NeedStatus
from portal.rules import double_qualified as dq_rule

KINDS = [k.value for k in PostingKind]
TOWNS = list(vocab.TOWNS)
INDUSTRIES = list(vocab.INDUSTRIES)
ID_MAX = 2**31 - 1


def _id(**kwargs):
    return fields.Integer(validate=validate.Range(min=1, max=ID_MAX), **kwargs)


def _nullable_str(**kwargs):
    return fields.String(allow_none=True, **kwargs)


def _items(item: type[Schema]) -> fields.List:
    return fields.List(fields.Nested(item), required=True)


# The filters several searches share.
def _search() -> fields.Field:
    return inputs.text(_l("Search"), 100)


def _industry() -> fields.Field:
    return inputs.one_of(_l("Industry"), INDUSTRIES)


def _town() -> fields.Field:
    return inputs.one_of(_l("Town or street"), TOWNS)


def _school() -> fields.Field:
    return inputs.whole(_l("School"), 1, ID_MAX)


# --- shared -------------------------------------------------------------------------------------


class ProblemField(Schema):
    field = fields.String(
        required=True, metadata={"description": "The field (or header) concerned; empty: the request."}
    )
    message = fields.String(required=True)


class Problem(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(ProblemField))


class Paged(Schema):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)


class PageQuery(inputs.Input):
    page = inputs.whole(_l("Page"), 1, 10_000, load_default=1)


class OrgRef(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


# --- postings -----------------------------------------------------------------------------------


class EnterpriseRef(OrgRef):
    industry = _nullable_str(required=True)
    town = fields.String(required=True)


class Posting(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    status = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    skills = fields.List(fields.String(), required=True)
    certificates = fields.List(fields.String(), required=True)
    headcount = fields.Integer(required=True)
    town = fields.String(required=True)
    start_date = fields.Date(allow_none=True, required=True)
    end_date = fields.Date(allow_none=True, required=True)
    deadline = fields.Date(required=True)
    details = fields.Dict(
        required=True, metadata={"description": "The kind's own fields (see the site's form)."}
    )
    enterprise = fields.Nested(EnterpriseRef, required=True)
    published_at = fields.DateTime(allow_none=True, required=True)


class OwnPosting(Posting):
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True, required=True)
    takedown_reason = _nullable_str(required=True)


class PostingList(Schema):
    items = _items(Posting)
    next_cursor = _nullable_str(
        required=True, metadata={"description": "Pass as `cursor` for the next page; null on the last."}
    )


class OwnPostingList(Paged):
    items = _items(OwnPosting)


class PostingQuery(inputs.Input):
    q = inputs.text(_l("Search"), 100, metadata={"description": "Words that must all appear."})
    kind = inputs.one_of(_l("Kind"), KINDS)
    industry = _industry()
    town = _town()
    major = inputs.text(
        _l("Major"),
        80,
        metadata={"description": "A national-catalogue major (code or name) the posting prepares for."},
    )
    cert = inputs.text(_l("Certificate"), 60)
    enterprise = inputs.whole(_l("Enterprise"), 1, ID_MAX)
    sort = inputs.one_of(_l("Sort"), posting_rules.SORTS, load_default="newest")
    limit = inputs.whole(_l("Per page"), 1, 100, load_default=20)
    cursor = inputs.text(_l("Cursor"), 200, metadata={"description": "`next_cursor` of the previous page."})


class PostingIn(inputs.Input):
    """A posting as HR fill it in; `details` holds the kind's own fields (as on the site's form)."""

    title = inputs.text(_l("Title"), posting_rules.TITLE_MAX, required=True)
    description = inputs.text(_l("Description"), posting_rules.DESCRIPTION_MAX)
    skills = inputs.text(
        _l("Skills"), posting_rules.LIST_MAX, metadata={"description": "Separated by commas or 、"}
    )
    certificates = inputs.text(_l("1+X certificates wanted"), posting_rules.LIST_MAX)
    headcount = inputs.whole(_l("Headcount"), 1, posting_rules.MAX_HEADCOUNT, required=True)
    town = inputs.one_of(_l("Town or street"), TOWNS, required=True)
    start_date = inputs.StrictDate(allow_none=True, metadata={"label": _l("Start date")})
    end_date = inputs.StrictDate(allow_none=True, metadata={"label": _l("End date")})
    deadline = inputs.StrictDate(required=True, metadata={"label": _l("Application deadline")})
    details = fields.Dict(load_default=dict, metadata={"label": _l("Details")})


class NewPostingIn(PostingIn):
    kind = inputs.one_of(_l("Kind"), KINDS, required=True)


# --- organisations and majors -------------------------------------------------------------------


class Enterprise(EnterpriseRef):
    address = fields.String(required=True)
    size = _nullable_str(required=True)
    open_postings = fields.Integer(required=True)


class EnterpriseList(Paged):
    items = _items(Enterprise)


class EnterpriseQuery(PageQuery):
    q = _search()
    industry = _industry()
    town = _town()


class School(OrgRef):
    town = fields.String(required=True)
    address = fields.String(required=True)
    school_kind = _nullable_str(required=True)
    majors = fields.Integer(required=True)


class SchoolList(Paged):
    items = _items(School)


class SchoolQuery(PageQuery):
    q = _search()
    kind = inputs.one_of(_l("Kind"), list(vocab.SCHOOL_KINDS))
    town = _town()


class Major(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    code = _nullable_str(required=True)
    school = fields.Nested(OrgRef, required=True)
    intake_capacity = fields.Integer(required=True)
    enrolment = fields.Integer(required=True)
    description = fields.String(required=True)
    skills = fields.String(required=True)
    certificates = fields.String(required=True)
    facilities = fields.String(required=True)
    partner_college = fields.String(required=True)


class OwnMajor(Major):
    status = fields.String(required=True)


class MajorList(Paged):
    items = _items(Major)


class OwnMajorList(Schema):
    items = _items(OwnMajor)


class MajorQuery(PageQuery):
    q = _search()
    school = _school()
    town = _town()
    certificate = inputs.text(_l("Certificate"), 100)


class MajorIn(inputs.Input):
    name = inputs.text(_l("Name"), program_rules.NAME_MAX, required=True)
    code = inputs.text(_l("Code"), program_rules.CODE_MAX, allow_none=True)
    intake_capacity = inputs.whole(_l("Intake"), 0, program_rules.MAX_INTAKE, load_default=0)
    enrolment = inputs.whole(_l("Enrolment"), 0, program_rules.MAX_ENROLMENT, load_default=0)
    description = inputs.text(_l("Description"), program_rules.LONG_TEXT_MAX, load_default="")
    skills = inputs.text(_l("Skills"), program_rules.LIST_TEXT_MAX, load_default="")
    certificates = inputs.text(_l("Certificates"), program_rules.LIST_TEXT_MAX, load_default="")
    facilities = inputs.text(_l("Facilities"), program_rules.LONG_TEXT_MAX, load_default="")
    partner_college = inputs.text(_l("Partner college"), program_rules.PARTNER_MAX, load_default="")


# --- named classes, internships -----------------------------------------------------------------


class NamedClass(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    seats = fields.Integer(required=True)
    opens_on = fields.Date(allow_none=True, required=True)
    closes_on = fields.Date(allow_none=True, required=True)
    school = fields.Nested(OrgRef, required=True)
    enterprise = fields.Nested(OrgRef, required=True)
    major = _nullable_str(required=True)


class NamedClassList(Paged):
    items = _items(NamedClass)


class NamedClassQuery(PageQuery):
    q = _search()
    industry = _industry()
    school = _school()
    major = inputs.text(_l("Major"), 80)


class InternshipList(Paged):
    items = _items(Posting)


class InternshipQuery(PageQuery):
    major = inputs.text(_l("Major"), 80)
    industry = _industry()
    town = _town()


# --- statistics, catalogue ----------------------------------------------------------------------


class Statistics(Schema):
    cooperations_by_industry = fields.List(fields.Dict(), required=True)
    named_classes = fields.List(fields.Dict(), required=True)
    pilot_partnerships = fields.List(fields.Dict(), required=True)


class AlignmentLine(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    group = fields.String(required=True)
    school_level = fields.String(required=True)
    town = fields.String(required=True)
    district_wide = fields.Boolean(required=True)
    left_to_pool = fields.Integer(required=True)
    pool_share = fields.Float(allow_none=True, required=True)
    demand = fields.Integer(required=True)
    postings = fields.Integer(required=True)
    by_kind = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    intake = fields.Integer(required=True)
    enrolment = fields.Integer(required=True)
    programs = fields.Integer(required=True)
    gap = fields.Integer(required=True)
    ratio = fields.Float(allow_none=True, required=True)
    level = _nullable_str(required=True)


class Alignment(Schema):
    year = fields.Integer(required=True)
    years = fields.List(fields.Integer(), required=True)
    shortage_above = fields.Float(required=True)
    surplus_below = fields.Float(required=True)
    groups = _items(AlignmentLine)
    majors = _items(AlignmentLine)
    district_pool = _items(AlignmentLine)
    towns = _items(AlignmentLine)
    industries = _items(AlignmentLine)
    targets = _items(AlignmentLine)


class CatalogueEntry(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    category_code = fields.String(required=True)
    category = fields.String(required=True)


class Catalogue(Schema):
    items = _items(CatalogueEntry)


class CatalogueQuery(inputs.Input):
    q = inputs.text(_l("Search"), 100, metadata={"description": "Part of a name or code."})


# --- an organisation's own records --------------------------------------------------------------


class Token(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    scope = fields.String(required=True, validate=validate.OneOf([s.value for s in TokenScope]))
    role = fields.String(required=True)
    organisation = fields.Nested(OrgRef, allow_none=True, required=True)
    expires_at = fields.DateTime(required=True)


class Proposal(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    score = fields.Float(required=True)
    origin = fields.String(required=True)
    posting = fields.Nested(OrgRef, required=True, metadata={"description": "id and title"})
    major = fields.Nested(OrgRef, required=True)
    school = fields.Nested(OrgRef, required=True)
    enterprise = fields.Nested(OrgRef, required=True)
    cooperation_id = fields.Integer(allow_none=True, required=True)
    updated_at = fields.DateTime(required=True)


class ProposalList(Paged):
    items = _items(Proposal)


class Teacher(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    subjects = fields.String(required=True)
    double_qualified = fields.Boolean(required=True)
    subject_teacher = fields.Boolean(
        required=True, metadata={"description": "Teaches subject courses or practice (专业课/实习指导)"}
    )
    dq_level = fields.String(
        allow_none=True,
        required=True,
        metadata={
            "description": "双师型 level under 教师厅〔2022〕2号: unknown, junior, intermediate, senior"
        },
    )
    dq_certified_on = fields.Date(allow_none=True, required=True)
    dq_certified_by = fields.String(
        allow_none=True, required=True, metadata={"description": "school or provincial"}
    )
    degree = fields.String(required=True)
    employment = fields.String(required=True)
    open_to_practice = fields.Boolean(required=True)


class TeacherList(Schema):
    items = _items(Teacher)


class TeacherIn(inputs.Input):
    name = inputs.text(_l("Name"), record_rules.NAME_MAX, required=True)
    subjects = inputs.text(_l("Subjects"), record_rules.SUBJECTS_MAX, load_default="")
    double_qualified = inputs.StrictBool(load_default=False, metadata={"label": _l("Double-qualified")})
    subject_teacher = inputs.StrictBool(load_default=True, metadata={"label": _l("Teaches")})
    # The 2022 standard's certification; when dq_level is given it decides, not double_qualified.
    dq_level = inputs.one_of(_l("Double-qualified (双师型) level"), ["", *dq_rule.LEVELS], load_default=None)
    dq_certified_on = inputs.StrictDate(load_default=None, metadata={"label": _l("Certified on")})
    dq_certified_by = inputs.one_of(_l("Certified by"), ["", *dq_rule.BODIES], load_default="")
    dq_note = inputs.text(_l("Note on the certification"), 300, load_default="")
    degree = inputs.one_of(_l("Degree"), [d.value for d in Degree], load_default=Degree.BACHELOR.value)
    employment = inputs.one_of(
        _l("Employment"), [e.value for e in Employment], load_default=Employment.FULL_TIME.value
    )
    open_to_practice = inputs.StrictBool(load_default=False, metadata={"label": _l("Open to practice")})


class TeachingNeed(Schema):
    id = fields.Integer(required=True)
    course = fields.String(required=True)
    skills = fields.String(required=True)
    hours = fields.Integer(required=True)
    term = fields.String(required=True)
    starts_on = fields.Date(allow_none=True, required=True)
    ends_on = fields.Date(allow_none=True, required=True)
    description = fields.String(required=True)
    status = fields.String(required=True)


class TeachingNeedList(Schema):
    items = _items(TeachingNeed)


class TeachingNeedIn(inputs.Input):
    course = inputs.text(_l("Course"), record_rules.TITLE_MAX, required=True)
    hours = inputs.whole(_l("Hours"), 1, record_rules.MAX_HOURS, required=True)
    skills = inputs.text(_l("Skills"), record_rules.SKILLS_MAX, load_default="")
    term = inputs.text(_l("Term"), record_rules.TERM_MAX, load_default="")
    starts_on = inputs.StrictDate(allow_none=True, load_default=None, metadata={"label": _l("Starts on")})
    ends_on = inputs.StrictDate(allow_none=True, load_default=None, metadata={"label": _l("Ends on")})
    description = inputs.text(_l("Description"), record_rules.TEXT_MAX, load_default="")


class NeedStatusIn(inputs.Input):
    status = inputs.one_of(_l("Status"), [s.value for s in NeedStatus], required=True)


class Applicant(Schema):
    application_id = fields.Integer(required=True)
    status = fields.String(required=True)
    student_name = fields.String(required=True)
    major = _nullable_str(required=True)
    submitted_at = fields.DateTime(allow_none=True, required=True)


class ApplicantList(Schema):
    named_class = fields.Nested(OrgRef, required=True)
    items = _items(Applicant)


class Placement(Schema):
    id = fields.Integer(required=True)
    status = fields.String(required=True)
    student_name = fields.String(required=True)
    posting = fields.Nested(OrgRef, required=True)
    enterprise = fields.Nested(OrgRef, required=True)
    applied_at = fields.DateTime(allow_none=True, required=True)


class PlacementList(Schema):
    items = _items(Placement)


class Figure(Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(allow_none=True, required=True)
    target = fields.Float(allow_none=True, required=True)
    unit = fields.String(required=True)
    detail = fields.String(required=True)
    from_input = fields.Boolean(required=True)


class BreakdownTable(Schema):
    rows = fields.List(fields.Dict(), required=True)


class Dashboard(Schema):
    figures = _items(Figure)
    by_school = fields.List(fields.Dict(), required=True)
    by_industry = fields.List(fields.Dict(), required=True)
    by_town = fields.List(fields.Dict(), required=True)


class YearlyReport(Dashboard):
    alignment = fields.Nested(Alignment, required=True)
    trend_periods = fields.List(fields.String(), required=True)
