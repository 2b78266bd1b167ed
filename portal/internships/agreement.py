"""The three-party agreement (学校—企业—学生三方协议) of a placement, from its accepted terms:
the same facts and clauses for the printable page and the .docx (python-docx)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from portal.internships.models import Placement
from portal.internships.services import clauses_for
from portal.platform.checks import DISTRICT_TZ
from portal.platform.i18n import lazy_gettext as _l
from portal.rules import internships as rules

TITLE = _l("Three-party internship agreement (school, enterprise, student)")
REGULATION = _l("Under 《职业学校学生实习管理规定》(教职成〔2021〕4号)")


def facts(placement: Placement) -> list[tuple[object, str]]:
    """Every term the clauses refer to; an offer made before the 2021 model text shows its own."""
    yes_no = {True: _l("Yes"), False: _l("No"), None: "—"}
    listed = [
        (_l("School"), f"{placement.school.name} · {placement.school.address}"),
        (_l("Enterprise"), f"{placement.enterprise.name} · {placement.enterprise.address}"),
        (_l("Student"), placement.student.name),
        (_l("Internship"), placement.posting.title),
        (_l("Period"), f"{placement.starts_on} – {placement.ends_on}"),
        (_l("Hours a day"), str(placement.daily_hours)),
        (_l("Shift pattern"), placement.shift_pattern or ""),
        (_l("Night shifts"), str(yes_no[placement.night_shifts])),
        (_l("Pay (yuan a month)"), str(placement.pay_monthly)),
        (_l("Wage of the same post (yuan a month)"), str(placement.post_wage)),
        (_l("Internship liability insurance policy"), placement.insurance_policy or ""),
        (_l("Fee charged to the student (yuan)"), str(placement.fee_charged)),
        (_l("Workplace mentor"), placement.mentor_name or ""),
    ]
    if placement.rule_version is None:
        return listed
    payer = rules.INSURANCE_PAYERS.get(placement.insurance_payer or "", "—")
    grades = {None: "—", **rules.GRADES}
    return [
        *listed[:7],
        (_l("Hours a week"), str(placement.weekly_hours)),
        (_l("Days of rest a week"), str(placement.rest_days)),
        *listed[7:11],
        (_l("Insurer"), placement.insurer or ""),
        (_l("Insurance paid by"), str(payer)),
        (_l("Insurance cover"), f"{placement.cover_starts_on} – {placement.cover_ends_on}"),
        *listed[11:],
        (_l("School supervisor"), placement.school_supervisor or "—"),
        (_l("Board and lodging"), placement.lodging_terms or ""),
        (_l("Leave"), placement.leave_terms or ""),
        (_l("Accidents and costs beyond the insurance"), placement.accident_terms or ""),
        (_l("Assessment"), placement.assessment_terms or ""),
        (_l("Student's consent"), str(_l("Uploaded") if placement.student_consent_type else _l("Not yet"))),
        (
            _l("Guardian's consent"),
            str(
                _l("Uploaded")
                if placement.guardian_consent_type
                else (
                    _l("Not yet")
                    if rules.needs_guardian(placement.student.birth_date, placement.starts_on)
                    else _l("Not needed (18 or over)")
                )
            ),
        ),
        (_l("Grade by the enterprise"), str(grades.get(placement.enterprise_grade, "—"))),
        (_l("Grade by the school"), str(grades.get(placement.school_grade, "—"))),
        (_l("Rule version"), placement.rule_version),
    ]


def signatures(placement: Placement) -> list[tuple[object, object]]:
    return [
        (_l("School"), placement.school_signed_at),
        (_l("Enterprise"), placement.enterprise_signed_at),
        (_l("Student"), placement.student_signed_at),
    ]


def docx(placement: Placement) -> bytes:
    document = Document()
    document.add_heading(str(TITLE), level=1)
    document.add_paragraph(str(REGULATION))
    table = document.add_table(rows=0, cols=2)
    for label, value in facts(placement):
        row = table.add_row().cells
        row[0].text, row[1].text = str(label), value
    for number, clause in enumerate(clauses_for(placement), start=1):
        document.add_paragraph(f"{number}. {clause}")
    for party, signed_at in signatures(placement):
        when = beijing_time(signed_at) if signed_at else "____________"
        document.add_paragraph(f"{party}: {when}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def beijing_time(moment: datetime) -> str:
    """A stored moment (UTC; SQLite hands it back without its zone) as the site shows it: Beijing time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(DISTRICT_TZ).strftime("%Y-%m-%d %H:%M") + " (北京时间 UTC+8)"
