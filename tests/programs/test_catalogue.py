"""The 2021 national catalogue in the product (issue 23, items 1-3 and the catalogue page): the
project's copy is whole, what schools offer is in it with the same groups, old names are
understood, and /catalogue lists, filters and exports it."""

from __future__ import annotations

import csv
import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Program
from portal.partnerships import matching
from portal.platform.errors import ServiceError
from portal.platform.spreadsheets import ImportRefused
from portal.programs import catalogue, directory
from portal.programs import services as programs
from portal.programs import sheets as school_sheets
from tests.conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


def _rows() -> list[dict[str, str]]:
    with open(catalogue.DEFAULT_FILE, encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if line.strip() and not line.startswith("#")))


@contextmanager
def alias_table(app, folder, *lines: str):
    """The alias table with these lines (old name, level, code, name, relation) as a reviewer would
    write them (test data: the project's table has none resolved while the MOE's 对照表 is not at hand)."""
    path = folder / "aliases.csv"
    rows = "".join(f"{line},test,test fixture\n" for line in lines)
    path.write_text(f"old_name,old_level,code,name,relation,reason,source\n{rows}", encoding="utf-8")
    app.config["MAJOR_ALIAS_FILE"] = str(path)
    try:
        yield
    finally:
        app.config.pop("MAJOR_ALIAS_FILE")


@pytest.fixture
def reviewed(app, tmp_path):
    """One line resolved as a reviewer would, and one left for the school."""
    with alias_table(
        app, tmp_path, "焊接技术与自动化,专科,460110,智能焊接技术,renamed", "现代农艺技术,中职,,,unresolved"
    ):
        yield


# --- the project's copy: done when ---------------------------------------------------------------


def test_the_copy_is_the_whole_annex_with_unique_codes_and_its_provenance():
    rows = _rows()
    assert [sum(r["level"] == level for r in rows) for level in ("中职", "专科")] == [358, 744]
    assert len({r["code"] for r in rows}) == 1102
    assert sum(r["code"].endswith("K") for r in rows) == 47  # 国家控制专业, kept as printed
    assert len({r["category"] for r in rows}) == 19
    assert len({r["class_code"] for r in rows if r["level"] == "中职"}) == 88
    assert len({r["class_code"] for r in rows if r["level"] == "专科"}) == 97
    for r in rows:
        assert r["code"].startswith(r["class_code"]) and r["class_code"].startswith(r["category_code"])
    head = catalogue.DEFAULT_FILE.read_text(encoding="utf-8").splitlines()[:4]
    assert all(line.startswith("# ") for line in head) and "gk-job-helper" in head[0]
    assert len(catalogue.entries()) == 1102


def test_every_offered_major_is_in_the_catalogue_with_its_groups_and_none_outside(app, demo):
    """After loading the demo, every stored major is a 2021 major with the same code, level, 大类 and
    类, or an old name of the alias table (flagged); the demo itself uses 2021 names only."""
    stored = list(db.session.scalars(select(Program)))
    assert stored
    for program in stored:
        entry = catalogue.entry_for_code(program.code or "")
        assert entry is not None, program.name
        assert catalogue.base_name(program.name) == entry.name
        assert (program.level, program.category, program.major_class) == (
            entry.level,
            entry.category,
            entry.class_name,
        )
        assert not program.needs_catalogue_choice
    for program in stored:  # the done-when rule as stated: nothing outside catalogue ∪ aliases
        base = catalogue.base_name(program.name)
        assert catalogue.entry_for_name(base) is not None or base in catalogue.aliases()


def test_the_ten_groups_the_old_list_had_wrong_are_the_catalogue_s():
    assert {
        name: catalogue.entry_for_name(name).category
        for name in (
            "制药技术应用",
            "医疗设备安装与维护",
            "美容美体艺术",
            "中药制药",
            "商务助理",
            "农村电气技术",
        )
    } == {
        "制药技术应用": "食品药品与粮食大类",
        "医疗设备安装与维护": "食品药品与粮食大类",
        "美容美体艺术": "文化艺术大类",
        "中药制药": "医药卫生大类",
        "商务助理": "公共管理与服务大类",
        "农村电气技术": "农林牧渔大类",
    }


# --- old names -----------------------------------------------------------------------------------


def test_an_old_name_finds_its_2021_major_and_an_unresolved_one_asks_the_school(build, reviewed):
    college = build.school(programs=()).organisation
    college.school_kind = "higher_vocational"
    moved = programs.create_program(college, name="焊接技术与自动化（机器人方向）", intake_capacity=40)
    assert (moved.name, moved.code, moved.level) == ("智能焊接技术（机器人方向）", "460110", "专科")
    school = build.school(programs=()).organisation
    with pytest.raises(ServiceError) as refused:
        programs.create_program(school, name="现代农艺技术", intake_capacity=40)
    assert refused.value.field == "name" and "现代农艺技术" in str(refused.value.message)
    assert not db.session.scalars(select(Program).where(Program.name == "现代农艺技术")).first()


def test_old_names_and_codes_find_majors_in_the_public_search(build, client, reviewed):
    user = build.school(name="老名学院", programs=())
    school = user.organisation
    school.school_kind = "higher_vocational"
    for program in (programs.create_program(school, name="智能焊接技术", intake_capacity=40),):
        programs.publish_program(program)
    db.session.commit()
    for q in ("焊接技术与自动化", "460110", "智能焊接"):
        assert "智能焊接技术" in client.get(f"/majors?q={q}").get_data(as_text=True), q
    assert "智能焊接技术" not in client.get("/majors?q=现代农艺技术").get_data(as_text=True)


def test_a_posting_naming_an_old_major_is_read_as_its_2021_major(build, reviewed):
    hr = build.enterprise()
    details = {"major": "焊接技术与自动化", "class_name": "冠名班", "years": 3, "benefits": []}
    posting = build.posting(hr, "order_class", details=details)
    assert matching.demand_for(posting).major == "智能焊接技术"
    assert posting.details["major"] == "焊接技术与自动化"  # HR's words are kept as written


def test_a_spreadsheet_row_with_an_old_name_imports_the_2021_major(build, reviewed):
    user = build.school(programs=())
    school = user.organisation
    school.school_kind = "higher_vocational"
    db.session.commit()
    good = "专业名称,专业代码,年招生计划\n焊接技术与自动化,,40\n".encode()
    assert school_sheets.import_programs(school, good, "majors.csv") == 1
    db.session.commit()
    assert [(p.name, p.code) for p in programs.programs_of_school(school.id)] == [("智能焊接技术", "460110")]
    unresolved = "专业名称,专业代码,年招生计划\n护理,,40\n现代农艺技术,,30\n".encode()
    with pytest.raises(ImportRefused) as refused:
        school_sheets.import_programs(school, unresolved, "majors.csv")
    db.session.rollback()
    assert [e.line for e in refused.value.errors] == [3]  # the old name without a successor, by line
    assert len(programs.programs_of_school(school.id)) == 1  # nothing of the refused file written


# --- pages ---------------------------------------------------------------------------------------


def test_the_catalogue_page_lists_filters_and_searches_all_1102(client):
    page = client.get("/catalogue").get_data(as_text=True)
    assert "1102" in page.replace(",", "") or "1,102" in page
    filtered = directory.search_catalogue(
        directory.catalogue_query("", "中职", "装备制造大类", "自动化类", 1)
    )
    assert filtered.total and all(e.level == "中职" and e.class_name == "自动化类" for e in filtered.items)
    html = client.get("/catalogue?level=中职&category=装备制造大类&class=自动化类").get_data(as_text=True)
    assert "660303" in html and "工业机器人技术应用" in html and "610101" not in html
    assert "660303" in client.get("/catalogue?q=660303").get_data(as_text=True)
    assert "工业机器人技术应用" in client.get("/catalogue?q=机器人").get_data(as_text=True)
    assert client.get("/catalogue?level=x&category=y&class=z&page=999").status_code == 200
    assert "职业教育专业目录（2021年）" in page
    client.post("/lang", data={"lang": "en"})
    en = client.get("/catalogue?level=中职").get_data(as_text=True)
    assert "Major catalogue 2021" in en and "All major groups" in en


def test_the_catalogue_page_finds_a_major_by_its_old_name(client, reviewed):
    html = client.get("/catalogue?q=焊接技术与自动化").get_data(as_text=True)
    assert "460110" in html and "焊接技术与自动化" in html  # shown as "formerly"


def test_the_catalogue_csv_holds_every_selected_major(client):
    response = client.get("/catalogue.csv?level=专科")
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 1 + 744 and rows[1][:3] == ["专科", "410101", "种子生产与经营"]


def test_a_major_page_shows_its_code_groups_and_whether_it_is_matched_on_the_name_only(build, client):
    user = build.school(programs=())
    user.organisation.school_kind = "technician_college"  # both levels: 水文与水资源技术 is 专科 only
    known = programs.create_program(user.organisation, name="焊接技术应用", intake_capacity=40)
    unknown = programs.create_program(user.organisation, name="水文与水资源技术", intake_capacity=40)
    for program in (known, unknown):
        programs.publish_program(program)
    db.session.commit()
    page = client.get(f"/majors/{known.id}").get_data(as_text=True)
    assert "660105" in page and "装备制造大类" in page and 'data-testid="name-only"' not in page
    assert matching.has_knowledge("焊接技术应用") and not matching.has_knowledge("水文与水资源技术", "450101")
    assert 'data-testid="name-only"' in client.get(f"/majors/{unknown.id}").get_data(as_text=True)


def test_a_school_sees_the_majors_it_must_choose_for(app, build):
    user = build.school(programs=("护理",))
    flagged = Program(school_id=user.organisation_id, name="现代农艺技术", intake_capacity=30)
    db.session.add(flagged)
    db.session.commit()
    client = client_for(app, user)
    page = client.get("/school/majors").get_data(as_text=True)
    assert 'data-testid="majors-to-choose"' in page and "现代农艺技术" in page
    form = client.get(f"/school/majors/{flagged.id}/edit").get_data(as_text=True)
    assert 'data-testid="choose-major"' in form and "<optgroup" in form
    # Without JavaScript the old name stays in the name field: the major chosen from the list wins.
    response = client.post(
        f"/school/majors/{flagged.id}/edit",
        data={"name": "现代农艺技术", "code": "610102", "intake_capacity": 30},
    )
    assert response.status_code == 302
    db.session.refresh(flagged)
    assert (flagged.name, flagged.code, flagged.category) == ("作物生产技术", "610102", "农林牧渔大类")


def test_once_a_reviewer_resolves_an_old_name_its_majors_move_and_keep_their_rows(app, build, reviewed):
    college = build.school(programs=()).organisation
    college.school_kind = "higher_vocational"
    other = build.school(programs=()).organisation
    other.school_kind = "higher_vocational"
    kept_as_typed = [
        Program(school_id=college.id, name="焊接技术与自动化", intake_capacity=30),
        Program(school_id=college.id, name="现代农艺技术", intake_capacity=20),  # still unresolved
        Program(school_id=other.id, name="焊接技术与自动化", intake_capacity=10),
    ]
    db.session.add_all(kept_as_typed)
    db.session.flush()
    programs.create_program(other, name="智能焊接技术", intake_capacity=5)  # the successor is there already
    db.session.commit()
    ids = [p.id for p in kept_as_typed]
    result = app.test_cli_runner().invoke(args=["remap-majors"])
    assert result.exit_code == 0 and "1 majors moved" in result.output and "2 left" in result.output
    db.session.expire_all()
    moved, unresolved, collided = (db.session.get(Program, i) for i in ids)
    assert (moved.name, moved.code, moved.category) == ("智能焊接技术", "460110", "装备制造大类")
    assert unresolved.needs_catalogue_choice and collided.needs_catalogue_choice
    assert collided.name == "焊接技术与自动化"


def test_a_fragment_is_answered_with_the_majors_it_could_be(build):
    school = build.school(programs=()).organisation
    with pytest.raises(ServiceError) as refused:
        programs.create_program(school, name="机器人", intake_capacity=40)
    message = str(refused.value.message)
    assert refused.value.field == "name" and "660303 工业机器人技术应用" in message
    assert "专科" not in message and "460305" not in message  # the school's level only


def test_every_group_and_class_of_the_catalogue_has_an_english_name_said_to_be_our_own():
    codes = {r["category_code"] for r in _rows()} | {r["class_code"] for r in _rows()}
    english = catalogue.english_names()
    assert len({c for c in codes if len(c) == 2}) == 38  # 19 大类 at each level
    assert codes <= set(english) and set(english) <= codes
    assert all(
        name.strip() and not any("\u4e00" <= ch <= "\u9fff" for ch in name) for name in english.values()
    )
    with open(catalogue.ENGLISH_FILE, encoding="utf-8") as handle:
        provenance = handle.readline()
    assert "not an official translation" in provenance and "Chinese only" in provenance
    # A 中职 group reads as its 专科 twin, whose name it shares.
    assert catalogue.group_label("装备制造大类", "en") == english["66"] == english["46"]
    assert catalogue.group_label("装备制造大类", "zh") == "装备制造大类"
    assert catalogue.group_label("自动化类", "en") == "Automation"
    assert catalogue.group_label("某个不在目录中的名字", "en") == "某个不在目录中的名字"


def test_english_catalogue_pages_name_groups_classes_and_levels_in_english(build, client):
    user = build.school(programs=())
    known = programs.create_program(user.organisation, name="焊接技术应用", intake_capacity=40)
    programs.publish_program(known)
    db.session.commit()
    zh = client.get("/catalogue?level=中职&category=装备制造大类").get_data(as_text=True)
    assert "66 装备制造大类" in zh and "Equipment Manufacturing" not in zh
    client.post("/lang", data={"lang": "en"})
    en = client.get("/catalogue?level=中职&category=装备制造大类").get_data(as_text=True)
    assert ">Equipment Manufacturing</option>" in en and "66 Equipment Manufacturing" in en
    assert "6601 Mechanical design and manufacturing" in en and "<td>secondary</td>" in en
    assert "装备制造大类</option>" not in en and "66 装备制造大类" not in en
    page = client.get(f"/majors/{known.id}").get_data(as_text=True)
    assert "secondary · Equipment Manufacturing" in page
    csv_en = client.get("/catalogue.csv?level=中职&category=装备制造大类").get_data().decode("utf-8-sig")
    assert "66 Equipment Manufacturing" in csv_en
