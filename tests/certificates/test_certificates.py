"""1+X certificates: the catalogue (by hand and from a spreadsheet), sessions and results kept by
each school for its own students only, the profile listing what the school recorded, pass rates
counted by hand, and the matcher reading the results as evidence."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

import matching as library
from portal.certificates import services
from portal.certificates.models import ExamResult, ExamSession, SkillCertificate
from portal.extensions import db
from portal.models import Organisation, OrgStatus, Proposal
from portal.platform.errors import ServiceError
from portal.programs import services as programs
from portal.statistics.services import district_figures
from tests.conftest import Builders, client_for, csrf_token

HELD = date(2026, 6, 20)
# Demo names, made up for the tests: no certificate of the national lists is typed from memory.
WELDING = "焊接机器人操作（演示）"


def _certificate(name=WELDING, level="初级", majors="660105"):
    certificate = services.create_certificate(None, name, level, "演示评价组织", majors, is_demo=True)
    db.session.commit()
    return certificate


def _results(staff, certificate, outcomes: dict, held=HELD):
    session = services.create_session(staff, certificate.id, held)
    services.record_results(
        staff, session.id, [services.ResultInput(s.id, passed) for s, passed in outcomes.items()]
    )
    db.session.commit()
    return session


def test_the_catalogue_takes_levels_and_majors_from_the_2021_catalogue(app):
    certificate = _certificate(majors="660105、工业机器人技术应用")
    assert certificate.level == "junior" and certificate.major_codes == ["660105", "660303"]
    with pytest.raises(ServiceError) as refused:
        services.create_certificate(None, "", "特级", "", "不存在的专业")
    assert {p.field for p in refused.value.problems} == {"name", "level", "issuer", "majors"}
    db.session.rollback()
    with pytest.raises(ServiceError):  # the same name at the same level
        _certificate(majors="")
    db.session.rollback()
    assert db.session.scalar(select(func.count(SkillCertificate.id))) == 1


def _upload(client, token: str, sheet: bytes):
    """The administrator's import of the catalogue from `sheet` (an .xlsx)."""
    return client.post(
        "/admin/certificates/import",
        data={"csrf_token": token, "file": (io.BytesIO(sheet), "certificates.xlsx")},
        content_type="multipart/form-data",
    )


def _sheet(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["证书名称", "等级", "评价组织", "面向专业"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_catalogue_imports_a_spreadsheet_all_or_nothing(app, build):
    admin = build.admin()
    db.session.commit()
    client = client_for(app, admin)
    token = csrf_token(client.get("/admin/certificates/").get_data(as_text=True))
    bad = _sheet(
        [["证书甲（演示）", "初级", "演示评价组织", "660105"], ["证书乙（演示）", "超级", "演示评价组织", ""]]
    )
    response = _upload(client, token, bad)
    assert response.status_code == 400 and 'data-testid="import-result"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(SkillCertificate.id))) == 0
    good = _sheet(
        [["证书甲（演示）", "初级", "演示评价组织", "660105"], ["证书甲（演示）", "中级", "演示评价组织", ""]]
    )
    response = _upload(client, token, good)
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(SkillCertificate.id))) == 2


def test_a_school_records_results_for_its_own_students_only(app, build):
    certificate = _certificate()
    mine, theirs = build.school(), build.school()
    student, stranger = build.student(mine), build.student(theirs)
    session = services.create_session(mine, certificate.id, HELD)
    db.session.commit()
    with pytest.raises(ServiceError):
        services.record_results(mine, session.id, [services.ResultInput(stranger.id, True)])
    db.session.rollback()
    with pytest.raises(ServiceError) as refused:
        services.record_results(theirs, session.id, [services.ResultInput(stranger.id, True)])
    assert refused.value.status_code == 404
    db.session.rollback()
    with pytest.raises(ServiceError):  # not yet held
        services.create_session(mine, certificate.id, date(2999, 1, 1))
    db.session.rollback()
    assert db.session.scalar(select(func.count(ExamResult.id))) == 0
    client = client_for(app, theirs)
    assert client.get(f"/school/certificates/sessions/{session.id}").status_code == 404
    page = client.get("/school/certificates/").get_data(as_text=True)
    assert (
        WELDING not in page.split('data-testid="sessions"')[-1] if 'data-testid="sessions"' in page else True
    )
    response = client.post(
        f"/school/certificates/sessions/{session.id}",
        data={"csrf_token": csrf_token(page), f"result-{stranger.id}": "passed"},
    )
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(ExamResult.id))) == 0
    assert student.id  # the school's own student is untouched


def test_the_profile_lists_what_the_school_recorded_as_passed(app, build):
    certificate = _certificate()
    staff = build.school()
    passed, failed = build.student(staff), build.student(staff)
    # Through the school's pages: a session, then the results.
    client = client_for(app, staff)
    page = client.get("/school/certificates/")
    token = csrf_token(page.get_data(as_text=True))
    response = client.post(
        "/school/certificates/sessions",
        data={"csrf_token": token, "session-certificate_id": certificate.id, "session-held_on": "2026-06-20"},
    )
    assert response.status_code == 302
    response = client.post(
        response.location,
        data={"csrf_token": token, f"result-{passed.id}": "passed", f"result-{failed.id}": "failed"},
    )
    assert response.status_code == 302
    own = client_for(app, passed).get("/student/internships/profile/").get_data(as_text=True)
    assert 'data-testid="student-certificates"' in own and WELDING in own
    other = client_for(app, failed).get("/student/internships/profile/").get_data(as_text=True)
    assert 'data-testid="student-certificates"' not in other


def test_pass_rates_per_certificate_and_major_by_hand(app, build):
    """Hand count: school A (verified): welding major, 3 students sit certificate W, 2 pass; robot
    major, 1 sits W and passes; 2 sit certificate R (intermediate), 0 pass. School B (unverified):
    verified when its student sat, pending since: 1 sits W and passes (not counted).
    Total: 3 of 6 → 50.0 %; W·welding 2/3, W·robot 1/1, R·robot 0/2."""
    welding = _certificate()
    robot = _certificate("机器人编程（演示）", "中级", "660303")
    a = build.school(programs=("焊接技术应用", "工业机器人技术应用"))
    b = build.school()
    w1, w2, w3 = (build.student(a) for _ in range(3))
    r1, r2 = build.student(a), build.student(a)
    by_name = {p.name: p.id for p in a.organisation.programs}
    for s in (w1, w2, w3):
        s.program_id = by_name["焊接技术应用"]
    for s in (r1, r2):
        s.program_id = by_name["工业机器人技术应用"]
    db.session.commit()
    stranger = build.student(b)
    _results(a, welding, {w1: True, w2: True, w3: False, r1: True})
    _results(a, robot, {r1: False, r2: False})
    _results(b, welding, {stranger: True})
    db.session.get(Organisation, b.organisation_id).status = OrgStatus.PENDING.value  # no longer verified
    db.session.commit()
    figure = {f.key: f for f in district_figures()}["certificate_pass_rate"]
    assert figure.value == 50.0 and figure.detail == "3 / 6"
    rates = {(r.certificate, r.major): (r.passed, r.sat) for r in services.pass_rates()}
    assert rates == {
        (welding.label, "焊接技术应用"): (2, 3),
        (welding.label, "工业机器人技术应用"): (1, 1),
        (robot.label, "工业机器人技术应用"): (0, 2),
    }
    page = client_for(app, build.admin()).get("/admin/certificates/pass-rates").get_data(as_text=True)
    assert "6个结果中3个通过" in page


def test_the_library_ranks_a_major_higher_when_its_students_passed_the_certificate():
    demand = library.Demand("d", "焊工", "焊接作业", certificates=(WELDING,), skills=("焊接",))
    plain = library.Program("plain", "焊接技术应用", skills=("焊接",), code="660105")
    proven = library.Program("proven", "焊接技术应用", skills=("焊接",), code="660105", certified=(WELDING,))
    matches = {m.program_id: m for m in library.rank([demand], [plain, proven])[0].matches}
    assert matches["proven"].score > matches["plain"].score
    reason = next(r for r in matches["proven"].reasons if r.criterion == "certified")
    assert reason.score == 1.0 and dict(reason.values)["listed"] == WELDING
    assert not any(r.criterion == "certified" for r in matches["plain"].reasons)


def test_a_posting_asking_for_the_certificate_ranks_the_proven_major_higher_with_the_reason(app, build):
    certificate = _certificate()
    proven, plain = build.school(), build.school()
    student = build.student(proven)
    majors = []
    for staff in (proven, plain):
        program = staff.organisation.programs[0]
        program.skills = "焊接、装配"
        programs.publish_program(program, actor=staff)
        majors.append(program)
    db.session.commit()
    _results(proven, certificate, {student: True})
    hr = build.enterprise()
    posting = Builders.posting(
        hr,
        "order_class",
        title="焊接技术应用订单班",
        description="面向焊接技术应用专业的订单培养。",
        skills="焊接、装配",
        certificates=WELDING,
        details={"major": "焊接技术应用", "years": 3},
    )
    found = {
        p.program_id: p for p in db.session.scalars(select(Proposal).where(Proposal.posting_id == posting.id))
    }
    assert found[majors[0].id].score > found[majors[1].id].score
    reason = next(r for r in found[majors[0].id].reasons if r["criterion"] == "certified")
    assert reason["listed"] == WELDING
    proposal = found[majors[0].id]
    page = client_for(app, hr).get(f"/enterprise/proposals/{proposal.id}").get_data(as_text=True)
    assert 'data-criterion="certified"' in page and "学生已通过" in page
    assert db.session.scalar(select(func.count(ExamSession.id))) == 1
