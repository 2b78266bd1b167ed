"""The enterprise's yearly report: every figure counted by hand from records built for it, the
sources pages listing exactly what is counted, the enterprise's own entries with evidence, print
and .docx, publication seen by administrators, and one enterprise never reading another's."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlalchemy import func, select

from portal.enterprise_reports import services
from portal.enterprise_reports.models import EnterpriseReport, ReportInvestment
from portal.extensions import db
from portal.models import Exchange, Placement, PracticePost, TeachingNeed
from portal.platform.errors import ServiceError
from tests.conftest import Builders, client_for, csrf_token

YEAR = 2026
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # an image by its first bytes, as uploads.content_type reads it


def _records(build):
    """Hand count for the enterprise's 2026:
    cooperations: A order class 2026-03 (36 months), C staff training 2026-05 (25 trainees), D training
      base 2025-09 (24 months) → 3; B internship 2024-01 (12 months, over before 2025), E order class
      starting 2027-02 and the other enterprise's F → not counted.
    order classes: the named class of A, opened today (in 2026) → 1.
    interns hosted: in progress from 2026-09, hired 2026-03..08 → 2 (completed 2025 and offered 2026 not).
    interns hired: 1. part-time teachers: 李工 in two 2026 terms → 1 (王工 2025, a cancelled one: not).
    teachers hosted: 张老师 2026 → 1. training: 25. bases: 1. apprentices: none recorded → 0."""
    staff, hr, other = build.school(), build.enterprise(), build.enterprise()
    coop = Builders.cooperation
    a = coop(staff, hr, kind="order_class", title="A订单班", start_date=date(2026, 3, 1), duration_months=36)
    coop(staff, hr, kind="internship", title="B实习", start_date=date(2024, 1, 1), duration_months=12)
    coop(
        staff,
        hr,
        kind="staff_training",
        title="C培训",
        seats=25,
        start_date=date(2026, 5, 1),
        duration_months=6,
    )
    coop(staff, hr, kind="training_base", title="D基地", start_date=date(2025, 9, 1), duration_months=24)
    coop(staff, hr, kind="order_class", title="E订单班", start_date=date(2027, 2, 1))
    coop(staff, other, kind="order_class", title="F订单班", start_date=date(2026, 3, 1))
    Builders.named_class(staff, a.id, name="A冠名班")
    posting = Builders.posting(hr, "internship")
    students = [build.student(staff) for _ in range(4)]
    partners = {"school_id": staff.organisation_id, "enterprise_id": hr.organisation_id}
    for student, status, starts, ends in (
        (students[0], "in_progress", date(2026, 9, 1), None),
        (students[1], "hired", date(2026, 3, 1), date(2026, 8, 31)),
        (students[2], "completed", date(2025, 3, 1), date(2025, 8, 31)),
        (students[3], "offered", date(2026, 10, 1), None),
    ):
        db.session.add(
            Placement(
                posting_id=posting.id,
                student_id=student.id,
                **partners,
                status=status,
                starts_on=starts,
                ends_on=ends,
            )
        )
    expert_posting = Builders.posting(hr, "part_time_teacher")
    need = TeachingNeed(school_id=staff.organisation_id, course="焊接实训", hours=40)
    post = PracticePost(enterprise_id=hr.organisation_id, title="装配线实践")
    db.session.add_all([need, post])
    db.session.flush()
    for name, term, status in (
        ("李工", "2026年春季学期", "agreed"),
        ("李工", "2026年秋季学期", "completed"),
        ("王工", "2025年秋季学期", "completed"),
        ("赵工", "2026年秋季学期", "cancelled"),
    ):
        db.session.add(
            Exchange(
                direction="expert_to_school",
                **partners,
                posting_id=expert_posting.id,
                need_id=need.id,
                expert_name=name,
                term=term,
                hours=20,
                status=status,
            )
        )
    db.session.add(
        Exchange(
            direction="teacher_to_enterprise",
            **partners,
            practice_post_id=post.id,
            teacher_name="张老师",
            term="2026年秋季学期",
            hours=40,
            status="agreed",
        )
    )
    db.session.commit()
    return staff, hr, other


EXPECTED = {
    "cooperations": 3,
    "order_classes": 1,
    "apprentices": 0,
    "interns_hosted": 2,
    "interns_hired": 1,
    "part_time_teachers": 1,
    "teachers_hosted": 1,
    "training_delivered": 25,
    "bases_shared": 1,
}


def test_each_figure_against_hand_counted_records(app, build):
    _, hr, other = _records(build)
    found = {f.key: f.value for f in services.figures(hr.organisation_id, YEAR)}
    assert found == EXPECTED
    assert {f.key: f.value for f in services.figures(other.organisation_id, YEAR)}["cooperations"] == 1
    labels = [s.label for s in services.figure(hr.organisation_id, YEAR, "cooperations").sources]
    assert labels == ["D基地", "A订单班", "C培训"]  # by start date
    # B ran 2024-01-01 to the end of 2024 (12 months): 2024 counts it, 2025 only D.
    assert [s.label for s in services.figure(hr.organisation_id, 2024, "cooperations").sources] == ["B实习"]
    assert [s.label for s in services.figure(hr.organisation_id, 2025, "cooperations").sources] == ["D基地"]


def test_the_pages_link_every_figure_to_its_records_and_print_and_docx(app, build):
    _, hr, _ = _records(build)
    client = client_for(app, hr)
    page = client.get(f"/enterprise/reports/{YEAR}").get_data(as_text=True)
    for key, value in EXPECTED.items():
        assert f'data-testid="report-value-{key}">{value}<' in page
        source = client.get(f"/enterprise/reports/{YEAR}/sources/{key}").get_data(as_text=True)
        assert f'data-testid="source-total">{value}<' in source
    assert "A订单班" in client.get(f"/enterprise/reports/{YEAR}/sources/cooperations").get_data(as_text=True)
    printable = client.get(f"/enterprise/reports/{YEAR}/print").get_data(as_text=True)
    assert "data-print" in printable and all(f"report-source-{k}" in printable for k in EXPECTED)
    response = client.get(f"/enterprise/reports/{YEAR}/report.docx")
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(
        [p.text for p in Document(io.BytesIO(response.data)).paragraphs]
        + [c.text for t in Document(io.BytesIO(response.data)).tables for r in t.rows for c in r.cells]
    )
    assert "A订单班" in text and "25" in text
    assert client.get("/enterprise/reports/1999").status_code == 404
    assert client.get(f"/enterprise/reports/{YEAR}/sources/nothing").status_code == 404


def test_the_enterprise_edits_its_own_entries_with_evidence_and_bad_input_changes_nothing(app, build):
    _, hr, _ = _records(build)
    with pytest.raises(ServiceError) as refused:
        services.add_investment(hr, YEAR, "gold", -5, "", None)
    assert {p.field for p in refused.value.problems} == {"kind", "amount_yuan", "description", "evidence"}
    db.session.rollback()
    with pytest.raises(ServiceError):  # not a PDF or an image
        services.add_investment(hr, YEAR, "funds", 1000, "奖学金", b"MZ not a document")
    db.session.rollback()
    assert db.session.scalar(select(func.count(ReportInvestment.id))) == 0
    client = client_for(app, hr)
    token = csrf_token(client.get(f"/enterprise/reports/{YEAR}").get_data(as_text=True))
    response = client.post(
        f"/enterprise/reports/{YEAR}/investments",
        data={
            "csrf_token": token,
            "kind": "equipment",
            "amount_yuan": "200000",
            "description": "捐赠焊接机器人两台",
            "evidence": (io.BytesIO(PNG), "invoice.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    texts = {"overview": "山东某企业", "outcomes": "培养了一批焊工", "problems": "", "plans": "扩大订单班"}
    response = client.post(f"/enterprise/reports/{YEAR}/texts", data={"csrf_token": token, **texts})
    assert response.status_code == 302
    printable = client.get(f"/enterprise/reports/{YEAR}/print").get_data(as_text=True)
    assert "捐赠焊接机器人两台" in printable and 'data-testid="investment-total">200,000<' in printable
    assert "培养了一批焊工" in printable
    item = db.session.scalar(select(ReportInvestment))
    assert client.get(f"/enterprise/reports/{YEAR}/investments/{item.id}/evidence.png").data == PNG


def test_one_enterprise_never_reads_anothers_report_and_admins_see_who_published(app, build):
    _, hr, other = _records(build)
    services.add_investment(hr, YEAR, "funds", 5000, "奖学金", PNG)
    services.publish(hr, YEAR)
    db.session.commit()
    item = db.session.scalar(select(ReportInvestment))
    stranger = client_for(app, other)
    assert stranger.get(f"/enterprise/reports/{YEAR}/investments/{item.id}/evidence.png").status_code == 404
    page = stranger.get(f"/enterprise/reports/{YEAR}").get_data(as_text=True)
    assert "奖学金" not in page and 'data-testid="report-value-cooperations">1<' in page
    token = csrf_token(page)
    stranger.post(f"/enterprise/reports/{YEAR}/investments/{item.id}/delete", data={"csrf_token": token})
    assert db.session.scalar(select(func.count(ReportInvestment.id))) == 1
    admin = client_for(app, "admin@example.com")
    listing = admin.get(f"/admin/enterprise-reports/?year={YEAR}").get_data(as_text=True)
    assert hr.email in listing and "2家已认证企业中1家已发布2026年度报告" in listing
    report = db.session.scalar(select(EnterpriseReport))
    shown = admin.get(f"/admin/enterprise-reports/{report.id}").get_data(as_text=True)
    assert "奖学金" in shown and hr.email in shown
    assert admin.get(f"/admin/enterprise-reports/{report.id}/sources/cooperations").status_code == 200
    assert admin.get(f"/admin/enterprise-reports/{report.id}/investments/{item.id}/evidence.png").data == PNG
    assert client_for(app, hr).get("/admin/enterprise-reports/").status_code == 403
