"""School side: majors against the catalogue, teachers, teaching needs, training offers.

Each refused input answers 400 with a message and saves nothing; another school's
ids are 404 and change nothing.
"""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta
from functools import partial

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Program, PublicationStatus, Teacher, TeachingNeed, TrainingOffer
from portal.platform import checks
from portal.platform.errors import NotFound, ServiceError
from portal.programs import catalogue
from portal.programs import records as school_records
from portal.programs import services as programs
from tests.conftest import login

TODAY = checks.district_today()


def day(n: int) -> str:
    return (TODAY + timedelta(days=n)).isoformat()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


MAJOR_FORM = {
    "name": "工业机器人技术应用",
    "code": "",
    "intake_capacity": "60",
    "enrolment": "150",
    "skills": "机器人示教编程、离线仿真",
    "certificates": "工业机器人操作与运维",
    "facilities": "机器人实训室 12 工位",
    "partner_college": "莱芜职业技术学院",
    "description": "面向智能制造产线。",
}
major_form = partial(dict, MAJOR_FORM)  # major_form(**changes): the form with changes


@pytest.fixture
def staff(build, client):
    user = build.school(name="莱芜测试职专")
    login(client, user.email)
    return user


@pytest.fixture
def other_school(build):
    """A second verified school with one major, one teacher, one need and one offer."""
    user = build.school(name="另一所学校", programs=("护理",))
    school = user.organisation
    school_records.create_teacher(school, name="外校老师", subjects="护理")
    school_records.create_need(school, course="外校课程", hours=20)
    school_records.create_offer(school, title="外校培训", target_groups=["veterans"], capacity=20)
    db.session.commit()
    return user


# --- the catalogue ----------------------------------------------------------------


def test_catalogue_file_is_well_formed():
    with open(catalogue.DEFAULT_FILE, encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    names = [r["name"] for r in rows]
    for level in ("中职", "专科"):  # a name may stand at both levels, never twice in one
        at_level = [r["name"] for r in rows if r["level"] == level]
        assert len(at_level) == len(set(at_level))
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) == len(rows)
    assert all(re.fullmatch(r"\d{6}K?", c) for c in codes)
    # The six-digit code starts with its category's two digits.
    assert all(r["code"].startswith(r["category_code"]) for r in rows if r["code"])
    # 中职 categories 61-79, 专科 41-59.
    assert {r["category_code"] for r in rows} <= {str(n) for n in (*range(41, 60), *range(61, 80))}
    for needed in (
        "工业机器人技术应用",
        "机电技术应用",
        "焊接技术应用",
        "数控技术应用",
        "新能源汽车运用与维修",
        "汽车运用与维修",
        "护理",
        "智慧健康养老服务",
        "药剂",
        "农产品加工与质量检测",
        "电子商务",
        "计算机网络技术",
        "会计事务",
        "物流服务与管理",
    ):
        assert needed in names


def test_catalogue_names_with_a_direction(app):
    assert catalogue.entry_for_name("工业机器人技术应用（焊接机器人方向）").name == "工业机器人技术应用"
    assert catalogue.entry_for_name("护理(老年护理方向)").name == "护理"
    assert catalogue.entry_for_name("火箭发射") is None


def test_code_is_checked_against_the_catalogue(build):
    school = build.school(programs=()).organisation
    program = programs.create_program(school, name="工业机器人技术应用", intake_capacity=40)
    # Filled in from the 2021 catalogue: code, level, 专业大类 and 专业类.
    assert (program.code, program.level, program.category, program.major_class) == (
        "660303",
        "中职",
        "装备制造大类",
        "自动化类",
    )
    with pytest.raises(ServiceError) as unknown:
        programs.create_program(school, name="焊接技术应用", code="123456", intake_capacity=40)
    assert unknown.value.field == "code" and "123456" in str(unknown.value.message)
    with pytest.raises(ServiceError) as mismatch:
        programs.create_program(school, name="焊接技术应用", code="660303", intake_capacity=40)
    assert "工业机器人技术应用" in str(mismatch.value.message)
    # The code alone (chosen from the grouped list) names the major.
    assert programs.create_program(school, name="", code="720201", intake_capacity=40).name == "护理"


def test_a_name_at_both_levels_takes_the_school_level_or_the_code(build):
    secondary = build.school(programs=()).organisation
    assert programs.create_program(secondary, name="园艺技术", intake_capacity=30).code == "610105"
    college = build.school(programs=()).organisation
    college.school_kind = "higher_vocational"
    assert programs.create_program(college, name="园艺技术", intake_capacity=30).code == "410105"
    # A K code (国家控制专业) is kept as the annex prints it, typed in either case.
    medicine = programs.create_program(college, name="", code="520101k", intake_capacity=30)
    assert (medicine.name, medicine.code, medicine.level) == ("临床医学", "520101K", "专科")


# --- majors -----------------------------------------------------------------------


def test_staff_create_edit_publish_close_a_major(app, client, staff):
    response = client.post("/school/majors/new", data=major_form())
    assert response.status_code == 302
    program = db.session.scalar(select(Program).where(Program.name == "工业机器人技术应用"))
    assert (program.enrolment, program.partner_college, program.status) == (150, "莱芜职业技术学院", "draft")
    assert program.certificates == "工业机器人操作与运维"

    response = client.post(
        f"/school/majors/{program.id}/edit", data=major_form(intake_capacity="80", skills="焊接机器人")
    )
    assert response.status_code == 302
    db.session.refresh(program)
    assert (program.intake_capacity, program.skills) == (80, "焊接机器人")

    assert client.post(f"/school/majors/{program.id}/publish").status_code == 302
    db.session.refresh(program)
    assert program.status == PublicationStatus.PUBLISHED.value
    assert "工业机器人技术应用" in client.get("/majors").get_data(as_text=True)

    assert client.post(f"/school/majors/{program.id}/close").status_code == 302
    db.session.refresh(program)
    assert program.status == PublicationStatus.CLOSED.value
    assert client.get(f"/majors/{program.id}").status_code == 404


def test_the_old_programs_addresses_lead_to_the_majors_pages(app, client, staff):
    """Staff pages of majors moved from /school/programs to /school/majors (one name, as on /majors);
    308 keeps the method and body, so a form posted to the old address still arrives."""

    def moved(method: str, path: str) -> tuple[int, str]:
        response = client.open(path, method=method, data=major_form() if method == "POST" else None)
        return response.status_code, response.headers["Location"].removeprefix("http://localhost")

    assert moved("GET", "/school/programs") == (308, "/school/majors")
    assert moved("POST", "/school/programs/new") == (308, "/school/majors/new")
    assert moved("GET", "/school/programs/7/edit") == (308, "/school/majors/7/edit")
    assert count(Program) == 1  # the builder's; the POST only redirected


BAD_MAJORS = [
    *(({"intake_capacity": v}, "intake_capacity") for v in ("-5", "99999", "")),
    *(({"enrolment": v}, "enrolment") for v in ("-1", "100000")),
    *(({"name": v}, "name") for v in ("火箭发射技术", "", "焊" * 81)),
    ({"code": "999999"}, "code"),
    ({"description": "长" * 4001}, "description"),
    ({"skills": "长" * 1001}, "skills"),
    ({"partner_college": "院" * 121}, "partner_college"),
    ({"name": "焊接技术应用"}, "name"),  # the builder's school already has it: duplicate
]


@pytest.mark.parametrize("changes,field", BAD_MAJORS)
def test_bad_major_input_is_refused_and_nothing_saved(app, client, staff, changes, field):
    before = count(Program)
    response = client.post("/school/majors/new", data=major_form(**changes))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page or 'class="error"' in page
    assert count(Program) == before


def test_duplicate_major_message(app, client, staff):
    response = client.post("/school/majors/new", data=major_form(name="焊接技术应用"))
    assert "Your school already has a major with this name." in response.get_data(
        as_text=True
    ) or "已有" in response.get_data(as_text=True)


def test_script_tags_are_stored_as_text_and_shown_escaped(app, client, staff):
    payload = "<script>alert('x')</script>"
    client.post("/school/majors/new", data=major_form(description=payload, skills=payload))
    program = db.session.scalar(select(Program).where(Program.name == "工业机器人技术应用"))
    assert program.description == payload
    client.post(f"/school/majors/{program.id}/publish")
    page = client.get(f"/majors/{program.id}").get_data(as_text=True)
    assert payload not in page and "&lt;script&gt;" in page


def test_control_characters_are_removed(app, build):
    school = build.school(programs=()).organisation
    program = programs.create_program(school, name="护理", intake_capacity=10, description="a\x00b\x07c")
    assert program.description == "abc"


def test_unverified_school_keeps_drafts_but_cannot_publish(app, build, client):
    user = build.school(verified=False, programs=("护理",))
    login(client, user.email)
    program = user.organisation.programs[0]
    response = client.post(f"/school/majors/{program.id}/publish")
    assert response.status_code == 400
    db.session.refresh(program)
    assert program.status == "draft"


@pytest.mark.parametrize("action", ["edit", "publish", "close"])
def test_foreign_major_is_404_and_unchanged(app, client, staff, other_school, action):
    theirs = other_school.organisation.programs[0]
    if action == "edit":
        assert client.get(f"/school/majors/{theirs.id}/edit").status_code == 404
        response = client.post(
            f"/school/majors/{theirs.id}/edit", data=major_form(name="护理", intake_capacity="1")
        )
    else:
        response = client.post(f"/school/majors/{theirs.id}/{action}")
    assert response.status_code == 404
    db.session.expire_all()
    theirs = db.session.get(Program, theirs.id)
    assert (theirs.intake_capacity, theirs.status) == (40, "draft")


def test_foreign_id_through_the_service(app, staff, other_school):
    theirs = other_school.organisation.programs[0]
    with pytest.raises(NotFound):
        programs.update_program(staff, theirs.id, name="护理", intake_capacity=1)


# --- teachers ---------------------------------------------------------------------


def teacher_form(**overrides) -> dict:
    data = {
        "name": "张老师",
        "subjects": "焊接工艺、机械制图",
        "degree": "bachelor",
        "employment": "full_time",
        "course_kind": "subject",
        "dq_level": "junior",
        "dq_certified_on": "2025-06-30",
        "dq_certified_by": "provincial",
        "open_to_practice": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_teacher_life_cycle(app, client, staff):
    assert client.post("/school/teachers/new", data=teacher_form()).status_code == 302
    teacher = db.session.scalar(select(Teacher))
    assert (teacher.double_qualified, teacher.open_to_practice, teacher.school_id) == (
        True,
        True,
        staff.organisation_id,
    )
    assert (teacher.dq_level, teacher.dq_certified_on, teacher.dq_certified_by) == (
        "junior",
        date(2025, 6, 30),
        "provincial",
    )
    response = client.post(
        f"/school/teachers/{teacher.id}/edit",
        data=teacher_form(dq_level="", employment="part_time"),
    )
    assert response.status_code == 302
    db.session.refresh(teacher)
    assert (teacher.double_qualified, teacher.dq_level, teacher.employment) == (False, None, "part_time")
    page = client.get("/school/teachers").get_data(as_text=True)
    assert "张老师" in page
    # Counted apart from the full-time teachers, as the 70 % double-qualified counts them.
    client.post("/school/teachers/new", data=teacher_form(name="李老师"))
    counts = re.search(r'data-testid="teacher-counts">(.*?)</p>', client.get("/school/teachers").text, re.S)
    assert " ".join(counts.group(1).split()) == "专任教师 1 名（双师型 1 名），兼职教师 1 名。"
    assert client.post(f"/school/teachers/{teacher.id}/remove").status_code == 302
    assert count(Teacher) == 1


def test_a_certification_needs_its_date_and_body_and_a_subject_teacher(app, client, staff):
    """教师厅〔2022〕2号: levels for subject teachers (and enterprise part-time teachers), each certified
    on a date by the province or a school it delegated. Every problem at once, beside its field."""
    response = client.post(
        "/school/teachers/new",
        data=teacher_form(course_kind="public", dq_certified_on="", dq_certified_by=""),
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("dq_level-error", "dq_certified_on-error", "dq_certified_by-error"):
        assert f'id="{field}"' in page
    assert "教师厅〔2022〕2号" in page
    assert count(Teacher) == 0
    future = client.post("/school/teachers/new", data=teacher_form(dq_certified_on="2999-01-01"))
    assert future.status_code == 400 and count(Teacher) == 0
    # A public basic-course teacher without a level is fine; so is "level not recorded" without a date.
    assert (
        client.post("/school/teachers/new", data=teacher_form(course_kind="public", dq_level="")).status_code
        == 302
    )
    unknown = teacher_form(name="李老师", dq_level="unknown", dq_certified_on="", dq_certified_by="")
    assert client.post("/school/teachers/new", data=unknown).status_code == 302
    assert db.session.scalar(select(Teacher).where(Teacher.name == "李老师")).double_qualified is True


def test_mass_assignment_is_ignored(app, client, staff, other_school):
    client.post(
        "/school/teachers/new", data=teacher_form(school_id=str(other_school.organisation_id), id="999")
    )
    teacher = db.session.scalar(select(Teacher).where(Teacher.name == "张老师"))
    assert teacher.school_id == staff.organisation_id and teacher.id != 999


@pytest.mark.parametrize("action", ["edit", "remove"])
def test_foreign_teacher_is_404(app, client, staff, other_school, action):
    theirs = db.session.scalar(select(Teacher).where(Teacher.school_id == other_school.organisation_id))
    if action == "edit":
        response = client.post(f"/school/teachers/{theirs.id}/edit", data=teacher_form(name="改名"))
    else:
        response = client.post(f"/school/teachers/{theirs.id}/remove")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(Teacher, theirs.id).name == "外校老师"
    assert "外校老师" not in client.get("/school/teachers").get_data(as_text=True)


# --- teaching needs ---------------------------------------------------------------


def need_form(**overrides) -> dict:
    return {
        "course": "焊接机器人编程",
        "skills": "FANUC 示教",
        "hours": "32",
        "term": "2026年秋季学期",
        "starts_on": day(30),
        "ends_on": day(120),
        "description": "每周两次",
        **overrides,
    }


def test_need_life_cycle(app, client, staff):
    assert client.post("/school/needs/new", data=need_form()).status_code == 302
    need = db.session.scalar(select(TeachingNeed))
    assert (need.hours, need.status) == (32, "open")
    assert client.post(f"/school/needs/{need.id}/edit", data=need_form(hours="48")).status_code == 302
    assert client.post(f"/school/needs/{need.id}/filled").status_code == 302
    db.session.refresh(need)
    assert (need.hours, need.status) == (48, "filled")


def test_end_before_start_message(app, client, staff):
    response = client.post("/school/needs/new", data=need_form(starts_on=day(60), ends_on=day(10)))
    assert 'id="ends_on-error"' in response.get_data(as_text=True)


def test_foreign_need_is_404(app, client, staff, other_school):
    theirs = db.session.scalar(
        select(TeachingNeed).where(TeachingNeed.school_id == other_school.organisation_id)
    )
    assert client.post(f"/school/needs/{theirs.id}/edit", data=need_form()).status_code == 404
    assert client.post(f"/school/needs/{theirs.id}/closed").status_code == 404
    db.session.expire_all()
    theirs = db.session.get(TeachingNeed, theirs.id)
    assert (theirs.course, theirs.status) == ("外校课程", "open")


# --- training offers --------------------------------------------------------------


def offer_form(**overrides) -> dict:
    return {
        "title": "退役军人焊工培训",
        "target_groups": ["veterans", "enterprise_staff"],
        "capacity": "30",
        "hours": "80",
        "schedule": "每周六全天",
        "starts_on": day(20),
        "ends_on": day(90),
        "skills": "焊条电弧焊",
        "description": "结业考核",
        **overrides,
    }


def test_offer_life_cycle_and_public_school_page(app, client, staff):
    assert client.post("/school/offers/new", data=offer_form()).status_code == 302
    offer = db.session.scalar(select(TrainingOffer))
    assert offer.target_group_list == ["veterans", "enterprise_staff"]
    school_page = f"/schools/{staff.organisation_id}"
    assert "退役军人焊工培训" not in client.get(school_page).get_data(as_text=True)  # a draft
    assert client.post(f"/school/offers/{offer.id}/publish").status_code == 302
    assert "退役军人焊工培训" in client.get(school_page).get_data(as_text=True)
    assert client.get(f"/school/offers/{offer.id}/edit").status_code == 200
    assert client.post(f"/school/offers/{offer.id}/close").status_code == 302
    assert "退役军人焊工培训" not in client.get(school_page).get_data(as_text=True)


# --- bad input to any of the school's records ---------------------------------------------------

BAD_RECORDS = [
    *(
        ("/school/teachers/new", teacher_form, Teacher, changes)
        for changes in [
            {"name": ""},
            {"name": "名" * 61},
            {"degree": "wizard"},
            {"employment": "slave"},
            {"subjects": "科" * 201},
        ]
    ),
    *(
        ("/school/needs/new", need_form, TeachingNeed, changes)
        for changes in [
            {"hours": "0"},
            {"hours": "-3"},
            {"hours": "50000"},
            {"hours": "abc"},
            {"course": ""},
            {"starts_on": day(60), "ends_on": day(10)},  # end before start
            {"starts_on": day(-60), "ends_on": day(-10)},  # ended already
            {"ends_on": "2026-13-45"},
            {"term": "期" * 41},
        ]
    ),
    *(
        ("/school/offers/new", offer_form, TrainingOffer, changes)
        for changes in [
            {"target_groups": []},
            {"target_groups": ["aliens"]},
            {"capacity": "0"},
            {"capacity": "-1"},
            {"capacity": "100000"},
            {"hours": "-5"},
            {"title": ""},
            {"title": "训" * 101},
            {"starts_on": day(50), "ends_on": day(5)},
        ]
    ),
]


@pytest.mark.parametrize("url,form,model,changes", BAD_RECORDS)
def test_bad_record_input_is_refused(app, client, staff, url, form, model, changes):
    response = client.post(url, data=form(**changes))
    assert response.status_code == 400
    assert count(model) == 0


def test_foreign_offer_is_404(app, client, staff, other_school):
    theirs = db.session.scalar(
        select(TrainingOffer).where(TrainingOffer.school_id == other_school.organisation_id)
    )
    for url in (f"/school/offers/{theirs.id}/publish", f"/school/offers/{theirs.id}/close"):
        assert client.post(url).status_code == 404
    assert client.post(f"/school/offers/{theirs.id}/edit", data=offer_form()).status_code == 404
    db.session.expire_all()
    theirs = db.session.get(TrainingOffer, theirs.id)
    assert (theirs.title, theirs.status) == ("外校培训", "draft")


def test_other_roles_are_refused(app, build, client):
    hr = build.enterprise()
    login(client, hr.email)
    for url in (
        "/school/teachers",
        "/school/needs",
        "/school/offers",
        "/school/import/majors",
        "/school/export/majors.xlsx",
    ):
        assert client.get(url).status_code == 403


def test_a_needs_term_reads_in_the_pages_language(app, client, staff):
    assert client.post("/school/needs/new", data=need_form()).status_code == 302
    assert "2026年秋季学期" in client.get("/school/needs").get_data(as_text=True)
    client.post("/lang", data={"lang": "en"})
    page = client.get("/school/needs").get_data(as_text=True)
    assert "Autumn term 2026" in page and "2026年秋季学期" not in page


def test_the_new_major_form_groups_the_catalogue_in_the_pages_language(app, client, staff):
    zh = client.get("/school/majors/new").get_data(as_text=True)
    assert '<optgroup label="中职 · 装备制造大类 · 机械设计制造类">' in zh
    client.post("/lang", data={"lang": "en"})
    en = client.get("/school/majors/new").get_data(as_text=True)
    assert (
        '<optgroup label="secondary · Equipment Manufacturing · Mechanical design and manufacturing">' in en
    )
    assert "装备制造大类" not in en.split('id="code"')[1].split("</select>")[0]
