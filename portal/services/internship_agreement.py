"""The three-party agreement (学校—企业—学生三方协议) of a placement, from its accepted terms:
the same facts and clauses for the printable page and the .docx (python-docx)."""

from __future__ import annotations

import io

from docx import Document

from portal.i18n import lazy_gettext as _l
from portal.models import Placement
from portal.services.internships import AGREEMENT_CLAUSES

TITLE = _l("Three-party internship agreement (school, enterprise, student)")
REGULATION = _l("Under 《职业学校学生实习管理规定》(教职成〔2021〕4号)")


def facts(placement: Placement) -> list[tuple[object, str]]:
    yes_no = {True: _l("Yes"), False: _l("No"), None: "—"}
    return [
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
    for number, clause in enumerate(AGREEMENT_CLAUSES, start=1):
        document.add_paragraph(f"{number}. {clause}")
    for party, signed_at in signatures(placement):
        when = signed_at.strftime("%Y-%m-%d %H:%M UTC") if signed_at else "____________"
        document.add_paragraph(f"{party}: {when}")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
