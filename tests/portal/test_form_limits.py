"""Every text a form takes lands in a column that holds it (issue 22.3: a teacher certificate's name
of 41–120 characters, allowed by the form, gave a 500 further down).

LANDS_IN says, for each text field of each form, the column it is stored in (or None: a password is
hashed, a search or a reason-to-notify is not stored as typed). The property: every text field has a
limit the browser enforces (maxlength or a Length validator), and a field stored in VARCHAR(n) a limit
of at most n, so the page never allows what the database cannot hold. A new form or field fails
here until it says where it lands.
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length

import portal
from portal.extensions import db

LANDS_IN: dict[str, dict[str, str | None]] = {
    # --- issue 28 (portal/training/forms.py)
    "TraineeSignUpForm": {"name": "trainee.name", "phone": "trainee.phone"},
    "TrainingRunForm": {"venue_note": "training_run.venue_note"},
    "AttendanceForm": {},
    "CompletionForm": {"certificate_name": "trainee.certificate_name"},
    "CentreForm": {
        "name": "community_centre.name",
        "address": "community_centre.address",
        "contact": "community_centre.contact",
    },
    "TrainingBaseForm": {
        "name": "training_base.name",
        "opening_hours": "training_base.opening_hours",
        "rooms": "training_base.rooms",
        "equipment": "training_base.equipment",
        "rules": "training_base.rules",
    },
    "BookingForm": {"purpose": "base_booking.purpose"},
    # --- end issue 28
    "ThresholdForm": {"shortage_above": None, "surplus_below": None},  # parsed as numbers
    "TokenForm": {"name": "api_token.name"},
    "WebhookForm": {"url": "webhook.url"},
    # Messaging (issue 30): a number is parsed into E.164 and a code compared with its hash.
    "PhoneForm": {"phone": None},
    "CodeForm": {"code": None},
    "ResetForm": {"code": None, "password": None, "confirm": None},
    "ChannelsForm": {},
    "RobotForm": {"url": "wecom_robot.url"},
    "InputForm": {"source": "district_input.source"},
    "LabourFigureForm": {
        "occupation": "labour_market_figure.occupation",
        "source": "labour_market_figure.source",
    },
    "PlaceForm": {
        "site": "apprentice_place.site",
        "mentor_name": "apprentice_place.mentor_name",
        "mentor_skills": "apprentice_place.mentor_skills",
        "description": "apprentice_place.description",
    },
    "ProgrammeForm": {
        "name": "apprenticeship_programme.name",
        "description": "apprenticeship_programme.description",
    },
    "AccountForm": {"name": "user.name", "email": "user.email", "password": None, "confirm": None},
    "ChangePasswordForm": {"current_password": None, "password": None, "confirm": None},
    "EnterpriseRegistrationForm": {
        "org_name": "organisation.name",
        "credit_code": "organisation.credit_code",
        "address": "organisation.address",
        "contact_person": "organisation.contact_person",
        "phone": "organisation.phone",
    },
    "SchoolRegistrationForm": {"org_name": "organisation.name", "address": "organisation.address"},
    "JoinForm": {},
    "StudentRegistrationForm": {"phone": None},  # parsed into phone_number.e164
    "LoginForm": {"email": None, "password": None},
    "PracticePostForm": {
        "title": "practice_post.title",
        "description": "practice_post.description",
        "skills": "practice_post.skills",
    },
    "PostingBaseForm": {
        "title": "posting.title",
        "description": "posting.description",
        "skills": "posting.skills",
        "certificates": "posting.certificates",
    },
    "PilotApplicationForm": {"statement": "pilot_enterprise_application.statement"},
    "SuggestionForm": {"reason": None},  # a note for the other side, sent as a notification
    "ReasonForm": {"reason": None},  # checks.reason: REASON_MAX, stored in Text columns
    "ApplyForm": {"statement": "internship_placement.statement"},
    "EntryForm": {"text": "internship_entry.text"},
    "OfferForm": {
        "shift_pattern": "internship_placement.shift_pattern",
        "insurance_policy": "internship_placement.insurance_policy",
        "mentor_name": "internship_placement.mentor_name",
        "insurer": "internship_placement.insurer",
        "lodging_terms": "internship_placement.lodging_terms",
        "leave_terms": "internship_placement.leave_terms",
        "accident_terms": "internship_placement.accident_terms",
        "assessment_terms": "internship_placement.assessment_terms",
    },
    "ApproveForm": {"school_supervisor": "internship_placement.school_supervisor"},
    "AgreementForm": {
        "insurer": "apprentice_agreement.insurer",
        "insurance_policy": "apprentice_agreement.insurance_policy",
        "guardian_name": "apprentice_agreement.guardian_name",
        "guardian_relation": "apprentice_agreement.guardian_relation",
    },
    "RecommendForm": {"recommendation": "pilot_enterprise_application.recommendation"},
    "DecisionForm": {
        "document": "pilot_enterprise_application.decision_document",
        "note": "pilot_enterprise_application.decision_note",
    },
    "RuleSettingForm": {"note": "rule_setting.note"},
    "ProfileForm": {
        "statement": "student_profile.statement",
        "certificates": None,
        "awards": None,
    },  # lines → JSON
    "NamedClassForm": {
        "name": "named_class.name",
        "benefits_detail": "named_class.benefits_detail",
        "criteria": "named_class.criteria",
    },
    "DeclineForm": {"reason": None},
    "TermsForm": {
        "title": "cooperation.title",  # kept in the proposal's terms (JSON) until agreed
        "school_provides": "cooperation.school_provides",
        "enterprise_provides": "cooperation.enterprise_provides",
    },
    "ObjectionForm": {
        "name": "pilot_objection.name",
        "contact": "pilot_objection.contact",
        "body": "pilot_objection.body",
    },
    "CertificateForm": {"name": "teacher_certificate.name", "level": "teacher_certificate.level"},
    "PracticeForm": {
        "enterprise": "teacher_practice.enterprise",
        "description": "teacher_practice.description",
    },
    "ProgramForm": {
        "name": "program.name",
        "code": "program.code",
        "skills": "program.skills",
        "certificates": "program.certificates",
        "facilities": "program.facilities",
        "partner_college": "program.partner_college",
        "description": "program.description",
    },
    "TeacherForm": {"name": "teacher.name", "subjects": "teacher.subjects", "dq_note": "teacher.dq_note"},
    "TeachingNeedForm": {
        "course": "teaching_need.course",
        "skills": "teaching_need.skills",
        "term": "teaching_need.term",
        "description": "teaching_need.description",
    },
    "TrainingOfferForm": {
        "title": "training_offer.title",
        "schedule": "training_offer.schedule",
        "skills": "training_offer.skills",
        "description": "training_offer.description",
    },
    "PilotPlanForm": {
        "goals": "pilot_partnership.goals",
        "content": "pilot_partnership.content",
        "resources": "pilot_partnership.resources",
        "timeline": "pilot_partnership.timeline",
    },
    "ApplicationForm": {"statement": "class_application.statement"},
    # issue 29
    "PathwayForm": {"college": "pathway.college", "higher_major": "pathway.higher_name"},
    "SkillCertificateForm": {
        "name": "skill_certificate.name",
        "issuer": "skill_certificate.issuer",
        "majors": None,  # stored as the catalogue codes it names
    },
    "ReportTextsForm": {
        "overview": "enterprise_report.overview",
        "outcomes": "enterprise_report.outcomes",
        "problems": "enterprise_report.problems",
        "plans": "enterprise_report.plans",
    },
    "InvestmentForm": {"description": "report_investment.description"},
    "GroupForm": {"name": "education_group.name"},
    "MemberForm": {"name": "education_group_member.name"},
    "ShareForm": {"description": "education_group_share.description"},
}


def _forms() -> list[type[FlaskForm]]:
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        importlib.import_module(module.name)
    found, todo = set(), [FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    return sorted(found, key=lambda form: form.__name__)


def _limit(field) -> int | None:
    declared = [v.max for v in field.validators if isinstance(v, Length) and v.max and v.max > 0]
    maxlength = (field.render_kw or {}).get("maxlength")
    return min([*declared, *([int(maxlength)] if maxlength else [])], default=None)


def _lands_in(form_class: type[FlaskForm]) -> dict[str, str | None]:
    """A form's fields and those of the forms it extends."""
    merged: dict[str, str | None] = {}
    for klass in reversed(form_class.__mro__):
        merged.update(LANDS_IN.get(klass.__name__, {}))
    return merged


@pytest.mark.parametrize("form_class", _forms(), ids=lambda form: form.__name__)
def test_each_text_field_has_the_limit_of_its_column(app, form_class):
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
    lands_in = _lands_in(form_class)
    problems = []
    for field in form:
        if not isinstance(field, StringField) or field.type == "HiddenField":
            continue
        if field.name not in lands_in:
            problems.append(f"{field.name}: say in LANDS_IN where it is stored")
            continue
        limit, target = _limit(field), lands_in[field.name]
        if target is None:  # not stored as typed
            continue
        if limit is None:
            problems.append(f"{field.name}: no length limit")
            continue
        table, column = target.split(".")
        length = getattr(db.metadata.tables[table].c[column].type, "length", None)
        if length is not None and limit > length:
            problems.append(f"{field.name}: the form allows {limit}, {target} holds {length}")
    assert not problems, "\n".join(problems)
